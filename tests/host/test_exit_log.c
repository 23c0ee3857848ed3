// SPDX-License-Identifier: MIT
/*
 * tests/host/test_exit_log.c - the log as the exit handlers use it (arch/lib/log.c): the rate
 * limit on a burst of exits and its interval, a full ring counting the lines it drops, and
 * HV.CFG exit_log=off silencing the EPT lines. Run on the host through the real
 * vmx_exit_dispatch over the fake VMCS and CPU (tests/host/exit_harness.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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
	assert_int_equal(fv.vm.exit_counts[EXIT_REASON_RDMSR] + fv.vm.exit_counts[EXIT_REASON_WRMSR], 40);
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

static void test_ring_full_drops_lines(void **state)
{
	unsigned long long suppressed, dropped, notices = 0, n;
	size_t printed;
	char line[256];

	(void)state;
	fake_hw.uart_room = 0;                             /* a UART that takes nothing */
	fake_hw.uart_patience = ~0u;
	regs.gpr[GPR_RCX] = 0x10;
	for (int i = 0; i < 32; i++)
		run_resumed(EXIT_REASON_RDMSR, 0, 2);
	for (int i = 0; i < 32; i++)
		out_str("line\n");
	regs.gpr[GPR_RCX] = 1;
	for (int i = 0; i < 32; i++)
		run_resumed(EXIT_REASON_XSETBV, 0, 3);
	assert_true(fake_log_nlines() <= 1);              /* nothing left the ring but what was in flight */
	fake_hw.uart_room = FAKE_UART_ROOM_DEFAULT;
	done(0);
	assert_ended(HV_OK, "done exit_code=0");
	log_counts(&suppressed, &dropped);
	assert_int_equal(suppressed, 0);
	assert_true(dropped > 0);
	for (size_t i = 0; fake_log_line(i, line, sizeof(line)); i++)
		if (sscanf(line, "[hv] log: %llu lines dropped (ring buffer full)", &n) == 1)
			notices += n;
	assert_int_equal(notices, dropped);
	printed = fake_log_count("[hv] msr: ") + fake_log_count("[guest] line") + fake_log_count("[hv] xsetbv: ");
	assert_int_equal(printed + dropped, 96);            /* every line printed or counted */
	assert_true(printed >= LOG_RING_SLOTS);
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
		T(test_ring_full_drops_lines),
		cmocka_unit_test_setup_teardown(test_exit_log_off, setup_exit_log_off, teardown),
	};
#undef T
	return cmocka_run_group_tests_name("exit_log", tests, NULL, NULL);
}
