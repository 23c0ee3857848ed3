/* Status names and the advice line each refusal prints (docs/log-format.md). */
#include "vmm/status.h"

const char *hv_status_name(enum hv_status s)
{
	switch (s) {
	case HV_OK: return "OK";
	case HV_E_NO_VTX: return "E_NO_VTX";
	case HV_E_VMX_LOCKED_OFF: return "E_VMX_LOCKED_OFF";
	case HV_E_VMX_SMX_ONLY: return "E_VMX_SMX_ONLY";
	case HV_E_NO_EPT: return "E_NO_EPT";
	case HV_E_CR_FIXED: return "E_CR_FIXED";
	case HV_E_VMXON: return "E_VMXON";
	case HV_E_NOMEM: return "E_NOMEM";
	case HV_E_BOOT: return "E_BOOT";
	case HV_E_CONTROLS: return "E_CONTROLS";
	case HV_E_VMLAUNCH: return "E_VMLAUNCH";
	case HV_E_GUEST: return "E_GUEST";
	case HV_E_EPT: return "E_EPT";
	case HV_E_SMP: return "E_SMP";
	}
	return "E_UNKNOWN";
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
	case HV_E_SMP:
		return "a processor stopped answering (named above); try HV.CFG cpus=1 and report this log";
	default:
		return "see the lines above";
	}
}
