/* guest/lib/serial.c: output on COM1 (putc, puts, put_hex) and a tiny printf over it.
 * No UART set-up: QEMU's and minihv's COM1 take bytes as they are; on a real UART the firmware's
 * settings stay. Each byte waits (boundedly) for the transmitter to be empty. */
#include "guest.h"

static void put_byte(char c)
{
	for (int i = 0; i < 100000 && !(inb(COM1_LSR) & COM1_LSR_THRE); i++)
		;
	outb(COM1_PORT, (uint8_t)c);
}

void putc(char c)
{
	if (c == '\n')
		put_byte('\r');
	put_byte(c);
}

void puts(const char *s)
{
	while (*s)
		putc(*s++);
}

void put_hex(unsigned long v)
{
	printf("0x%lx", v);
}

/* Divides *n by 10 in 16-bit steps and returns the remainder: 64-bit decimal output in 32-bit
 * code without libgcc's __udivmoddi4. */
static unsigned div10(uint64_t *n)
{
	uint64_t q = 0;
	uint32_t rem = 0;

	for (int shift = 48; shift >= 0; shift -= 16) {
		uint32_t cur = (rem << 16) | (uint32_t)((*n >> shift) & 0xffff);
		q |= (uint64_t)(cur / 10) << shift;
		rem = cur % 10;
	}
	*n = q;
	return rem;
}

/* v in base 10 or 16, at least width characters, padded with pad. */
static void put_num(uint64_t v, unsigned base, int width, char pad)
{
	char buf[24];
	int n = 0;

	do {
		unsigned d = base == 16 ? (unsigned)(v & 0xf) : div10(&v);
		if (base == 16)
			v >>= 4;
		buf[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
	} while (v);
	while (n < width--)
		putc(pad);
	while (n)
		putc(buf[--n]);
}

void vprintf(const char *fmt, va_list args)
{
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			putc(*fmt);
			continue;
		}
		char pad = ' ';
		int width = 0, len = 0;
		if (*++fmt == '0')
			pad = '0', fmt++;
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l')
			len++, fmt++;
		switch (*fmt) {
		case 's': {
			const char *s = va_arg(args, const char *);
			puts(s ? s : "(null)");
			break;
		}
		case 'c':
			putc((char)va_arg(args, int));
			break;
		case 'u':
		case 'x': {
			uint64_t v = len >= 2 ? va_arg(args, unsigned long long)
				   : len ? va_arg(args, unsigned long) : va_arg(args, unsigned int);
			put_num(v, *fmt == 'x' ? 16 : 10, width, pad);
			break;
		}
		case 'd': {
			int64_t v = len >= 2 ? va_arg(args, long long) : len ? va_arg(args, long) : va_arg(args, int);
			if (v < 0)
				putc('-');
			put_num(v < 0 ? -(uint64_t)v : (uint64_t)v, 10, width, pad);
			break;
		}
		case '\0':
			fmt--; /* a lone % at the end */
			break;
		default: /* %% and anything unknown: as it is */
			putc(*fmt);
		}
	}
}

void printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}
