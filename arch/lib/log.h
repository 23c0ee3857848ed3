/* The serial log. Every line the hypervisor writes starts with "[hv] "; lines the guest writes
 * start with "[guest] ". With CPU tags on (several processors in use) the prefix names the CPU
 * that made the line: "[hv:1] ", "[guest:1] ". docs/log-format.md is the interface.
 *
 * Lines go through a ring buffer. Before the guest runs and after it ends the log is
 * synchronous: each line is written out before hv_log returns. While the guest runs it is
 * deferred: an exit handler only appends a line (or a record formatted later) and never waits
 * for the UART; log_pump(), called on later exits, moves bytes out as far as the UART's
 * transmit FIFO has room, and the rest goes out when the guest ends. Lines an exit can repeat
 * carry a tag and are rate-limited per tag (log_burst: LOG_RATELIMIT_BURST lines, LOG_GUEST_BURST
 * of [guest], per LOG_RATELIMIT_INTERVAL TSC ticks; the rest are counted and the count printed). A tagged line
 * that finds no room in the ring is counted the same way, so for every tag printed + suppressed
 * = events; untagged lines that find the ring full are counted as dropped and the count printed.
 * Every wait for the UART is bounded (LOG_SERIAL_TIMEOUT per line): a port that never gets ready
 * is given up for the rest of the run, and the other sinks still get every line.
 *
 * Several processors may log at once; every function here may be called from any of them. Each
 * line enters the ring whole under the ring lock and leaves it whole under the transmit lock,
 * so no two lines ever interleave on the UART or a sink. What takes which lock:
 *  - ring lock (short: one line or record in or out, or a rate-limit report's line):
 *    hv_log, hv_log_tagged, log_guest_line, log_deferred, log_ratelimit_report, log_get_stats,
 *    and the transmitter taking the next line;
 *  - transmit lock (the UART, the sinks, the line leaving): log_pump and log_poll only try it
 *    (a CPU that finds another pumping returns at once, its lines stay pending for a later
 *    poll); log_flush, log_drain, a synchronous line's own flush and the setters take it once
 *    per round of bytes the UART has room for, never across a wait in between;
 *  - rate-limit lock: log_ratelimit_slow (the burst count and the interval), nothing else.
 *  Order: transmit lock, then ring lock; the rate-limit lock is never held with another.
 * The inline functions below (the exit path) take no lock: their shared counters are atomic
 * adds, their shared flags relaxed atomic loads (one instruction each on x86). A deferred
 * producer never waits for the UART, only, briefly, for the ring lock. Never log from a
 * handler that can interrupt a CPU inside the log (an NMI, a fault in a sink): the ticket lock
 * is not recursive, it would wait for itself. */
#ifndef ARCH_LIB_LOG_H
#define ARCH_LIB_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LOG_LINE_MAX 256
#define LOG_MAX_SINKS 3
#define LOG_RATELIMIT_BURST 32              /* lines per tag per interval ... */
#define LOG_GUEST_BURST 128                 /* ... but [guest] lines: each vCPU prints its own (4 x 32) */
#define LOG_RATELIMIT_INTERVAL (1ull << 31) /* TSC ticks: about 1 s at 2 GHz */
#define LOG_DEFERRED_ARGS 5
/* How long a synchronous write waits for the serial port to take one line (about 130 ms at
 * 2 GHz; a 256-byte line needs 22 ms at 115200 baud) before it gives the port up for good. */
#define LOG_SERIAL_TIMEOUT (1ull << 28)

/* Lines an exit can repeat, rate-limited separately. LOG_TAG_NONE lines are never limited. */
enum log_tag {
	LOG_TAG_NONE = 0,
	LOG_TAG_GUEST,          /* "[guest] ..." */
	LOG_TAG_EPT_VIOLATION,  /* "[hv] ept-violation ..." */
	LOG_TAG_EPT_POLICY,     /* "[hv] ept-policy: ..." */
	LOG_TAG_MSR,            /* "[hv] msr: ..." */
	LOG_TAG_XSETBV,         /* "[hv] xsetbv: ..." */
	LOG_TAG_EPT_MISCONFIG,  /* "[hv] ept-misconfig ..." of the HC_EPT_MISCONFIG_DEMO page */
	LOG_TAG_NMI,            /* "[hv] nmi: ..." */
	LOG_TAG_INTERRUPT,      /* "[hv] interrupt: ..." */
	LOG_TAG_COUNT
};

/* The ring's size, the sizing rule: one full burst of every tag, plus LOG_UNTAGGED_SLOTS that
 * tagged lines never take (ratelimit: reports, the dropped notice, the lines of the guest's end).
 * So whatever the UART does, the lines of one interval always fit into an empty ring (nothing is
 * lost, every tag prints its whole burst), and untagged lines always find LOG_UNTAGGED_SLOTS.
 * A new tag grows the ring by LOG_RATELIMIT_BURST slots (a slot is about 320 bytes: 416 slots, 130 KiB). */
#define LOG_UNTAGGED_SLOTS 64
#define LOG_TAGGED_SLOTS (LOG_GUEST_BURST + LOG_RATELIMIT_BURST * (LOG_TAG_COUNT - 2))
#define LOG_RING_SLOTS (LOG_TAGGED_SLOTS + LOG_UNTAGGED_SLOTS)   /* 8 tags: 128 + 224 + 64 = 416 */

/* A tag's burst: a constant wherever the tag is (the exit path's calls name theirs). */
static inline uint32_t log_burst(enum log_tag tag)
{
	return tag == LOG_TAG_GUEST ? LOG_GUEST_BURST : LOG_RATELIMIT_BURST;
}

/* Mirrors (screen, UEFI console) get whole lines as they leave the ring. */
typedef void (*log_sink_fn)(const char *s, size_t n);
/* A record formatted when it leaves the ring: write the line (no prefix, no newline) into buf. */
typedef void (*log_format_fn)(char *buf, size_t len, const uint64_t args[LOG_DEFERRED_ARGS]);

struct log_stats {
	uint64_t lines;                     /* lines written out */
	uint64_t suppressed;                /* tagged lines counted instead of printed (rate limit or full ring) */
	uint64_t dropped;                   /* untagged lines lost because the ring was full */
};

/* The serial port: room() = bytes it takes now without waiting, put() = send one byte, idle() =
 * every byte sent has left the line (0: log_drain does not wait for that). */
void log_set_serial(unsigned (*room)(void), void (*put)(char c), bool (*idle)(void));
void log_add_sink(log_sink_fn fn);
/* The hypervisor's function giving the calling CPU's index, 0..LOG_MAX_CPUS-1, for the CPU
 * tags (none given: lines carry no CPU tag even with tags on). */
#define LOG_MAX_CPUS 64
void log_set_cpu_source(unsigned (*cpu_index)(void));
/* On: every line's prefix names its CPU, taken when the line is made ("[hv:1] "). Off (the
 * default, one CPU): "[hv] ", byte for byte as without tags. */
void log_set_cpu_tags(bool on);

void hv_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));  /* "[hv] <fmt>\n" */
/* The same for a line of a tag: rate-limited. True if the line went into the ring. */
bool hv_log_tagged(enum log_tag tag, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "[guest] <s>\n", tag LOG_TAG_GUEST: s is copied, not formatted. */
void log_guest_line(const char *s, size_t n);
/* Append "[hv] " + fn(args), a line of this tag, without formatting now; call log_ratelimit
 * first. A line that finds no room is counted in its tag (or as dropped, if untagged). */
void log_deferred(enum log_tag tag, log_format_fn fn, const uint64_t args[LOG_DEFERRED_ARGS]);

void log_set_deferred(bool on);   /* off: everything pending is written out first */
void log_pump(void);              /* write what the UART has room for; never waits */
void log_flush(void);             /* write everything out, waiting for the UART (bounded) */
void log_drain(void);             /* log_flush, then wait (bounded) until the UART is idle: before power-off */
void log_ratelimit_report(void);  /* print the pending "ratelimit: <tag>: N lines suppressed" lines */
void log_get_stats(struct log_stats *out);
const char *log_tag_name(enum log_tag tag);
void log_reset(void);             /* host tests: forget every line, counter and setting */

/* ---- The exit path's part, inline: a few instructions when there is nothing to print. */

/* The clock of the rate limit, the pump and the UART timeout: the TSC (a fake one in host tests). */
#ifdef HV_HOST_TEST
extern uint64_t (*log_test_clock)(void);
static inline uint64_t log_now(void) { return log_test_clock ? log_test_clock() : 0; }
#else
static inline uint64_t log_now(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}
#endif

struct log_limit {
	uint64_t start;                   /* TSC at the start of the interval (0: none yet) */
	uint64_t suppressed;              /* counted since the last report (atomic adds) */
	uint64_t reported;                /* counted and reported before (ring lock) */
	uint32_t printed;                 /* let through in this interval (rate-limit lock) */
};
/* Hidden: one image, so the exit path reaches these without a GOT load. */
extern struct log_limit log_limits[LOG_TAG_COUNT] __attribute__((visibility("hidden")));
bool log_ratelimit_slow(enum log_tag tag);

/* True if a line with this tag may be logged now; if not, it is counted. */
static inline bool log_ratelimit(enum log_tag tag)
{
	struct log_limit *l = &log_limits[tag];

	/* Relaxed loads and a locked add: other CPUs change these under the rate-limit lock. */
	if (__atomic_load_n(&l->printed, __ATOMIC_RELAXED) >= log_burst(tag) &&
	    log_now() - __atomic_load_n(&l->start, __ATOMIC_RELAXED) < LOG_RATELIMIT_INTERVAL) {
		__atomic_fetch_add(&l->suppressed, 1, __ATOMIC_RELAXED);
		return false;
	}
	return log_ratelimit_slow(tag);
}

/* Count a line of this tag as suppressed without asking (e.g. the ept-policy line of an
 * ept-violation line the rate limit suppressed). */
static inline void log_suppress(enum log_tag tag)
{
	__atomic_fetch_add(&log_limits[tag].suppressed, 1, __ATOMIC_RELAXED);
}

/* The UART is polled at most once per LOG_POLL_TICKS while lines wait (a 16-byte FIFO takes
 * about 1.4 ms to empty at 115200 baud, millions of ticks). */
#define LOG_POLL_TICKS (1ull << 14)
extern uint32_t log_waiting __attribute__((visibility("hidden")));   /* lines waiting for the UART (atomic) */
extern uint64_t log_last_poll __attribute__((visibility("hidden")));

static inline bool log_pending(void) { return __atomic_load_n(&log_waiting, __ATOMIC_RELAXED) != 0; }

static inline void log_poll(void)
{
	if (log_pending() && log_now() - __atomic_load_n(&log_last_poll, __ATOMIC_RELAXED) >= LOG_POLL_TICKS)
		log_pump();
}

#endif
