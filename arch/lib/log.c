/* The log: a ring of lines between the code that logs and the UART (arch/lib/log.h says why,
 * and which lock guards what). */
#include "arch/lib/log.h"
#include "arch/lib/fmt.h"
#include "arch/lib/spinlock.h"

#include <stdarg.h>

enum rec_kind { REC_TEXT, REC_DEFERRED, REC_DROPPED, REC_SERIAL_LOST, REC_REPORT };

#define NO_CPU 0xffu   /* a line without a CPU tag: "[hv] ", as on one CPU */

/* One line waiting for the UART: its text, or what to format it from. */
struct log_rec {
	uint8_t kind;
	uint8_t tag;                         /* enum log_tag: tagged lines have their part of the ring */
	uint8_t cpu;                         /* not REC_TEXT: the CPU of the prefix, or NO_CPU */
	uint16_t len;                        /* REC_TEXT: bytes in text, prefix included, no newline */
	log_format_fn fn;                    /* REC_DEFERRED */
	uint64_t args[LOG_DEFERRED_ARGS];    /* REC_DEFERRED; notices: their numbers (put_notice) */
	char text[LOG_LINE_MAX];
};

static const char *const tag_names[LOG_TAG_COUNT] = {
	[LOG_TAG_NONE] = "none", [LOG_TAG_GUEST] = "guest", [LOG_TAG_EPT_VIOLATION] = "ept-violation",
	[LOG_TAG_EPT_POLICY] = "ept-policy", [LOG_TAG_MSR] = "msr", [LOG_TAG_XSETBV] = "xsetbv",
	[LOG_TAG_EPT_MISCONFIG] = "ept-misconfig", [LOG_TAG_NMI] = "nmi", [LOG_TAG_INTERRUPT] = "interrupt",
};

/* The ring lock guards the ring's bookkeeping and the slot at head being filled. Producers never
 * write a slot between tail and head: the transmitter formats the one at tail without the lock. */
static struct spinlock ring_lock;
static struct log_rec ring[LOG_RING_SLOTS];
static uint64_t head, tail;                  /* next record to write, next to send; count = head - tail */
static uint32_t tagged_waiting;              /* records in the ring with a tag: at most LOG_TAGGED_SLOTS */
static uint64_t dropped_pending;             /* lost since the last "dropped" notice */
static struct log_stats stats;               /* .lines changes under both locks */

/* The transmit lock guards the line leaving, the serial port and the sinks. */
static struct spinlock tx_lock;
static char tx[LOG_LINE_MAX + 2];            /* the line leaving the UART, "\r\n" included */
static uint32_t tx_len, tx_pos;
static log_sink_fn sinks[LOG_MAX_SINKS];
static struct log_serial {                   /* put 0: no serial port, or one given up */
	unsigned (*room)(void);
	void (*put)(char c);
	bool (*idle)(void);
} serial;

/* The rate-limit lock: the slow path's changes of start, printed (atomic: the fast path reads). */
static struct spinlock limit_lock;
struct log_limit log_limits[LOG_TAG_COUNT];

/* Read by every CPU without a lock: relaxed atomics. */
static bool deferred, cpu_tags;
static unsigned (*cpu_source)(void);
uint32_t log_waiting;                        /* + when a record enters, - when its line has left */
uint64_t log_last_poll;
#ifdef HV_HOST_TEST
uint64_t (*log_test_clock)(void);
#endif

void log_set_serial(unsigned (*room)(void), void (*put)(char c), bool (*idle)(void))
{
	spin_lock(&tx_lock);
	serial = (struct log_serial){ room, put, idle };
	spin_unlock(&tx_lock);
}

void log_add_sink(log_sink_fn fn)
{
	int i = 0;

	spin_lock(&tx_lock);
	while (i < LOG_MAX_SINKS && sinks[i])
		i++;
	if (i < LOG_MAX_SINKS)
		sinks[i] = fn;
	spin_unlock(&tx_lock);
}

void log_set_cpu_source(unsigned (*cpu_index)(void))
{
	__atomic_store_n(&cpu_source, cpu_index, __ATOMIC_RELAXED);
}

void log_set_cpu_tags(bool on)
{
	__atomic_store_n(&cpu_tags, on, __ATOMIC_RELAXED);
}

const char *log_tag_name(enum log_tag tag)
{
	return (unsigned)tag < LOG_TAG_COUNT ? tag_names[tag] : "?";
}

/* The CPU of a line made now, or NO_CPU: asked when the line is made (another CPU may write it
 * out), and before any lock (the function is the hypervisor's). */
static unsigned line_cpu(void)
{
	unsigned (*src)(void) = __atomic_load_n(&cpu_source, __ATOMIC_RELAXED);
	unsigned cpu = src && __atomic_load_n(&cpu_tags, __ATOMIC_RELAXED) ? src() : NO_CPU;

	return cpu < LOG_MAX_CPUS ? cpu : NO_CPU;
}

static void copy(char *dst, const char *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = src[i];
}

/* "[who] ", or "[who:<cpu>] " with a CPU tag; its length (at most 12 bytes). */
static uint32_t put_prefix(char *buf, const char *who, uint32_t wn, unsigned cpu)
{
	if (cpu != NO_CPU)
		return (uint32_t)hv_snprintf(buf, 16, "[%s:%u] ", who, cpu);
	buf[0] = '[';   /* one CPU: as cheap as before tags */
	copy(buf + 1, who, wn);
	buf[wn + 1] = ']';
	buf[wn + 2] = ' ';
	return wn + 3;
}

/* ---------------------------------------------------------------- leaving the ring */

/* The record's line into tx, no newline; its length. */
static uint32_t format_rec(const struct log_rec *r)
{
	uint32_t n;

	if (r->kind == REC_TEXT) {
		copy(tx, r->text, r->len);
		return r->len;
	}
	n = put_prefix(tx, "hv", 2, r->cpu);
	if (r->kind == REC_DEFERRED) {
		r->fn(tx + n, LOG_LINE_MAX - n, r->args);
		while (n < LOG_LINE_MAX - 1 && tx[n])
			n++;
		return n;
	}
	if (r->kind == REC_DROPPED)
		return n + (uint32_t)hv_snprintf(tx + n, LOG_LINE_MAX - n, "log: %llu lines dropped (ring buffer full)",
						 ULL(r->args[0]));
	if (r->kind == REC_REPORT)
		return n + (uint32_t)hv_snprintf(tx + n, LOG_LINE_MAX - n, "ratelimit: %s: %llu lines suppressed",
						 log_tag_name((enum log_tag)r->args[0]), ULL(r->args[1]));
	return n + (uint32_t)hv_snprintf(tx + n, LOG_LINE_MAX - n, "log: serial port not ready for %llu TSC ticks: "
					 "no more lines go to it", ULL(LOG_SERIAL_TIMEOUT));
}

/* The oldest record into tx and the mirrors (transmit lock held: whole lines, in ring order). */
static bool next_line(void)
{
	const struct log_rec *r = 0;
	uint32_t n;

	spin_lock(&ring_lock);
	if (head != tail)
		r = &ring[tail % LOG_RING_SLOTS];
	spin_unlock(&ring_lock);
	if (!r)
		return false;
	n = format_rec(r);
	if (n > LOG_LINE_MAX - 1)
		n = LOG_LINE_MAX - 1;
	spin_lock(&ring_lock);
	tagged_waiting -= r->tag != LOG_TAG_NONE;
	tail++;
	stats.lines++;
	spin_unlock(&ring_lock);
	tx[n] = '\n';
	for (int i = 0; i < LOG_MAX_SINKS; i++)
		if (sinks[i])
			sinks[i](tx, n + 1);
	tx[n] = '\r';
	tx[n + 1] = '\n';
	tx_len = n + 2;
	tx_pos = 0;
	return true;
}

/* Move what the UART has room for now; never waits. A line that has left (or has no port to
 * go to: the sinks had it) is one line less waiting. Transmit lock held. */
static void pump_locked(void)
{
	while (tx_pos < tx_len || next_line()) {
		void (*put)(char c) = serial.put;
		unsigned room = put ? serial.room() : 0;

		if (put && !room)
			break;
		while (room-- && tx_pos < tx_len)
			put(tx[tx_pos++]);
		if (!put)
			tx_pos = tx_len;
		if (tx_pos == tx_len)
			__atomic_fetch_sub(&log_waiting, 1, __ATOMIC_RELAXED);
	}
}

void log_pump(void)
{
	__atomic_store_n(&log_last_poll, log_now(), __ATOMIC_RELAXED);
	if (!spin_trylock(&tx_lock))
		return;   /* another CPU is pumping; what it leaves stays pending for the next poll */
	pump_locked();
	spin_unlock(&tx_lock);
}

/* A line of the log's own, untagged, at head. Ring lock held, room checked. */
static void put_notice(enum rec_kind kind, unsigned cpu, uint64_t a0, uint64_t a1)
{
	struct log_rec *r = &ring[head++ % LOG_RING_SLOTS];

	r->kind = (uint8_t)kind;
	r->tag = LOG_TAG_NONE;
	r->cpu = (uint8_t)cpu;
	r->args[0] = a0;
	r->args[1] = a1;
	__atomic_fetch_add(&log_waiting, 1, __ATOMIC_RELAXED);
}

/* A wait for the serial port ran out (LOG_SERIAL_TIMEOUT): a port that is decoded but never
 * gets ready, or none at all. Stop writing to it for the rest of the run; the other sinks get
 * every line, from now on at once, and a notice after the lines waiting now. Transmit lock held. */
static void serial_give_up(unsigned cpu)
{
	serial = (struct log_serial){ 0, 0, 0 };
	spin_lock(&ring_lock);   /* the order of log.h: transmit lock, then ring lock */
	if (head - tail < LOG_RING_SLOTS)
		put_notice(REC_SERIAL_LOST, cpu, 0, 0);
	spin_unlock(&ring_lock);
}

/* Until nothing waits: the transmit lock is taken per round of what the UART takes now, never
 * across the wait, so other CPUs' pumps return at once and producers never wait for it. Each
 * line gets LOG_SERIAL_TIMEOUT from when it starts (or from when the wait starts). */
void log_flush(void)
{
	uint64_t line = ~0ull, start = 0;
	unsigned cpu = line_cpu();

	while (log_pending()) {
		spin_lock(&tx_lock);
		pump_locked();
		if (stats.lines != line) {
			line = stats.lines;
			start = log_now();
		} else if (serial.put && log_now() - start >= LOG_SERIAL_TIMEOUT) {
			serial_give_up(cpu);
		}
		spin_unlock(&tx_lock);
	}
}

void log_drain(void)
{
	unsigned cpu = line_cpu();
	uint64_t start;

	log_flush();
	start = log_now();
	for (bool idle = false; !idle;) {
		spin_lock(&tx_lock);
		idle = !serial.idle || serial.idle();
		if (!idle && log_now() - start >= LOG_SERIAL_TIMEOUT)
			serial_give_up(cpu);   /* no serial.idle any more: the next round ends */
		spin_unlock(&tx_lock);
	}
	log_flush();   /* the notice, if it gave up */
}

void log_set_deferred(bool on)
{
	__atomic_store_n(&deferred, on, __ATOMIC_RELAXED);
	if (!on)
		log_flush();
}

/* ---------------------------------------------------------------- entering the ring */

/* Room for a line of this tag, after a notice of earlier losses if one waits (ring lock held):
 * tagged lines take at most LOG_TAGGED_SLOTS, so LOG_UNTAGGED_SLOTS are always left for others. */
static bool has_room(enum log_tag tag)
{
	uint64_t need = dropped_pending ? 2 : 1;

	if (head - tail + need > LOG_RING_SLOTS)
		return false;
	return tag == LOG_TAG_NONE || tagged_waiting < LOG_TAGGED_SLOTS;
}

/* A free slot for a line of this tag, the ring lock held until commit; or 0. Synchronous, room
 * is made by waiting for the UART (bounded, without the lock). If count, a line without room is
 * counted: in its tag as suppressed (printed + suppressed = events for every tag), or as dropped
 * if untagged. A notice of earlier drops takes a slot first. */
static struct log_rec *claim(enum log_tag tag, unsigned cpu, bool count)
{
	struct log_rec *r;

	spin_lock(&ring_lock);
	while (!has_room(tag) && !__atomic_load_n(&deferred, __ATOMIC_RELAXED)) {
		spin_unlock(&ring_lock);
		log_flush();
		spin_lock(&ring_lock);
	}
	if (!has_room(tag)) {
		if (count && tag != LOG_TAG_NONE) {
			__atomic_fetch_add(&log_limits[tag].suppressed, 1, __ATOMIC_RELAXED);
		} else if (count) {
			dropped_pending++;
			stats.dropped++;
		}
		spin_unlock(&ring_lock);
		return 0;
	}
	if (dropped_pending) {
		put_notice(REC_DROPPED, cpu, dropped_pending, 0);
		dropped_pending = 0;
	}
	r = &ring[head % LOG_RING_SLOTS];
	r->tag = (uint8_t)tag;
	r->cpu = (uint8_t)cpu;
	return r;
}

/* The claimed slot is filled: the transmitter may have it; drop the ring lock. Synchronous,
 * the line is out before this returns. */
static void commit(const struct log_rec *r)
{
	head++;
	tagged_waiting += r->tag != LOG_TAG_NONE;
	__atomic_fetch_add(&log_waiting, 1, __ATOMIC_RELAXED);
	spin_unlock(&ring_lock);
	if (!__atomic_load_n(&deferred, __ATOMIC_RELAXED))
		log_flush();
}

static bool append_text(enum log_tag tag, const char *fmt, va_list ap)
{
	unsigned cpu = line_cpu();
	struct log_rec *r = claim(tag, cpu, true);
	uint32_t n;

	if (!r)
		return false;
	n = put_prefix(r->text, "hv", 2, cpu);
	n += (uint32_t)hv_vsnprintf(r->text + n, LOG_LINE_MAX - n, fmt, ap);
	r->kind = REC_TEXT;
	r->len = (uint16_t)(n > LOG_LINE_MAX - 1 ? LOG_LINE_MAX - 1 : n);
	commit(r);
	return true;
}

/* The inline log_ratelimit's other cases: within the burst, or a new interval. A log_now()
 * earlier than start (another CPU opened the interval after we read the clock) is no new one. */
bool log_ratelimit_slow(enum log_tag tag)
{
	struct log_limit *l = &log_limits[tag];
	uint64_t now = log_now();
	bool report = false, ok;

	if (tag == LOG_TAG_NONE)
		return true;
	spin_lock(&limit_lock);
	if (!l->start)
		__atomic_store_n(&l->start, now, __ATOMIC_RELAXED);   /* the first line opens the first interval */
	if (now >= l->start && now - l->start >= LOG_RATELIMIT_INTERVAL) {
		__atomic_store_n(&l->start, now, __ATOMIC_RELAXED);
		__atomic_store_n(&l->printed, 0, __ATOMIC_RELAXED);
		report = true;
	}
	ok = l->printed < log_burst(tag);
	if (ok)
		__atomic_store_n(&l->printed, l->printed + 1, __ATOMIC_RELAXED);
	else
		__atomic_fetch_add(&l->suppressed, 1, __ATOMIC_RELAXED);
	spin_unlock(&limit_lock);
	if (report)
		log_ratelimit_report();   /* without the lock: it logs */
	return ok;
}

/* A count moves from suppressed to reported in the ring-lock hold that puts its line in: none is
 * reported twice or lost between CPUs. */
void log_ratelimit_report(void)
{
	unsigned cpu = line_cpu();
	uint64_t n;

	for (unsigned t = 1; t < LOG_TAG_COUNT; t++) {
		if (!__atomic_load_n(&log_limits[t].suppressed, __ATOMIC_RELAXED))
			continue;
		if (!claim(LOG_TAG_NONE, cpu, false))
			return;   /* no room now: the counts wait for a later report, never lost */
		n = __atomic_exchange_n(&log_limits[t].suppressed, 0, __ATOMIC_RELAXED);
		if (n)   /* else another CPU reported it first */
			put_notice(REC_REPORT, cpu, t, n);
		log_limits[t].reported += n;
		spin_unlock(&ring_lock);
		if (n && !__atomic_load_n(&deferred, __ATOMIC_RELAXED))
			log_flush();
	}
}

void hv_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	append_text(LOG_TAG_NONE, fmt, ap);
	va_end(ap);
}

bool hv_log_tagged(enum log_tag tag, const char *fmt, ...)
{
	va_list ap;
	bool in;

	if (!log_ratelimit(tag))
		return false;
	va_start(ap, fmt);
	in = append_text(tag, fmt, ap);
	va_end(ap);
	return in;
}

void log_guest_line(const char *s, size_t n)
{
	struct log_rec *r;
	unsigned cpu;
	uint32_t pn;

	if (!log_ratelimit(LOG_TAG_GUEST))
		return;
	cpu = line_cpu();
	if (!(r = claim(LOG_TAG_GUEST, cpu, true)))
		return;
	pn = put_prefix(r->text, "guest", 5, cpu);
	if (n > LOG_LINE_MAX - 1 - pn)
		n = LOG_LINE_MAX - 1 - pn;
	r->kind = REC_TEXT;
	/* The guest's bytes are data: nothing it sends may end the line, forge an "[hv] " line or
	 * reach the terminal as a control sequence. */
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c < 0x20 || c >= 0x7f)
			c = '?';
		r->text[pn + i] = c;
	}
	r->len = (uint16_t)(pn + n);
	commit(r);
}

void log_deferred(enum log_tag tag, log_format_fn fn, const uint64_t args[LOG_DEFERRED_ARGS])
{
	struct log_rec *r = claim(tag, line_cpu(), true);

	if (!r)
		return;
	r->kind = REC_DEFERRED;
	r->fn = fn;
	for (int i = 0; i < LOG_DEFERRED_ARGS; i++)
		r->args[i] = args[i];
	commit(r);
}

void log_get_stats(struct log_stats *out)
{
	spin_lock(&ring_lock);
	*out = stats;
	out->suppressed = 0;
	for (unsigned t = 1; t < LOG_TAG_COUNT; t++)
		out->suppressed += log_limits[t].reported +
				   __atomic_load_n(&log_limits[t].suppressed, __ATOMIC_RELAXED);
	spin_unlock(&ring_lock);
}

/* Host tests, between tests: no other thread runs. */
void log_reset(void)
{
	ring_lock = tx_lock = limit_lock = (struct spinlock){ 0, 0 };
	head = tail = dropped_pending = log_last_poll = 0;
	tx_len = tx_pos = tagged_waiting = log_waiting = 0;
	deferred = cpu_tags = false;
	cpu_source = 0;
	for (unsigned t = 0; t < LOG_TAG_COUNT; t++)
		log_limits[t] = (struct log_limit){ 0, 0, 0, 0 };
	stats = (struct log_stats){ 0, 0, 0 };
	for (int i = 0; i < LOG_MAX_SINKS; i++)
		sinks[i] = 0;
	serial = (struct log_serial){ 0, 0, 0 };
#ifdef HV_HOST_TEST
	log_test_clock = 0;
#endif
}
