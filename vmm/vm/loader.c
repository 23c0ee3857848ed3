/* Guest loading: the guest boot_info names (vmm/vm/guest_select.h) in the format its first bytes
 * say: an MHVGUEST image (checked, then laid out with page tables, GDT and TSS in its 4 MiB,
 * GPA == HPA) or a Multiboot kernel (vmm/vm/mb_guest.c: GPA 0 wherever boot/ found its memory).
 * A guest that is refused gets one line naming the problem, and the built-in default guest runs
 * instead; then the EPT that maps exactly the guest's memory (docs/guest-abi.md). */
#include "vmm/vm/loader.h"
#include "arch/lib/fmt.h"
#include "arch/lib/log.h"
#include "arch/lib/page_pool.h"
#include "arch/lib/str.h"
#include "arch/x86_64/pte.h"
#include "arch/x86_64/segment.h"
#include "vmm/vm/guest_ept.h"
#include "vmm/vm/guest_select.h"
#include "vmm/vm/image.h"
#include "vmm/vm/layout.h"
#include "vmm/vm/mb_guest.h"

#define REFUSAL_MAX 192

/* Guest page tables: GVA 0-4 GiB -> GPA 0-4 GiB with 2 MiB pages. Only the guest's own region
 * is backed by EPT; every other GPA the guest touches is an EPT violation. */
static void build_guest_paging(uint64_t base)
{
	uint64_t *pml4 = (uint64_t *)(base + GUEST_PML4_OFFSET);
	uint64_t *pdpt = (uint64_t *)(base + GUEST_PDPT_OFFSET);

	pml4[0] = (base + GUEST_PDPT_OFFSET) | PTE_P | PTE_RW;
	for (int i = 0; i < GUEST_PD_COUNT; i++) {
		uint64_t *pd = (uint64_t *)(base + GUEST_PD_OFFSET + (uint64_t)i * PAGE_SIZE);
		pdpt[i] = (uint64_t)pd | PTE_P | PTE_RW;
		for (int j = 0; j < PT_ENTRIES; j++)
			pd[j] = ((uint64_t)i << 30) + (uint64_t)j * PAGE_SIZE_2M + (PTE_P | PTE_RW | PTE_PS);
	}
}

/* GDT: null, 64-bit code (0x08), data (0x10), available 64-bit TSS (0x18, 16 bytes). The guest's
 * TR is loaded from the VMCS (busy, as VM entry requires); the GDT holds it available, as an OS's
 * GDT does before its LTR, so the guest can load it itself. */
static void build_guest_gdt(uint64_t base)
{
	uint64_t *gdt = (uint64_t *)(base + GUEST_GDT_OFFSET);
	uint64_t tss = base + GUEST_TSS_OFFSET;

	gdt[0] = 0;
	gdt[GUEST_SEL_CODE64 / 8] = seg_desc(0, SEG_LIMIT_4G, GUEST_AR_CODE64);
	gdt[GUEST_SEL_DATA / 8] = seg_desc(0, SEG_LIMIT_4G, GUEST_AR_DATA);
	seg_desc_system64(&gdt[GUEST_SEL_TSS / 8], tss, GUEST_TSS_LIMIT, GUEST_AR_TSS_GDT);
}

/* An MHVGUEST image (checked by the caller) into its 4 MiB at their preferred GPA, GPA == HPA. */
static void load_mhvguest(struct vm *vm, const struct guest_choice *c, const struct guest_header *h)
{
	const struct boot_info *bi = vm->bi;

	vm->multiboot = false;
	vm->mem_base = vm->mem_hpa = bi->guest_mem_base;
	vm->mem_size = bi->guest_mem_size;
	mem_zero((void *)vm->mem_base, vm->mem_size);
	build_guest_paging(vm->mem_base);
	build_guest_gdt(vm->mem_base);
	mem_copy((void *)(vm->mem_base + GUEST_IMAGE_OFFSET), c->data, c->size);
	vm->guest_name = c->name;
	vm->load_gpa = vm->mem_base + GUEST_IMAGE_OFFSET;
	vm->entry_gpa = vm->load_gpa + h->entry_offset;
	vm->vcpu[0].launch_regs.gpr[GPR_RDI] = vm->mem_base;
	vm->vcpu[0].launch_regs.gpr[GPR_RSI] = vm->mem_size;
	vm->vcpu[0].launch_regs.gpr[GPR_RDX] = vm->load_gpa;
	if (bi->cfg.test_leak_addresses) {
		/* For the containment test: show the guest where the hypervisor lives. */
		vm->vcpu[0].launch_regs.gpr[8] = bi->image_base;
		vm->vcpu[0].launch_regs.gpr[9] = bi->pool_base;
		hv_log("test: test_leak_addresses=on: guest gets r8=0x%llx (hypervisor image) r9=0x%llx (page pool)",
		       (unsigned long long)bi->image_base, (unsigned long long)bi->pool_base);
	}
	hv_log("guest: %s loaded: %llu bytes at gpa=0x%llx entry=0x%llx memory=0x%llx+0x%llx", vm->guest_name,
	       (unsigned long long)c->size, (unsigned long long)vm->load_gpa, (unsigned long long)vm->entry_gpa,
	       (unsigned long long)vm->mem_base, (unsigned long long)vm->mem_size);
}

/* Loads c in its format: 0, or the refusal's name with the reason in why (nothing loaded). */
static const char *try_load(struct vm *vm, const struct guest_choice *c, char *why, size_t why_len)
{
	struct guest_header h;
	int err;

	if (c->format.format == GUEST_FORMAT_MULTIBOOT1) {
		const char *refused = mb_guest_load(vm, c->name, c->data, c->size, why, why_len);

		if (!refused)
			vm->guest_name = c->name;
		return refused;
	}
	if (c->format.format == GUEST_FORMAT_UNKNOWN) {
		hv_snprintf(why, why_len,
			    "neither a minihv guest (\"MHVGUEST\" at offset 0) nor a Multiboot kernel (magic "
			    "0x1badb002 at a 4-byte aligned offset in the first 8192 bytes)");
		return guest_image_err_name(GUEST_IMAGE_BAD_MAGIC);
	}
	err = guest_image_check(c->data, c->size, GUEST_FILE_MAX, &h, why, why_len);
	if (err != GUEST_IMAGE_OK)
		return guest_image_err_name(err);
	load_mhvguest(vm, c, &h);
	return 0;
}

/* The one line that says why the chosen guest does not run. */
static void log_refusal(const struct boot_info *bi, const struct guest_choice *c, const char *err, const char *why)
{
	static const char fallback[] = "running the built-in default guest instead";

	if (c->source == GUEST_SRC_FILE_ERROR)
		hv_log("guest: \\EFI\\BOOT\\GUEST.BIN rejected: %s; %s", bi->guest_file_error, fallback);
	else if (c->source == GUEST_SRC_NO_BUILTIN)
		hv_log("guest: no built-in guest named \"%s\" (HV.CFG guest=); %s", bi->cfg.guest_name, fallback);
	else if (c->source == GUEST_SRC_FILE)
		hv_log("guest: \\EFI\\BOOT\\GUEST.BIN rejected (%s): %s; %s", err, why, fallback);
	else
		hv_log("guest: built-in guest \"%s\" rejected (%s): %s; %s", c->name, err, why, fallback);
}

enum hv_status guest_load(struct vm *vm, char *why, size_t why_len)
{
	struct guest_choice c;
	char reason[REFUSAL_MAX] = "";
	const char *err = 0;

	guest_choose(vm->bi, &c);
	if (!c.data || (err = try_load(vm, &c, reason, sizeof(reason))) != 0) {
		log_refusal(vm->bi, &c, err, reason);
		if (c.source == GUEST_SRC_BUILTIN && str_eq(c.name, "default")) {
			hv_snprintf(why, why_len, "the built-in default guest is refused (%s): %s", err, reason);
			return HV_E_GUEST;
		}
		guest_choose_default(&c);
		if ((err = try_load(vm, &c, reason, sizeof(reason))) != 0) {   /* a built-in is checked like any other */
			hv_snprintf(why, why_len, "the built-in default guest is refused (%s): %s", err, reason);
			return HV_E_GUEST;
		}
	}
	return guest_ept_build(vm, why, why_len);
}
