/* The XSAVE feature set on the host: CR4.OSXSAVE at take-over, and the XCR0 validity rule of SDM
 * Vol. 1 §13.3 "Enabling the XSAVE Feature Set and XSAVE-Enabled Features" with the #GP(0) list of
 * Vol. 2D "XSETBV—Set Extended Control Register". Freestanding; host-tested (tests/host/test_xsave.c). */
#include "arch/x86_64/xsave.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpuid.h"
#include "arch/x86_64/cr.h"

/* A group of state components that XSETBV accepts only all set or all clear. */
static bool partial(uint64_t xcr0, uint64_t group)
{
	uint64_t v = xcr0 & group;

	return v != 0 && v != group;
}

enum xcr0_verdict xcr0_check(uint64_t xcr0, uint64_t supported)
{
	if (!(xcr0 & XCR0_X87))
		return XCR0_NO_X87;
	if (xcr0 & ~supported)
		return XCR0_UNSUPPORTED;
	if ((xcr0 & XCR0_AVX) && !(xcr0 & XCR0_SSE))
		return XCR0_AVX_WITHOUT_SSE;
	if (partial(xcr0, XCR0_MPX))
		return XCR0_MPX_PARTIAL;
	if (partial(xcr0, XCR0_AVX512))
		return XCR0_AVX512_PARTIAL;
	if ((xcr0 & XCR0_AVX512) && !(xcr0 & XCR0_AVX))
		return XCR0_AVX512_WITHOUT_AVX;
	if (partial(xcr0, XCR0_AMX))
		return XCR0_AMX_PARTIAL;
	return XCR0_OK;
}

enum xcr0_verdict xcr0_check_host(uint64_t xcr0)
{
	struct cpuid_regs c;

	/* CR4.OSXSAVE can only be 1 on a CPU with XSAVE, so leaf 0DH exists when it is read. */
	if (!(read_cr4() & CR4_OSXSAVE))
		return XCR0_NO_XSAVE;
	cpuid(CPUID_XSAVE_LEAF, 0, &c);
	return xcr0_check(xcr0, ((uint64_t)c.edx << 32) | c.eax);
}

const char *xcr0_verdict_text(enum xcr0_verdict v)
{
	switch (v) {
	case XCR0_OK: return "valid";
	case XCR0_NO_XSAVE: return "XSAVE is off on this CPU (CR4.OSXSAVE=0)";
	case XCR0_NO_X87: return "x87 (bit 0) clear";
	case XCR0_UNSUPPORTED: return "sets a bit CPUID leaf 0xd does not offer";
	case XCR0_AVX_WITHOUT_SSE: return "AVX (bit 2) without SSE (bit 1)";
	case XCR0_MPX_PARTIAL: return "BNDREGS and BNDCSR (bits 3, 4) not both set or both clear";
	case XCR0_AVX512_PARTIAL: return "AVX-512 (bits 5-7) not all set or all clear";
	case XCR0_AVX512_WITHOUT_AVX: return "AVX-512 (bits 5-7) without AVX (bit 2)";
	case XCR0_AMX_PARTIAL: return "TILECFG and TILEDATA (bits 17, 18) not both set or both clear";
	}
	return "?";
}

bool xsave_enable(void)
{
	struct cpuid_regs c;
	uint64_t cr4 = read_cr4();

	cpuid(CPUID_FEATURES, 0, &c);
	if (!(c.ecx & CPUID_1_ECX_XSAVE))
		return false;
	if (!(cr4 & CR4_OSXSAVE))
		write_cr4(cr4 | CR4_OSXSAVE);
	return true;
}
