/* The log: a ring of lines between the code that logs and the UART (arch/lib/log.h says why). */
#include "arch/lib/log.h"
#include "arch/lib/fmt.h"

#include <stdarg.h>

enum rec_kind { REC_TEXT, REC_DEFERRED, REC_DROPPED, REC_SERIAL_LOST };

/* One line waiting for the UART: its text, or what to format it from. */
struct log_rec {
	uint8_t kind;
	uint8_t tag;                         /* enum log_tag: tagged lines have their part of the ring */
	uint16_t len;                        /* REC_TEXT: bytes in text, prefix included, no newline */
	log_format_fn fn;                    /* REC_DEFERRED */
	uint64_t args[LOG_DEFERRED_ARGS];    /* REC_DEFERRED; REC_DROPPED: args[0] = lines lost */
	char text[LOG_LINE_MAX];
};

static const char *const tag_names[LOG_TAG_COUNT] = {
	[LOG_TAG_NONE] = "none", [LOG_TAG_GUEST] = "guest", [LOG_TAG_EPT_VIOLATION] = "ept-violation",
	[LOG_TAG_EPT_POLICY] = "ept-policy", [LOG_TAG_MSR] = "msr", [LOG_TAG_XSETBV] = "xsetbv",
	[LOG_TAG_EPT_MISCONFIG] = "ept-misconfig",
	[LOG_TAG_NMI] = "nmi", [LOG_TAG_INTERRUPT] = "interrupt",
};

static struct log_rec ring[LOG_RING_SLOTS];
static uint64_t head, tail;                  /* next record to write, next to send; count = head - tail */
static uint32_t tagged_waiting;              /* records in the ring with a tag: at most LOG_TAGGED_SLOTS */
static char tx[LOG_LINE_MAX + 2];            /* the line leaving the UART, "\r\n" included */
static uint32_t tx_len, tx_pos;
static uint64_t dropped_pending;             /* lost since the last "dropped" notice */
static bool deferred;
struct log_limit log_limits[LOG_TAG_COUNT];
static struct log_stats stats;
static log_sink_fn sinks[LOG_MAX_SINKS];
static unsigned (*serial_room)(void);
static void (*serial_put)(char c);            /* 0: no serial port, or one given up (serial_give_up) */
static bool (*serial_idle)(void);
static bool serial_lost;                      /* given up: the notice is still to be written */
uint32_t log_waiting;
uint64_t log_last_poll;
#ifdef HV_HOST_TEST
uint64_t (*log_test_clock)(void);
#endif

void log_set_serial(unsigned (*room)(void), void (*put)(char c), bool (*idle)(void))
{
	serial_room = room;
	serial_put = put;
	serial_idle = idle;
}

void log_add_sink(log_sink_fn fn)
{
	for (int i = 0; i < LOG_MAX_SINKS; i++) {
		if (!sinks[i]) {
			sinks[i] = fn;
			return;
		}
	}
}

const char *log_tag_name(enum log_tag tag)
{
	return (unsigned)tag < LOG_TAG_COUNT ? tag_names[tag] : "?";
}

static void update_waiting(void)
{
	log_waiting = (uint32_t)(head - tail) + (tx_pos < tx_len);
}

/* ---------------------------------------------------------------- leaving the ring */

static void copy(char *dst, const char *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = src[i];
}

/* Format the oldest record into tx, hand the line to the mirrors. False if the ring is empty. */
static bool next_line(void)
{
	struct log_rec *r;
	uint32_t n;

	if (head == tail)
		return false;
	r = &ring[tail % LOG_RING_SLOTS];
	if (r->tag)
		tagged_waiting--;
	if (r->kind == REC_TEXT) {
		n = r->len;
		copy(tx, r->text, n);
	} else if (r->kind == REC_DEFERRED) {
		copy(tx, "[hv] ", 5);
		r->fn(tx + 5, LOG_LINE_MAX - 5, r->args);
		n = 5;
		while (n < LOG_LINE_MAX - 1 && tx[n])
			n++;
	} else if (r->kind == REC_DROPPED) {
		n = (uint32_t)hv_snprintf(tx, LOG_LINE_MAX, "[hv] log: %llu lines dropped (ring buffer full)",
					  (unsigned long long)r->args[0]);
	} else {
		n = (uint32_t)hv_snprintf(tx, LOG_LINE_MAX,
					  "[hv] log: serial port not ready for %llu TSC ticks: no more lines go to it",
					  (unsigned long long)LOG_SERIAL_TIMEOUT);
	}
	if (n > LOG_LINE_MAX - 1)
		n = LOG_LINE_MAX - 1;
	tail++;
	stats.lines++;
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

void log_pump(void)
{
	log_last_poll = log_now();
	for (;;) {
		if (tx_pos == tx_len && !next_line())
			break;
		if (!serial_put) {
			tx_pos = tx_len;
			continue;
		}
		unsigned room = serial_room();
		if (!room)
			break;
		while (room-- && tx_pos < tx_len)
			serial_put(tx[tx_pos++]);
	}
	update_waiting();
}

/* A wait for the serial port ran out (LOG_SERIAL_TIMEOUT): a port that is decoded but never
 * gets ready, or none at all. Stop writing to it for the rest of the run; the other sinks get
 * every line, from now on at once, and a notice. */
static void serial_give_up(void)
{
	serial_put = 0;
	serial_room = 0;
	serial_idle = 0;
	serial_lost = true;
}

/* The notice, once the ring is empty (after the wait that gave up). */
static void say_serial_lost(void)
{
	struct log_rec *r;

	if (!serial_lost || head != tail)
		return;
	serial_lost = false;
	r = &ring[head++ % LOG_RING_SLOTS];
	r->kind = REC_SERIAL_LOST;
	r->tag = LOG_TAG_NONE;
	log_pump();
}

/* Each line gets LOG_SERIAL_TIMEOUT from when it starts (or from when the wait starts). */
void log_flush(void)
{
	uint64_t line = stats.lines, start = log_now();

	while (tx_pos < tx_len || head != tail) {
		log_pump();
		if (stats.lines != line) {
			line = stats.lines;
			start = log_now();
		} else if (serial_put && log_now() - start >= LOG_SERIAL_TIMEOUT) {
			serial_give_up();
		}
	}
	say_serial_lost();
}

void log_drain(void)
{
	uint64_t start;

	log_flush();
	start = log_now();
	while (serial_idle && !serial_idle())
		if (log_now() - start >= LOG_SERIAL_TIMEOUT)
			serial_give_up();
	say_serial_lost();
}

void log_set_deferred(bool on)
{
	deferred = on;
	if (!on)
		log_flush();
}

/* ---------------------------------------------------------------- entering the ring */

/* Room for a line of this tag, after a notice of earlier losses if one waits: tagged lines
 * take at most LOG_TAGGED_SLOTS, so LOG_UNTAGGED_SLOTS are always left for the others. */
static bool has_room(enum log_tag tag)
{
	uint64_t need = dropped_pending ? 2 : 1;

	if (head - tail + need > LOG_RING_SLOTS)
		return false;
	return tag == LOG_TAG_NONE || tagged_waiting < LOG_TAGGED_SLOTS;
}

/* A free slot for a line of this tag, or 0. A line that finds none is counted: in its tag as
 * suppressed (so printed + suppressed = events for every tag), or as dropped if untagged. A
 * notice of earlier drops takes a slot first. */
static struct log_rec *claim(enum log_tag tag)
{
	struct log_rec *r;

	if (!has_room(tag)) {
		if (!deferred) {
			log_flush();        /* synchronous: make room by waiting (bounded) */
		} else if (tag != LOG_TAG_NONE) {
			log_limits[tag].suppressed++;
			return 0;
		} else {
			dropped_pending++;
			stats.dropped++;
			return 0;
		}
	}
	if (dropped_pending) {
		struct log_rec *d = &ring[head++ % LOG_RING_SLOTS];
		d->kind = REC_DROPPED;
		d->tag = LOG_TAG_NONE;
		d->args[0] = dropped_pending;
		dropped_pending = 0;
	}
	r = &ring[head % LOG_RING_SLOTS];
	r->tag = (uint8_t)tag;
	return r;
}

static void commit(const struct log_rec *r)
{
	head++;
	if (r->tag)
		tagged_waiting++;
	if (deferred)
		update_waiting();
	else
		log_flush();
}

static bool append_text(enum log_tag tag, const char *prefix, size_t pn, const char *fmt, va_list ap)
{
	struct log_rec *r = claim(tag);
	int n;

	if (!r)
		return false;
	r->kind = REC_TEXT;
	copy(r->text, prefix, pn);
	n = (int)pn + hv_vsnprintf(r->text + pn, LOG_LINE_MAX - pn, fmt, ap);
	r->len = (uint16_t)(n > LOG_LINE_MAX - 1 ? LOG_LINE_MAX - 1 : n);
	commit(r);
	return true;
}

/* The inline log_ratelimit's other cases: within the burst, or a new interval. */
bool log_ratelimit_slow(enum log_tag tag)
{
	struct log_limit *l = &log_limits[tag];
	uint64_t now = log_now();

	if (tag == LOG_TAG_NONE)
		return true;
	if (!l->start)
		l->start = now;   /* the first line of this tag opens the first interval */
	if (now - l->start >= LOG_RATELIMIT_INTERVAL) {
		l->start = now;
		l->printed = 0;
		log_ratelimit_report();
	}
	if (l->printed < LOG_RATELIMIT_BURST) {
		l->printed++;
		return true;
	}
	l->suppressed++;
	return false;
}

void log_ratelimit_report(void)
{
	for (unsigned t = 1; t < LOG_TAG_COUNT; t++) {
		uint64_t n = log_limits[t].suppressed;
		if (!n)
			continue;
		if (deferred && !has_room(LOG_TAG_NONE))
			return;   /* no room now: the counts wait for a later report, never lost */
		log_limits[t].suppressed = 0;
		log_limits[t].reported += n;
		hv_log("ratelimit: %s: %llu lines suppressed", tag_names[t], (unsigned long long)n);
	}
}

void hv_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	append_text(LOG_TAG_NONE, "[hv] ", 5, fmt, ap);
	va_end(ap);
}

bool hv_log_tagged(enum log_tag tag, const char *fmt, ...)
{
	va_list ap;
	bool in;

	if (!log_ratelimit(tag))
		return false;
	va_start(ap, fmt);
	in = append_text(tag, "[hv] ", 5, fmt, ap);
	va_end(ap);
	return in;
}

void log_guest_line(const char *s, size_t n)
{
	struct log_rec *r;

	if (!log_ratelimit(LOG_TAG_GUEST) || !(r = claim(LOG_TAG_GUEST)))
		return;
	if (n > LOG_LINE_MAX - 9)
		n = LOG_LINE_MAX - 9;
	r->kind = REC_TEXT;
	copy(r->text, "[guest] ", 8);
	/* The guest's bytes are data: nothing it sends may end the line, forge an "[hv] " line or
	 * reach the terminal as a control sequence. */
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c < 0x20 || c >= 0x7f)
			c = '?';
		r->text[8 + i] = c;
	}
	r->len = (uint16_t)(8 + n);
	commit(r);
}

void log_deferred(enum log_tag tag, log_format_fn fn, const uint64_t args[LOG_DEFERRED_ARGS])
{
	struct log_rec *r = claim(tag);

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
	*out = stats;
	out->suppressed = 0;
	for (unsigned t = 1; t < LOG_TAG_COUNT; t++)
		out->suppressed += log_limits[t].reported + log_limits[t].suppressed;
}

void log_reset(void)
{
	head = tail = 0;
	tx_len = tx_pos = 0;
	tagged_waiting = 0;
	dropped_pending = 0;
	deferred = false;
	for (unsigned t = 0; t < LOG_TAG_COUNT; t++)
		log_limits[t] = (struct log_limit){ 0, 0, 0, 0 };
	stats = (struct log_stats){ 0, 0, 0 };
	for (int i = 0; i < LOG_MAX_SINKS; i++)
		sinks[i] = 0;
	serial_room = 0;
	serial_put = 0;
	serial_idle = 0;
	serial_lost = false;
#ifdef HV_HOST_TEST
	log_test_clock = 0;
#endif
	log_waiting = 0;
	log_last_poll = 0;
}
