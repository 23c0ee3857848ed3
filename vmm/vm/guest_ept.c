/* The guest's EPT over the hypervisor's page pool: guest memory mapped onto its host memory (the
 * identity map of an MHVGUEST guest, GPA 0 onto wherever a Multiboot guest's memory is;
 * docs/guest-abi.md), and INVEPT after each change the library reports. */
#include "vmm/vm/guest_ept.h"
#include "arch/lib/fmt.h"
#include "arch/lib/log.h"
#include "arch/lib/page_pool.h"
#include "vmm/vm/shootdown.h"
#include "vmm/vmx/controls.h"
#include "vmm/vmx/insn.h"
#include "vmm/vmx/vmcs_fields.h"

static hpa_t ept_alloc(void *ctx)
{
	(void)ctx;
	return pool_alloc_page();
}

/* A table the library unlinked. With several vCPUs another CPU's walk may still hold it: every
 * CPU flushes before the page can be handed out again (the caller holds the EPT lock). */
static void ept_free(void *ctx, hpa_t pa)
{
	struct vm *vm = this_vcpu()->vm;

	(void)ctx;
	if (vm && vm->nvcpus > 1)
		vm_ept_changed(vm, EPT_FLUSH_SINGLE);
	pool_free_page(pa);
}

static void *ept_p2v(void *ctx, hpa_t pa)
{
	(void)ctx;
	return (void *)pa;
}

static const struct ept_allocator pool_allocator = { 0, ept_alloc, ept_free, ept_p2v };

enum hv_status guest_ept_build(struct vm *vm, char *why, size_t why_len)
{
	const struct vmx_caps *c = vm->caps;
	struct ept_caps ec;
	struct ept_attr rwx = { EPT_READ | EPT_WRITE | EPT_EXEC, EPT_MT_WB, false };
	struct ept_stats st;
	char map[96];
	int err;

	ept_caps_from_msr(c->ept_vpid_cap, c->maxphyaddr, false, &ec);
	err = ept_init(&vm->ept, &pool_allocator, &ec, false);
	if (err == EPT_OK)
		err = ept_map(&vm->ept, vm->mem_base, vm->mem_hpa, vm->mem_size, rwx, 0, 0);
	if (err != EPT_OK) {
		hv_snprintf(why, why_len, "EPT for guest memory 0x%llx+0x%llx: %s", (unsigned long long)vm->mem_base,
			    (unsigned long long)vm->mem_size, ept_strerror(err));
		return HV_E_EPT;
	}
	vm->eptp = ept_eptp(&vm->ept);
	ept_get_stats(&vm->ept, &st);
	if (vm->mem_hpa == vm->mem_base)
		hv_snprintf(map, sizeof(map), "identity map gpa=0x%llx-0x%llx", (unsigned long long)vm->mem_base,
			    (unsigned long long)(vm->mem_base + vm->mem_size - 1));
	else
		hv_snprintf(map, sizeof(map), "map gpa=0x%llx-0x%llx hpa=0x%llx-0x%llx", (unsigned long long)vm->mem_base,
			    (unsigned long long)(vm->mem_base + vm->mem_size - 1), (unsigned long long)vm->mem_hpa,
			    (unsigned long long)(vm->mem_hpa + vm->mem_size - 1));
	hv_log("ept: %s rwx wb tables=%llu 4k=0x%llx 2m=0x%llx 1g=0x%llx eptp=0x%llx", map,
	       (unsigned long long)st.tables, (unsigned long long)st.bytes_4k, (unsigned long long)st.bytes_2m,
	       (unsigned long long)st.bytes_1g, (unsigned long long)vm->eptp);
	return HV_OK;
}

void vm_flush_guest_tlb(struct vm *vm)
{
	/* Without VPID every VM entry and exit flushes the guest's linear and combined mappings (SDM
	 * Vol. 3C §29.4.3.1 "Operations that Invalidate Cached Mappings"); with it, INVVPID. */
	if (!(vmread64(SECONDARY_VM_EXEC_CONTROL) & PROC2_ENABLE_VPID))
		return;
	invvpid(vm->caps->invvpid_all ? INVVPID_TYPE_ALL_CONTEXT : INVVPID_TYPE_SINGLE_CONTEXT,
		(uint16_t)vmread64(VIRTUAL_PROCESSOR_ID), 0);
}
