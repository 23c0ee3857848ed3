/* CPUID facts shared by the take-over and the VT-x probe. */
#include "arch/x86_64/cpuid_info.h"
#include "arch/x86_64/cpuid.h"
#include "arch/x86_64/pte.h"

unsigned cpuid_maxphyaddr(const struct cpu_ops *ops)
{
	struct cpuid_regs r;

	ops->cpuid(ops->ctx, CPUID_EXT_MAX, 0, &r);
	if (r.eax < CPUID_EXT_ADDR_SIZES)
		return MAXPHYADDR_DEFAULT;
	ops->cpuid(ops->ctx, CPUID_EXT_ADDR_SIZES, 0, &r);
	return r.eax & 0xff;
}

unsigned cpuid_linear_width(const struct cpu_ops *ops)
{
	struct cpuid_regs r;

	ops->cpuid(ops->ctx, CPUID_EXT_MAX, 0, &r);
	if (r.eax < CPUID_EXT_ADDR_SIZES)
		return LINEAR_WIDTH_4LEVEL;
	ops->cpuid(ops->ctx, CPUID_EXT_ADDR_SIZES, 0, &r);
	return (r.eax >> CPUID_80000008_EAX_LINEAR_SHIFT) & 0xff;
}
