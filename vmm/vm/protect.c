/* HC_PROTECT's pages: the EPT entry changed first, the page recorded only once it has. The record
 * is one struct protected_page per guest page, in 2 MiB chunks under a directory (vmm/vm/vm.h), so
 * an EPT violation finds its page in two loads with 1 or 100,000 pages protected. */
#include "vmm/vm/protect.h"
#include "arch/lib/fmt.h"
#include "arch/lib/page_pool.h"
#include "ept/ept.h"
#include "vmm/vm/guest_ept.h"
#include "vmm/vm/shootdown.h"
#include "vmm/vm/vm.h"

#define CHUNK_BYTES (1ull << PROTECT_CHUNK_SHIFT)   /* guest memory one chunk covers */

_Static_assert(PROTECT_CHUNK_PAGES * sizeof(struct protected_page) == PAGE_SIZE, "a chunk is one pool page");
_Static_assert(PROTECT_CHUNK_PAGES * PAGE_SIZE == CHUNK_BYTES, "a chunk covers 2^PROTECT_CHUNK_SHIFT bytes");

enum hv_status protect_init(struct vm *vm, char *why, size_t why_len)
{
	uint64_t chunks = (vm->mem_size + CHUNK_BYTES - 1) / CHUNK_BYTES;
	uint64_t pages = (chunks * sizeof(struct protected_page *) + PAGE_SIZE - 1) / PAGE_SIZE;
	uint64_t dir = pool_alloc_contiguous(pages);

	if (!dir) {
		hv_snprintf(why, why_len, "page pool exhausted: %llu pages for the protected-page directory",
			    (unsigned long long)pages);
		return HV_E_NOMEM;
	}
	vm->protect_dir = (struct protected_page **)dir;
	vm->protect_chunks = chunks;
	vm->nprotected = vm->nresume = 0;
	return HV_OK;
}

struct protected_page *protect_find(struct vm *vm, gpa_t gpa)
{
	struct protected_page *p;

	if (!guest_gpa_in_region(vm, gpa, 1))
		return 0;
	p = protect_record(vm, gpa);
	return p && p->is_protected ? p : 0;
}

gpa_t protect_gpa(const struct vm *vm, const struct protected_page *p)
{
	for (uint64_t c = 0; c < vm->protect_chunks; c++) {
		const struct protected_page *chunk = vm->protect_dir[c];

		if (chunk && p >= chunk && p < chunk + PROTECT_CHUNK_PAGES)
			return vm->mem_base + c * CHUNK_BYTES + (uint64_t)(p - chunk) * PAGE_SIZE;
	}
	return 0;
}

/* The record of gpa (protected or not), its chunk allocated if need be; 0 if the pool is empty. */
static struct protected_page *slot(struct vm *vm, gpa_t gpa)
{
	uint64_t off = gpa - vm->mem_base;
	struct protected_page **chunk = &vm->protect_dir[off / CHUNK_BYTES];

	if (!*chunk) {
		uint64_t page = pool_alloc_page();

		if (!page)
			return 0;
		*chunk = (struct protected_page *)page;
	}
	return &(*chunk)[(off % CHUNK_BYTES) / PAGE_SIZE];
}

int protect_set_perm(struct vm *vm, gpa_t gpa, unsigned perm)
{
	struct ept_attr attr = { perm, EPT_MT_WB, false };
	enum ept_flush flush = EPT_FLUSH_NONE;
	int err = perm ? ept_map(&vm->ept, gpa, guest_hpa(vm, gpa), PAGE_SIZE, attr, EPT_MAP_REPLACE, &flush)
		       : ept_unmap(&vm->ept, gpa, PAGE_SIZE, &flush);

	if (err == EPT_OK)
		vm_ept_changed(vm, flush);
	return err;
}

static unsigned ept_perm_from_hc(uint64_t perm)
{
	return ((perm & HC_PERM_R) ? EPT_READ : 0) | ((perm & HC_PERM_W) ? EPT_WRITE : 0) |
	       ((perm & HC_PERM_X) ? EPT_EXEC : 0);
}

static int64_t protect_check(const struct vm *vm, gpa_t gpa, uint64_t perm, uint64_t on_fault)
{
	if (gpa & (PAGE_SIZE - 1))
		return HC_E_ALIGN;
	if (!guest_gpa_in_region(vm, gpa, PAGE_SIZE))
		return HC_E_RANGE;
	if ((perm & ~(uint64_t)HC_PERM_ALL) || ((perm & HC_PERM_W) && !(perm & HC_PERM_R)) || on_fault > HC_FAULT_RESUME)
		return HC_E_INVAL;
	if ((perm & HC_PERM_ALL) == HC_PERM_X && !vm->caps->ept_exec_only)
		return HC_E_INVAL;
	if (on_fault == HC_FAULT_RESUME && !vm->resume_rip)
		return HC_E_NORESUME;
	if (vm_misconfig_owner(vm, gpa))
		return HC_E_INVAL;   /* the HC_EPT_MISCONFIG_DEMO page: its planted entry stays until touched */
	return 0;
}

int64_t protect_page(struct vm *vm, gpa_t gpa, uint64_t perm, uint64_t on_fault)
{
	struct protected_page *p;
	unsigned ept_perm = ept_perm_from_hc(perm);
	int64_t err = protect_check(vm, gpa, perm, on_fault);

	if (err)
		return err;
	/* The record's chunk first (nothing visible changes if that fails), then the EPT: a page is
	 * recorded as protected only once its entry really changed. */
	p = slot(vm, gpa);
	if (!p || protect_set_perm(vm, gpa, ept_perm) != EPT_OK)
		return HC_E_NOMEM;
	if (!p->is_protected) {
		*p = (struct protected_page){ .is_protected = 1 };
		vm->nprotected++;
	}
	vm->nresume -= p->on_fault == HC_FAULT_RESUME;
	vm->nresume += on_fault == HC_FAULT_RESUME;
	p->perm = (uint8_t)ept_perm;
	p->on_fault = (uint8_t)on_fault;
	return 0;
}

int protect_regrant(struct vm *vm, struct protected_page *p, gpa_t gpa)
{
	int err = protect_set_perm(vm, gpa, EPT_READ | EPT_WRITE | EPT_EXEC);

	if (err == EPT_OK) {
		vm->nresume -= p->on_fault == HC_FAULT_RESUME;
		vm->nprotected--;
		*p = (struct protected_page){ 0 };
	}
	return err;
}
