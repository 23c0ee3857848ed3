/* The guest's EPT: its memory mapped, built at load; invalidation after changes. */
#ifndef VMM_VM_GUEST_EPT_H
#define VMM_VM_GUEST_EPT_H

#include <stddef.h>

#include "vmm/status.h"
#include "vmm/vm/vm.h"

/* Map GPA [mem_base, mem_base + mem_size) onto mem_hpa, rwx, write-back; sets vm->eptp. */
enum hv_status guest_ept_build(struct vm *vm, char *why, size_t why_len);
/* INVEPT after a change the library reported: vm_ept_changed (vmm/vm/shootdown.h). */
/* The guest's TLB entries (linear and combined mappings), after a change the CPU would have
 * flushed them for and the hypervisor emulated (a Multiboot guest's CR0.PG, CR3). */
void vm_flush_guest_tlb(struct vm *vm);

#endif
