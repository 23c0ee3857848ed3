/* guest/kernels/longmode.c: a 64-bit kernel. The library's crt64.asm switches to long mode (its own
 * 4-level page tables: the first GiB identity-mapped with 2 MiB pages; CR4.PAE, EFER.LME, CR0.PG)
 * and calls kmain in 64-bit mode. kmain checks that, then, under minihv, uses the hypercalls of
 * docs/guest-abi.md:
 *   1. HC_PROTECT a page with no access (policy REGRANT) and read it: minihv logs one decoded EPT
 *      violation (a read), gives the access back, and the read completes;
 *   2. HC_PROTECT a page read-only and write it: one EPT violation (a write), likewise;
 *   3. HC_PRINT, then HC_DONE with the number of failures (0), which does not return.
 * VMCALL means something only under minihv: elsewhere it raises #UD (QEMU TCG, bare metal) or is
 * another hypervisor's call (KVM). So the kernel asks CPUID 0x40000000 first; without minihv it
 * stops after the long-mode checks through port 0xF4 with EXIT_NOT_MINIHV (QEMU exit status 33):
 *
 *   qemu-system-x86_64 -nodefaults -nographic -serial stdio -m 64 \
 *       -device isa-debug-exit,iobase=0xf4,iosize=0x4 -kernel build/guest/kernels/longmode.elf */
#include "guest.h"

#define EXIT_NOT_MINIHV 0x10
#define PAGE_SIZE 4096
#define SEL_RPL_TI 7u
#define AR_L (1u << 21) /* LAR: the 64-bit code segment bit */
#define MAGIC_A 0x1122334455667788ull
#define MAGIC_B 0x8877665544332211ull

static volatile uint64_t hidden_page[PAGE_SIZE / 8] __attribute__((aligned(PAGE_SIZE)));
static volatile uint64_t readonly_page[PAGE_SIZE / 8] __attribute__((aligned(PAGE_SIZE)));
static unsigned failures;

static void check(int ok, const char *what)
{
	printf("longmode: %s: %s\n", what, ok ? "ok" : "FAIL");
	failures += !ok;
}

static uint32_t cs_access_rights(void)
{
	uint32_t ar = 0;
	uint64_t cs;

	__asm__("mov %%cs, %0" : "=r"(cs));
	__asm__("lar %1, %0" : "=r"(ar) : "r"((uint32_t)(cs & 0xffff)) : "cc");
	return ar;
}

void kmain(uint32_t magic, uint32_t info)
{
	char vendor[13];
	long r;

	printf("longmode: 64-bit mode, EAX was 0x%x, EBX 0x%x, CR0 0x%lx, CR4 0x%lx\n", magic, info, read_cr0(),
	       read_cr4());
	check((read_cr0() & CR0_PG) && (read_cr4() & CR4_PAE), "paging on with PAE");
	check((cs_access_rights() & AR_L) != 0, "CS is a 64-bit code segment (L = 1)");
	check(sizeof(void *) == 8 && (uintptr_t)&hidden_page < (1ull << 30), "the kernel runs in the identity map");

	if (!hv_is_minihv(vendor)) {
		printf("longmode: hypervisor \"%s\" is not minihv: the hypercall part runs only under minihv\n",
		       vendor);
		exit_qemu(EXIT_NOT_MINIHV);
	}

	hidden_page[0] = MAGIC_A;
	r = hc_protect(hidden_page, 0, HC_FAULT_REGRANT);
	printf("longmode: HC_PROTECT 0x%lx no access: %ld\n", (unsigned long)hidden_page, r);
	check(r == 0 && hidden_page[0] == MAGIC_A, "read of the page without access (one EPT violation)");

	r = hc_protect(readonly_page, HC_PERM_R, HC_FAULT_REGRANT);
	printf("longmode: HC_PROTECT 0x%lx read-only: %ld\n", (unsigned long)readonly_page, r);
	readonly_page[0] = MAGIC_B;
	check(r == 0 && readonly_page[0] == MAGIC_B, "write to the read-only page (one EPT violation)");

	hc_print(failures ? "longmode: done, with failures" : "longmode: done");
	hc_done(failures);
	exit_qemu(failures); /* not reached under minihv: HC_DONE does not return */
}
