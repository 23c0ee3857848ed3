/* Pages of its own memory the guest protected with HC_PROTECT, and the EPT changes behind them. */
#ifndef VMM_VM_PROTECT_H
#define VMM_VM_PROTECT_H

#include <stddef.h>
#include <stdint.h>

#include "arch/lib/types.h"
#include "vmm/status.h"
#include "vmm/vm/vm.h"

/* The directory of the guest's page records (vm->protect_dir), after its memory is known. */
enum hv_status protect_init(struct vm *vm, char *why, size_t why_len);
/* HC_PROTECT(gpa, perm, on_fault): 0 or a HC_E_* code; nothing changes on an error. */
int64_t protect_page(struct vm *vm, gpa_t gpa, uint64_t perm, uint64_t on_fault);
/* The protected page holding gpa, or 0: two loads, whatever the number of protected pages. */
struct protected_page *protect_find(struct vm *vm, gpa_t gpa);

/* The record of gpa, which must be in the guest's memory (protect_find checks; the EPT-violation
 * path has already): 0 when nothing in its 1 MiB was ever protected, else the record, which says
 * whether the page is protected now. */
static inline struct protected_page *protect_record(const struct vm *vm, gpa_t gpa)
{
	uint64_t off = gpa - vm->mem_base;
	struct protected_page *chunk = vm->protect_dir[off >> PROTECT_CHUNK_SHIFT];

	return chunk ? &chunk[(off >> 12) & (PROTECT_CHUNK_PAGES - 1)] : 0;
}
/* The GPA of a record (for tests and rare paths: it searches the directory). */
gpa_t protect_gpa(const struct vm *vm, const struct protected_page *p);
/* The REGRANT policy: full access again, the page (at gpa) forgotten. EPT_OK or an ept_err. */
int protect_regrant(struct vm *vm, struct protected_page *p, gpa_t gpa);
/* Give the page perm (0 = not present), mapped onto its host page, write-back; INVEPT as needed. */
int protect_set_perm(struct vm *vm, gpa_t gpa, unsigned perm);

#endif
