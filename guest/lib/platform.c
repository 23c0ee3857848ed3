/* guest/lib/platform.c: the end of a run (exit_qemu) and the hypervisor check. */
#include "guest.h"

void exit_qemu(uint32_t code)
{
	outl(DEBUG_EXIT_PORT, code);
	for (;;) /* no debug-exit device: stop here */
		__asm__ volatile("cli\n\thlt");
}

/* CPUID.1:ECX bit 31 says a hypervisor is present; leaf 0x40000000 then names it. */
int hv_is_minihv(char vendor[13])
{
	uint32_t r[4];

	vendor[0] = '\0';
	cpuid(1, r);
	if (!(r[2] & (1u << 31)))
		return 0;
	cpuid(CPUID_HV_BASE, r);
	for (int i = 0; i < 12; i++) { /* EBX, ECX, EDX, little-endian; printable or '?' */
		char c = (char)(r[1 + i / 4] >> (8 * (i % 4)));
		vendor[i] = (char)(c >= ' ' && c <= '~' ? c : '?');
	}
	vendor[12] = '\0';
	return memcmp(vendor, "MiniHVMiniHV", 12) == 0;
}
