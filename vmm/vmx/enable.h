/* Turning VMX operation on and off on this CPU. */
#ifndef VMM_VMX_ENABLE_H
#define VMM_VMX_ENABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "vmm/status.h"
#include "vmm/vmx/caps.h"

/* IA32_FEATURE_CONTROL, the CR0/CR4 fixed bits, then VMXON. HV_OK or a status with why. */
enum hv_status vmx_enable(const struct vmx_caps *caps, char *why, size_t why_len);
/* The same on an AP: no log lines, the VMXON region given (a zeroed page), vmx_is_on untouched
 * (it is the BSP's). */
enum hv_status vmx_enable_quiet(const struct vmx_caps *caps, uint64_t region, char *why, size_t why_len);
/* VMXOFF and CR4.VMXE clear, if VMX is on. */
void vmx_disable(void);
bool vmx_is_on(void);

#endif
