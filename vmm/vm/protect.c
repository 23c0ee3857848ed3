/* HC_PROTECT's pages: the EPT entry changed first, the page recorded only once it has. */
#include "vmm/vm/protect.h"
#include "arch/lib/page_pool.h"
#include "ept/ept.h"
#include "vmm/vm/guest_ept.h"
#include "vmm/vm/vm.h"

struct protected_page *protect_find(struct vm *vm, gpa_t gpa)
{
	gpa &= ~(PAGE_SIZE - 1);
	for (unsigned i = 0; i < vm->nprotected; i++)
		if (vm->protected[i].gpa == gpa)
			return &vm->protected[i];
	return 0;
}

int protect_set_perm(struct vm *vm, gpa_t gpa, unsigned perm)
{
	struct ept_attr attr = { perm, EPT_MT_WB, false };
	enum ept_flush flush = EPT_FLUSH_NONE;
	int err = perm ? ept_map(&vm->ept, gpa, guest_hpa(vm, gpa), PAGE_SIZE, attr, EPT_MAP_REPLACE, &flush)
		       : ept_unmap(&vm->ept, gpa, PAGE_SIZE, &flush);

	if (err == EPT_OK)
		vm_invept(vm, flush);
	return err;
}

static unsigned ept_perm_from_hc(uint64_t perm)
{
	return ((perm & HC_PERM_R) ? EPT_READ : 0) | ((perm & HC_PERM_W) ? EPT_WRITE : 0) |
	       ((perm & HC_PERM_X) ? EPT_EXEC : 0);
}

int64_t protect_page(struct vm *vm, gpa_t gpa, uint64_t perm, uint64_t on_fault)
{
	struct protected_page *p;
	unsigned ept_perm = ept_perm_from_hc(perm);

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
	if (gpa == vm->misconfig_gpa)
		return HC_E_INVAL;   /* the HC_EPT_MISCONFIG_DEMO page: its planted entry stays until touched */
	p = protect_find(vm, gpa);
	if (!p && vm->nprotected == VM_MAX_PROTECTED)
		return HC_E_NOSPACE;
	/* The EPT first: a page is recorded only once its entry really changed. */
	if (protect_set_perm(vm, gpa, ept_perm) != EPT_OK)
		return HC_E_NOMEM;
	if (!p) {
		p = &vm->protected[vm->nprotected++];
		*p = (struct protected_page){ .gpa = gpa };
	}
	p->perm = ept_perm;
	p->on_fault = (unsigned)on_fault;
	return 0;
}

int protect_regrant(struct vm *vm, struct protected_page *p)
{
	int err = protect_set_perm(vm, p->gpa, EPT_READ | EPT_WRITE | EPT_EXEC);

	if (err == EPT_OK)
		*p = vm->protected[--vm->nprotected];
	return err;
}
