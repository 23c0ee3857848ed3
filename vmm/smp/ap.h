/* The application processors: each enters VMX root operation on its own VMXON region and runs
 * one vCPU of the guest once it is started (vmm/vm/vcpu_start.c). */
#ifndef VMM_SMP_AP_H
#define VMM_SMP_AP_H

#include <stdint.h>

#include "vmm/boot_info.h"
#include "vmm/vmx/caps.h"

/* Start bi->cpus.use - 1 APs, one at a time, and log a line for each. The BSP is in VMX root
 * operation already; caps are its capabilities, which every AP must match. Returns the number of
 * CPUs in use (the BSP counts; vCPU i runs on the i-th) and the TSC's ticks per ms (0 when only the
 * BSP runs). Returns 1 at once when HV.CFG cpus= leaves the BSP alone. */
unsigned smp_start_aps(const struct boot_info *bi, const struct vmx_caps *caps, uint64_t *tsc_per_ms);

#endif
