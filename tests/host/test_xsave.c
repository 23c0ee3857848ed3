// SPDX-License-Identifier: MIT
/*
 * tests/host/test_xsave.c - the XSAVE unit (arch/x86_64/xsave.c): the XCR0 validity rule of SDM
 * Vol. 1 §13.3 "Enabling the XSAVE Feature Set and XSAVE-Enabled Features" checked against an
 * independent statement of it for every combination of the bits the rules name, under several
 * supported masks; each rule's verdict by name; the rule on the host (refused while CR4.OSXSAVE is
 * 0); and CR4.OSXSAVE at take-over, set only on a CPU with XSAVE. CPUID and CR4 are faked here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch/lib/array.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpuid.h"
#include "arch/x86_64/cr.h"
#include "arch/x86_64/xsave.h"

/* ------------------------------------------------------------------ a fake CPU */

static uint32_t cpu_leaf1_ecx;                 /* CPUID.1:ECX */
static uint64_t cpu_xcr0_supported;            /* CPUID.(0DH,0):EDX:EAX */
static uint64_t cpu_cr4;
static unsigned cpu_cr4_writes, cpu_cpuid_calls;

void cpuid(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *r)
{
	cpu_cpuid_calls++;
	*r = (struct cpuid_regs){ 0, 0, 0, 0 };
	if (leaf == 1)
		r->ecx = cpu_leaf1_ecx;
	else if (leaf == 0xd && subleaf == 0)
		*r = (struct cpuid_regs){ (uint32_t)cpu_xcr0_supported, 0x340, 0xa88, (uint32_t)(cpu_xcr0_supported >> 32) };
}

uint64_t read_cr4(void) { return cpu_cr4; }
void write_cr4(uint64_t v) { cpu_cr4 = v; cpu_cr4_writes++; }

static int reset(void **state)
{
	(void)state;
	cpu_leaf1_ecx = 0;
	cpu_xcr0_supported = 0;
	cpu_cr4 = 0x668;               /* as OVMF hands over: OSXSAVE clear */
	cpu_cr4_writes = cpu_cpuid_calls = 0;
	return 0;
}

/* ------------------------------------------------------------------ the rule */

/* The rule as the SDM states it (§13.3 and the XSETBV #GP(0) list), written independently of
 * xcr0_check: x87 on; nothing CPUID does not offer; AVX only with SSE; MPX's two components both or
 * neither; AVX-512's three all or none, and only with AVX and SSE; AMX's two both or neither. */
static bool sdm_valid(uint64_t v, uint64_t supported)
{
	unsigned mpx = (v >> 3) & 3, avx512 = (v >> 5) & 7, amx = (v >> 17) & 3;
	bool sse = v & 2, avx = v & 4;

	return (v & 1) && !(v & ~supported) && (!avx || sse) && (mpx == 0 || mpx == 3) &&
	       (avx512 == 0 || (avx512 == 7 && avx && sse)) && (amx == 0 || amx == 3);
}

/* Every combination of the bits the rules name (0-7, PKRU 9, AMX 17-18, APX 19, and 32, 62, 63),
 * under masks from "x87 only" to "all of them": valid exactly when the SDM says so. */
static void test_every_combination(void **state)
{
	static const unsigned bits[] = { 0, 1, 2, 3, 4, 5, 6, 7, 9, 17, 18, 19, 32, 62, 63 };
	static const uint64_t masks[] = {
		0x1, 0x3, 0x7,                /* x87; SSE; AVX (Sandy Bridge .. Broadwell) */
		0x1f, 0xe7, 0xff, 0x2e7,      /* MPX; AVX-512 (Bochs' Skylake-X); both; AVX-512 + PKRU */
		0x602e7, 0x602ff, ~0ull,      /* AMX (Sapphire Rapids); everything named; every bit */
		0x6, 0x8, 0x20,               /* nonsense masks: the rule still holds */
	};
	unsigned long valid = 0, invalid = 0;

	(void)state;
	for (size_t m = 0; m < ARRAY_SIZE(masks); m++) {
		for (uint32_t combo = 0; combo < (1u << ARRAY_SIZE(bits)); combo++) {
			uint64_t v = 0;
			for (size_t b = 0; b < ARRAY_SIZE(bits); b++)
				if (combo & (1u << b))
					v |= 1ull << bits[b];
			enum xcr0_verdict got = xcr0_check(v, masks[m]);
			bool want = sdm_valid(v, masks[m]);
			if ((got == XCR0_OK) != want)
				fail_msg("XCR0=0x%llx supported=0x%llx: %s, the SDM says %s", (unsigned long long)v,
					 (unsigned long long)masks[m], xcr0_verdict_text(got), want ? "valid" : "invalid");
			assert_int_not_equal(got, XCR0_NO_XSAVE);
			valid += want;
			invalid += !want;
		}
	}
	assert_true(valid > 100 && invalid > 100);
}

/* Each rule by itself, on a CPU that offers every component: the verdict names it. */
static void test_each_rule_named(void **state)
{
	static const struct {
		uint64_t v;
		enum xcr0_verdict want;
	} cases[] = {
		{ 0x1, XCR0_OK }, { 0x3, XCR0_OK }, { 0x7, XCR0_OK }, { 0x1b, XCR0_OK }, { 0xe7, XCR0_OK },
		{ 0x2ff, XCR0_OK }, { 0x60003, XCR0_OK }, { 0x602ff, XCR0_OK }, { 0x201, XCR0_OK },
		{ 0x0, XCR0_NO_X87 }, { 0x2, XCR0_NO_X87 }, { 0x602fe, XCR0_NO_X87 },
		{ 0x80001, XCR0_UNSUPPORTED }, { 0x101, XCR0_UNSUPPORTED }, { 1ull << 32 | 1, XCR0_UNSUPPORTED },
		{ 1ull << 63 | 1, XCR0_UNSUPPORTED },
		{ 0x5, XCR0_AVX_WITHOUT_SSE }, { 0xe5, XCR0_AVX_WITHOUT_SSE },
		{ 0x9, XCR0_MPX_PARTIAL }, { 0x11, XCR0_MPX_PARTIAL }, { 0xef, XCR0_MPX_PARTIAL },
		{ 0x21, XCR0_AVX512_PARTIAL }, { 0x47, XCR0_AVX512_PARTIAL }, { 0x87, XCR0_AVX512_PARTIAL },
		{ 0x67, XCR0_AVX512_PARTIAL }, { 0xa7, XCR0_AVX512_PARTIAL }, { 0xc7, XCR0_AVX512_PARTIAL },
		{ 0xe1, XCR0_AVX512_WITHOUT_AVX }, { 0xe3, XCR0_AVX512_WITHOUT_AVX },
		{ 0x20001, XCR0_AMX_PARTIAL }, { 0x40003, XCR0_AMX_PARTIAL }, { 0x202ff, XCR0_AMX_PARTIAL },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		enum xcr0_verdict got = xcr0_check(cases[i].v, 0x602ffull);
		if (got != cases[i].want)
			fail_msg("XCR0=0x%llx: %s, want %s", (unsigned long long)cases[i].v, xcr0_verdict_text(got),
				 xcr0_verdict_text(cases[i].want));
	}
	/* On a CPU without the component, the supported mask speaks first. */
	assert_int_equal(xcr0_check(0x9, 0x7), XCR0_UNSUPPORTED);
	assert_int_equal(xcr0_check(0x27, 0x7), XCR0_UNSUPPORTED);
	assert_int_equal(xcr0_check(0x5, 0x3), XCR0_UNSUPPORTED);
}

static void test_verdict_texts(void **state)
{
	(void)state;
	for (int v = XCR0_OK; v <= XCR0_AMX_PARTIAL; v++) {
		const char *t = xcr0_verdict_text((enum xcr0_verdict)v);
		assert_non_null(t);
		assert_true(strlen(t) > 4 && strcmp(t, "?"));
	}
	assert_string_equal(xcr0_verdict_text(XCR0_AVX_WITHOUT_SSE), "AVX (bit 2) without SSE (bit 1)");
	assert_string_equal(xcr0_verdict_text((enum xcr0_verdict)99), "?");
}

/* ------------------------------------------------------------------ the rule on the host */

static void test_host_without_osxsave_refuses_all(void **state)
{
	(void)state;
	cpu_xcr0_supported = 0x7;
	assert_int_equal(xcr0_check_host(0x1), XCR0_NO_XSAVE);
	assert_int_equal(xcr0_check_host(0x7), XCR0_NO_XSAVE);
	assert_int_equal(cpu_cpuid_calls, 0);          /* leaf 0xd may not even exist there */
	cpu_cr4 |= CR4_OSXSAVE;
	assert_int_equal(xcr0_check_host(0x7), XCR0_OK);
	assert_int_equal(xcr0_check_host(0x27), XCR0_UNSUPPORTED);
	cpu_xcr0_supported = 0xe7;                     /* from EDX:EAX of leaf 0xd */
	assert_int_equal(xcr0_check_host(0xe7), XCR0_OK);
	cpu_xcr0_supported = 1ull << 32 | 0x3;
	assert_int_equal(xcr0_check_host(1ull << 32 | 0x3), XCR0_OK);
}

/* ------------------------------------------------------------------ take-over */

static void test_enable_sets_osxsave_with_xsave(void **state)
{
	(void)state;
	cpu_leaf1_ecx = CPUID_1_ECX_XSAVE;
	assert_true(xsave_enable());
	assert_int_equal(cpu_cr4, 0x668 | CR4_OSXSAVE);   /* nothing else changed */
	assert_int_equal(cpu_cr4_writes, 1);
	assert_true(xsave_enable());                       /* already on: no second write */
	assert_int_equal(cpu_cr4_writes, 1);
}

static void test_enable_leaves_cr4_without_xsave(void **state)
{
	(void)state;
	cpu_leaf1_ecx = ~CPUID_1_ECX_XSAVE;               /* every other feature */
	assert_false(xsave_enable());
	assert_int_equal(cpu_cr4, 0x668);
	assert_int_equal(cpu_cr4_writes, 0);
	/* ... and then every XSETBV is refused. */
	assert_int_equal(xcr0_check_host(0x1), XCR0_NO_XSAVE);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, reset, NULL)
	const struct CMUnitTest tests[] = {
		T(test_every_combination),
		T(test_each_rule_named),
		T(test_verdict_texts),
		T(test_host_without_osxsave_refuses_all),
		T(test_enable_sets_osxsave_with_xsave),
		T(test_enable_leaves_cr4_without_xsave),
	};
#undef T
	return cmocka_run_group_tests_name("xsave", tests, NULL, NULL);
}
