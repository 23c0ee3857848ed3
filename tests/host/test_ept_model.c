// SPDX-License-Identifier: MIT
/* tests/host/test_ept_model.c - reference model, see the header. */
#include "tests/host/test_ept_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ept/ept_bits.h"

#define G1 (1ull << 30)
#define M2 (1ull << 21)
#define G512 (1ull << 39)

void model_init(struct ept_model *m, const struct ept_caps *caps)
{
	memset(m, 0, sizeof(*m));
	m->caps = *caps;
}

void model_fini(struct ept_model *m)
{
	free(m->runs);
	memset(m, 0, sizeof(*m));
}

/* memmove that accepts NULL when there is nothing to move. */
static void mmove(void *dst, const void *src, size_t n)
{
	if (n)
		memmove(dst, src, n);
}

static void reserve(struct ept_model *m, size_t extra)
{
	if (m->n + extra <= m->cap)
		return;
	m->cap = (m->n + extra) * 2 + 16;
	m->runs = realloc(m->runs, m->cap * sizeof(*m->runs));
	if (!m->runs)
		abort();
}

/* Index of the first run with end > x. */
static size_t first_after(const struct ept_model *m, gpa_t x)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (m->runs[mid].end > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static void split_at(struct ept_model *m, gpa_t x)
{
	size_t i = first_after(m, x);
	struct mrun r;

	if (i >= m->n || m->runs[i].start >= x)
		return;
	reserve(m, 1);
	r = m->runs[i];
	mmove(&m->runs[i + 1], &m->runs[i], (m->n - i) * sizeof(r));
	m->n++;
	m->runs[i].end = x;
	m->runs[i + 1].start = x;
	m->runs[i + 1].hpa = r.hpa + (x - r.start);
}

static bool same_attr(const struct mrun *a, const struct mrun *b)
{
	return a->perm == b->perm && a->memtype == b->memtype && a->ipat == b->ipat;
}

static bool joinable(const struct mrun *a, const struct mrun *b)
{
	return a->end == b->start && a->hpa + (a->end - a->start) == b->hpa && same_attr(a, b);
}

/* Merge neighbours around index range [lo, hi). */
static void coalesce(struct ept_model *m, size_t lo, size_t hi)
{
	size_t w;

	if (lo > 0)
		lo--;
	if (hi > m->n)
		hi = m->n;
	if (hi < m->n)
		hi++;
	if (lo >= hi)
		return;
	w = lo;
	for (size_t i = lo + 1; i < hi; i++) {
		if (joinable(&m->runs[w], &m->runs[i]))
			m->runs[w].end = m->runs[i].end;
		else
			m->runs[++w] = m->runs[i];
	}
	w++;
	mmove(&m->runs[w], &m->runs[hi], (m->n - hi) * sizeof(struct mrun));
	m->n -= hi - w;
}

/* Remove [gpa, end) and return the index where it was. */
static size_t cut(struct ept_model *m, gpa_t gpa, gpa_t end)
{
	size_t i, j;

	if (!m->n)
		return 0;
	split_at(m, gpa);
	split_at(m, end);
	i = first_after(m, gpa);
	j = i;
	while (j < m->n && m->runs[j].start < end)
		j++;
	mmove(&m->runs[i], &m->runs[j], (m->n - j) * sizeof(struct mrun));
	m->n -= j - i;
	return i;
}

void model_map(struct ept_model *m, gpa_t gpa, hpa_t hpa, uint64_t size, struct ept_attr a)
{
	size_t i = cut(m, gpa, gpa + size);
	struct mrun r = { gpa, gpa + size, hpa, a.perm, a.memtype, a.ignore_pat };

	reserve(m, 1);
	mmove(&m->runs[i + 1], &m->runs[i], (m->n - i) * sizeof(r));
	m->runs[i] = r;
	m->n++;
	coalesce(m, i, i + 1);
}

void model_unmap(struct ept_model *m, gpa_t gpa, uint64_t size)
{
	cut(m, gpa, gpa + size);
}

void model_protect(struct ept_model *m, gpa_t gpa, uint64_t size, struct ept_attr a)
{
	size_t i, j;

	split_at(m, gpa);
	split_at(m, gpa + size);
	i = first_after(m, gpa);
	for (j = i; j < m->n && m->runs[j].start < gpa + size; j++) {
		m->runs[j].perm = a.perm;
		m->runs[j].memtype = a.memtype;
		m->runs[j].ipat = a.ignore_pat;
	}
	coalesce(m, i, j);
}

bool model_any_mapped(const struct ept_model *m, gpa_t gpa, uint64_t size)
{
	size_t i = first_after(m, gpa);

	return i < m->n && m->runs[i].start < gpa + size;
}

bool model_all_mapped(const struct ept_model *m, gpa_t gpa, uint64_t size)
{
	size_t i = first_after(m, gpa);
	gpa_t at = gpa;

	for (; i < m->n && at < gpa + size; i++) {
		if (m->runs[i].start > at)
			return false;
		at = m->runs[i].end;
	}
	return at >= gpa + size;
}

const struct mrun *model_lookup(const struct ept_model *m, gpa_t gpa)
{
	size_t i = first_after(m, gpa);

	if (i < m->n && m->runs[i].start <= gpa)
		return &m->runs[i];
	return NULL;
}

/* Is [base, base + span) one run with a span-aligned host address? */
static bool leafable(const struct ept_model *m, gpa_t base, uint64_t span)
{
	const struct mrun *r = model_lookup(m, base);

	return r && r->end - base >= span && ((r->hpa + (base - r->start)) & (span - 1)) == 0;
}

static uint64_t mapped_bytes(const struct ept_model *m, gpa_t base, uint64_t span)
{
	uint64_t n = 0;

	for (size_t i = first_after(m, base); i < m->n && m->runs[i].start < base + span; i++) {
		gpa_t s = m->runs[i].start > base ? m->runs[i].start : base;
		gpa_t e = m->runs[i].end < base + span ? m->runs[i].end : base + span;
		n += e - s;
	}
	return n;
}

static void expect_1g(const struct ept_model *m, gpa_t base, struct ept_stats *out)
{
	if (m->caps.page_1g && leafable(m, base, G1)) {
		out->bytes_1g += G1;
		return;
	}
	out->tables++;                          /* the PD */
	for (gpa_t b = base; b < base + G1; b += M2) {
		if (!model_any_mapped(m, b, M2))
			continue;
		if (m->caps.page_2m && leafable(m, b, M2)) {
			out->bytes_2m += M2;
		} else {
			out->tables++;          /* the PT */
			out->bytes_4k += mapped_bytes(m, b, M2);
		}
	}
}

void model_expect(const struct ept_model *m, struct ept_stats *out)
{
	gpa_t last1g = ~0ull, last512 = ~0ull;

	memset(out, 0, sizeof(*out));
	out->tables = 1;                        /* the PML4 */
	for (size_t i = 0; i < m->n; i++) {
		const struct mrun *r = &m->runs[i];

		for (gpa_t b = r->start & ~(G1 - 1); b < r->end; b += G1) {
			if (b == last1g)
				continue;
			last1g = b;
			if ((b & ~(G512 - 1)) != last512) {
				last512 = b & ~(G512 - 1);
				out->tables++;  /* the PDPT */
			}
			expect_1g(m, b, out);
		}
	}
}

int model_check_translate(const struct ept *e, const struct ept_model *m, gpa_t gpa,
			  char *why, size_t len)
{
	struct ept_translation t;
	const struct mrun *r = model_lookup(m, gpa);
	int err = ept_translate(e, gpa, &t);

	if (err) {
		snprintf(why, len, "translate(0x%llx) = %d", (unsigned long long)gpa, err);
		return 1;
	}
	if (!r != !t.mapped) {
		snprintf(why, len, "gpa 0x%llx mapped: model %d ept %d", (unsigned long long)gpa,
			 !!r, t.mapped);
		return 1;
	}
	if (!r)
		return 0;
	if (t.hpa != r->hpa + (gpa - r->start) || t.perm != r->perm ||
	    t.memtype != r->memtype || t.ignore_pat != r->ipat) {
		snprintf(why, len, "gpa 0x%llx: ept hpa 0x%llx perm %u mt %u ipat %d, model hpa 0x%llx perm %u mt %u ipat %d",
			 (unsigned long long)gpa, (unsigned long long)t.hpa, t.perm, t.memtype,
			 t.ignore_pat, (unsigned long long)(r->hpa + (gpa - r->start)), r->perm,
			 r->memtype, r->ipat);
		return 1;
	}
	return 0;
}

/* ---- full table walk ---- */

struct walk {
	const struct ept *e;
	struct mrun *runs;
	size_t n, cap;
	uint64_t tables;
	char *why;
	size_t len;
	int bad;
};

static void add_leaf(struct walk *w, gpa_t gpa, uint64_t span, uint64_t v)
{
	struct mrun r = { gpa, gpa + span, v & EPT_PTE_ADDR_MASK, 0,
			  (unsigned)((v >> EPT_PTE_MEMTYPE_SHIFT) & 7), !!(v & EPT_PTE_IGNORE_PAT) };

	r.perm = (v & EPT_PTE_READ ? EPT_READ : 0) | (v & EPT_PTE_WRITE ? EPT_WRITE : 0) |
		 (v & EPT_PTE_EXEC ? EPT_EXEC : 0) | (v & EPT_PTE_USER_EXEC ? EPT_USER_EXEC : 0);
	if (w->n && joinable(&w->runs[w->n - 1], &r)) {
		w->runs[w->n - 1].end = r.end;
		return;
	}
	if (w->n == w->cap) {
		w->cap = w->cap * 2 + 64;
		w->runs = realloc(w->runs, w->cap * sizeof(r));
		if (!w->runs)
			abort();
	}
	w->runs[w->n++] = r;
}

static void walk_fail(struct walk *w, const char *what, gpa_t gpa, int level, uint64_t v)
{
	if (!w->bad)
		snprintf(w->why, w->len, "%s at gpa 0x%llx level %d entry 0x%llx", what,
			 (unsigned long long)gpa, level, (unsigned long long)v);
	w->bad = 1;
}

static void walk_table(struct walk *w, hpa_t pa, int level, gpa_t base)
{
	const uint64_t *t = w->e->alloc.phys_to_virt(w->e->alloc.ctx, pa);
	uint64_t span = 1ull << (12 + 9 * (level - 1));
	bool any = false;

	w->tables++;
	for (unsigned i = 0; i < 512; i++) {
		uint64_t v = t[i];
		gpa_t gpa = base + i * span;

		if (!v)
			continue;
		any = true;
		if (!(v & (EPT_PTE_RWX | EPT_PTE_USER_EXEC)))
			walk_fail(w, "non-zero entry that is not present", gpa, level, v);
		if (level == 1 || (level <= 3 && (v & EPT_PTE_LARGE))) {
			unsigned mt = (v >> 3) & 7;
			if (mt == 2 || mt == 3 || mt == 7)
				walk_fail(w, "reserved memtype", gpa, level, v);
			if ((v & EPT_PTE_WRITE) && !(v & EPT_PTE_READ))
				walk_fail(w, "write without read", gpa, level, v);
			if ((v & EPT_PTE_ADDR_MASK) & (span - 1))
				walk_fail(w, "misaligned large page", gpa, level, v);
			if (level == 2 && !w->e->caps.page_2m)
				walk_fail(w, "2M page without cap", gpa, level, v);
			if (level == 3 && !w->e->caps.page_1g)
				walk_fail(w, "1G page without cap", gpa, level, v);
			add_leaf(w, gpa, span, v);
		} else {
			if ((v & EPT_PTE_RWX) != EPT_PTE_RWX || (v & EPT_NONLEAF_RSVD_MASK) || (v & EPT_PTE_LARGE))
				walk_fail(w, "bad non-leaf entry", gpa, level, v);
			walk_table(w, v & EPT_PTE_ADDR_MASK, level - 1, gpa);
		}
	}
	if (!any && level != 4)
		walk_fail(w, "empty table kept", base, level, 0);
}

int model_check_full(const struct ept *e, const struct ept_model *m, char *why, size_t len)
{
	struct walk w = { .e = e, .why = why, .len = len };
	struct ept_stats want, got;

	walk_table(&w, e->root, 4, 0);
	if (!w.bad && w.n != m->n) {
		snprintf(why, len, "ept has %zu runs, model %zu", w.n, m->n);
		w.bad = 1;
	}
	for (size_t i = 0; !w.bad && i < w.n; i++) {
		const struct mrun *a = &w.runs[i], *b = &m->runs[i];
		if (a->start != b->start || a->end != b->end || a->hpa != b->hpa || !same_attr(a, b)) {
			snprintf(why, len, "run %zu: ept [0x%llx,0x%llx)->0x%llx p%u mt%u, model [0x%llx,0x%llx)->0x%llx p%u mt%u",
				 i, (unsigned long long)a->start, (unsigned long long)a->end,
				 (unsigned long long)a->hpa, a->perm, a->memtype,
				 (unsigned long long)b->start, (unsigned long long)b->end,
				 (unsigned long long)b->hpa, b->perm, b->memtype);
			w.bad = 1;
		}
	}
	free(w.runs);
	if (w.bad)
		return 1;
	ept_get_stats(e, &got);
	model_expect(m, &want);
	if (got.tables != w.tables || got.tables != want.tables || got.bytes_4k != want.bytes_4k ||
	    got.bytes_2m != want.bytes_2m || got.bytes_1g != want.bytes_1g) {
		snprintf(why, len, "stats: tables %llu (reachable %llu, minimum %llu) 4k %llu/%llu 2m %llu/%llu 1g %llu/%llu",
			 (unsigned long long)got.tables, (unsigned long long)w.tables,
			 (unsigned long long)want.tables, (unsigned long long)got.bytes_4k,
			 (unsigned long long)want.bytes_4k, (unsigned long long)got.bytes_2m,
			 (unsigned long long)want.bytes_2m, (unsigned long long)got.bytes_1g,
			 (unsigned long long)want.bytes_1g);
		return 1;
	}
	return 0;
}

/* ---- snapshots ---- */

static void snap_push(struct ept_snapshot *s, uint64_t w)
{
	if (s->n == s->cap) {
		s->cap = s->cap * 2 + 1024;
		s->words = realloc(s->words, s->cap * sizeof(uint64_t));
		if (!s->words)
			abort();
	}
	s->words[s->n++] = w;
}

static void snap_table(const struct ept *e, struct ept_snapshot *s, hpa_t pa, int level)
{
	const uint64_t *t = e->alloc.phys_to_virt(e->alloc.ctx, pa);

	snap_push(s, pa);
	for (unsigned i = 0; i < 512; i++)
		snap_push(s, t[i]);
	for (unsigned i = 0; i < 512; i++)
		if (t[i] && level > 1 && !(level <= 3 && (t[i] & EPT_PTE_LARGE)))
			snap_table(e, s, t[i] & EPT_PTE_ADDR_MASK, level - 1);
}

void ept_snapshot_take(const struct ept *e, struct ept_snapshot *s)
{
	s->n = 0;       /* reuses s->words: initialise s to {0} once */
	s->root = e->root;
	ept_get_stats(e, &s->stats);
	if (e->root)
		snap_table(e, s, e->root, 4);
}

bool ept_snapshot_equal(const struct ept_snapshot *a, const struct ept_snapshot *b)
{
	return a->root == b->root && a->n == b->n &&
	       !memcmp(&a->stats, &b->stats, sizeof(a->stats)) &&
	       (!a->n || !memcmp(a->words, b->words, a->n * sizeof(uint64_t)));
}

void ept_snapshot_free(struct ept_snapshot *s)
{
	free(s->words);
	memset(s, 0, sizeof(*s));
}

/* The error the library must return, validation first (see docs/ept.md). */
int model_attr_err(const struct ept_caps *c, struct ept_attr a)
{
	if (!a.perm || (a.perm & ~(unsigned)EPT_PERM_ALL))
		return EPT_E_PERM;
	if ((a.perm & EPT_USER_EXEC) && !c->mode_based_exec)
		return EPT_E_PERM;
	if ((a.perm & EPT_WRITE) && !(a.perm & EPT_READ))
		return EPT_E_WRITE_NO_READ;
	if (!(a.perm & EPT_READ) && !c->exec_only)
		return EPT_E_EXEC_ONLY;
	if (a.memtype == 2 || a.memtype == 3 || a.memtype > 6)
		return EPT_E_MEMTYPE;
	return EPT_OK;
}
