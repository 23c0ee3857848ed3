// SPDX-License-Identifier: MIT
/*
 * tests/host/test_log.c - the log ring (arch/lib/log.c) against a fake 16550: synchronous lines go
 * out at once; deferred lines wait, leave only as far as the transmit FIFO has room, and never
 * make the caller wait; the per-tag rate limit prints a burst, counts the rest and reports the
 * count; a full burst of every tag fits into the ring, and a tagged line that finds it full is
 * counted in its tag; an untagged line that finds it full is dropped and the count said;
 * deferred records are formatted only when they leave the ring; a UART that never gets ready
 * is given up after a bounded wait, and the mirror still gets every line.
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
static unsigned room_every;   /* if set: the FIFO empties (16 bytes free) every room_every-th question */

static unsigned fake_room(void)
{
	room_calls++;
	if (room_every && room_calls % room_every == 0)
		fifo_free = 16;
	if (!fifo_free && room_calls > (1u << 24))
		fail_msg("the log asked a UART that never becomes ready %u times: it waits forever", room_calls);
	return fifo_free;
}

/* The transmitter's shift register: idle after `busy_polls` more questions (~0u: never). */
static unsigned busy_polls;
static unsigned idle_calls;

static bool fake_idle(void)
{
	idle_calls++;
	if (busy_polls == ~0u && idle_calls > (1u << 24))
		fail_msg("the log asked a UART that never gets idle %u times: it waits forever", idle_calls);
	if (busy_polls && busy_polls != ~0u)
		busy_polls--;
	return !busy_polls;
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
	mirror[mirror_len] = '\0';
}

static uint64_t fake_tsc;
static uint64_t fake_clock(void)
{
	return fake_tsc;
}

/* A clock that moves on its own: each read is 2^16 ticks later. */
static uint64_t ticking_clock(void)
{
	fake_tsc += 1u << 16;
	return fake_tsc;
}

static int setup(void **state)
{
	(void)state;
	log_reset();
	wire_len = mirror_len = 0;
	mirror[0] = '\0';
	room_calls = room_every = 0;
	fifo_free = 1u << 30;   /* effectively unlimited unless a test says otherwise */
	fake_tsc = 1000;
	busy_polls = idle_calls = 0;
	log_set_serial(fake_room, fake_put, fake_idle);
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
	log_deferred(LOG_TAG_NONE, fmt_pair, a);
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

/* A rate-limit report that finds the ring full waits: the count is reported later, never lost.
 * The line that opened the interval finds no room either: it is counted in its tag. */
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
	assert_false(hv_log_tagged(LOG_TAG_MSR, "new interval"));   /* the report has no room: it waits */
	fifo_free = 1u << 30;
	log_set_deferred(false);
	log_ratelimit_report();
	snprintf(want, sizeof(want), "[hv] ratelimit: msr: 6 lines suppressed\r\n");
	assert_true(wire_len >= strlen(want));
	assert_memory_equal(wire + wire_len - strlen(want), want, strlen(want));
	log_get_stats(&st);
	assert_int_equal(st.suppressed, 6);
	assert_int_equal(st.dropped, 0);
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

/* A UART that never becomes ready (a decoded but disabled port): a synchronous line gives up on
 * it after a bounded wait and still reaches the mirror; from then on no line waits for it. */
static void test_sync_gives_up_on_stuck_uart(void **state)
{
	(void)state;
	log_test_clock = ticking_clock;
	fifo_free = 0;
	hv_log("banner");
	assert_int_equal(wire_len, 0);
	assert_non_null(strstr(mirror, "[hv] banner\n"));
	assert_non_null(strstr(mirror, "[hv] log: serial port not ready"));
	room_calls = 0;
	mirror_len = 0;
	hv_log("next");
	assert_int_equal(room_calls, 0);                   /* not asked again */
	assert_int_equal(mirror_len, strlen("[hv] next\n"));
	assert_memory_equal(mirror, "[hv] next\n", mirror_len);
	assert_int_equal(wire_len, 0);
	assert_false(log_pending());
}

/* The bound is per line and generous: a slow UART keeps every byte; one that takes a line
 * longer than LOG_SERIAL_TIMEOUT to send is given up mid-line. */
static void test_slow_uart_kept_trickle_given_up(void **state)
{
	char text[101], want[128];

	(void)state;
	memset(text, 'x', 100);
	text[100] = '\0';
	log_test_clock = ticking_clock;
	fifo_free = 0;
	room_every = 64;                                   /* ~2^26 ticks for the line */
	hv_log("%s", text);
	hv_log("%s", text);
	snprintf(want, sizeof(want), "[hv] %s\r\n", text);
	assert_int_equal(wire_len, 2 * strlen(want));
	assert_null(strstr(mirror, "serial port not ready"));
	wire_len = 0;
	room_every = 1024;                                 /* ~2^30 ticks for the line */
	hv_log("%s", text);
	assert_true(wire_len > 0 && wire_len < strlen(want));
	assert_memory_equal(wire, want, wire_len);
	assert_non_null(strstr(mirror, "[hv] log: serial port not ready"));
	room_calls = 0;
	hv_log("after");
	assert_int_equal(room_calls, 0);
}

/* The same for lines queued while deferred and written out when the guest ends. */
static void test_flush_gives_up_on_stuck_uart(void **state)
{
	struct log_stats st;

	(void)state;
	log_test_clock = ticking_clock;
	log_set_deferred(true);
	fifo_free = 0;
	for (int i = 0; i < 10; i++)
		hv_log("queued %d", i);
	log_pump();
	log_set_deferred(false);                           /* log_flush: must return */
	assert_false(log_pending());
	assert_int_equal(wire_len, 0);
	for (int i = 0; i < 10; i++) {
		char want[32];

		snprintf(want, sizeof(want), "[hv] queued %d\n", i);
		assert_non_null(strstr(mirror, want));
	}
	log_get_stats(&st);
	assert_int_equal(st.dropped, 0);
}

/* log_drain (before power-off) waits until the last byte has left the line; on a UART that never
 * gets there it gives up, bounded, and no later wait asks the port again. */
static void test_drain(void **state)
{
	(void)state;
	log_test_clock = ticking_clock;
	hv_log("end");
	busy_polls = 5;
	log_drain();
	assert_int_equal(busy_polls, 0);
	assert_int_equal(idle_calls, 5);
	expect_wire("[hv] end\r\n");
	busy_polls = ~0u;
	log_drain();                                       /* returns */
	assert_non_null(strstr(mirror, "[hv] log: serial port not ready for 268435456 TSC ticks: no more lines go to it\n"));
	idle_calls = room_calls = 0;
	hv_log("poweroff: shutdown");
	log_drain();
	assert_int_equal(idle_calls + room_calls, 0);
	expect_wire("[hv] end\r\n");
	assert_non_null(strstr(mirror, "[hv] poweroff: shutdown\n"));
}

/* Tagged lines that find the ring full are counted in their tag (as suppressed), never as
 * dropped: for every tag, printed + suppressed = lines logged. A full burst of every tag fits. */
static void test_ring_full_counts_tagged_lines(void **state)
{
	struct log_stats st;
	unsigned logged = 0;
	size_t printed = 0;
	char line[64];

	(void)state;
	log_test_clock = fake_clock;
	log_set_deferred(true);
	fifo_free = 0;
	for (int round = 0; round < 2; round++) {
		for (unsigned t = 1; t < LOG_TAG_COUNT; t++)
			for (int i = 0; i < (int)log_burst((enum log_tag)t) + 3; i++, logged++)
				hv_log_tagged((enum log_tag)t, "t%u %d", t, i);
		if (!round) {
			log_get_stats(&st);
			assert_int_equal(st.dropped, 0);
			assert_int_equal(st.suppressed, 3 * (LOG_TAG_COUNT - 1));   /* a full burst of each fits */
		}
		fake_tsc += LOG_RATELIMIT_INTERVAL;            /* the second round: the ring is full */
	}
	fifo_free = 1u << 30;
	log_set_deferred(false);
	log_ratelimit_report();
	log_get_stats(&st);
	assert_int_equal(st.dropped, 0);
	assert_null(strstr(mirror, "lines dropped"));
	for (const char *p = mirror; (p = strstr(p, "[hv] t")) != NULL; p++)
		printed++;
	assert_int_equal(printed + st.suppressed, logged);
	for (unsigned t = 1; t < LOG_TAG_COUNT; t++) {
		unsigned long long n = 0, sum = 0;
		size_t tag_printed = 0;
		char fmt[96], pfx[16];

		snprintf(fmt, sizeof(fmt), "[hv] ratelimit: %s: %%llu lines suppressed", log_tag_name((enum log_tag)t));
		snprintf(pfx, sizeof(pfx), "[hv] t%u ", t);
		for (const char *p = mirror; *p; p = strchr(p, '\n') + 1) {
			size_t len = (size_t)(strchr(p, '\n') - p);

			snprintf(line, sizeof(line), "%.*s", (int)len, p);
			if (sscanf(line, fmt, &n) == 1)
				sum += n;
			if (!strncmp(line, pfx, strlen(pfx)))
				tag_printed++;
		}
		assert_int_equal(tag_printed + sum, 2 * (log_burst((enum log_tag)t) + 3));
	}
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
		cmocka_unit_test_setup(test_sync_gives_up_on_stuck_uart, setup),
		cmocka_unit_test_setup(test_flush_gives_up_on_stuck_uart, setup),
		cmocka_unit_test_setup(test_slow_uart_kept_trickle_given_up, setup),
		cmocka_unit_test_setup(test_drain, setup),
		cmocka_unit_test_setup(test_ring_full_counts_tagged_lines, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
