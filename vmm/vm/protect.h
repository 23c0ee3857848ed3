/* Pages of its own memory the guest protected with HC_PROTECT, and the EPT changes behind them. */
#ifndef VMM_VM_PROTECT_H
#define VMM_VM_PROTECT_H

#include <stdint.h>

#include "arch/lib/types.h"

#include "vmm/vm/vm.h"

/* HC_PROTECT(gpa, perm, on_fault): 0 or a HC_E_* code; nothing changes on an error. */
int64_t protect_page(struct vm *vm, gpa_t gpa, uint64_t perm, uint64_t on_fault);
/* The protected page holding gpa, or 0. */
struct protected_page *protect_find(struct vm *vm, gpa_t gpa);
/* The REGRANT policy: full access again, the page forgotten. EPT_OK or an ept_err. */
int protect_regrant(struct vm *vm, struct protected_page *p);
/* Give the page perm (0 = not present), mapped GPA == HPA, write-back; INVEPT as needed. */
int protect_set_perm(struct vm *vm, gpa_t gpa, unsigned perm);

#endif
