// SPDX-License-Identifier: MIT
/*
 * tests/host/test_vmx_ctl.c - vmx_ctl_compute (vmm/vmx/controls.c): a control
 * field from its capability MSR (low 32 bits = bits that must be 1, high 32 =
 * bits that may be 1) and the controls the hypervisor wants.
 *
 * Secondary-control capabilities are the ones read from Bochs CPU models
 * (values a probe application read from each Bochs model); the primary/pin/exit/entry ones are the
 * common values of Intel Core CPUs (IA32_VMX_*_CTLS as dumped by vmxcap).
 * A model-based check then compares it with a straightforward specification
 * on pseudo-random capabilities and want lists.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "arch/lib/array.h"
#include "vmm/vmx/controls.h"

#define CAP(allowed1, must1) (((uint64_t)(allowed1) << 32) | (uint32_t)(must1))
#define WANT(a) (&(const struct vmx_ctl_wants){ a, ARRAY_SIZE(a) })
#define HV_WANT(w) (&(w))     /* the tables vmm/vm/vmcs_setup.c really uses */
#define UNTOUCHED 0xdeadbeefu

/* A real-mode-capable setup: EPT and unrestricted guest both required. */
static const struct vmx_ctl_want proc2_ug_want[] = {
	{ PROC2_ENABLE_EPT, "enable EPT", 1 },
	{ PROC2_UNRESTRICTED_GUEST, "unrestricted guest", 1 },
	{ PROC2_ENABLE_VPID, "enable VPID", 0 },
};
/* EPT optional: a shadow-paging fallback. */
static const struct vmx_ctl_want proc2_opt_want[] = {
	{ PROC2_ENABLE_EPT, "enable EPT", 0 },
	{ PROC2_ENABLE_VPID, "enable VPID", 0 },
};
/* An optional control the CPU lacks listed before a required one it lacks. */
static const struct vmx_ctl_want proc2_mixed_want[] = {
	{ PROC2_ENABLE_INVPCID, "enable INVPCID", 0 },
	{ PROC2_UNRESTRICTED_GUEST, "unrestricted guest", 1 },
	{ PROC2_ENABLE_EPT, "enable EPT", 1 },
};
/* Asking for a bit the CPU must set anyway. */
static const struct vmx_ctl_want pin_must_want[] = {
	{ 1u << 1, "must-be-1 bit 1", 1 },
	{ PIN_NMI_EXITING, "NMI exiting", 0 },
};

static const struct vmx_ctl_wants no_wants = { NULL, 0 };

struct ctl_case {
	const char *what;
	uint64_t cap;
	const struct vmx_ctl_wants *w;
	int ret;
	uint32_t value;          /* UNTOUCHED when the call fails */
	const char *missing;     /* NULL when the call succeeds */
};

static const struct ctl_case cases[] = {
	/* secondary controls, Bochs models (allowed-1 from test-bench.md, no must-be-1 bits) */
	{ "skylake_x proc2", CAP(0x02177fff, 0), HV_WANT(vmx_proc2_want), 0, 0x106a, NULL },
	{ "skylake_x proc2 + UG", CAP(0x02177fff, 0), WANT(proc2_ug_want), 0, 0xa2, NULL },
	{ "sandy_bridge proc2 + UG", CAP(0x000000ff, 0), WANT(proc2_ug_want), 0, 0xa2, NULL },
	{ "lynnfield proc2 (no INVPCID)", CAP(0x7f, 0), HV_WANT(vmx_proc2_want), 0, 0x6a, NULL },
	{ "sandy_bridge proc2", CAP(0xff, 0), HV_WANT(vmx_proc2_want), 0, 0x6a, NULL },
	/* WBINVD exiting is optional: without it WBINVD runs on the CPU */
	{ "proc2, no WBINVD exiting", CAP(0x103f, 0), HV_WANT(vmx_proc2_want), 0, 0x102a, NULL },
	{ "lynnfield proc2 + UG", CAP(0x7f, 0), WANT(proc2_ug_want), -1, UNTOUCHED, "unrestricted guest" },
	{ "lynnfield mixed", CAP(0x7f, 0), WANT(proc2_mixed_want), -1, UNTOUCHED, "unrestricted guest" },
	{ "penryn proc2 (no EPT)", CAP(0x41, 0), HV_WANT(vmx_proc2_want), -1, UNTOUCHED, "enable EPT" },
	{ "penryn proc2 + UG", CAP(0x41, 0), WANT(proc2_ug_want), -1, UNTOUCHED, "enable EPT" },
	{ "penryn mixed", CAP(0x41, 0), WANT(proc2_mixed_want), -1, UNTOUCHED, "unrestricted guest" },
	{ "penryn proc2, EPT optional", CAP(0x41, 0), WANT(proc2_opt_want), 0, 0, NULL },
	/* the other fields: must-be-1 bits kept, wanted bits added */
	{ "pin", CAP(0x7f, 0x16), HV_WANT(vmx_pin_want), 0, 0x7f, NULL },
	{ "pin, no preemption timer", CAP(0x3f, 0x16), HV_WANT(vmx_pin_want), 0, 0x3f, NULL },
	{ "pin, asking for a must-be-1 bit", CAP(0x3f, 0x16), WANT(pin_must_want), 0, 0x1e, NULL },
	{ "proc", CAP(0xfff9fffe, 0x0401e172), HV_WANT(vmx_proc_want), 0, 0xb619e5f2, NULL },
	{ "proc, no secondary controls", CAP(0x7ff9fffe, 0x0401e172), HV_WANT(vmx_proc_want), -1, UNTOUCHED,
	  "activate secondary controls" },
	{ "proc, no HLT exiting", CAP(0xfff9ff7e, 0x0401e172), HV_WANT(vmx_proc_want), -1, UNTOUCHED, "HLT exiting" },
	{ "proc, no MWAIT exiting", CAP(0xfff9fbfe, 0x0401e172), HV_WANT(vmx_proc_want), -1, UNTOUCHED, "MWAIT exiting" },
	{ "proc, no MONITOR exiting", CAP(0xdff9fffe, 0x0401e172), HV_WANT(vmx_proc_want), -1, UNTOUCHED,
	  "MONITOR exiting" },
	{ "exit", CAP(0x01ffffff, 0x00036dff), HV_WANT(vmx_exit_want), 0, 0x007fefff, NULL },
	{ "exit, no timer save", CAP(0x01bfffff, 0x00036dff), HV_WANT(vmx_exit_want), 0, 0x003fefff, NULL },
	{ "exit, no EFER load", CAP(0x01dfffff, 0x00036dff), HV_WANT(vmx_exit_want), -1, UNTOUCHED, "load IA32_EFER" },
	/* TRUE controls: "save debug controls" (bit 2) may be 0 there, so only asking sets it */
	{ "exit, TRUE controls", CAP(0x01ffffff, 0x00036dfb), HV_WANT(vmx_exit_want), 0, 0x007fefff, NULL },
	{ "exit, no save debug controls", CAP(0x01fffffb, 0x00036dfb), HV_WANT(vmx_exit_want), -1, UNTOUCHED,
	  "save debug controls" },
	{ "exit, no PAT save/load", CAP(0x01f3ffff, 0x00036dfb), HV_WANT(vmx_exit_want), -1, UNTOUCHED, "save IA32_PAT" },
	{ "exit, no PAT load", CAP(0x01f7ffff, 0x00036dfb), HV_WANT(vmx_exit_want), -1, UNTOUCHED, "load IA32_PAT" },
	{ "entry", CAP(0x0003ffff, 0x000011ff), HV_WANT(vmx_entry_want), 0, 0xd3ff, NULL },
	{ "entry, no IA-32e", CAP(0x0003fdff, 0x000011ff), HV_WANT(vmx_entry_want), -1, UNTOUCHED, "IA-32e mode guest" },
	{ "entry, TRUE controls", CAP(0x0003ffff, 0x000011fb), HV_WANT(vmx_entry_want), 0, 0xd3ff, NULL },
	{ "entry, no load debug controls", CAP(0x0003fffb, 0x000011fb), HV_WANT(vmx_entry_want), -1, UNTOUCHED,
	  "load debug controls" },
	{ "entry, no PAT load", CAP(0x0003bfff, 0x000011fb), HV_WANT(vmx_entry_want), -1, UNTOUCHED, "load IA32_PAT" },
	/* nothing wanted: exactly the must-be-1 bits, even all 32 */
	{ "nothing wanted", CAP(0xffffffff, 0x16), &no_wants, 0, 0x16, NULL },
	{ "nothing wanted, nothing allowed", CAP(0, 0), &no_wants, 0, 0, NULL },
	{ "all must be 1", CAP(0xffffffff, 0xffffffff), HV_WANT(vmx_proc2_want), 0, 0xffffffff, NULL },
	{ "nothing allowed", CAP(0, 0), WANT(proc2_opt_want), 0, 0, NULL },
	{ "nothing allowed, EPT required", CAP(0, 0), HV_WANT(vmx_proc2_want), -1, UNTOUCHED, "enable EPT" },
};

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct ctl_case *c = &cases[i];
		uint32_t value = UNTOUCHED;
		const char *missing = NULL;
		int ret = vmx_ctl_compute(c->cap, c->w->want, c->w->n, &value, &missing);

		if (ret != c->ret || value != c->value)
			fail_msg("%s: ret %d value 0x%08x, want %d 0x%08x", c->what, ret, value, c->ret, c->value);
		if (c->missing) {
			assert_non_null(missing);
			if (strcmp(missing, c->missing))
				fail_msg("%s: missing \"%s\", want \"%s\"", c->what, missing, c->missing);
		}
	}
}

/* ------------------------------------------------------------------ against a model */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static const char *const bit_names[32] = {
	"b0", "b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8", "b9", "b10", "b11", "b12", "b13", "b14", "b15",
	"b16", "b17", "b18", "b19", "b20", "b21", "b22", "b23", "b24", "b25", "b26", "b27", "b28", "b29", "b30", "b31",
};

/* The specification, written independently: -1 naming the first required control outside
 * allowed-1; else must-be-1 | (wanted & allowed-1). */
static int model(uint32_t must, uint32_t may, const struct vmx_ctl_want *w, size_t n, uint32_t *value,
		 const char **missing)
{
	uint32_t wanted = 0;

	for (size_t i = 0; i < n; i++) {
		if (w[i].required && !(may & w[i].mask)) {
			*missing = w[i].name;
			return -1;
		}
		wanted |= w[i].mask;
	}
	*value = must | (wanted & may);
	return 0;
}

static void test_model(void **state)
{
	struct vmx_ctl_want w[8];

	(void)state;
	for (int iter = 0; iter < 20000; iter++) {
		/* real CPUs report must-be-1 within allowed-1 */
		uint32_t may = (uint32_t)rng() | (uint32_t)rng(), must = may & (uint32_t)rng() & (uint32_t)rng();
		size_t n = rng() % (ARRAY_SIZE(w) + 1);
		uint32_t got = UNTOUCHED, want = UNTOUCHED;
		const char *got_missing = NULL, *want_missing = NULL;

		for (size_t i = 0; i < n; i++) {
			unsigned bit = (unsigned)(rng() % 32);
			w[i].mask = 1u << bit;
			w[i].name = bit_names[bit];
			w[i].required = rng() % 4 == 0;
		}
		int ret = vmx_ctl_compute(CAP(may, must), w, n, &got, &got_missing);
		int ref = model(must, may, w, n, &want, &want_missing);

		if (ret != ref || got != want || got_missing != want_missing)
			fail_msg("cap 0x%08x/0x%08x, %zu wants: ret %d value 0x%08x missing %s; model %d 0x%08x %s",
				 may, must, n, ret, got, got_missing ? got_missing : "-", ref, want,
				 want_missing ? want_missing : "-");
		if (ret == 0) {
			assert_int_equal(got & must, must);   /* must-be-1 all set */
			assert_int_equal(got & ~may, 0);      /* nothing the CPU cannot set */
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_model),
	};

	return cmocka_run_group_tests_name("vmx_ctl", tests, NULL, NULL);
}
