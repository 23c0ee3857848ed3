// SPDX-License-Identifier: MIT
/*
 * tests/fuzz/fuzz_ept_qual.c - random EPT-violation qualifications and ctx
 * bits through ept_violation_decode() + ept_violation_format(): the output
 * never overflows the buffer (sized exactly, so ASan sees one byte past),
 * is always NUL-terminated, truncations are prefixes of the full line, and
 * the line keeps its documented shape.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ept/ept_violation.h"

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

static uint64_t take64(const uint8_t **p, size_t *n)
{
	uint64_t v = 0;

	for (int i = 0; i < 8 && *n; i++, (*p)++, (*n)--)
		v |= (uint64_t)**p << (8 * i);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t qual = take64(&data, &size);
	uint64_t gpa = take64(&data, &size);
	uint64_t gla = take64(&data, &size);
	uint64_t misc = take64(&data, &size);
	struct ept_violation_ctx ctx = {
		.mode_based_exec = misc & 1, .advanced_info = misc & 2,
		.sss = misc & 4, .nmi_bit_defined = misc & 8,
	};
	size_t len = (misc >> 8) & 0x1ff;
	struct ept_violation v;
	char full[512], *buf;
	size_t n, k;

	ept_violation_decode(qual, &ctx, &v);
	CHECK(v.qual == qual);
	CHECK(v.gla_valid == !!(qual & (1u << 7)));
	CHECK(v.translated == ((qual & 0x180) == 0x180));
	CHECK(!v.lin_info_valid || (v.translated && ctx.advanced_info));
	CHECK(!v.gpa_user_executable || ctx.mode_based_exec);

	n = ept_violation_format(&v, gpa, gla, full, sizeof(full));
	CHECK(n < sizeof(full) && full[n] == '\0' && strlen(full) == n);
	CHECK(!strncmp(full, "gpa=0x", 6));
	CHECK(!!strstr(full, " gla=0x") == v.gla_valid);
	CHECK(!!strstr(full, " translated") == v.translated);
	CHECK(!!strstr(full, " no-gla") == !v.gla_valid);
	CHECK(!!strstr(full, " lin=") == v.lin_info_valid);
	CHECK(!!strstr(full, "nmi-unblock") == (ctx.nmi_bit_defined && (qual & (1u << 12))));
	CHECK(!!strstr(full, ",sss") + !!strstr(full, "=sss") == (ctx.sss && (qual & (1u << 14))));
	CHECK(strstr(full, " qual=0x") != NULL);
	CHECK(strtoull(strstr(full, " qual=0x") + 8, NULL, 16) == qual);
	CHECK(strtoull(full + 6, NULL, 16) == gpa);
	for (k = 0; k < n; k++)
		CHECK(full[k] >= ' ' && full[k] < 127 && !(full[k] >= 'A' && full[k] <= 'F'));

	buf = len ? malloc(len) : NULL;
	k = ept_violation_format(&v, gpa, gla, buf, len);
	if (len) {
		CHECK(k == (n < len - 1 ? n : len - 1));
		CHECK(buf[k] == '\0');
		CHECK(!memcmp(buf, full, k));
	} else {
		CHECK(k == 0);
	}
	free(buf);
	return 0;
}
