/* The hypercalls of docs/guest-abi.md (numbers and codes: vmm/vm/abi.h). */
#ifndef VMM_VM_HYPERCALL_H
#define VMM_VM_HYPERCALL_H

#include "vmm/vm/abi.h"
#include "vmm/vm/vm.h"

/* Run the hypercall in regs (RAX = number); sets RAX. HC_DONE ends the calling vCPU. */
void hypercall_dispatch(struct vcpu *v, struct guest_regs *regs);

#endif
