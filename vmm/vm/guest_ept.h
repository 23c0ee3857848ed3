/* The guest's EPT: the identity map of its memory, built at load; invalidation after changes. */
#ifndef VMM_VM_GUEST_EPT_H
#define VMM_VM_GUEST_EPT_H

#include <stddef.h>

#include "vmm/status.h"
#include "vmm/vm/vm.h"

/* Map [mem_base, mem_base + mem_size) GPA == HPA, rwx, write-back; sets vm->eptp. */
enum hv_status guest_ept_build(struct vm *vm, char *why, size_t why_len);
/* INVEPT after a change the library reported (enum ept_flush; EPT_FLUSH_NONE does nothing). */
void vm_invept(struct vm *vm, int flush);

#endif
