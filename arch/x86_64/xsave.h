/* The XSAVE feature set on the host: turning it on at take-over, and the rule XSETBV applies to a new
 * XCR0 (SDM Vol. 1 §13.3 "Enabling the XSAVE Feature Set and XSAVE-Enabled Features"; Vol. 2D
 * "XSETBV—Set Extended Control Register"), so the hypervisor can refuse a value before its own
 * XSETBV would fault. */
#ifndef ARCH_X86_64_XSAVE_H
#define ARCH_X86_64_XSAVE_H

#include <stdbool.h>
#include <stdint.h>

/* Why an XCR0 value would make XSETBV fault, or XCR0_OK. The first rule broken, in this order. */
enum xcr0_verdict {
	XCR0_OK = 0,
	XCR0_NO_XSAVE,            /* CR4.OSXSAVE is 0 here: XSETBV itself would #UD */
	XCR0_NO_X87,              /* bit 0 clear */
	XCR0_UNSUPPORTED,         /* a bit CPUID.(EAX=0DH,ECX=0):EDX:EAX does not offer */
	XCR0_AVX_WITHOUT_SSE,     /* bit 2 without bit 1 */
	XCR0_MPX_PARTIAL,         /* bits 4:3 neither 00b nor 11b */
	XCR0_AVX512_PARTIAL,      /* bits 7:5 neither 000b nor 111b */
	XCR0_AVX512_WITHOUT_AVX,  /* bits 7:5 set without bit 2 */
	XCR0_AMX_PARTIAL,         /* bits 18:17 neither 00b nor 11b */
};

/* The rule itself: a pure function of the value and the supported mask (CPUID.(EAX=0DH,ECX=0):
 * EDX:EAX). Never XCR0_NO_XSAVE. */
enum xcr0_verdict xcr0_check(uint64_t xcr0, uint64_t supported);

/* The rule on this CPU: XCR0_NO_XSAVE while CR4.OSXSAVE is 0, else xcr0_check against what CPUID
 * offers. XCR0_OK means an XSETBV of xcr0 to XCR0 cannot fault here. */
enum xcr0_verdict xcr0_check_host(uint64_t xcr0);

/* A short text for a verdict, e.g. "AVX (bit 2) without SSE (bit 1)". */
const char *xcr0_verdict_text(enum xcr0_verdict v);

/* At take-over: set CR4.OSXSAVE when CPUID.1:ECX.XSAVE is 1 (firmware often leaves it clear), so the
 * hypervisor can execute a guest's valid XSETBV. Returns whether CR4.OSXSAVE is now 1. */
bool xsave_enable(void);

#endif
