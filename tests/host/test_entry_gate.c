// SPDX-License-Identifier: MIT
/*
 * tests/host/test_entry_gate.c - the VM-entry checker at launch (vmm/vm/entry_gate.c), on the VMCS
 * the real vmcs_setup() builds for Arrow Lake over the fake VMCS (tests/host/entry_check_machine.c):
 *
 *   - HV.CFG entry_check=on refuses a VMCS that fails, with the exact why and the log's FAIL and
 *     summary lines; warn lists and launches; off runs nothing; a clean VMCS gives one "ok" line;
 *   - vmwrite= lines: each logged, a field the CPU lacks refused with its VM-instruction error;
 *   - after a failed entry: the comparison line, agree and disagree, the launch report reused on
 *     the first entry and a fresh run after a VMRESUME; nothing with entry_check=off.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "tests/host/entry_check_cpus.h"
#include "tests/host/entry_check_machine.h"
#include "tests/host/fake_vmcs.h"
#include "vmm/vm/entry_gate.h"
#include "vmm/vmx/vmcs_fields.h"

static struct ec_machine m;

static void machine(const char *cfg)
{
	ecm_init(&m, &ec_real_cpus[ec_real_cpu_count - 2].m, 0);   /* Arrow Lake */
	ecm_config(&m, cfg);
	ecm_vmcs_setup(&m);
	fake_log_reset();
	entry_gate_vmwrites(&m.vm);
}

/* Log line i, with " ticks=<n>" at its end replaced by " ticks=N" (the real TSC counts here). */
static void line_at(size_t i, char *buf, size_t len)
{
	char *t;

	if (!fake_log_line(i, buf, len))
		fail_msg("no log line %zu in:\n%s", i, fake_log_text());
	t = strstr(buf, " ticks=");
	if (t && strspn(t + 7, "0123456789") == strlen(t + 7) && t[7])
		strcpy(t, " ticks=N");
}

static void assert_lines(const char *const *want, size_t n)
{
	char got[400];

	assert_int_equal(fake_log_nlines(), n);
	for (size_t i = 0; i < n; i++) {
		line_at(i, got, sizeof(got));
		assert_string_equal(got, want[i]);
	}
}

#define FAIL_RFLAGS "[hv] vm-entry-check: FAIL guest.rflags.reserved1 SDM 27.3.1.4 \"Checks on Guest RIP, RFLAGS, " \
		    "and SSP\" GUEST_RFLAGS=0x0: bit 1 must be 1 [exit 33]"
#define FAIL_CR3 "[hv] vm-entry-check: FAIL ctl.cr3-target-count SDM 27.2.1.1 \"VM-Execution Control Fields\" " \
		 "CR3_TARGET_COUNT=0x5: at most 0x4 (IA32_VMX_MISC[24:16]) [error 7]"

static void test_clean_vmcs(void **state)
{
	static const char *const want[] = { "[hv] vm-entry-check: ok checks=136 skipped=0 ticks=N" };
	char why[200] = "untouched";

	(void)state;
	machine("");
	assert_int_equal(entry_gate_check(&m.vm, why, sizeof(why)), HV_OK);
	assert_string_equal(why, "untouched");
	assert_lines(want, 1);
}

static void test_on_refuses(void **state)
{
	static const char *const want[] = {
		"[hv] test: vmwrite GUEST_RFLAGS (0x6820)=0x0",
		"[hv] test: vmwrite CR3_TARGET_COUNT (0x400a)=0x5",
		FAIL_CR3,
		FAIL_RFLAGS,
		"[hv] vm-entry-check: failed=2 checks=136 skipped=0 expect=\"error 7\" ticks=N",
	};
	char why[200];

	(void)state;
	machine("vmwrite=0x6820:0x0\nvmwrite=0x400a:0x5\n");
	assert_int_equal(entry_gate_check(&m.vm, why, sizeof(why)), HV_E_VMLAUNCH);
	assert_string_equal(why, "VM entry refused: 2 checks failed (listed above; HV.CFG entry_check=warn launches "
				 "anyway)");
	assert_lines(want, 5);
	/* one failure: "check", not "checks" */
	machine("vmwrite=0x6820:0x0\n");
	assert_int_equal(entry_gate_check(&m.vm, why, sizeof(why)), HV_E_VMLAUNCH);
	assert_string_equal(why, "VM entry refused: 1 check failed (listed above; HV.CFG entry_check=warn launches "
				 "anyway)");
}

static void test_warn_launches(void **state)
{
	static const char *const want[] = {
		"[hv] test: vmwrite GUEST_RFLAGS (0x6820)=0x0",
		FAIL_RFLAGS,
		"[hv] vm-entry-check: failed=1 checks=136 skipped=0 expect=\"exit 33\" ticks=N",
		"[hv] vm-entry-check: launching anyway (HV.CFG entry_check=warn)",
	};
	char why[200];

	(void)state;
	machine("entry_check=warn\nvmwrite=0x6820:0x0\n");
	assert_int_equal(entry_gate_check(&m.vm, why, sizeof(why)), HV_OK);
	assert_lines(want, 4);
}

static void test_off_runs_nothing(void **state)
{
	static const char *const want[] = { "[hv] test: vmwrite GUEST_RFLAGS (0x6820)=0x0" };
	char why[200];

	(void)state;
	machine("entry_check=off\nvmwrite=0x6820:0x0\n");
	assert_int_equal(entry_gate_check(&m.vm, why, sizeof(why)), HV_OK);
	entry_gate_explain(&m.vm, 33, 0, true);
	assert_lines(want, 1);
}

/* A field this CPU lacks (the SPP table pointer: Arrow Lake has no sub-page write permissions):
 * VMWRITE fails, the field is unchanged. */
static void test_vmwrite_refused(void **state)
{
	char got[300];

	(void)state;
	machine("vmwrite=0x2030:0x1000\n");
	assert_int_equal(fake_log_nlines(), 1);
	line_at(0, got, sizeof(got));
	assert_string_equal(got, "[hv] test: vmwrite 0x2030=0x1000 refused by the CPU: VM-instruction error 12 "
				 "(VMREAD/VMWRITE from/to unsupported VMCS component); field unchanged");
	assert_false(fake_vmcs_has(0x2030));
}

static void test_explain(void **state)
{
	char why[200], got[300];

	(void)state;
	/* The first entry reuses the launch report: one line, no second run. */
	machine("entry_check=warn\nvmwrite=0x2800:0x123\n");
	entry_gate_check(&m.vm, why, sizeof(why));
	fake_log_reset();
	entry_gate_explain(&m.vm, 33, 4, true);
	assert_int_equal(fake_log_nlines(), 1);
	line_at(0, got, sizeof(got));
	assert_string_equal(got, "[hv] vm-entry-check: cpu=\"exit 33 qual 4\" checker=\"exit 33 qual 4\": agree");
	/* The CPU says something else. */
	fake_log_reset();
	entry_gate_explain(&m.vm, 7, 0, true);
	line_at(0, got, sizeof(got));
	assert_string_equal(got, "[hv] vm-entry-check: cpu=\"error 7\" checker=\"exit 33 qual 4\": disagree (a check the "
				 "checker lacks, or a CPU erratum: docs/vm-entry-checks.md)");
	/* After a VMRESUME the VMCS is checked again: its lines, then the comparison. */
	ecm_set(&m, VMCS_LINK_POINTER, ~0ull);
	fake_log_reset();
	entry_gate_explain(&m.vm, 7, 0, false);
	assert_int_equal(fake_log_nlines(), 2);
	line_at(0, got, sizeof(got));
	assert_string_equal(got, "[hv] vm-entry-check: ok checks=136 skipped=0 ticks=N");
	line_at(1, got, sizeof(got));
	assert_string_equal(got, "[hv] vm-entry-check: cpu=\"error 7\" checker=\"entry\": disagree (a check the checker "
				 "lacks, or a CPU erratum: docs/vm-entry-checks.md)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_vmcs),
		cmocka_unit_test(test_on_refuses),
		cmocka_unit_test(test_warn_launches),
		cmocka_unit_test(test_off_runs_nothing),
		cmocka_unit_test(test_vmwrite_refused),
		cmocka_unit_test(test_explain),
	};

	return cmocka_run_group_tests_name("entry_gate", tests, NULL, NULL);
}
