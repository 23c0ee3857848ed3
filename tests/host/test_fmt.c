// SPDX-License-Identifier: MIT
/*
 * tests/host/test_fmt.c - hv_snprintf (arch/lib/fmt.c): every conversion, width,
 * zero padding, left alignment, length modifiers at their extremes, %.*s,
 * NULL strings, truncation at every buffer size.  Where the C standard
 * defines the result, the output is also compared with the host libc's.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "arch/lib/fmt.h"

static void check_out(int line, const char *want, int ret, const char *buf, const char *libc)
{
	if (strcmp(buf, want) || ret != (int)strlen(want))
		fail_msg("line %d: got \"%s\" (returned %d), want \"%s\" (%zu)", line, buf, ret, want,
			 strlen(want));
	if (libc && strcmp(libc, want))
		fail_msg("line %d: libc prints \"%s\", the expectation \"%s\" is wrong", line, libc, want);
}

/* FMT: exact expected text, which libc must print too. FMT_HV: hv-specific output. */
#define FMT(want, ...)                                                                   \
	do {                                                                             \
		char b_[128], l_[128];                                                   \
		int r_ = hv_snprintf(b_, sizeof(b_), __VA_ARGS__);                       \
		snprintf(l_, sizeof(l_), __VA_ARGS__);                                   \
		check_out(__LINE__, want, r_, b_, l_);                                   \
	} while (0)
#define FMT_HV(want, ...)                                                                \
	do {                                                                             \
		char b_[128];                                                            \
		int r_ = hv_snprintf(b_, sizeof(b_), __VA_ARGS__);                       \
		check_out(__LINE__, want, r_, b_, NULL);                                 \
	} while (0)

static void test_conversions(void **state)
{
	(void)state;
	FMT("plain text", "plain text");
	FMT("", "%s", "");
	FMT("0", "%d", 0);
	FMT("-42", "%d", -42);
	FMT("7", "%i", 7);
	FMT("2147483647 -2147483648", "%d %d", INT_MAX, INT_MIN);
	FMT("4294967295", "%u", UINT_MAX);
	FMT("deadbeef DEADBEEF 0", "%x %X %x", 0xdeadbeefu, 0xdeadbeefu, 0u);
	FMT("A", "%c", 'A');
	FMT("100%", "%d%%", 100);
	FMT("abc", "%s", "abc");
	FMT("[x=1,y=ff,s=ok]", "[x=%d,y=%x,s=%s]", 1, 255u, "ok");
	FMT_HV("0x0000000000001234", "%p", (void *)0x1234);
	FMT_HV("0xffff800000000000", "%p", (void *)0xffff800000000000ull);
	FMT_HV("0x0000000000000000", "%p", (void *)0);
}

/* Formats outside the C standard: GCC's format check is off for these lines only. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
static void test_nonstandard_formats(void **state)
{
	(void)state;
	FMT_HV("%q", "%q");
	FMT_HV("end", "end%");
	FMT_HV("42   |", "%-05d|", 42);
	FMT_HV("x%yz", "x%yz");
}
#pragma GCC diagnostic pop

static void test_length_modifiers(void **state)
{
	(void)state;
	FMT("ffffffffffffffff", "%llx", (unsigned long long)UINT64_MAX);
	FMT("FFFFFFFFFFFFFFFF", "%llX", (unsigned long long)UINT64_MAX);
	FMT("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
	FMT("-9223372036854775808", "%lld", (long long)INT64_MIN);
	FMT("9223372036854775807", "%lld", (long long)INT64_MAX);
	FMT("-9223372036854775808", "%ld", LONG_MIN);
	FMT("18446744073709551615", "%lu", ULONG_MAX);
	FMT("8000000000000000", "%lx", 0x8000000000000000ul);
	FMT("18446744073709551615 ffffffffffffffff", "%zu %zx", SIZE_MAX, SIZE_MAX);
	FMT("-1", "%lld", -1ll);
	/* Without a modifier only 32 bits are taken. */
	FMT("-1 4294967295", "%d %u", -1, 0xffffffffu);
}

static void test_width_and_flags(void **state)
{
	(void)state;
	FMT("   42", "%5d", 42);
	FMT("42   |", "%-5d|", 42);
	FMT("00042", "%05d", 42);
	FMT("-0042", "%05d", -42);
	FMT("  -42", "%5d", -42);
	FMT("-42  |", "%-5d|", -42);
	FMT("12345", "%3d", 12345);
	FMT("0000000000000480", "%016llx", 0x480ull);
	FMT("00d810000000002b", "%016llx", 0x00d810000000002bull);
	FMT("0x0000002b", "0x%08x", 0x2bu);
	FMT("    beef", "%8x", 0xbeefu);
	FMT("      ab|", "%8s|", "ab");
	FMT("ab      |", "%-8s|", "ab");
	FMT("abcd", "%2s", "abcd");
	FMT("    42", "%*d", 6, 42);
	FMT("42    |", "%-*d|", 6, 42);
	FMT("000042", "%0*d", 6, 42);
	FMT("    ok", "%*s", 6, "ok");
}

static void test_precision_and_null(void **state)
{
	const char *volatile null_str = NULL;

	(void)state;
	FMT("ab", "%.2s", "abcdef");
	FMT("abc", "%.*s", 3, "abcdef");
	FMT("", "%.*s", 0, "abcdef");
	FMT("abcdef", "%.*s", 10, "abcdef");
	FMT("abcdef", "%.*s", -1, "abcdef");
	FMT("   ab|", "%5.2s|", "abcdef");
	FMT("ab   |", "%-5.2s|", "abcdef");
	FMT("xy", "%.*s", 2, "xy\0zz");
	FMT_HV("(null)", "%s", null_str);
	FMT_HV("(nu", "%.3s", null_str);
	FMT_HV("  (null)", "%8s", null_str);
}

/* Every buffer size from 0 to past the full length: the prefix that fits, NUL-terminated,
 * nothing written beyond size, and always the full length returned. */
static void test_truncation(void **state)
{
	static const char full[] = "ab=00042|ffffffffffffffff";
	const size_t n = sizeof(full) - 1;

	(void)state;
	for (size_t size = 0; size <= n + 2; size++) {
		char buf[64];

		memset(buf, '#', sizeof(buf));
		int r = hv_snprintf(buf, size, "%s=%05d|%llx", "ab", 42, (unsigned long long)UINT64_MAX);
		assert_int_equal(r, n);
		for (size_t i = size; i < sizeof(buf); i++)
			assert_int_equal(buf[i], '#');
		if (size == 0)
			continue;
		size_t keep = size - 1 < n ? size - 1 : n;
		assert_memory_equal(buf, full, keep);
		assert_int_equal(buf[keep], '\0');
	}
	assert_int_equal(hv_snprintf(NULL, 0, "%lld", (long long)INT64_MIN), 20);
}

/* C11 7.21.6.1p8: a precision-bounded %s argument need not be NUL-terminated, so the
 * precision must stop the scan before s[prec] is read (ASan catches an over-read). */
static void test_precision_overread(void **state)
{
	static const char unterminated[4] = { 'w', 'x', 'y', 'z' };

	(void)state;
	FMT("wxyz", "%.*s", 4, unterminated);
	FMT("wx", "%.2s", unterminated);
}

/* A negative '*' width means '-' with its absolute value (C11 7.21.6.1p5), and %c takes a
 * width like the others. */
static void test_width_deviations(void **state)
{
	(void)state;
	FMT("7   |", "%*d|", -4, 7);
	FMT("  x", "%3c", 'x');
	FMT("x  |", "%-3c|", 'x');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conversions),
		cmocka_unit_test(test_nonstandard_formats),
		cmocka_unit_test(test_length_modifiers),
		cmocka_unit_test(test_width_and_flags),
		cmocka_unit_test(test_precision_and_null),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_precision_overread),
		cmocka_unit_test(test_width_deviations),
	};

	return cmocka_run_group_tests_name("fmt", tests, NULL, NULL);
}
