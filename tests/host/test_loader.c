// SPDX-License-Identifier: MIT
/*
 * tests/host/test_loader.c - guest loading (vmm/vm/loader.c over vmm/vm/guest_select.c and
 * vmm/vm/mb_guest.c): the format each guest file is dispatched to by its first bytes (MHVGUEST or
 * Multiboot v1, from GUEST.BIN or a built-in named in HV.CFG), a Multiboot kernel loaded at GPA 0
 * of the memory boot/ found for it (GPA != HPA, EPT translating), and every refusal: one line
 * naming the problem, the built-in default guest instead, and nothing written to the refused
 * kernel's memory. The built-in table is the image's: the real default guest and test kernels
 * (build/guest/default.bin and build/guest/builtin/NAME.elf, included by the assembler below).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "arch/lib/log.h"
#include "arch/lib/page_pool.h"
#include "tests/host/exit_harness.h"
#include "vmm/config.h"
#include "vmm/vm/entry_state.h"
#include "vmm/vm/image.h"
#include "vmm/vm/layout.h"
#include "vmm/vm/loader.h"
#include "vmm/vm/multiboot.h"

/* ------------------------------------------------------------------ the built-in guests */

__asm__(".pushsection .rodata\n"
	".balign 16\n"
	"tl_default: .incbin \"build/guest/default.bin\"\n"
	"tl_default_end:\n"
	".balign 16\n"
	"tl_mbinfo: .incbin \"build/guest/builtin/mbinfo.elf\"\n"
	"tl_mbinfo_end:\n"
	".balign 16\n"
	"tl_longmode: .incbin \"build/guest/builtin/longmode.elf\"\n"
	"tl_longmode_end:\n"
	".popsection\n");
extern const uint8_t tl_default[], tl_default_end[], tl_mbinfo[], tl_mbinfo_end[], tl_longmode[], tl_longmode_end[];

/* The layout vmm/vm/guest_select.c reads (build/guest/builtin.asm makes it in the image). */
struct builtin_guest {
	const char *name;
	const uint8_t *start, *end;
};
const struct builtin_guest builtin_guests[] = {
	{ "default", tl_default, tl_default_end },
	{ "mbinfo", tl_mbinfo, tl_mbinfo_end },
	{ "longmode", tl_longmode, tl_longmode_end },
};
const uint64_t builtin_guest_count = 3;

/* ------------------------------------------------------------------ the machine */

#define M2 (2ull << 20)
#define MHV_SIZE (4ull << 20)
#define MB_SIZE (8ull << 20)
#define POOL_SIZE (1ull << 20)
#define FALLBACK "; running the built-in default guest instead"

static struct boot_info bi;   /* fv (exit_harness.c): the log capture and the fake VMCS */
static struct vmx_caps caps;
static struct vm vm;
static struct vcpu vcpu0;
static uint8_t *mhv_mem, *mb_mem, *pool;
static uint8_t kernel[64 * 1024];
static size_t kernel_size;

static uint8_t *map_aligned(uint64_t size)
{
	uint8_t *p = mmap(0, size + M2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	assert_true(p != MAP_FAILED);
	return (uint8_t *)(((uintptr_t)p + M2 - 1) & ~(M2 - 1));
}

static int setup_loader(void **state)
{
	(void)state;
	if (!fake_vm_create(&fv, 0))
		return -1;
	log_set_deferred(false);   /* the loader runs before VMLAUNCH: lines go out at once */
	if (!mhv_mem) {
		mhv_mem = map_aligned(MHV_SIZE);
		mb_mem = map_aligned(MB_SIZE);
		pool = map_aligned(POOL_SIZE);
	}
	memset(mhv_mem, 0xcc, MHV_SIZE);
	memset(mb_mem, 0, MB_SIZE);
	pool_init((uint64_t)(uintptr_t)pool, POOL_SIZE);
	memset(&bi, 0, sizeof(bi));
	config_defaults(&bi.cfg);
	strcpy(bi.cfg.cmdline, "hello minihv");
	bi.guest_mem_base = (uint64_t)(uintptr_t)mhv_mem;
	bi.guest_mem_size = MHV_SIZE;
	bi.mb_mem_hpa = (uint64_t)(uintptr_t)mb_mem;
	bi.mb_mem_size = MB_SIZE;
	caps = fv.caps;   /* Skylake-X-like EPT */
	caps.unrestricted_guest = true;
	memset(&vm, 0, sizeof(vm));
	memset(&vcpu0, 0, sizeof(vcpu0));
	vm.vcpu = &vcpu0;
	vm.nvcpus = 1;
	vcpu0.vm = &vm;
	vm.bi = &bi;
	vm.caps = &caps;
	fake_log_reset();
	return 0;
}

static int teardown_loader(void **state)
{
	(void)state;
	fake_vm_destroy(&fv);
	return 0;
}

/* GUEST.BIN: a copy of a built-in, for a test to change. */
static void guest_file_from(const uint8_t *start, const uint8_t *end)
{
	kernel_size = (size_t)(end - start);
	assert_true(kernel_size <= sizeof(kernel));
	memcpy(kernel, start, kernel_size);
	bi.guest_file = kernel;
	bi.guest_file_size = kernel_size;
}

static void put32(size_t off, uint32_t v)
{
	memcpy(kernel + off, &v, 4);
}

static uint32_t get32(size_t off)
{
	uint32_t v;

	memcpy(&v, kernel + off, 4);
	return v;
}

static void load_ok(void)
{
	char why[256] = "";

	if (guest_load(&vm, why, sizeof(why)) != HV_OK)
		fail_msg("guest_load: %s; log:\n%s", why, fake_log_text());
}

static long find_line(const char *prefix)
{
	return fake_log_find(prefix, 0);
}

static void assert_has_line(const char *prefix)
{
	if (find_line(prefix) < 0)
		fail_msg("no line starting \"%s\"; log:\n%s", prefix, fake_log_text());
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* The default guest ran instead, in its own memory, and the refused kernel's memory is untouched. */
static void assert_default_instead(void)
{
	assert_false(vm.multiboot);
	assert_string_equal(vm.guest_name, "default");
	assert_int_equal(vm.mem_base, (uint64_t)(uintptr_t)mhv_mem);
	assert_int_equal(vm.mem_hpa, vm.mem_base);
	assert_has_line("[hv] guest: default loaded: ");
	assert_has_line("[hv] ept: identity map gpa=");
	assert_true(all_zero(mb_mem, MB_SIZE));
}

/* ------------------------------------------------------------------ formats */

static void test_mhvguest_file(void **state)
{
	char want[256];

	(void)state;
	guest_file_from(tl_default, tl_default_end);
	load_ok();
	assert_false(vm.multiboot);
	assert_string_equal(vm.guest_name, "GUEST.BIN");
	assert_int_equal(vm.mem_base, (uint64_t)(uintptr_t)mhv_mem);
	assert_int_equal(vm.mem_hpa, vm.mem_base);
	assert_int_equal(vm.entry_gpa, vm.mem_base + GUEST_IMAGE_OFFSET + 0x20);
	assert_memory_equal(mhv_mem + GUEST_IMAGE_OFFSET, tl_default, kernel_size);
	snprintf(want, sizeof(want), "[hv] guest: GUEST.BIN loaded: %zu bytes at gpa=0x%llx entry=0x%llx memory=0x%llx+0x400000",
		 kernel_size, (unsigned long long)vm.mem_base + GUEST_IMAGE_OFFSET,
		 (unsigned long long)vm.entry_gpa, (unsigned long long)vm.mem_base);
	assert_int_equal(find_line(want), 0);
	assert_true(all_zero(mb_mem, MB_SIZE));
}

static void test_multiboot_file(void **state)
{
	struct ept_translation t;
	char want[256];
	uint64_t hpa = (uint64_t)(uintptr_t)mb_mem;

	(void)state;
	guest_file_from(tl_mbinfo, tl_mbinfo_end);
	load_ok();
	assert_true(vm.multiboot);
	assert_string_equal(vm.guest_name, "GUEST.BIN");
	assert_int_equal(vm.mem_base, 0);
	assert_int_equal(vm.mem_hpa, hpa);
	assert_int_equal(vm.mem_size, MB_SIZE);
	assert_int_equal(vm.entry_gpa, 0x100010);
	assert_int_equal(vcpu0.launch_regs.gpr[GPR_RAX], 0x2badb002);
	assert_int_equal(vcpu0.launch_regs.gpr[GPR_RBX], 0x8000);
	assert_int_equal(vcpu0.launch_regs.gpr[GPR_RDI], 0);
	/* Segment 0 (file 0x1000, 0x1718 bytes) at GPA 1 MiB, i.e. at HPA mb_mem + 1 MiB. */
	assert_memory_equal(mb_mem + 0x100000, kernel + 0x1000, 0x1718);
	assert_int_equal(mb_mem[0x8000], 0x45);                           /* info flags 0x245 */
	assert_int_equal(mb_mem[0x8001], 0x02);
	assert_string_equal((char *)mb_mem + 0x8200, "hello minihv");
	assert_string_equal((char *)mb_mem + 0x8100, "minihv");
	assert_int_equal(*(uint64_t *)(mb_mem + MB_GDT_GPA + 8), 0x00cf9b000000ffffull);   /* flat 32-bit code */
	assert_int_equal(*(uint64_t *)(mb_mem + MB_GDT_GPA + 16), 0x00cf93000000ffffull);  /* flat data */
	assert_int_equal(ept_translate(&vm.ept, 0x100000, &t), EPT_OK);
	assert_true(t.mapped);
	assert_int_equal(t.hpa, hpa + 0x100000);
	assert_int_equal(ept_translate(&vm.ept, MB_SIZE, &t), EPT_OK);
	assert_false(t.mapped);
	snprintf(want, sizeof(want), "[hv] guest: GUEST.BIN loaded: Multiboot kernel (ELF32), 2 segments, entry=0x100010 "
		 "memory=0x0+0x800000 at hpa=0x%llx", (unsigned long long)hpa);
	assert_line(0, "%s", want);
	assert_line(1, "[hv] guest: segment 0: gpa=0x100000-0x101717: 0x1718 bytes from file offset 0x1000, the rest zeroed");
	assert_line(2, "[hv] guest: segment 1: gpa=0x102000-0x10600f: 0x0 bytes from file offset 0x0, the rest zeroed");
	assert_line(3, "[hv] guest: multiboot info=0x8000 mem_lower=640 mem_upper=7168 cmdline=\"hello minihv\" "
		       "boot_loader_name=\"minihv\"");
	assert_line(4, "[hv] ept: map gpa=0x0-0x7fffff hpa=0x%llx-0x%llx rwx wb tables=3 4k=0x0 2m=0x800000 1g=0x0 eptp=0x%llx",
		    (unsigned long long)hpa, (unsigned long long)hpa + MB_SIZE - 1, (unsigned long long)vm.eptp);
	assert_int_equal(fake_log_nlines(), 5);
}

/* HV.CFG guest= names a built-in Multiboot kernel (the ELF64-built one, converted to ELF32). */
static void test_multiboot_builtin(void **state)
{
	(void)state;
	strcpy(bi.cfg.guest_name, "longmode");
	load_ok();
	assert_true(vm.multiboot);
	assert_string_equal(vm.guest_name, "longmode");
	assert_has_line("[hv] guest: longmode loaded: Multiboot kernel (ELF32), ");
}

/* mem_mib applies to Multiboot guests only: an MHVGUEST guest keeps its 4 MiB identity map even
 * where boot/ also found Multiboot memory. */
static void test_mhvguest_ignores_multiboot_memory(void **state)
{
	(void)state;
	strcpy(bi.cfg.guest_name, "default");
	load_ok();
	assert_false(vm.multiboot);
	assert_int_equal(vm.mem_size, MHV_SIZE);
	assert_true(all_zero(mb_mem, MB_SIZE));
}

/* ------------------------------------------------------------------ refusals */

static void refused(const char *name, const char *reason)
{
	char want[512];

	load_ok();
	snprintf(want, sizeof(want), "[hv] guest: \\EFI\\BOOT\\GUEST.BIN rejected (%s): %s" FALLBACK, name, reason);
	assert_line(0, "%s", want);
	assert_default_instead();
}

static void test_refused_bad_checksum(void **state)
{
	size_t h;

	(void)state;
	guest_file_from(tl_mbinfo, tl_mbinfo_end);
	h = guest_format_detect(kernel, kernel_size).mb_offset;
	put32(h + 8, get32(h + 8) + 1);
	refused("BAD_CHECKSUM", "Multiboot header at offset 0x1000 has a bad checksum: magic 0x1badb002 + flags 0x00000003 + "
				"checksum 0xe4524ffc = 0x00000001, not 0");
}

static void test_refused_truncated(void **state)
{
	(void)state;
	guest_file_from(tl_mbinfo, tl_mbinfo_end);
	bi.guest_file_size = 0x1100;
	refused("TRUNCATED", "program header 0: 0x1718 bytes at file offset 0x1000 pass the end of the file (4352 bytes)");
}

/* ELF32 program header i's field at offset off (p_paddr 12, p_memsz 20). */
static size_t phdr(unsigned i, size_t off)
{
	return get32(28) + 32 * i + off;
}

static void test_refused_overlap(void **state)
{
	(void)state;
	guest_file_from(tl_mbinfo, tl_mbinfo_end);
	put32(phdr(1, 12), 0x101000);
	refused("OVERLAP", "program header 0 [0x100000, 0x101718) overlaps program header 1 [0x101000, 0x105010)");
}

/* A kernel larger than mem_mib: its BSS runs past the end of guest memory. */
static void test_refused_larger_than_memory(void **state)
{
	(void)state;
	guest_file_from(tl_mbinfo, tl_mbinfo_end);
	put32(phdr(1, 20), 0x800000);
	refused("OUTSIDE_MEMORY", "program header 1: [0x102000, 0x902000) crosses the end of guest memory at 0x800000");
}

static void test_refused_entry_outside(void **state)
{
	(void)state;
	guest_file_from(tl_mbinfo, tl_mbinfo_end);
	put32(24, 0x200000);
	refused("BAD_ENTRY", "entry point 0x200000 is in no loaded segment");
}

static void test_refused_required_flag(void **state)
{
	size_t h;

	(void)state;
	guest_file_from(tl_mbinfo, tl_mbinfo_end);
	h = guest_format_detect(kernel, kernel_size).mb_offset;
	put32(h + 4, get32(h + 4) | 4);
	put32(h + 8, get32(h + 8) - 4);
	refused("UNSUPPORTED_FLAG", "flags 0x00000007: required bit 2 (video mode) is not supported: minihv sets no video mode");
}

/* A segment over the information structure. */
static void test_refused_over_info_area(void **state)
{
	(void)state;
	guest_file_from(tl_mbinfo, tl_mbinfo_end);
	put32(phdr(1, 12), 0x9000);
	refused("OVER_INFO_AREA",
		"program header 1: [0x9000, 0xd010) overlaps the Multiboot information area [0x8000, 0x10000)");
}

static void test_refused_unknown_format(void **state)
{
	static uint8_t elf[256] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };

	(void)state;
	bi.guest_file = elf;
	bi.guest_file_size = sizeof(elf);
	refused("BAD_MAGIC", "neither a minihv guest (\"MHVGUEST\" at offset 0) nor a Multiboot kernel (magic 0x1badb002 "
			     "at a 4-byte aligned offset in the first 8192 bytes)");
}

static void test_refused_mhvguest(void **state)
{
	(void)state;
	guest_file_from(tl_default, tl_default_end);
	bi.guest_file_size = 100;
	load_ok();
	assert_has_line("[hv] guest: \\EFI\\BOOT\\GUEST.BIN rejected (TRUNCATED): truncated: header says ");
	assert_default_instead();
}

/* Lynnfield: no "unrestricted guest". The kernel is refused before anything else is looked at;
 * an MHVGUEST guest still runs. */
static void test_refused_without_unrestricted_guest(void **state)
{
	(void)state;
	caps.unrestricted_guest = false;
	guest_file_from(tl_mbinfo, tl_mbinfo_end);
	refused("NEEDS_UNRESTRICTED_GUEST",
		"a Multiboot kernel needs the VM-execution control \"unrestricted guest\" (it starts with paging off), "
		"which this CPU does not offer");
}

static void test_refused_builtin_names_it(void **state)
{
	(void)state;
	caps.unrestricted_guest = false;
	strcpy(bi.cfg.guest_name, "mbinfo");
	load_ok();
	assert_has_line("[hv] guest: built-in guest \"mbinfo\" rejected (NEEDS_UNRESTRICTED_GUEST): a Multiboot kernel");
	assert_default_instead();
}

static void test_refused_without_memory(void **state)
{
	(void)state;
	bi.mb_mem_size = 0;
	strcpy(bi.mb_mem_error, "HV.CFG mem_mib=4096: the firmware has no 4096 MiB in one block (EFI status "
				"0x8000000000000009); the most it could give is 460 MiB");
	guest_file_from(tl_mbinfo, tl_mbinfo_end);
	refused("NO_MEMORY", bi.mb_mem_error);
}

static void test_file_unreadable(void **state)
{
	(void)state;
	strcpy(bi.guest_file_error, "file is empty");
	load_ok();
	assert_line(0, "[hv] guest: \\EFI\\BOOT\\GUEST.BIN rejected: file is empty" FALLBACK);
	assert_default_instead();
}

static void test_no_such_builtin(void **state)
{
	(void)state;
	strcpy(bi.cfg.guest_name, "nosuch");
	load_ok();
	assert_line(0, "[hv] guest: no built-in guest named \"nosuch\" (HV.CFG guest=)" FALLBACK);
	assert_default_instead();
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup_loader, teardown_loader)
	const struct CMUnitTest tests[] = {
		T(test_mhvguest_file),
		T(test_multiboot_file),
		T(test_multiboot_builtin),
		T(test_mhvguest_ignores_multiboot_memory),
		T(test_refused_bad_checksum),
		T(test_refused_truncated),
		T(test_refused_overlap),
		T(test_refused_larger_than_memory),
		T(test_refused_entry_outside),
		T(test_refused_required_flag),
		T(test_refused_over_info_area),
		T(test_refused_unknown_format),
		T(test_refused_mhvguest),
		T(test_refused_without_unrestricted_guest),
		T(test_refused_builtin_names_it),
		T(test_refused_without_memory),
		T(test_file_unreadable),
		T(test_no_such_builtin),
	};
#undef T
	return cmocka_run_group_tests_name("loader", tests, NULL, NULL);
}
