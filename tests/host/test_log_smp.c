// SPDX-License-Identifier: MIT
/*
 * tests/host/test_log_smp.c - the log ring (arch/lib/log.c) with several producers: four threads,
 * each a CPU with its own index, log thousands of lines of every kind (hv_log, hv_log_tagged with
 * several tags, log_guest_line, log_deferred) while deferred and pump the fake UART themselves
 * (log_poll, log_pump). Then every line on the wire is whole and exactly the text its thread
 * made, tagged "[hv:N]"/"[guest:N]" with that thread's index, each thread's lines are in its
 * order, the mirror got the same lines, and for every tag printed + suppressed = events;
 * untagged lines are lost only when counted as dropped. Built with ThreadSanitizer too
 * (TSAN_TESTS). With tags off the lines are exactly the one-CPU format.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arch/lib/log.h"

#define THREADS 4
#define ROUNDS 2000
#define MAIN_CPU 7                 /* the index of the thread that sets up and flushes */
#define WIRE_MAX (16u << 20)

/* ---- the fake machine: a CPU index per thread, a clock, a UART with a 64-byte FIFO, a mirror. */

static _Thread_local unsigned my_cpu;
static _Thread_local bool my_clock_ticks;
static uint64_t clock_now = 1000;

static unsigned cpu_index(void)
{
	return my_cpu;
}

/* Producers that tick move the shared clock a whole rate-limit interval per read, so no tag is
 * ever limited; the others (and everyone in the rate-limit test) see it stand still, so a
 * flush never runs out of time. */
static uint64_t fake_clock(void)
{
	if (my_clock_ticks)
		return __atomic_add_fetch(&clock_now, LOG_RATELIMIT_INTERVAL, __ATOMIC_RELAXED);
	return __atomic_load_n(&clock_now, __ATOMIC_RELAXED);
}

/* The log calls these only under its transmit lock: no locking here, and TSan checks that. */
static char *wire, *mirror;
static size_t wire_len, mirror_len;
static unsigned fifo_free, room_calls;

static unsigned fake_room(void)
{
	if (++room_calls % 2)
		fifo_free = 64;          /* the FIFO empties every other question: lines leave in pieces */
	return fifo_free;
}

static void fake_put(char c)
{
	if (!fifo_free || wire_len >= WIRE_MAX)
		abort();                 /* overrun: cmocka is not thread-safe, so fail loudly */
	fifo_free--;
	wire[wire_len++] = c;
}

static void fake_mirror(const char *s, size_t n)
{
	if (mirror_len + n >= WIRE_MAX)
		abort();
	memcpy(mirror + mirror_len, s, n);
	mirror_len += n;
}

static int setup(void **state)
{
	(void)state;
	log_reset();
	if (!wire)
		wire = malloc(WIRE_MAX);
	if (!mirror)
		mirror = malloc(WIRE_MAX);
	assert_non_null(wire);
	assert_non_null(mirror);
	wire_len = mirror_len = 0;
	fifo_free = room_calls = 0;
	clock_now = 1000;
	my_cpu = MAIN_CPU;
	my_clock_ticks = false;
	log_test_clock = fake_clock;
	log_set_serial(fake_room, fake_put, 0);
	log_add_sink(fake_mirror);
	log_set_cpu_source(cpu_index);
	return 0;
}

static int teardown_all(void **state)
{
	(void)state;
	free(wire);
	free(mirror);
	return 0;
}

/* ---- the producers */

/* What each round of a thread logs, and with which tag. */
enum kind { K_HV, K_MSR, K_XSETBV, K_NMI, K_GUEST, K_DEFERRED, K_EPT, K_COUNT };
static const char *const kind_word[K_COUNT] = { "hv", "msr", "xsetbv", "nmi", "guest", "deferred", "ept" };
static const enum log_tag kind_tag[K_COUNT] = {
	LOG_TAG_NONE, LOG_TAG_MSR, LOG_TAG_XSETBV, LOG_TAG_NMI, LOG_TAG_GUEST, LOG_TAG_NONE, LOG_TAG_EPT_VIOLATION,
};

struct producer {
	pthread_t thread;
	unsigned cpu;
	bool ticks;                     /* the clock moves (no rate limit) */
	bool untagged;                  /* also log untagged lines */
	unsigned events[LOG_TAG_COUNT]; /* lines of each tag asked for */
	unsigned untagged_made;
};

static void fmt_deferred(char *buf, size_t len, const uint64_t a[LOG_DEFERRED_ARGS])
{
	snprintf(buf, len, "t%llu %s %llu", (unsigned long long)a[0], kind_word[a[2]], (unsigned long long)a[1]);
}

static void produce_round(struct producer *p, unsigned i)
{
	enum kind tk = (enum kind)(K_MSR + i % 3);   /* three hv tags in turn */
	uint64_t a[LOG_DEFERRED_ARGS] = { p->cpu, i, K_DEFERRED, 0, 0 };
	char g[32];

	if (p->untagged) {
		hv_log("t%u hv %u", p->cpu, i);
		log_deferred(LOG_TAG_NONE, fmt_deferred, a);
		p->untagged_made += 2;
	}
	hv_log_tagged(kind_tag[tk], "t%u %s %u", p->cpu, kind_word[tk], i);
	p->events[kind_tag[tk]]++;
	snprintf(g, sizeof(g), "t%u guest %u", p->cpu, i);
	log_guest_line(g, strlen(g));
	p->events[LOG_TAG_GUEST]++;
	a[2] = K_EPT;
	if (log_ratelimit(LOG_TAG_EPT_VIOLATION))
		log_deferred(LOG_TAG_EPT_VIOLATION, fmt_deferred, a);
	p->events[LOG_TAG_EPT_VIOLATION]++;
}

static void *producer_main(void *arg)
{
	struct producer *p = arg;

	my_cpu = p->cpu;
	my_clock_ticks = p->ticks;
	for (unsigned i = 0; i < ROUNDS; i++) {
		produce_round(p, i);
		log_poll();
		if (i % 3 == p->cpu % 3)
			log_pump();
		if (i % 256 == 255)
			log_ratelimit_report();
	}
	return NULL;
}

static void run_producers(struct producer *p, bool ticks, bool untagged)
{
	log_set_cpu_tags(true);
	log_set_deferred(true);
	for (unsigned t = 0; t < THREADS; t++) {
		p[t] = (struct producer){ .cpu = t, .ticks = ticks, .untagged = untagged };
		assert_int_equal(pthread_create(&p[t].thread, NULL, producer_main, &p[t]), 0);
	}
	for (unsigned t = 0; t < THREADS; t++)
		assert_int_equal(pthread_join(p[t].thread, NULL), 0);
	log_set_deferred(false);        /* log_flush: everything out */
	log_ratelimit_report();
	hv_log("end");                  /* a pending "dropped" notice goes out before it */
	assert_false(log_pending());
}

/* ---- reading the wire back */

struct tally {
	unsigned seen[THREADS][K_COUNT];
	long last[THREADS][K_COUNT];    /* the last sequence number per thread and kind */
	unsigned long long reported[LOG_TAG_COUNT];
	unsigned long long dropped;     /* the sum of the "lines dropped" notices */
	unsigned lines, ends;
};

static enum kind kind_of(const char *word)
{
	for (unsigned k = 0; k < K_COUNT; k++)
		if (!strcmp(word, kind_word[k]))
			return (enum kind)k;
	fail_msg("no such kind of line: %s", word);
	return K_COUNT;
}

/* A line a producer made: exactly "[hv:N] tN <kind> <seq>" or "[guest:N] tN guest <seq>", N its
 * thread's index, <seq> above the last of its thread and kind. */
static void check_producer_line(struct tally *y, const char *line, const char *who, unsigned cpu)
{
	unsigned t = 0, seq = 0;
	char word[16] = "", want[64];
	enum kind k;

	assert_int_equal(sscanf(line, "%*[^]]] t%u %15s %u", &t, word, &seq), 3);
	k = kind_of(word);
	snprintf(want, sizeof(want), "[%s:%u] t%u %s %u", k == K_GUEST ? "guest" : "hv", t, t, word, seq);
	assert_string_equal(line, want);                    /* whole, well-formed, nothing mixed in */
	assert_string_equal(who, k == K_GUEST ? "guest" : "hv");
	assert_int_equal(cpu, t);                           /* the tag of the CPU that made it */
	assert_true(t < THREADS && seq < ROUNDS);
	assert_true((long)seq > y->last[t][k]);             /* in its thread's order */
	y->last[t][k] = seq;
	y->seen[t][k]++;
}

static void check_line(struct tally *y, const char *line)
{
	char who[8] = "", tagname[24] = "";
	unsigned cpu = 0;
	unsigned long long n = 0;
	int end = 0;

	y->lines++;
	assert_int_equal(sscanf(line, "[%7[a-z]:%u] ", who, &cpu), 2);
	if (sscanf(line, "[hv:%*u] ratelimit: %23[a-z-]: %llu lines suppressed%n", tagname, &n, &end) == 2 &&
	    !line[end]) {
		unsigned t = 1;

		while (t < LOG_TAG_COUNT && strcmp(log_tag_name((enum log_tag)t), tagname))
			t++;
		assert_true(t < LOG_TAG_COUNT);
		y->reported[t] += n;
	} else if (sscanf(line, "[hv:%*u] log: %llu lines dropped (ring buffer full)%n", &n, &end) == 1 && !line[end]) {
		y->dropped += n;
	} else if (!strcmp(strchr(line, ']'), "] end")) {
		assert_int_equal(cpu, MAIN_CPU);
		y->ends++;
	} else {
		check_producer_line(y, line, who, cpu);
		return;
	}
	assert_true(cpu < THREADS || cpu == MAIN_CPU);
}

/* Every line on the wire ends in "\r\n", the mirror has the same lines ending in "\n". */
static void read_wire(struct tally *y)
{
	size_t w = 0, m = 0;

	memset(y, 0, sizeof(*y));
	memset(y->last, 0xff, sizeof(y->last));             /* -1: none yet */
	while (w < wire_len) {
		char *cr = memchr(wire + w, '\r', wire_len - w);
		size_t n;

		assert_non_null(cr);
		n = (size_t)(cr - (wire + w));
		assert_true(w + n + 1 < wire_len && cr[1] == '\n');
		assert_true(m + n < mirror_len && mirror[m + n] == '\n');
		assert_memory_equal(mirror + m, wire + w, n);
		*cr = '\0';
		check_line(y, wire + w);
		w += n + 2;
		m += n + 1;
	}
	assert_int_equal(m, mirror_len);
}

/* For every tag printed + suppressed = events, and every suppressed line was reported. Returns
 * the lines printed of tag t in *printed. */
static void check_tag_counts(const struct tally *y, const struct producer *p, unsigned printed[LOG_TAG_COUNT])
{
	struct log_stats st;
	unsigned long long all_reported = 0;

	memset(printed, 0, LOG_TAG_COUNT * sizeof(printed[0]));
	for (unsigned t = 0; t < THREADS; t++)
		for (unsigned k = 0; k < K_COUNT; k++)
			printed[kind_tag[k]] += y->seen[t][k];
	for (unsigned tag = 1; tag < LOG_TAG_COUNT; tag++) {
		unsigned events = 0;

		for (unsigned t = 0; t < THREADS; t++)
			events += p[t].events[tag];
		assert_int_equal(printed[tag] + y->reported[tag], events);
		all_reported += y->reported[tag];
	}
	log_get_stats(&st);
	assert_int_equal(st.suppressed, all_reported);
	assert_int_equal(st.lines, y->lines);
}

/* ---- the tests */

/* The clock runs, so nothing is rate-limited; lines that find the ring full are counted (tagged:
 * suppressed and reported; untagged: dropped and said). */
static void test_four_cpus_every_kind(void **state)
{
	struct producer p[THREADS];
	struct tally y;
	struct log_stats st;
	unsigned printed[LOG_TAG_COUNT], untagged_made = 0, untagged_seen = 0;

	(void)state;
	run_producers(p, true, true);
	read_wire(&y);
	check_tag_counts(&y, p, printed);
	log_get_stats(&st);
	for (unsigned t = 0; t < THREADS; t++) {
		untagged_made += p[t].untagged_made;
		untagged_seen += y.seen[t][K_HV] + y.seen[t][K_DEFERRED];
	}
	assert_int_equal(untagged_seen + st.dropped, untagged_made);
	assert_int_equal(y.dropped, st.dropped);
	assert_int_equal(y.ends, 1);
	assert_true(untagged_seen > 0 && printed[LOG_TAG_GUEST] > 0);
	print_message("# %u lines, %llu untagged dropped, %llu tagged suppressed\n", y.lines,
		      (unsigned long long)st.dropped, (unsigned long long)st.suppressed);
}

/* The clock stands still and only tagged lines are logged (at most a burst of each tag is ever
 * in the ring, so the ring never fills): each tag prints exactly its burst, whichever CPUs
 * raced for it, and the rest are suppressed and reported. */
static void test_four_cpus_rate_limited(void **state)
{
	struct producer p[THREADS];
	struct tally y;
	unsigned printed[LOG_TAG_COUNT];

	(void)state;
	run_producers(p, false, false);
	read_wire(&y);
	check_tag_counts(&y, p, printed);
	for (unsigned tag = 1; tag < LOG_TAG_COUNT; tag++) {
		unsigned events = 0;

		for (unsigned t = 0; t < THREADS; t++)
			events += p[t].events[tag];
		if (!events)
			continue;
		assert_int_equal(printed[tag], log_burst((enum log_tag)tag));
		assert_int_equal(y.reported[tag], events - log_burst((enum log_tag)tag));
	}
	assert_int_equal(y.dropped, 0);
}

static void fmt_pair(char *buf, size_t len, const uint64_t a[LOG_DEFERRED_ARGS])
{
	snprintf(buf, len, "pair a=%llu", (unsigned long long)a[0]);
}

/* Every kind of line, one CPU's worth, as the wire gets it. */
static void log_one_of_each(void)
{
	uint64_t a[LOG_DEFERRED_ARGS] = { 7, 0, 0, 0, 0 };

	hv_log("vmxon: ok");
	hv_log_tagged(LOG_TAG_MSR, "msr: rdmsr 0x%x", 0x10);
	log_guest_line("hello", 5);
	log_deferred(LOG_TAG_NONE, fmt_pair, a);
	for (int i = 0; i < LOG_RATELIMIT_BURST; i++)
		log_ratelimit(LOG_TAG_NMI);
	log_suppress(LOG_TAG_NMI);
	log_ratelimit_report();
}

static void expect_wire(const char *want)
{
	assert_int_equal(wire_len, strlen(want));
	assert_memory_equal(wire, want, wire_len);
}

/* Tags off (the default), even with a CPU source: exactly the one-CPU format. */
static void test_tags_off_is_todays_format(void **state)
{
	(void)state;
	my_cpu = 3;
	log_one_of_each();
	expect_wire("[hv] vmxon: ok\r\n[hv] msr: rdmsr 0x10\r\n[guest] hello\r\n[hv] pair a=7\r\n"
		    "[hv] ratelimit: nmi: 1 lines suppressed\r\n");
	assert_int_equal(mirror_len, wire_len - 5);
}

static void test_tags_on_every_kind(void **state)
{
	(void)state;
	log_set_cpu_tags(true);
	my_cpu = 3;
	log_one_of_each();
	expect_wire("[hv:3] vmxon: ok\r\n[hv:3] msr: rdmsr 0x10\r\n[guest:3] hello\r\n[hv:3] pair a=7\r\n"
		    "[hv:3] ratelimit: nmi: 1 lines suppressed\r\n");
	wire_len = 0;
	my_cpu = 63;
	hv_log("two digits");
	expect_wire("[hv:63] two digits\r\n");
}

/* The index is the producing CPU's, taken when the line is made: a deferred record, a text
 * line and the notice of a full ring keep it when another CPU writes them out. */
static void test_tag_taken_when_made(void **state)
{
	uint64_t a[LOG_DEFERRED_ARGS] = { 1, 0, 0, 0, 0 };
	char want[128];

	(void)state;
	log_set_cpu_tags(true);
	log_set_deferred(true);
	my_cpu = 2;
	log_deferred(LOG_TAG_NONE, fmt_pair, a);
	hv_log("text");
	for (int i = 0; i < LOG_RING_SLOTS - 1; i++)
		hv_log("fill");                             /* the last one finds no room: dropped */
	my_cpu = 5;
	log_set_deferred(false);                            /* CPU 5 writes them out */
	my_cpu = 1;
	hv_log("after");
	assert_memory_equal(wire, "[hv:2] pair a=1\r\n[hv:2] text\r\n[hv:2] fill\r\n", 43);
	snprintf(want, sizeof(want), "[hv:1] log: 1 lines dropped (ring buffer full)\r\n[hv:1] after\r\n");
	assert_true(wire_len > strlen(want));
	assert_memory_equal(wire + wire_len - strlen(want), want, strlen(want));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_tags_off_is_todays_format, setup),
		cmocka_unit_test_setup(test_tags_on_every_kind, setup),
		cmocka_unit_test_setup(test_tag_taken_when_made, setup),
		cmocka_unit_test_setup(test_four_cpus_every_kind, setup),
		cmocka_unit_test_setup(test_four_cpus_rate_limited, setup),
	};
	return cmocka_run_group_tests(tests, NULL, teardown_all);
}
