/* guest/kernels/realmode.c: leaves 32-bit protected mode for real mode and comes back. In real
 * mode it installs its own IVT entry, runs INT 0x66 through it and prints through COM1; back in
 * protected mode it checks what happened there. The mode switches are realmode16.asm's. Exit code
 * (port 0xF4): the number of failed checks.
 *
 *   qemu-system-x86_64 -nodefaults -nographic -serial stdio -m 64 \
 *       -device isa-debug-exit,iobase=0xf4,iosize=0x4 -kernel build/guest/kernels/realmode.elf
 *   (exit status 1 = (0 << 1) | 1) */
#include "guest.h"

uint32_t realmode_int(uint32_t ax, uint32_t *real_cr0); /* realmode16.asm */

#define INPUT     0x1234u
#define TRAMP_SEG 0x0800u /* where realmode16.asm runs in real mode */

static unsigned failures;

static void check(int ok, const char *what)
{
	printf("realmode: %s: %s\n", what, ok ? "ok" : "FAIL");
	failures += !ok;
}

void kmain(uint32_t magic, uint32_t info)
{
	uint32_t real_cr0 = ~0u, r;

	(void)info;
	printf("realmode: protected mode, CR0 0x%lx, EAX 0x%x\n", read_cr0(), magic);
	r = realmode_int(INPUT, &real_cr0);
	printf("realmode: CR0 in real mode 0x%x, the handler ran at CS 0x%x and returned AX 0x%x\n", real_cr0,
	       r >> 16, r & 0xffff);
	check(!(real_cr0 & CR0_PE), "CR0.PE was 0 in real mode");
	check(r >> 16 == TRAMP_SEG, "INT 0x66 went through our IVT entry (CS 0x0800)");
	check((r & 0xffff) == (~INPUT & 0xffff), "the handler's result came back (AX = NOT 0x1234)");
	check((read_cr0() & CR0_PE) != 0, "protected mode again, CR0.PE = 1");
	printf("realmode: %u failed\n", failures);
	exit_qemu(failures);
}
