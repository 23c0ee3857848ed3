/* Reading what VMX offers, and deciding whether this hypervisor can run on it.
 * SDM Vol. 3C §24.6 "Discovering Support for VMX", §24.7 "Enabling and Entering VMX Operation",
 * §24.8 "Restrictions on VMX Operation"; Vol. 3D Appendix A "VMX Capability Reporting Facility". */
#include "vmm/vmx/caps.h"
#include "arch/x86_64/cpuid.h"
#include "arch/x86_64/cpuid_info.h"
#include "arch/x86_64/msr.h"
#include "ept/ept_bits.h"
#include "arch/lib/fmt.h"
#include "vmm/vmx/controls.h"

static void read_vendor(const struct cpu_ops *ops, struct vmx_caps *c)
{
	struct cpuid_regs r;
	uint32_t words[3];

	ops->cpuid(ops->ctx, 0, 0, &r);
	words[0] = r.ebx, words[1] = r.edx, words[2] = r.ecx;
	for (int i = 0; i < 12; i++)
		c->vendor[i] = (char)(words[i / 4] >> (8 * (i % 4)));
	c->vendor[12] = '\0';
}

static bool vendor_is_intel(const char *v)
{
	const char *want = "GenuineIntel";
	for (int i = 0; i < 12; i++)
		if (v[i] != want[i])
			return false;
	return true;
}

static void read_signature(const struct cpu_ops *ops, struct vmx_caps *c, uint32_t eax)
{
	uint32_t family = (eax >> 8) & 0xf, model = (eax >> 4) & 0xf;

	if (family == 0xf)
		family += (eax >> 20) & 0xff;
	if (family == 0x6 || family >= 0xf)
		model |= ((eax >> 16) & 0xf) << 4;
	c->family = family, c->model = model, c->stepping = eax & 0xf;
	c->signature = eax;
	c->maxphyaddr = cpuid_maxphyaddr(ops);
}

/* SDM Vol. 3D Appendix A.3 "VM-Execution Controls" to A.5 "VM-Entry Controls": with
 * IA32_VMX_BASIC[55] the TRUE_ MSRs report the controls without forcing the default1 bits to 1;
 * only then may they be read. */
static void read_controls(const struct cpu_ops *ops, struct vmx_caps *c)
{
	c->true_controls = c->basic & VMX_BASIC_TRUE_CONTROLS;
	c->pinbased = ops->rdmsr(ops->ctx, c->true_controls ? IA32_VMX_TRUE_PINBASED_CTLS : IA32_VMX_PINBASED_CTLS);
	c->procbased = ops->rdmsr(ops->ctx, c->true_controls ? IA32_VMX_TRUE_PROCBASED_CTLS : IA32_VMX_PROCBASED_CTLS);
	c->exit = ops->rdmsr(ops->ctx, c->true_controls ? IA32_VMX_TRUE_EXIT_CTLS : IA32_VMX_EXIT_CTLS);
	c->entry = ops->rdmsr(ops->ctx, c->true_controls ? IA32_VMX_TRUE_ENTRY_CTLS : IA32_VMX_ENTRY_CTLS);
	c->misc = ops->rdmsr(ops->ctx, IA32_VMX_MISC);
	c->cr0_fixed0 = ops->rdmsr(ops->ctx, IA32_VMX_CR0_FIXED0);
	c->cr0_fixed1 = ops->rdmsr(ops->ctx, IA32_VMX_CR0_FIXED1);
	c->cr4_fixed0 = ops->rdmsr(ops->ctx, IA32_VMX_CR4_FIXED0);
	c->cr4_fixed1 = ops->rdmsr(ops->ctx, IA32_VMX_CR4_FIXED1);
	/* SDM Vol. 3D Appendix A.3.3 "Secondary Processor-Based VM-Execution Controls":
	 * IA32_VMX_PROCBASED_CTLS2 exists only if "activate secondary controls" can be 1. */
	c->has_procbased2 = vmx_ctl_allowed1(c->procbased, PROC_ACTIVATE_SECONDARY_CONTROLS);
	if (c->has_procbased2)
		c->procbased2 = ops->rdmsr(ops->ctx, IA32_VMX_PROCBASED_CTLS2);
	/* A.10: IA32_VMX_EPT_VPID_CAP exists only if the secondary controls allow EPT or VPID. */
	c->has_ept_vpid_cap = c->has_procbased2 &&
			      (vmx_ctl_allowed1(c->procbased2, PROC2_ENABLE_EPT) ||
			       vmx_ctl_allowed1(c->procbased2, PROC2_ENABLE_VPID));
	if (c->has_ept_vpid_cap)
		c->ept_vpid_cap = ops->rdmsr(ops->ctx, IA32_VMX_EPT_VPID_CAP);
}

static void derive(struct vmx_caps *c)
{
	uint64_t e = c->ept_vpid_cap;

	c->vmcs_revision = c->basic & VMX_BASIC_REVISION_MASK;
	c->vmcs_size = (c->basic >> VMX_BASIC_REGION_SIZE_SHIFT) & VMX_BASIC_REGION_SIZE_MASK;
	c->ept = c->has_procbased2 && vmx_ctl_allowed1(c->procbased2, PROC2_ENABLE_EPT);
	c->vpid = c->has_procbased2 && vmx_ctl_allowed1(c->procbased2, PROC2_ENABLE_VPID);
	c->unrestricted_guest = c->has_procbased2 && vmx_ctl_allowed1(c->procbased2, PROC2_UNRESTRICTED_GUEST);
	c->mode_based_exec = c->has_procbased2 && vmx_ctl_allowed1(c->procbased2, PROC2_MODE_BASED_EPT_EXEC);
	c->preemption_timer = vmx_ctl_allowed1(c->pinbased, PIN_PREEMPTION_TIMER) &&
			      vmx_ctl_allowed1(c->exit, EXIT_SAVE_PREEMPTION_TIMER);
	c->ept_walk4 = c->ept && (e & VMX_EPT_CAP_PAGE_WALK_LENGTH_4);
	c->ept_wb = c->ept && (e & VMX_EPT_CAP_MEMTYPE_WB);
	c->ept_2m = c->ept && (e & VMX_EPT_CAP_PDE_2MB);
	c->ept_1g = c->ept && (e & VMX_EPT_CAP_PDPTE_1GB);
	c->ept_ad = c->ept && (e & VMX_EPT_CAP_EPT_AD);
	c->ept_exec_only = c->ept && (e & VMX_EPT_CAP_EXECUTE_ONLY);
	c->ept_advanced_info = c->ept && (e & VMX_EPT_CAP_ADVANCED_EXIT_INFO);
	c->invept = c->ept && (e & VMX_EPT_CAP_INVEPT);
	c->invept_single = c->invept && (e & VMX_EPT_CAP_INVEPT_SINGLE_CONTEXT);
	c->invept_all = c->invept && (e & VMX_EPT_CAP_INVEPT_ALL_CONTEXT);
	c->invvpid_all = c->vpid && (e & VMX_VPID_CAP_INVVPID) && (e & VMX_VPID_CAP_INVVPID_ALL_CONTEXT);
}

enum hv_status vmx_probe(const struct cpu_ops *ops, struct vmx_caps *c, char *why, size_t why_len)
{
	struct cpuid_regs r;

	*c = (struct vmx_caps){ 0 };
	why[0] = '\0';
	read_vendor(ops, c);
	ops->cpuid(ops->ctx, 1, 0, &r);
	read_signature(ops, c, r.eax);
	if (!vendor_is_intel(c->vendor)) {
		hv_snprintf(why, why_len, "CPU vendor is %s, not GenuineIntel: no Intel VT-x", c->vendor);
		return HV_E_NO_VTX;
	}
	if (!(r.ecx & CPUID_1_ECX_VMX)) {
		hv_snprintf(why, why_len, "CPUID.1:ECX.VMX[bit 5] = 0: this CPU (or VM) offers no VT-x");
		return HV_E_NO_VTX;
	}
	c->feature_control = ops->rdmsr(ops->ctx, IA32_FEATURE_CONTROL);
	c->basic = ops->rdmsr(ops->ctx, IA32_VMX_BASIC);
	read_controls(ops, c);
	derive(c);
	if (!c->has_procbased2)
		hv_snprintf(why, why_len, "no secondary processor-based controls, so no EPT");
	else if (!c->ept)
		hv_snprintf(why, why_len, "secondary controls do not allow \"enable EPT\" (IA32_VMX_PROCBASED_CTLS2[33] = 0)");
	else if (!c->ept_walk4)
		hv_snprintf(why, why_len, "EPT has no 4-level page walk (IA32_VMX_EPT_VPID_CAP[6] = 0)");
	else if (!c->ept_wb)
		hv_snprintf(why, why_len, "EPT paging structures cannot be write-back (IA32_VMX_EPT_VPID_CAP[14] = 0)");
	else
		return HV_OK;
	return HV_E_NO_EPT;
}

enum hv_status vmx_feature_control_decide(uint64_t fc, uint64_t *write_value, char *why, size_t why_len)
{
	*write_value = 0;
	why[0] = '\0';
	if (!(fc & FEATURE_CONTROL_LOCK)) {
		/* Unlocked: allow VMX outside SMX and lock, so nothing can turn it off until reset. */
		*write_value = fc | FEATURE_CONTROL_VMX_OUTSIDE_SMX | FEATURE_CONTROL_LOCK;
		return HV_OK;
	}
	if (fc & FEATURE_CONTROL_VMX_OUTSIDE_SMX)
		return HV_OK;
	if (fc & FEATURE_CONTROL_VMX_INSIDE_SMX) {
		hv_snprintf(why, why_len, "IA32_FEATURE_CONTROL=0x%llx is locked with VMX allowed only inside SMX (TXT)",
			    (unsigned long long)fc);
		return HV_E_VMX_SMX_ONLY;
	}
	hv_snprintf(why, why_len, "IA32_FEATURE_CONTROL=0x%llx is locked with VMX disabled", (unsigned long long)fc);
	return HV_E_VMX_LOCKED_OFF;
}

enum hv_status vmx_cr_fixup(const char *name, uint64_t cr, uint64_t fixed0, uint64_t fixed1,
			    uint64_t keep, uint64_t *out, char *why, size_t why_len)
{
	uint64_t contradictory = fixed0 & ~fixed1;

	why[0] = '\0';
	*out = (cr | fixed0) & fixed1;
	if (contradictory) {
		hv_snprintf(why, why_len, "%s bits 0x%llx must be both 1 (FIXED0=0x%llx) and 0 (FIXED1=0x%llx)", name,
			    (unsigned long long)contradictory, (unsigned long long)fixed0, (unsigned long long)fixed1);
		return HV_E_CR_FIXED;
	}
	if (cr & keep & ~*out) {
		hv_snprintf(why, why_len, "%s=0x%llx: VMX requires clearing bits 0x%llx that the hypervisor runs on", name,
			    (unsigned long long)cr, (unsigned long long)(cr & keep & ~*out));
		return HV_E_CR_FIXED;
	}
	return HV_OK;
}
