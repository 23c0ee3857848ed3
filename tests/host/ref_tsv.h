/* SPDX-License-Identifier: MIT */
/*
 * tests/host/ref_tsv.h - a tiny reader for the reference tables in
 * tests/reference/vmx/NAME.tsv (format: '#' comment lines, one header line,
 * then tab-separated rows).  Generic: any test may use it.
 *
 *   struct ref_tsv *t = ref_tsv_open("vmx_msrs.tsv");
 *   for (size_t r = 0; r < ref_tsv_rows(t); r++)
 *       use(ref_tsv_get(t, r, "name"));
 *   ref_tsv_close(t);
 *
 * Directory: $HV_REFERENCE_DIR if set, else tests/reference/vmx
 * (relative to the repository root, where tests run).
 */
#ifndef HV_REF_TSV_H
#define HV_REF_TSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ref_tsv;

#define REF_TSV_DEFAULT_DIR "tests/reference/vmx"

/* The directory tables are read from. */
const char *ref_tsv_dir(void);
/* Open <dir>/<file_name>; NULL (and a message on stderr) on failure. */
struct ref_tsv *ref_tsv_open(const char *file_name);
void ref_tsv_close(struct ref_tsv *t);

size_t ref_tsv_rows(const struct ref_tsv *t);
size_t ref_tsv_cols(const struct ref_tsv *t);
const char *ref_tsv_header(const struct ref_tsv *t, size_t col);
/* Column index of a header name, or -1. */
int ref_tsv_col(const struct ref_tsv *t, const char *header);
/* Cell by column index / by header name; NULL if out of range or missing. */
const char *ref_tsv_cell(const struct ref_tsv *t, size_t row, size_t col);
const char *ref_tsv_get(const struct ref_tsv *t, size_t row, const char *header);
/* First row at or after `from` whose column `header` equals `value`, or -1. */
long ref_tsv_find(const struct ref_tsv *t, const char *header, const char *value, size_t from);

/* "0x48C", "48", "0" -> number. */
bool ref_tsv_parse_u64(const char *s, uint64_t *out);
/* "5:3" -> hi 5, lo 3; "7" -> hi = lo = 7.  false for anything else. */
bool ref_tsv_parse_bits(const char *s, unsigned *hi, unsigned *lo);

#endif /* HV_REF_TSV_H */
