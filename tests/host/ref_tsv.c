// SPDX-License-Identifier: MIT
/* tests/host/ref_tsv.c - reader for the tests/reference TSV tables. */
#include "tests/host/ref_tsv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ref_tsv {
	char *text;          /* the whole file, cells NUL-terminated in place */
	char **cells;        /* rows * cols (+ header row first) */
	size_t rows, cols;
};

const char *ref_tsv_dir(void)
{
	const char *d = getenv("HV_REFERENCE_DIR");

	return d && *d ? d : REF_TSV_DEFAULT_DIR;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		if (buf)
			buf[n] = '\0';
	}
	fclose(f);
	return buf;
}

static size_t count_fields(const char *line, const char *eol)
{
	size_t n = 1;

	for (const char *p = line; p < eol; p++)
		n += *p == '\t';
	return n;
}

/* Split the line [p, eol) into cells (at most cols; missing ones = ""). */
static void split_line(char *p, char *eol, char **out, size_t cols)
{
	size_t c = 0;

	*eol = '\0';
	if (eol > p && eol[-1] == '\r')
		eol[-1] = '\0';
	out[c++] = p;
	for (; *p && c < cols; p++) {
		if (*p == '\t') {
			*p = '\0';
			out[c++] = p + 1;
		}
	}
	while (c < cols)
		out[c++] = eol;
}

static bool parse(struct ref_tsv *t)
{
	size_t lines = 0, cap;
	char *p = t->text;

	for (char *q = p; *q; q++)
		lines += *q == '\n';
	cap = lines + 2;
	while (*p == '#' || *p == '\n') {        /* comments and blank lines */
		char *eol = strchr(p, '\n');
		if (!eol)
			return false;
		p = eol + 1;
	}
	char *eol = strchr(p, '\n');
	if (!eol)
		eol = p + strlen(p);
	t->cols = count_fields(p, eol);
	t->cells = calloc(cap * t->cols, sizeof(char *));
	if (!t->cells)
		return false;
	bool last = !*eol;
	split_line(p, eol, t->cells, t->cols);
	p = last ? eol : eol + 1;
	while (*p) {
		eol = strchr(p, '\n');
		if (!eol)
			eol = p + strlen(p);
		last = !*eol;
		if (eol > p && *p != '#') {
			split_line(p, eol, t->cells + (t->rows + 1) * t->cols, t->cols);
			t->rows++;
		}
		p = last ? eol : eol + 1;
	}
	return true;
}

struct ref_tsv *ref_tsv_open(const char *file_name)
{
	char path[4096];
	struct ref_tsv *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	snprintf(path, sizeof(path), "%s/%s", ref_tsv_dir(), file_name);
	t->text = slurp(path);
	if (!t->text || !parse(t)) {
		fprintf(stderr, "ref_tsv: cannot read %s: %s\n", path,
			t->text ? "bad format" : strerror(errno));
		ref_tsv_close(t);
		return NULL;
	}
	return t;
}

void ref_tsv_close(struct ref_tsv *t)
{
	if (!t)
		return;
	free(t->cells);
	free(t->text);
	free(t);
}

size_t ref_tsv_rows(const struct ref_tsv *t) { return t ? t->rows : 0; }
size_t ref_tsv_cols(const struct ref_tsv *t) { return t ? t->cols : 0; }

const char *ref_tsv_header(const struct ref_tsv *t, size_t col)
{
	return t && col < t->cols ? t->cells[col] : NULL;
}

int ref_tsv_col(const struct ref_tsv *t, const char *header)
{
	for (size_t c = 0; t && c < t->cols; c++)
		if (!strcmp(t->cells[c], header))
			return (int)c;
	return -1;
}

const char *ref_tsv_cell(const struct ref_tsv *t, size_t row, size_t col)
{
	if (!t || row >= t->rows || col >= t->cols)
		return NULL;
	return t->cells[(row + 1) * t->cols + col];
}

const char *ref_tsv_get(const struct ref_tsv *t, size_t row, const char *header)
{
	int c = ref_tsv_col(t, header);

	return c < 0 ? NULL : ref_tsv_cell(t, row, (size_t)c);
}

long ref_tsv_find(const struct ref_tsv *t, const char *header, const char *value, size_t from)
{
	int c = ref_tsv_col(t, header);

	for (size_t r = from; c >= 0 && r < t->rows; r++)
		if (!strcmp(ref_tsv_cell(t, r, (size_t)c), value))
			return (long)r;
	return -1;
}

bool ref_tsv_parse_u64(const char *s, uint64_t *out)
{
	char *end;

	if (!s || !*s)
		return false;
	errno = 0;
	*out = strtoull(s, &end, 0);
	return !errno && *end == '\0';
}

bool ref_tsv_parse_bits(const char *s, unsigned *hi, unsigned *lo)
{
	unsigned a, b;
	int n;

	if (!s)
		return false;
	if (sscanf(s, "%u:%u%n", &a, &b, &n) == 2 && s[n] == '\0' && a >= b) {
		*hi = a;
		*lo = b;
		return true;
	}
	if (sscanf(s, "%u%n", &a, &n) == 1 && s[n] == '\0') {
		*hi = *lo = a;
		return true;
	}
	return false;
}
