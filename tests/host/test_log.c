// SPDX-License-Identifier: MIT
/*
 * tests/host/test_log.c - the log ring (arch/lib/log.c) against a fake 16550: synchronous lines go
 * out at once; deferred lines wait, leave only as far as the transmit FIFO has room, and never
 * make the caller wait; the per-tag rate limit prints a burst, counts the rest and reports the
 * count; a full ring drops lines and says how many; deferred records are formatted only when
 * they leave the ring.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "arch/lib/log.h"

/* The fake UART: a transmit FIFO with `fifo_free` free bytes; everything sent lands in `wire`. */
static char wire[1 << 16];
static size_t wire_len;
static unsigned fifo_free;
static unsigned room_calls;

static unsigned fake_room(void)
{
	room_calls++;
	return fifo_free;
}

static void fake_put(char c)
{
	assert_true(fifo_free > 0);   /* the log never overruns the FIFO */
	fifo_free--;
	assert_true(wire_len < sizeof(wire));
	wire[wire_len++] = c;
}

/* The mirror (screen console): whole lines. */
static char mirror[1 << 16];
static size_t mirror_len;

static void fake_mirror(const char *s, size_t n)
{
	assert_true(mirror_len + n < sizeof(mirror));
	memcpy(mirror + mirror_len, s, n);
	mirror_len += n;
}

static uint64_t fake_tsc;
static uint64_t fake_clock(void)
{
	return fake_tsc;
}

static int setup(void **state)
{
	(void)state;
	log_reset();
	wire_len = mirror_len = 0;
	room_calls = 0;
	fifo_free = 1u << 30;   /* effectively unlimited unless a test says otherwise */
	fake_tsc = 1000;
	log_set_serial(fake_room, fake_put);
	log_add_sink(fake_mirror);
	return 0;
}

static void expect_wire(const char *want)
{
	assert_int_equal(wire_len, strlen(want));
	assert_memory_equal(wire, want, wire_len);
}

static void test_sync_line(void **state)
{
	(void)state;
	hv_log("vmxon: ok region=0x%x", 0x1000);
	expect_wire("[hv] vmxon: ok region=0x1000\r\n");
	assert_int_equal(mirror_len, strlen("[hv] vmxon: ok region=0x1000\n"));
	assert_memory_equal(mirror, "[hv] vmxon: ok region=0x1000\n", mirror_len);
	assert_false(log_pending());
}

/* Deferred: nothing leaves while the FIFO is full, the caller never waits, and each pump moves
 * exactly what the FIFO has room for. */
static void test_deferred_paced_by_fifo(void **state)
{
	(void)state;
	log_set_deferred(true);
	fifo_free = 0;
	hv_log("one");
	hv_log("two");
	assert_true(log_pending());
	assert_int_equal(wire_len, 0);
	assert_int_equal(mirror_len, 0);
	log_pump();
	assert_int_equal(wire_len, 0);
	assert_true(log_pending());
	fifo_free = 16;
	log_pump();
	assert_int_equal(wire_len, 16);                /* "[hv] one\r\n[hv] t" */
	assert_memory_equal(wire, "[hv] one\r\n[hv] t", 16);
	assert_true(log_pending());
	fifo_free = 16;
	log_pump();
	expect_wire("[hv] one\r\n[hv] two\r\n");
	assert_false(log_pending());
	assert_memory_equal(mirror, "[hv] one\n[hv] two\n", mirror_len);
}

static void test_flush_on_leaving_deferred(void **state)
{
	(void)state;
	log_set_deferred(true);
	fifo_free = 0;
	hv_log("queued");
	fifo_free = 1u << 30;
	log_set_deferred(false);
	expect_wire("[hv] queued\r\n");
	assert_false(log_pending());
}

static void test_guest_line(void **state)
{
	char long_line[400];

	(void)state;
	log_guest_line("hello", 5);
	expect_wire("[guest] hello\r\n");
	memset(long_line, 'a', sizeof(long_line));
	wire_len = 0;
	log_guest_line(long_line, sizeof(long_line));
	assert_int_equal(wire_len, LOG_LINE_MAX - 1 + 2);   /* cut to one line, "\r\n" added */
	assert_memory_equal(wire, "[guest] aaaa", 12);
}

static int format_calls;
static void fmt_pair(char *buf, size_t len, const uint64_t a[LOG_DEFERRED_ARGS])
{
	format_calls++;
	snprintf(buf, len, "pair a=%llu b=0x%llx", (unsigned long long)a[0], (unsigned long long)a[1]);
}

/* A deferred record costs no formatting until it leaves the ring. */
static void test_deferred_record(void **state)
{
	uint64_t a[LOG_DEFERRED_ARGS] = { 7, 0xabc, 0, 0, 0 };

	(void)state;
	format_calls = 0;
	log_set_deferred(true);
	fifo_free = 0;
	log_deferred(fmt_pair, a);
	a[0] = 99;   /* the record holds its own copy */
	assert_int_equal(format_calls, 0);
	fifo_free = 1u << 30;
	log_pump();
	assert_int_equal(format_calls, 1);
	expect_wire("[hv] pair a=7 b=0xabc\r\n");
}

/* The rate limit: a burst per tag per interval, the rest counted, and the count reported. */
static void test_ratelimit_burst_and_report(void **state)
{
	char want[64];

	(void)state;
	log_test_clock = fake_clock;
	for (int i = 0; i < 100; i++)
		hv_log_tagged(LOG_TAG_MSR, "msr: %d", i);
	for (int i = 0; i < 5; i++)
		log_guest_line("g", 1);    /* another tag: its own burst */
	struct log_stats st;
	log_get_stats(&st);
	assert_int_equal(st.suppressed, 100 - LOG_RATELIMIT_BURST);
	assert_int_equal(st.lines, LOG_RATELIMIT_BURST + 5);
	wire_len = 0;
	log_ratelimit_report();
	snprintf(want, sizeof(want), "[hv] ratelimit: msr: %d lines suppressed\r\n", 100 - LOG_RATELIMIT_BURST);
	expect_wire(want);
	wire_len = 0;
	log_ratelimit_report();           /* reported once */
	assert_int_equal(wire_len, 0);
}

static void test_ratelimit_new_interval(void **state)
{
	(void)state;
	log_test_clock = fake_clock;
	for (int i = 0; i < LOG_RATELIMIT_BURST + 3; i++)
		hv_log_tagged(LOG_TAG_EPT_POLICY, "p %d", i);
	fake_tsc += LOG_RATELIMIT_INTERVAL - 1;
	wire_len = 0;
	hv_log_tagged(LOG_TAG_EPT_POLICY, "still limited");
	assert_int_equal(wire_len, 0);
	fake_tsc += 1;
	hv_log_tagged(LOG_TAG_EPT_POLICY, "next interval");
	expect_wire("[hv] ratelimit: ept-policy: 4 lines suppressed\r\n[hv] next interval\r\n");
}

/* No clock: one endless interval (the burst, then counting). */
static void test_ratelimit_without_clock(void **state)
{
	(void)state;
	for (int i = 0; i < LOG_RATELIMIT_BURST; i++)
		assert_true(log_ratelimit(LOG_TAG_EPT_VIOLATION));
	for (int i = 0; i < 1000; i++)
		assert_false(log_ratelimit(LOG_TAG_EPT_VIOLATION));
	assert_true(log_ratelimit(LOG_TAG_NONE));
}

/* A rate-limit report that finds the ring full waits: the count is reported later, never lost. */
static void test_ratelimit_report_waits_for_room(void **state)
{
	struct log_stats st;
	char want[96];

	(void)state;
	log_test_clock = fake_clock;
	for (int i = 0; i < LOG_RATELIMIT_BURST + 5; i++)
		hv_log_tagged(LOG_TAG_MSR, "msr %d", i);
	log_set_deferred(true);
	fifo_free = 0;
	for (int i = 0; i < LOG_RING_SLOTS; i++)
		hv_log("fill %d", i);
	fake_tsc += LOG_RATELIMIT_INTERVAL;
	wire_len = 0;
	hv_log_tagged(LOG_TAG_MSR, "new interval");   /* the report has no room: it waits */
	fifo_free = 1u << 30;
	log_set_deferred(false);
	log_ratelimit_report();
	snprintf(want, sizeof(want), "[hv] ratelimit: msr: 5 lines suppressed\r\n");
	assert_true(wire_len >= strlen(want));
	assert_memory_equal(wire + wire_len - strlen(want), want, strlen(want));
	log_get_stats(&st);
	assert_int_equal(st.suppressed, 5);
}

/* A full ring drops lines, counts them, and says so in the stream where they were lost. */
static void test_ring_overflow(void **state)
{
	struct log_stats st;
	char want[128];

	(void)state;
	log_set_deferred(true);
	fifo_free = 0;
	for (int i = 0; i < LOG_RING_SLOTS + 10; i++)
		hv_log("l%d", i);
	log_get_stats(&st);
	assert_int_equal(st.dropped, 10);
	fifo_free = 1u << 30;
	log_pump();
	assert_false(log_pending());
	wire_len = 0;
	hv_log("after");
	log_pump();
	snprintf(want, sizeof(want), "[hv] log: 10 lines dropped (ring buffer full)\r\n[hv] after\r\n");
	expect_wire(want);
	log_get_stats(&st);
	assert_int_equal(st.dropped, 10);
	assert_int_equal(st.lines, LOG_RING_SLOTS + 2);
}

/* Synchronous mode never drops: it waits for room instead. */
static void test_sync_never_drops(void **state)
{
	struct log_stats st;

	(void)state;
	for (int i = 0; i < 3 * LOG_RING_SLOTS; i++)
		hv_log("l%d", i);
	log_get_stats(&st);
	assert_int_equal(st.dropped, 0);
	assert_int_equal(st.lines, 3 * LOG_RING_SLOTS);
}

/* The pump only asks the UART for room; it never loops waiting on it. */
static void test_pump_never_waits(void **state)
{
	(void)state;
	log_set_deferred(true);
	fifo_free = 0;
	hv_log("x");
	room_calls = 0;
	log_pump();
	assert_int_equal(room_calls, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_sync_line, setup),
		cmocka_unit_test_setup(test_deferred_paced_by_fifo, setup),
		cmocka_unit_test_setup(test_flush_on_leaving_deferred, setup),
		cmocka_unit_test_setup(test_guest_line, setup),
		cmocka_unit_test_setup(test_deferred_record, setup),
		cmocka_unit_test_setup(test_ratelimit_burst_and_report, setup),
		cmocka_unit_test_setup(test_ratelimit_new_interval, setup),
		cmocka_unit_test_setup(test_ratelimit_without_clock, setup),
		cmocka_unit_test_setup(test_ratelimit_report_waits_for_room, setup),
		cmocka_unit_test_setup(test_ring_overflow, setup),
		cmocka_unit_test_setup(test_sync_never_drops, setup),
		cmocka_unit_test_setup(test_pump_never_waits, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
