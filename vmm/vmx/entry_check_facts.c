/* The facts the VM-entry checker takes from the CPU beyond struct vmx_caps (vmm/vmx/entry_check.h),
 * read through struct cpu_ops so host tests can feed them. Capability MSRs are read only where the
 * SDM says they exist (SDM Vol. 3D Appendix A.11 "VM Functions", A.3.4 "Tertiary Processor-Based
 * VM-Execution Controls"). */
#include "vmm/vmx/entry_check.h"
#include "arch/x86_64/cpuid.h"
#include "arch/x86_64/cpuid_info.h"
#include "arch/x86_64/msr.h"
#include "vmm/vmx/controls.h"

void entry_check_facts_read(const struct cpu_ops *ops, const struct vmx_caps *caps, struct entry_check_facts *f)
{
	struct cpuid_regs r;

	*f = (struct entry_check_facts){ 0 };
	if (caps->has_procbased2 && vmx_ctl_allowed1(caps->procbased2, PROC2_ENABLE_VM_FUNCTIONS))
		f->vmfunc = ops->rdmsr(ops->ctx, IA32_VMX_VMFUNC);
	if (vmx_ctl_allowed1(caps->procbased, PROC_ACTIVATE_TERTIARY_CONTROLS))
		f->procbased3 = ops->rdmsr(ops->ctx, IA32_VMX_PROCBASED_CTLS3);
	f->linear_width = cpuid_linear_width(ops);
	ops->cpuid(ops->ctx, 0, 0, &r);
	if (r.eax >= CPUID_STRUCT_EXT) {
		ops->cpuid(ops->ctx, CPUID_STRUCT_EXT, 0, &r);
		f->rtm = r.ebx & CPUID_7_EBX_RTM;
		f->sgx = r.ebx & CPUID_7_EBX_SGX;
	}
}
