/* CPUID facts shared by the take-over, the VT-x probe and the VM-entry checker. */
#include "arch/x86_64/cpuid_info.h"
#include "arch/x86_64/cpuid.h"
#include "arch/x86_64/pte.h"

/* CPUID.80000008H:EAX (address sizes), or 0 when that leaf does not exist. */
static uint32_t address_sizes(const struct cpu_ops *ops)
{
	struct cpuid_regs r;

	ops->cpuid(ops->ctx, CPUID_EXT_MAX, 0, &r);
	if (r.eax < CPUID_EXT_ADDR_SIZES)
		return 0;
	ops->cpuid(ops->ctx, CPUID_EXT_ADDR_SIZES, 0, &r);
	return r.eax;
}

unsigned cpuid_maxphyaddr(const struct cpu_ops *ops)
{
	uint32_t eax = address_sizes(ops);

	return eax ? eax & 0xff : MAXPHYADDR_DEFAULT;
}

unsigned cpuid_linear_width(const struct cpu_ops *ops)
{
	uint32_t eax = address_sizes(ops);

	return eax ? (eax >> CPUID_80000008_EAX_LINEAR_SHIFT) & 0xff : LINEAR_WIDTH_4LEVEL;
}
