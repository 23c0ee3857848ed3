/* SDM Vol. 1 §18 "Control-Flow Enforcement Technology (CET)"; Vol. 3A §2.5 "Control Registers"
 * (CR4.CET), IA32_S_CET in Vol. 4. */
#include "arch/x86_64/cet.h"
#include "arch/x86_64/cr.h"
#include "arch/x86_64/msr.h"

bool cet_disable(const struct cpu_ops *ops)
{
	uint64_t cr4 = ops->read_cr4(ops->ctx);

	if (!(cr4 & CR4_CET))
		return false;
	ops->wrmsr(ops->ctx, IA32_S_CET, 0);
	ops->write_cr4(ops->ctx, cr4 & ~CR4_CET);
	return true;
}
