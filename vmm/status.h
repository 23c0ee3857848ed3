/* Outcomes of a hypervisor run. Each has a stable name and code printed in the log
 * ("[hv] FATAL E_NO_VTX (code 2): ...", "[hv] end: status=E_NO_VTX code=2"). */
#ifndef VMM_STATUS_H
#define VMM_STATUS_H

enum hv_status {
	HV_OK = 0,
	HV_E_NO_VTX = 2,          /* not an Intel CPU, or CPUID.1:ECX.VMX = 0 */
	HV_E_VMX_LOCKED_OFF = 3,  /* IA32_FEATURE_CONTROL locked with VMX disabled */
	HV_E_VMX_SMX_ONLY = 4,    /* locked with VMX allowed only inside SMX */
	HV_E_NO_EPT = 5,          /* no secondary controls, no EPT, no 4-level walk or no WB */
	HV_E_CR_FIXED = 6,        /* CR0/CR4 cannot meet the VMX fixed bits */
	HV_E_VMXON = 7,           /* VMXON failed */
	HV_E_NOMEM = 8,           /* firmware or page pool out of memory */
	HV_E_BOOT = 9,            /* a UEFI boot service failed (memory map, ExitBootServices) */
	HV_E_CONTROLS = 10,       /* a VMX control the hypervisor needs is not supported */
	HV_E_VMLAUNCH = 11,       /* VMLAUNCH/VMRESUME failed or VM entry failed */
	HV_E_GUEST = 12,          /* the guest was stopped: fault, bad access, timeout */
	HV_E_EPT = 13,            /* building the guest's EPT failed */
	HV_E_SMP = 14,            /* another processor did not answer (an EPT invalidation, a vCPU's end) */
};

const char *hv_status_name(enum hv_status s);   /* "E_NO_VTX"; "OK" */
/* What the user should do about it, in a few words (the end of a FATAL line). */
const char *hv_status_advice(enum hv_status s);

#endif
