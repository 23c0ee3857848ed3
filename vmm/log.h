/* The serial log. Every line the hypervisor writes starts with "[hv] "; lines the guest writes
 * start with "[guest] ". docs/log-format.md is the interface.
 *
 * Lines go through a ring buffer. Before the guest runs and after it ends the log is
 * synchronous: each line is written out before hv_log returns. While the guest runs it is
 * deferred: an exit handler only appends a line (or a record formatted later) and never waits
 * for the UART; log_pump(), called on later exits, moves bytes out as far as the UART's
 * transmit FIFO has room, and the rest goes out when the guest ends. Lines an exit can repeat
 * carry a tag and are rate-limited per tag (LOG_RATELIMIT_BURST lines per
 * LOG_RATELIMIT_INTERVAL TSC ticks; the rest are counted and the count printed). Lines that find
 * the ring full are counted and the count printed. */
#ifndef VMM_LOG_H
#define VMM_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LOG_LINE_MAX 256
#define LOG_MAX_SINKS 3
#define LOG_RING_SLOTS 64                   /* lines waiting for the UART */
#define LOG_RATELIMIT_BURST 32              /* lines per tag per interval */
#define LOG_RATELIMIT_INTERVAL (1ull << 31) /* TSC ticks: about 1 s at 2 GHz */
#define LOG_DEFERRED_ARGS 5

/* Lines an exit can repeat, rate-limited separately. LOG_TAG_NONE lines are never limited. */
enum log_tag {
	LOG_TAG_NONE = 0,
	LOG_TAG_GUEST,          /* "[guest] ..." */
	LOG_TAG_EPT_VIOLATION,  /* "[hv] ept-violation ..." */
	LOG_TAG_EPT_POLICY,     /* "[hv] ept-policy: ..." */
	LOG_TAG_MSR,            /* "[hv] msr: ..." */
	LOG_TAG_XSETBV,         /* "[hv] xsetbv: ..." */
	LOG_TAG_COUNT
};

/* Mirrors (screen, UEFI console) get whole lines as they leave the ring. */
typedef void (*log_sink_fn)(const char *s, size_t n);
/* A record formatted when it leaves the ring: write the line (no prefix, no newline) into buf. */
typedef void (*log_format_fn)(char *buf, size_t len, const uint64_t args[LOG_DEFERRED_ARGS]);

struct log_stats {
	uint64_t lines;                     /* lines written out */
	uint64_t suppressed;                /* lines the rate limit counted instead of printing */
	uint64_t dropped;                   /* lines lost because the ring was full */
};

/* The serial port: room() = bytes it takes now without waiting, put() = send one byte. */
void log_set_serial(unsigned (*room)(void), void (*put)(char c));
void log_set_clock(uint64_t (*now)(void));   /* TSC for the rate limit; none = one endless interval */
void log_add_sink(log_sink_fn fn);
void log_remove_sink(log_sink_fn fn);

void hv_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));  /* "[hv] <fmt>\n" */
void hv_log_tagged(enum log_tag tag, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "[guest] <s>\n", tag LOG_TAG_GUEST: s is copied, not formatted. */
void log_guest_line(const char *s, size_t n);
/* The hot-path form: true if a line with this tag may be logged now (counts it if not). */
bool log_ratelimit(enum log_tag tag);
/* Append "[hv] " + fn(args) without formatting now; call log_ratelimit first. */
void log_deferred(log_format_fn fn, const uint64_t args[LOG_DEFERRED_ARGS]);

void log_set_deferred(bool on);   /* off: everything pending is written out first */
extern uint32_t log_waiting;      /* lines (or a part of one) waiting for the UART */
static inline bool log_pending(void) { return log_waiting != 0; }
void log_pump(void);              /* write what the UART has room for; never waits */
void log_flush(void);             /* write everything out, waiting for the UART */
void log_ratelimit_report(void);  /* print the pending "ratelimit: <tag>: N lines suppressed" lines */
void log_get_stats(struct log_stats *out);
const char *log_tag_name(enum log_tag tag);

/* For host tests: forget every line, counter and setting. */
void log_reset(void);

#endif
