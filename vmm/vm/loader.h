/* Guest loading: pick the image, check it, lay out guest memory and build its EPT. */
#ifndef VMM_VM_LOADER_H
#define VMM_VM_LOADER_H

#include <stddef.h>

#include "vmm/status.h"
#include "vmm/vm/vm.h"

enum hv_status guest_load(struct vm *vm, char *why, size_t why_len);

#endif
