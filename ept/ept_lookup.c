// SPDX-License-Identifier: MIT
/*
 * ept/ept_lookup.c - read-side walks: ept_translate, ept_for_each_leaf,
 * ept_get_stats and the debug access to the raw leaf entry of a GPA.
 */
#include "ept/ept_internal.h"

/*
 * Walk to the entry that ends the translation of gpa (leaf or empty) and
 * return its value; *slot (may be NULL) gets its address.  Each entry is
 * read once: a writer may replace it between two reads (a split turns a
 * large leaf into a table pointer), and a second read could then be taken
 * for a leaf at the wrong level.
 */
static uint64_t walk(const struct ept *e, gpa_t gpa, int *level, uint64_t **slot)
{
	uint64_t *t = tbl(e, e->root);
	uint64_t *p = &t[level_index(gpa, 4)];
	uint64_t v = entry_read(p);
	int l = 4;

	while (v && !is_leaf(l, v)) {
		t = entry_table(e, v);
		l--;
		p = &t[level_index(gpa, l)];
		v = entry_read(p);
	}
	*level = l;
	if (slot)
		*slot = p;
	return v;
}

static unsigned entry_perm(uint64_t v)
{
	unsigned p = 0;

	if (v & EPT_PTE_READ)
		p |= EPT_READ;
	if (v & EPT_PTE_WRITE)
		p |= EPT_WRITE;
	if (v & EPT_PTE_EXEC)
		p |= EPT_EXEC;
	if (v & EPT_PTE_USER_EXEC)
		p |= EPT_USER_EXEC;
	return p;
}

int ept_translate(const struct ept *e, gpa_t gpa, struct ept_translation *out)
{
	uint64_t v, span;
	int level;

	if (!ept_ready(e) || !out)
		return EPT_E_INVAL;
	if (gpa >> EPT_GPA_BITS_4LEVEL)
		return EPT_E_RANGE;
	v = walk(e, gpa, &level, NULL);
	out->level = level;
	out->mapped = v != 0;
	if (!v) {
		out->hpa = 0;
		out->perm = 0;
		out->memtype = 0;
		out->ignore_pat = false;
		out->page_size = 0;
		return EPT_OK;
	}
	span = level_span(level);
	out->page_size = span;
	out->hpa = (v & EPT_PTE_ADDR_MASK & ~(span - 1)) + (gpa & (span - 1));
	out->perm = entry_perm(v);
	out->memtype = (unsigned)((v & EPT_PTE_MEMTYPE_MASK) >> EPT_PTE_MEMTYPE_SHIFT);
	out->ignore_pat = v & EPT_PTE_IGNORE_PAT;
	return EPT_OK;
}

/* Recursion bounded by the 4 table levels. */
// NOLINTNEXTLINE(misc-no-recursion)
static uint64_t visit(const struct ept *e, const uint64_t *t, int level, gpa_t base, ept_leaf_fn fn, void *ctx)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < 512; i++) {
		uint64_t v = entry_read(&t[i]);
		gpa_t gpa = base + (uint64_t)i * level_span(level);

		if (!v)
			continue;
		if (is_leaf(level, v)) {
			fn(ctx, gpa, level_span(level), v);
			n++;
		} else {
			n += visit(e, entry_table(e, v), level - 1, gpa, fn, ctx);
		}
	}
	return n;
}

uint64_t ept_for_each_leaf(const struct ept *e, ept_leaf_fn fn, void *ctx)
{
	if (!ept_ready(e) || !fn)
		return 0;
	return visit(e, tbl(e, e->root), 4, 0, fn, ctx);
}

void ept_get_stats(const struct ept *e, struct ept_stats *out)
{
	if (!e || !out)
		return;
	*out = e->stats;
}

uint64_t ept_debug_get_raw_leaf(const struct ept *e, gpa_t gpa, int *level)
{
	int l = 0;
	uint64_t v = 0;

	if (ept_ready(e) && !(gpa >> EPT_GPA_BITS_4LEVEL))
		v = walk(e, gpa, &l, NULL);
	if (level)
		*level = v ? l : 0;
	return v;
}

int ept_debug_set_raw_leaf(struct ept *e, gpa_t gpa, uint64_t entry)
{
	uint64_t *slot;
	int level;

	if (!ept_ready(e))
		return EPT_E_INVAL;
	if (gpa >> EPT_GPA_BITS_4LEVEL)
		return EPT_E_RANGE;
	if (!walk(e, gpa, &level, &slot))
		return EPT_E_NOT_MAPPED;
	/* Must stay a present leaf of the same size (SDM Vol. 3C §29.3.2 "EPT Translation Mechanism": bit 7). */
	if (!(entry & (EPT_PTE_RWX | EPT_PTE_USER_EXEC)))
		return EPT_E_INVAL;
	if (level > 1 && !(entry & EPT_PTE_LARGE))
		return EPT_E_INVAL;
	entry_set(slot, entry);
	return EPT_OK;
}
