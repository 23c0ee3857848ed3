/* The hypercalls of docs/guest-abi.md (numbers and codes: vmm/vm/abi.h). */
#ifndef VMM_VM_HYPERCALL_H
#define VMM_VM_HYPERCALL_H

#include "vmm/vm/abi.h"
#include "vmm/vm/vm.h"

/* Run the hypercall in regs (RAX = number); sets RAX. HC_DONE ends the guest. */
void hypercall_dispatch(struct vm *vm, struct guest_regs *regs);

#endif
