/* HC_EPT_MISCONFIG_DEMO: a write-only EPT leaf (W without R is a misconfiguration, SDM Vol. 3C
 * §29.3.3.1 "EPT Misconfigurations") on one page of the guest's, repaired at the exit it causes. */
#include "vmm/vm/misconfig_demo.h"
#include "arch/lib/log.h"
#include "arch/lib/page_pool.h"
#include "ept/ept_bits.h"
#include "vmm/vm/guest_ept.h"
#include "vmm/vm/protect.h"

int64_t misconfig_demo_plant(struct vm *vm, gpa_t gpa)
{
	if (gpa & (PAGE_SIZE - 1))
		return HC_E_ALIGN;
	if (!guest_gpa_in_region(vm, gpa, PAGE_SIZE))
		return HC_E_RANGE;
	if (vm->misconfig_gpa || protect_find(vm, gpa))
		return HC_E_INVAL;
	/* Split the page out of its large page first, then plant the bad leaf. */
	if (protect_set_perm(vm, gpa, EPT_READ | EPT_WRITE) != EPT_OK)
		return HC_E_NOMEM;
	if (ept_debug_set_raw_leaf(&vm->ept, gpa, guest_hpa(vm, gpa) |
							  ((uint64_t)EPT_MEMTYPE_WB << EPT_PTE_MEMTYPE_SHIFT) | EPT_PTE_WRITE) != EPT_OK)
		return HC_E_INVAL;
	vm_invept(vm, vm->caps->invept_single ? EPT_FLUSH_SINGLE : EPT_FLUSH_GLOBAL);
	vm->misconfig_gpa = gpa;
	return 0;
}

bool misconfig_demo_planted(const struct vm *vm, gpa_t gpa)
{
	return vm->misconfig_gpa && (gpa & ~(PAGE_SIZE - 1)) == vm->misconfig_gpa;
}

void misconfig_demo_repair(struct vm *vm, bool logged)
{
	struct ept_attr rwx = { EPT_READ | EPT_WRITE | EPT_EXEC, EPT_MT_WB, false };
	enum ept_flush flush = EPT_FLUSH_NONE;

	/* A sane leaf back first (the library refuses to walk a misconfigured one), then the mapping. */
	ept_debug_set_raw_leaf(&vm->ept, vm->misconfig_gpa, guest_hpa(vm, vm->misconfig_gpa) |
				       ((uint64_t)EPT_MEMTYPE_WB << EPT_PTE_MEMTYPE_SHIFT) | EPT_PTE_READ | EPT_PTE_WRITE);
	ept_map(&vm->ept, vm->misconfig_gpa, guest_hpa(vm, vm->misconfig_gpa), PAGE_SIZE, rwx, EPT_MAP_REPLACE, &flush);
	vm_invept(vm, EPT_FLUSH_SINGLE);
	/* Its ept-policy line follows the ept-misconfig line: written if that was, counted if not. */
	if (vm->exit_log && logged)
		hv_log_tagged(LOG_TAG_EPT_POLICY,
			      "ept-policy: gpa=0x%llx misconfiguration planted by HC_EPT_MISCONFIG_DEMO: repaired rwx",
			      (unsigned long long)vm->misconfig_gpa);
	else if (vm->exit_log)
		log_suppress(LOG_TAG_EPT_POLICY);
	vm->misconfig_gpa = 0;
}
