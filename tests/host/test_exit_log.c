// SPDX-License-Identifier: MIT
/*
 * tests/host/test_exit_log.c - the log as the exit handlers use it (arch/lib/log.c): the rate
 * limit on a burst of exits and its interval; floods (a KEEP-policy violation loop behind a
 * waiting guest line, misconfiguration demos, every tag at once into a UART that takes nothing)
 * where every line is printed or counted in its tag (printed + suppressed = events, nothing
 * dropped); and HV.CFG exit_log=off silencing the EPT lines. Run on the host through the real
 * vmx_exit_dispatch over the fake VMCS and CPU (tests/host/exit_harness.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "tests/host/exit_harness.h"

/* ------------------------------------------------------------------ the log: rate limit, ring, exit_log */

static void test_ratelimit_msr_burst(void **state)
{
	unsigned long long suppressed, dropped;
	char want[128];

	(void)state;
	regs.gpr[GPR_RCX] = 0x10;   /* IA32_TIME_STAMP_COUNTER: not the guest's */
	for (int i = 0; i < 40; i++)
		run_resumed(i & 1 ? EXIT_REASON_WRMSR : EXIT_REASON_RDMSR, 0, 2);
	assert_int_equal(fake_log_count("[hv] msr: "), 32);
	/* Every exit still injected #GP, and the summary counts them all. */
	assert_int_equal(fv.vcpu.exit_counts[EXIT_REASON_RDMSR] + fv.vcpu.exit_counts[EXIT_REASON_WRMSR], 40);
	done(0);
	assert_ended(HV_OK, "done exit_code=0");
	snprintf(want, sizeof(want), "[hv] ratelimit: msr: 8 lines suppressed");
	assert_int_equal(fake_log_find(want, 0), fake_log_find("[hv] guest: ", 0) - 1);
	log_counts(&suppressed, &dropped);
	assert_int_equal(suppressed, 8);
	assert_int_equal(dropped, 0);
}

static void test_ratelimit_interval(void **state)
{
	long r;

	(void)state;
	regs.gpr[GPR_RCX] = 0x10;
	for (int i = 0; i < 35; i++)
		run_resumed(EXIT_REASON_RDMSR, 0, 2);
	assert_int_equal(fake_log_count("[hv] msr: "), 32);
	fake_hw.tsc += LOG_RATELIMIT_INTERVAL - 1;
	run_resumed(EXIT_REASON_RDMSR, 0, 2);
	assert_int_equal(fake_log_count("[hv] msr: "), 32);
	fake_hw.tsc += 1;                                  /* the interval is over: a new burst */
	run_resumed(EXIT_REASON_RDMSR, 0, 2);
	r = fake_log_find("[hv] ratelimit: msr: 4 lines suppressed", 0);
	assert_true(r > 0);
	assert_int_equal(fake_log_find("[hv] msr: ", (size_t)r), r + 1);
	assert_int_equal(fake_log_count("[hv] msr: "), 33);
	/* Other tags have their own burst. */
	regs.gpr[GPR_RCX] = 1;
	regs.gpr[GPR_RAX] = 7;
	run_resumed(EXIT_REASON_XSETBV, 0, 3);
	assert_int_equal(fake_log_count("[hv] xsetbv: "), 1);
}

/* Lines of a tag, printed (starting with prefix) or counted (its ratelimit: lines). */
static unsigned long long tag_events(const char *prefix, const char *tag)
{
	unsigned long long total = fake_log_count(prefix), n;
	char line[512], fmt[96];

	snprintf(fmt, sizeof(fmt), "[hv] ratelimit: %s: %%llu lines suppressed", tag);
	for (size_t i = 0; fake_log_line(i, line, sizeof(line)); i++)
		if (sscanf(line, fmt, &n) == 1)
			total += n;
	return total;
}

/* The counts of every ratelimit: line and every "lines dropped" notice. */
static void report_sums(unsigned long long *suppressed, unsigned long long *dropped)
{
	unsigned long long n;
	char line[512], tag[64];

	*suppressed = *dropped = 0;
	for (size_t i = 0; fake_log_line(i, line, sizeof(line)); i++) {
		if (sscanf(line, "[hv] ratelimit: %63[^:]: %llu lines suppressed", tag, &n) == 2)
			*suppressed += n;
		if (sscanf(line, "[hv] log: %llu lines dropped (ring buffer full)", &n) == 1)
			*dropped += n;
	}
}

/* The log's end figures agree with its lines: no drop, suppressed = the ratelimit: counts. */
static void assert_accounted(unsigned long long want_suppressed)
{
	unsigned long long suppressed, dropped, sum_s, sum_d;

	log_counts(&suppressed, &dropped);
	report_sums(&sum_s, &sum_d);
	assert_int_equal(dropped, 0);
	assert_int_equal(sum_d, 0);
	assert_int_equal(suppressed, sum_s);
	assert_int_equal(suppressed, want_suppressed);
}

static void stall_uart(void)
{
	fake_hw.uart_room = 0;                             /* a UART that takes nothing */
	fake_hw.uart_patience = ~0u;
}

static void keep_violations(uint64_t page, int n)
{
	for (int i = 0; i < n; i++) {
		set_violation(page, page);
		run_resumed(EXIT_REASON_EPT_VIOLATION, 0x181, 4);
	}
}

static void misconfig_demos(uint64_t page, int n)
{
	for (int i = 0; i < n; i++) {
		assert_int_equal(hypercall(HC_EPT_MISCONFIG_DEMO, page, 0, 0), 0);
		fake_vmcs_set(GUEST_PHYSICAL_ADDRESS, page + 8);
		run_resumed(EXIT_REASON_EPT_MISCONFIG, 0, 4);
	}
}

/* A guest line waiting (behind one in flight) and then a KEEP-policy violation loop: the ring
 * holds the line and both bursts, and every violation is printed or counted in its tag. */
static void test_keep_flood_after_a_guest_line(void **state)
{
	uint64_t page = BASE + 0x201000;
	enum { N = 1000 };

	(void)state;
	assert_int_equal(hypercall(HC_PROTECT, page, 0, HC_FAULT_KEEP), 0);
	stall_uart();
	out_str("first line\n");                          /* leaves the ring: in flight */
	out_str("second line\n");                         /* waits in the ring */
	keep_violations(page, N);
	fake_hw.uart_room = FAKE_UART_ROOM_DEFAULT;
	done(0);
	assert_ended(HV_OK, "done exit_code=0");
	assert_int_equal(fake_log_count("[guest] "), 2);
	assert_int_equal(fake_log_count("[hv] ept-violation "), LOG_RATELIMIT_BURST);
	assert_int_equal(fake_log_count("[hv] ept-policy: "), LOG_RATELIMIT_BURST);
	assert_int_equal(tag_events("[hv] ept-violation ", "ept-violation"), N);
	assert_int_equal(tag_events("[hv] ept-policy: ", "ept-policy"), N);
	assert_accounted(2 * (N - LOG_RATELIMIT_BURST));
}

/* HC_EPT_MISCONFIG_DEMO and a touch, over and over, between violations: ept-misconfig lines and
 * the demo's ept-policy lines are rate-limited; nothing is dropped, no violation line is lost. */
static void test_misconfig_demo_flood(void **state)
{
	uint64_t keep = BASE + 0x201000, demo = BASE + 0x204000;
	enum { V = 10, M = 100 };
	long r;

	(void)state;
	assert_int_equal(hypercall(HC_PROTECT, keep, 0, HC_FAULT_KEEP), 0);
	stall_uart();
	keep_violations(keep, V);
	misconfig_demos(demo, M);
	keep_violations(keep, V);
	fake_hw.uart_room = FAKE_UART_ROOM_DEFAULT;
	done(0);
	assert_ended(HV_OK, "done exit_code=0");
	assert_int_equal(fv.vcpu.exit_counts[EXIT_REASON_EPT_MISCONFIG], M);
	assert_int_equal(fake_log_count("[hv] ept-violation "), 2 * V);
	assert_int_equal(fake_log_count("[hv] ept-misconfig "), LOG_RATELIMIT_BURST);
	assert_int_equal(tag_events("[hv] ept-misconfig ", "ept-misconfig"), M);
	assert_true(fake_log_count("[hv] ept-policy: ") <= LOG_RATELIMIT_BURST);
	assert_int_equal(tag_events("[hv] ept-policy: ", "ept-policy"), 2 * V + M);
	/* A repaired line only ever follows its ept-misconfig line. */
	for (r = fake_log_find("[hv] ept-policy: gpa=0x", 0); r >= 0; r = fake_log_find("[hv] ept-policy: ", (size_t)r + 1)) {
		char line[512];

		fake_log_line((size_t)r, line, sizeof(line));
		if (strstr(line, "repaired rwx"))
			assert_int_equal(fake_log_find("[hv] ept-misconfig ", (size_t)r - 1), r - 1);
	}
	assert_accounted((M - LOG_RATELIMIT_BURST) + (2 * V + M - fake_log_count("[hv] ept-policy: ")));
}

/* A UART that takes nothing while more tagged lines come than the ring has room for (a full
 * burst of every tag, then a second interval): each line is printed or counted in its tag, and
 * none is lost as "dropped". */
static void test_ring_full_counts_lines_in_their_tags(void **state)
{
	uint64_t keep = BASE + 0x201000, demo = BASE + 0x204000;
	const int B = LOG_RATELIMIT_BURST;
	unsigned long long suppressed, dropped;

	(void)state;
	assert_int_equal(hypercall(HC_PROTECT, keep, 0, HC_FAULT_KEEP), 0);
	stall_uart();
	regs.gpr[GPR_RCX] = 0x10;
	for (int i = 0; i < B; i++)
		run_resumed(EXIT_REASON_RDMSR, 0, 2);
	for (int i = 0; i < B; i++)
		out_str("line\n");
	regs.gpr[GPR_RCX] = 1;
	for (int i = 0; i < B; i++)
		run_resumed(EXIT_REASON_XSETBV, 0, 3);
	keep_violations(keep, B);
	misconfig_demos(demo, B);
	assert_true(fake_log_nlines() <= 1);              /* nothing left the ring but what was in flight */
	fake_hw.tsc += LOG_RATELIMIT_INTERVAL;             /* a new interval: another burst of each */
	regs.gpr[GPR_RCX] = 0x10;
	for (int i = 0; i < B; i++)
		run_resumed(EXIT_REASON_RDMSR, 0, 2);
	for (int i = 0; i < B; i++)
		out_str("line\n");
	fake_hw.uart_room = FAKE_UART_ROOM_DEFAULT;
	done(0);
	assert_ended(HV_OK, "done exit_code=0");
	assert_int_equal(tag_events("[hv] msr: ", "msr"), 2 * B);
	assert_int_equal(tag_events("[guest] line", "guest"), 2 * B);
	assert_int_equal(tag_events("[hv] xsetbv: ", "xsetbv"), B);
	assert_int_equal(tag_events("[hv] ept-violation ", "ept-violation"), B);
	assert_int_equal(tag_events("[hv] ept-misconfig ", "ept-misconfig"), B);
	assert_int_equal(tag_events("[hv] ept-policy: ", "ept-policy"), 2 * B);
	/* The first interval's lines all fit: a full burst of every tag. */
	assert_true(fake_log_count("[hv] msr: ") >= (size_t)B);
	assert_true(fake_log_count("[guest] line") >= (size_t)B);
	assert_int_equal(fake_log_count("[hv] xsetbv: "), B);
	assert_int_equal(fake_log_count("[hv] ept-violation "), B);
	assert_int_equal(fake_log_count("[hv] ept-misconfig "), B);
	log_counts(&suppressed, &dropped);
	assert_accounted(suppressed);
}

static void test_exit_log_off(void **state)
{
	uint64_t page = BASE + 0x206000;

	(void)state;
	assert_int_equal(hypercall(HC_PROTECT, page, 0, HC_FAULT_KEEP), 0);
	assert_int_equal(hypercall(HC_PROTECT, page + 4096, 0, HC_FAULT_REGRANT), 0);
	assert_int_equal(hypercall(HC_SET_RESUME, BASE + 0x10500, 0, 0), 0);
	set_violation(page, 0);
	run_resumed(EXIT_REASON_EPT_VIOLATION, 1, 3);
	set_violation(page + 4096, 0);
	run_resumed(EXIT_REASON_EPT_VIOLATION, 1, 3);
	set_violation(LAST + 1, 0);
	run_resumed(EXIT_REASON_EPT_VIOLATION, 1, 3);
	assert_int_equal(rip(), BASE + 0x10500);
	assert_log_empty();
	done(0);
	assert_ended(HV_OK, "done exit_code=0");
	assert_int_equal(fake_log_count("[hv] ept-"), 1);   /* only ept-audit */
	assert_line(1, "[hv] summary: guest=test exits=7 VMCALL=4 EPT_VIOLATION=3");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_ratelimit_msr_burst),
		T(test_ratelimit_interval),
		T(test_keep_flood_after_a_guest_line),
		T(test_misconfig_demo_flood),
		T(test_ring_full_counts_lines_in_their_tags),
		cmocka_unit_test_setup_teardown(test_exit_log_off, setup_exit_log_off, teardown),
	};
#undef T
	return cmocka_run_group_tests_name("exit_log", tests, NULL, NULL);
}
