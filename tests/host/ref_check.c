// SPDX-License-Identifier: MIT
/* tests/host/ref_check.c - tests/host/ref_check.h: reference-table helpers that fail the test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "tests/host/ref_check.h"

struct ref_tsv *ref_table(const char *name)
{
	struct ref_tsv *t = ref_tsv_open(name);

	if (!t)
		fail_msg("cannot open %s/%s (set HV_REFERENCE_DIR)", ref_tsv_dir(), name);
	return t;
}

FILE *ref_source(const char *rel)
{
	const char *dir = getenv("HV_SOURCE_DIR");
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : ".", rel);
	f = fopen(path, "r");
	if (!f)
		fail_msg("cannot read %s (run from the repository root or set HV_SOURCE_DIR)", path);
	return f;
}

uint64_t ref_number(const char *s, const char *what)
{
	uint64_t v;

	if (!s || !ref_tsv_parse_u64(s, &v))
		fail_msg("%s: not a number: \"%s\"", what, s ? s : "(missing)");
	return v;
}

uint64_t ref_bits_mask(const char *bits)
{
	unsigned hi, lo;

	if (!ref_tsv_parse_bits(bits, &hi, &lo))
		fail_msg("bad bit range \"%s\"", bits);
	return (hi - lo == 63 ? ~0ull : ((1ull << (hi - lo + 1)) - 1)) << lo;
}
