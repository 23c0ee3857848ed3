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
	}
	return "E_UNKNOWN";
}
