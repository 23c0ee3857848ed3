/* The guest's VMCS: controls, host state, guest state, time budget. */
#ifndef VMM_VM_VMCS_SETUP_H
#define VMM_VM_VMCS_SETUP_H

#include <stddef.h>

#include "vmm/status.h"
#include "vmm/vm/vm.h"

/* vCPU 0's VMCS, on the boot processor: compute the controls, allocate the bitmaps and every
 * vCPU's VMCS and exit stack, write vCPU 0's fields, log the budget and vmcs lines. */
enum hv_status vmcs_setup(struct vm *vm, char *why, size_t why_len);
/* Another vCPU's, on its own CPU, quietly: the same fields with its VPID, host TSS and GS base,
 * RIP and RSP from HC_VCPU_START, its own preemption-timer value. */
enum hv_status vmcs_setup_vcpu(struct vcpu *v, char *why, size_t why_len);

#endif
