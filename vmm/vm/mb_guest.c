/* A Multiboot kernel as the guest: every check before a byte is written, then the information
 * area, the GDT of the entry state and the segments; GPA 0 is wherever boot/ found the memory. */
#include "vmm/vm/mb_guest.h"

#include "arch/lib/fmt.h"
#include "arch/lib/log.h"
#include "arch/lib/str.h"
#include "vmm/vm/entry_state.h"
#include "vmm/vm/multiboot_info.h"


static const char *kind_name(enum mb_kind k)
{
	return k == MB_KIND_ELF64 ? "ELF64" : k == MB_KIND_ELF32 ? "ELF32" : "a.out kludge";
}

static void log_loaded(const struct vm *vm, const char *name, const struct mb_plan *p, uint32_t info)
{
	const char *cmdline = vm->bi->cfg.cmdline;

	hv_log("guest: %s loaded: Multiboot kernel (%s), %u segment%s, entry=0x%x memory=0x0+0x%llx at hpa=0x%llx",
	       name, kind_name(p->kind), p->segment_count, p->segment_count == 1 ? "" : "s", p->entry,
	       ULL(vm->mem_size), ULL(vm->mem_hpa));
	for (uint32_t i = 0; i < p->segment_count; i++) {
		const struct mb_segment *s = &p->segments[i];

		hv_log("guest: segment %u: gpa=0x%llx-0x%llx: 0x%llx bytes from file offset 0x%llx, the rest zeroed", i,
		       ULL(s->gpa), ULL(s->gpa + s->mem_size - 1), ULL(s->file_size), ULL(s->file_offset));
	}
	hv_log("guest: multiboot info=0x%x mem_lower=%llu mem_upper=%llu cmdline=\"%.64s%s\" boot_loader_name=\"%s\"",
	       info, ULL(MB_LOWER_MEM_END / 1024), ULL((vm->mem_size - MB_UPPER_MEM_START) / 1024), cmdline,
	       str_len(cmdline) > 64 ? "..." : "", MB_LOADER_NAME);
}

/* The refusals that come before the kernel's own checks: the CPU, the memory. */
static const char *check_machine(const struct vm *vm, char *why, size_t why_len)
{
	if (!vm->caps->unrestricted_guest) {
		hv_snprintf(why, why_len,
			    "a Multiboot kernel needs the VM-execution control \"unrestricted guest\" (it starts with "
			    "paging off), which this CPU does not offer");
		return "NEEDS_UNRESTRICTED_GUEST";
	}
	if (!vm->bi->mb_mem_size) {
		hv_snprintf(why, why_len, "%s", vm->bi->mb_mem_error);
		return "NO_MEMORY";
	}
	return 0;
}

const char *mb_guest_load(struct vm *vm, const char *name, const uint8_t *data, uint64_t size, char *why,
			  size_t why_len)
{
	const struct boot_info *bi = vm->bi;
	static struct mb_plan plan;   /* 16 segments: kept off the hypervisor's stack */
	uint8_t *mem = (uint8_t *)(uintptr_t)bi->mb_mem_hpa;
	const char *refused = check_machine(vm, why, why_len);
	uint32_t info = 0;
	enum mb_err err;

	if (refused)
		return refused;
	err = mb_plan(data, size, bi->mb_mem_size, &plan, why, why_len);
	if (err == MB_OK)   /* checks the strings before it writes anything */
		err = mb_build_info(mem, bi->mb_mem_size, bi->cfg.cmdline, MB_LOADER_NAME, &info, why, why_len);
	if (err != MB_OK)
		return mb_err_name(err);
	entry_state_gdt(mem);
	mb_load(&plan, data, mem);
	vm->multiboot = true;
	vm->mem_base = 0;
	vm->mem_hpa = bi->mb_mem_hpa;
	vm->mem_size = bi->mb_mem_size;
	vm->load_gpa = plan.segments[0].gpa;
	vm->entry_gpa = plan.entry;
	vm->vcpu[0].launch_regs = (struct guest_regs){ 0 };
	vm->vcpu[0].launch_regs.gpr[GPR_RAX] = MULTIBOOT_BOOTLOADER_MAGIC;
	vm->vcpu[0].launch_regs.gpr[GPR_RBX] = info;
	log_loaded(vm, name, &plan, info);
	return 0;
}
