/* The application processors in phase 1 of issue 16: each enters VMX root operation on its own
 * VMXON region and parks halted; the boot processor runs the guest alone. */
#ifndef VMM_SMP_AP_H
#define VMM_SMP_AP_H

#include "vmm/boot_info.h"
#include "vmm/vmx/caps.h"

/* Start bi->cpus.use - 1 APs, one at a time, and log a line for each. The BSP is in VMX root
 * operation already; caps are its capabilities, which every AP must match. Returns at once when
 * HV.CFG cpus= leaves the BSP alone. */
void smp_start_aps(const struct boot_info *bi, const struct vmx_caps *caps);

#endif
