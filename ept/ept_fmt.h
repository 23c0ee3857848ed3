/* SPDX-License-Identifier: MIT */
/*
 * ept/ept_fmt.h - tiny bounded string builder for the EPT formatters
 * (internal; no libc).  Writes never pass buf[len-1]; the result is always
 * NUL-terminated when len > 0, and the returned length is what was kept.
 */
#ifndef EPT_EPT_FMT_H
#define EPT_EPT_FMT_H

#include <stddef.h>
#include <stdint.h>

struct ept_fmt {
	char *buf;
	size_t len;   /* capacity including the NUL */
	size_t pos;   /* characters kept so far */
};

static inline void ept_fmt_init(struct ept_fmt *f, char *buf, size_t len)
{
	f->buf = buf;
	f->len = buf ? len : 0;
	f->pos = 0;
	if (f->len)
		buf[0] = '\0';
}

static inline void ept_fmt_char(struct ept_fmt *f, char c)
{
	if (f->pos + 1 >= f->len)
		return;
	f->buf[f->pos++] = c;
	f->buf[f->pos] = '\0';
}

static inline void ept_fmt_str(struct ept_fmt *f, const char *s)
{
	while (*s)
		ept_fmt_char(f, *s++);
}

/* Lowercase hex; at least min_digits digits (0 = no padding, "0" for zero). */
static inline void ept_fmt_hex(struct ept_fmt *f, uint64_t v, unsigned min_digits)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[16];
	unsigned n = 0;

	do {
		tmp[n++] = digits[v & 0xf];
		v >>= 4;
	} while (v && n < 16);
	while (n < min_digits && n < 16)
		tmp[n++] = '0';
	while (n)
		ept_fmt_char(f, tmp[--n]);
}

static inline void ept_fmt_udec(struct ept_fmt *f, uint64_t v)
{
	char tmp[20];
	unsigned n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v && n < 20);
	while (n)
		ept_fmt_char(f, tmp[--n]);
}

#endif /* EPT_EPT_FMT_H */
