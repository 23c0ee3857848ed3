/* The capability report: what this CPU's VMX offers, one topic per line (docs/log-format.md). */
#include "vmm/hv.h"
#include "vmm/log.h"

static const char *yn(bool b)
{
	return b ? "yes" : "no";
}

static const char *invept_types(const struct vmx_caps *c)
{
	if (!c->invept)
		return "none";
	if (c->invept_single && c->invept_all)
		return "single,all";
	return c->invept_single ? "single" : c->invept_all ? "all" : "none";
}

void vmx_report_caps(const struct vmx_caps *c)
{
	hv_log("cap: vmcs_revision=0x%x vmcs_size=%u true_controls=%s basic=0x%016llx", c->vmcs_revision,
	       c->vmcs_size, yn(c->true_controls), (unsigned long long)c->basic);
	hv_log("cap: ept=%s walk4=%s wb=%s 2m=%s 1g=%s ad=%s exec_only=%s ept_vpid_cap=0x%016llx", yn(c->ept),
	       yn(c->ept_walk4), yn(c->ept_wb), yn(c->ept_2m), yn(c->ept_1g), yn(c->ept_ad), yn(c->ept_exec_only),
	       (unsigned long long)c->ept_vpid_cap);
	hv_log("cap: vpid=%s unrestricted_guest=%s preemption_timer=%s invept=%s procbased2=0x%08x",
	       yn(c->vpid), yn(c->unrestricted_guest), yn(c->preemption_timer), invept_types(c),
	       (unsigned)(c->procbased2 >> 32));
}

const char *hv_status_advice(enum hv_status s)
{
	switch (s) {
	case HV_E_NO_VTX:
		return "run on an Intel CPU with VT-x; under QEMU use KVM on an Intel host with nested VT-x "
		       "(run-qemu.sh explains)";
	case HV_E_VMX_LOCKED_OFF:
		return "enable Intel Virtualization Technology (VT-x) in the firmware setup, then power-cycle";
	case HV_E_VMX_SMX_ONLY:
		return "enable VT-x outside of TXT/SMX in the firmware setup, then power-cycle";
	case HV_E_NO_EPT:
		return "this hypervisor needs EPT (Intel Nehalem or newer; in a VM, a CPU model that exposes EPT)";
	case HV_E_CR_FIXED:
		return "the firmware left CR0/CR4 in a state VMX cannot use; please report this log";
	case HV_E_VMXON:
		return "another hypervisor may own VMX, or VT-x is disabled in the firmware setup";
	case HV_E_NOMEM:
		return "free memory is too low for the hypervisor's pools";
	case HV_E_CONTROLS:
		return "this CPU lacks a VMX feature the hypervisor needs (named above)";
	case HV_E_VMLAUNCH:
		return "VM entry failed; the lines above name the check and dump the guest state";
	case HV_E_EPT:
		return "building the guest's EPT failed (reason above)";
	default:
		return "see the lines above";
	}
}
