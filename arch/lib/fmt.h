/* Freestanding formatted output: a small vsnprintf for the log (no floating point).
 * Conversions: %s %c %d %i %u %x %X %p %%; flags '0' '-'; width (number or *); precision for %s;
 * length modifiers l, ll, z. Always NUL-terminates when size > 0; returns the length it wanted. */
#ifndef ARCH_LIB_FMT_H
#define ARCH_LIB_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* A value passed to %llu or %llx. */
#define ULL(x) ((unsigned long long)(x))

int hv_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int hv_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
