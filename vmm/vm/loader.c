/* Guest loading: pick the image (GUEST.BIN from the boot volume, else a built-in guest), check
 * it, lay out guest memory (page tables, GDT, TSS, image) and build the EPT that maps exactly
 * that memory, GPA == HPA (docs/guest-abi.md). */
#include "vmm/vm/loader.h"
#include "arch/lib/fmt.h"
#include "arch/lib/log.h"
#include "arch/lib/page_pool.h"
#include "arch/lib/str.h"
#include "arch/x86_64/pte.h"
#include "arch/x86_64/segment.h"
#include "vmm/vm/guest_ept.h"
#include "vmm/vm/image.h"
#include "vmm/vm/layout.h"

/* Built-in guests: flat binaries from the guest/ sources, embedded by the build/guest/builtin.asm that
 * mk/guest.mk generates from GUEST_NAMES. */
struct builtin_guest {
	const char *name;
	const uint8_t *start, *end;
};

extern const struct builtin_guest builtin_guests[];
extern const uint64_t builtin_guest_count;

static const struct builtin_guest *find_builtin(const char *name)
{
	for (uint64_t i = 0; i < builtin_guest_count; i++)
		if (str_eq(builtin_guests[i].name, name))
			return &builtin_guests[i];
	return 0;
}

/* The image to run, and where it came from. A bad GUEST.BIN or an unknown name falls back to
 * the built-in default guest, saying why in one line. */
static const uint8_t *choose_image(struct vm *vm, uint64_t *size)
{
	struct boot_info *bi = vm->bi;
	const struct builtin_guest *g;
	struct guest_header h;
	char why[128];

	if (bi->guest_file_error[0]) {
		hv_log("guest: \\EFI\\BOOT\\GUEST.BIN rejected: %s; running the built-in default guest instead",
		       bi->guest_file_error);
	} else if (bi->guest_file) {
		int err = guest_image_check(bi->guest_file, bi->guest_file_size, GUEST_FILE_MAX, &h, why, sizeof(why));
		if (err == GUEST_IMAGE_OK) {
			vm->guest_name = "GUEST.BIN";
			*size = bi->guest_file_size;
			return bi->guest_file;
		}
		hv_log("guest: \\EFI\\BOOT\\GUEST.BIN rejected (%s): %s; running the built-in default guest instead",
		       guest_image_err_name(err), why);
	} else if ((g = find_builtin(bi->cfg.guest_name)) != 0) {
		vm->guest_name = g->name;
		*size = (uint64_t)(g->end - g->start);
		return g->start;
	} else {
		hv_log("guest: no built-in guest named \"%s\" (HV.CFG guest=); running the built-in default guest instead",
		       bi->cfg.guest_name);
	}
	g = find_builtin("default");
	vm->guest_name = g->name;
	*size = (uint64_t)(g->end - g->start);
	return g->start;
}

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

enum hv_status guest_load(struct vm *vm, char *why, size_t why_len)
{
	struct guest_header h;
	uint64_t size = 0;
	const uint8_t *img = choose_image(vm, &size);
	uint8_t *dst = (uint8_t *)(vm->mem_base + GUEST_IMAGE_OFFSET);
	int err = guest_image_check(img, size, GUEST_FILE_MAX, &h, why, why_len);

	if (err != GUEST_IMAGE_OK)   /* a built-in guest is checked like any other */
		return HV_E_GUEST;
	mem_zero((void *)vm->mem_base, vm->mem_size);
	build_guest_paging(vm->mem_base);
	build_guest_gdt(vm->mem_base);
	mem_copy(dst, img, size);
	vm->load_gpa = vm->mem_base + GUEST_IMAGE_OFFSET;
	vm->entry_gpa = vm->load_gpa + h.entry_offset;
	vm->launch_regs.gpr[GPR_RDI] = vm->mem_base;
	vm->launch_regs.gpr[GPR_RSI] = vm->mem_size;
	vm->launch_regs.gpr[GPR_RDX] = vm->load_gpa;
	if (vm->bi->cfg.test_leak_addresses) {
		/* For the containment test: show the guest where the hypervisor lives. */
		vm->launch_regs.gpr[8] = vm->bi->image_base;
		vm->launch_regs.gpr[9] = vm->bi->pool_base;
		hv_log("test: test_leak_addresses=on: guest gets r8=0x%llx (hypervisor image) r9=0x%llx (page pool)",
		       (unsigned long long)vm->bi->image_base,
		       (unsigned long long)vm->bi->pool_base);
	}
	hv_log("guest: %s loaded: %llu bytes at gpa=0x%llx entry=0x%llx memory=0x%llx+0x%llx", vm->guest_name,
	       (unsigned long long)size, (unsigned long long)vm->load_gpa, (unsigned long long)vm->entry_gpa,
	       (unsigned long long)vm->mem_base, (unsigned long long)vm->mem_size);
	return guest_ept_build(vm, why, why_len);
}
