/* The one set of memory and string helpers for freestanding code (no libc in the image). */
#ifndef ARCH_LIB_STR_H
#define ARCH_LIB_STR_H

#include <stdbool.h>
#include <stddef.h>

void mem_zero(void *dst, size_t n);
void mem_copy(void *dst, const void *src, size_t n);
bool mem_eq(const void *a, const void *b, size_t n);
bool str_eq(const char *a, const char *b);
size_t str_len(const char *s);

#endif
