/* The guest's VMCS: controls, host state, guest state, time budget. */
#ifndef VMM_VM_VMCS_SETUP_H
#define VMM_VM_VMCS_SETUP_H

#include <stddef.h>

#include "vmm/status.h"
#include "vmm/vm/vm.h"

enum hv_status vmcs_setup(struct vm *vm, char *why, size_t why_len);

#endif
