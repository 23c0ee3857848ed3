/* HC_EPT_MISCONFIG_DEMO: a write-only EPT leaf (W without R is a misconfiguration, SDM Vol. 3C
 * §29.3.3.1 "EPT Misconfigurations") on one page of the guest's, repaired at the exit it causes. */
#include "vmm/vm/misconfig_demo.h"
#include "arch/lib/log.h"
#include "arch/lib/page_pool.h"
#include "ept/ept_bits.h"
#include "vmm/vm/guest_ept.h"
#include "vmm/vm/protect.h"
#include "vmm/vm/shootdown.h"

/* Each vCPU may have one page planted at a time; the page must be no other vCPU's and unprotected. */
int64_t misconfig_demo_plant(struct vm *vm, gpa_t gpa)
{
	struct vcpu *v = this_vcpu();

	if (gpa & (PAGE_SIZE - 1))
		return HC_E_ALIGN;
	if (!guest_gpa_in_region(vm, gpa, PAGE_SIZE))
		return HC_E_RANGE;
	if (v->misconfig_gpa || vm_misconfig_owner(vm, gpa) || protect_find(vm, gpa))
		return HC_E_INVAL;
	/* Split the page out of its large page first, then plant the bad leaf. */
	if (protect_set_perm(vm, gpa, EPT_READ | EPT_WRITE) != EPT_OK)
		return HC_E_NOMEM;
	if (ept_debug_set_raw_leaf(&vm->ept, gpa, guest_hpa(vm, gpa) |
							  ((uint64_t)EPT_MEMTYPE_WB << EPT_PTE_MEMTYPE_SHIFT) | EPT_PTE_WRITE) != EPT_OK)
		return HC_E_INVAL;
	vm_ept_changed(vm, EPT_FLUSH_SINGLE);   /* all-context where the CPU has no single */
	v->misconfig_gpa = gpa;
	return 0;
}

void misconfig_demo_repair(struct vm *vm, struct vcpu *owner, bool logged)
{
	gpa_t gpa = owner->misconfig_gpa;

	struct ept_attr rwx = { EPT_READ | EPT_WRITE | EPT_EXEC, EPT_MT_WB, false };
	enum ept_flush flush = EPT_FLUSH_NONE;

	/* A sane leaf back first (the library refuses to walk a misconfigured one), then the mapping. */
	ept_debug_set_raw_leaf(&vm->ept, gpa, guest_hpa(vm, gpa) |
				       ((uint64_t)EPT_MEMTYPE_WB << EPT_PTE_MEMTYPE_SHIFT) | EPT_PTE_READ | EPT_PTE_WRITE);
	ept_map(&vm->ept, gpa, guest_hpa(vm, gpa), PAGE_SIZE, rwx, EPT_MAP_REPLACE, &flush);
	vm_ept_changed(vm, EPT_FLUSH_SINGLE);
	/* Its ept-policy line follows the ept-misconfig line: written if that was, counted if not. */
	if (vm->exit_log && logged)
		hv_log_tagged(LOG_TAG_EPT_POLICY,
			      "ept-policy: gpa=0x%llx misconfiguration planted by HC_EPT_MISCONFIG_DEMO: repaired rwx",
			      (unsigned long long)gpa);
	else if (vm->exit_log)
		log_suppress(LOG_TAG_EPT_POLICY);
	owner->misconfig_gpa = 0;
}
