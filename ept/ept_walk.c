// SPDX-License-Identifier: MIT
/*
 * ept/ept_walk.c - the two passes of every range operation (count, then
 * apply with split and collapse) and the driver that runs them.
 */
#include "ept/ept_internal.h"

/* ------------------------------------------------------------ pass 1 */

/*
 * Does the operation end at this entry (write a leaf, or clear it) rather
 * than descend?  Map: the entry is fully covered and a page of this size is
 * allowed and aligned in both address spaces.  Unmap: fully covered.
 * Protect: a leaf, fully covered.
 */
static bool leaf_here(const struct ept *e, const struct ept_op *op, int level, uint64_t v, gpa_t eb, bool full)
{
	if (!full)
		return false;
	switch (op->kind) {
	case OP_MAP:
		if (!leaf_allowed(e, level))
			return false;
		return ((op->hpa + (eb - op->gpa)) & (level_span(level) - 1)) == 0;
	case OP_UNMAP:
		return true;
	case OP_PROTECT:
		return v && is_leaf(level, v);
	}
	return false;
}

static void count_pt(struct ept_op *op, const uint64_t *t, unsigned lo, unsigned hi)
{
	for (unsigned i = lo; i < hi; i++) {
		if (t[i])
			op->any_mapped = true;
		else
			op->any_unmapped = true;
		if (op->any_mapped && op->any_unmapped)
			return;
	}
}

/* The covered part [*cs, *ce) of the entry at eb. */
static bool cover(gpa_t eb, uint64_t span, gpa_t s, gpa_t end, gpa_t *cs, gpa_t *ce)
{
	*cs = eb < s ? s : eb;
	*ce = end - eb < span ? end : eb + span;
	// cppcheck-suppress knownConditionTrueFalse ; true whenever eb >= s (cppcheck misreads the ternary)
	return *cs == eb && *ce - eb == span;
}

/*
 * t is the real table at level, or NULL for a table pass 2 would create:
 * empty (parent == 0) or the split of the leaf parent.
 */
// NOLINTNEXTLINE(misc-no-recursion): bounded by the 4 table levels
static void count_walk(const struct ept *e, struct ept_op *op, int level, const uint64_t *t, uint64_t parent, gpa_t s,
                       gpa_t end)
{
	uint64_t span = level_span(level);

	if (!t) {
		if (parent)
			op->any_mapped = true;
		else
			op->any_unmapped = true;
		if (level == 1 || (!parent && op->kind != OP_MAP))
			return;
	} else if (level == 1) {
		count_pt(op, t, level_index(s, 1), level_index(s, 1) + (unsigned)((end - s) >> 12));
		return;
	}
	for (gpa_t eb = s & ~(span - 1); eb < end; eb += span) {
		unsigned i = level_index(eb, level);
		uint64_t v = t ? t[i] : (parent ? child_leaf(parent, level + 1, i) : 0);
		gpa_t cs, ce;
		bool full = cover(eb, span, s, end, &cs, &ce);

		if (leaf_here(e, op, level, v, eb, full)) {
			if (v)
				op->any_mapped = true; /* tables are never empty */
			else
				op->any_unmapped = true;
			continue;
		}
		if (!v) {
			op->any_unmapped = true;
			if (op->kind != OP_MAP)
				continue;
			op->need++;
			count_walk(e, op, level - 1, NULL, 0, cs, ce);
		} else if (is_leaf(level, v)) {
			op->need++;
			count_walk(e, op, level - 1, NULL, v, cs, ce);
		} else {
			count_walk(e, op, level - 1, entry_table(e, v), 0, cs, ce);
		}
	}
}

/* ------------------------------------------------------------ pass 2 */

static void apply_pt_map(struct ept *e, struct ept_op *op, uint64_t *t, unsigned lo, unsigned hi, uint64_t nv)
{
	uint64_t added = 0;
	bool changed = false;

	/* The hot loop: consecutive PTEs of one table, no walk from the root. */
	for (unsigned i = lo; i < hi; i++, nv += EPT_PAGE_SIZE_4K) {
		uint64_t v = t[i];

		/* Filling empty PTEs is the common case; the hint keeps the loop
		 * laid out as it was before the stores became atomic (ept_bench). */
		if (__builtin_expect(!v, 1)) {
			added++;
			entry_set(&t[i], nv);
		} else if ((v ^ nv) & ~LEAF_AD) {
			changed = true;
			entry_set(&t[i], nv);
		}
	}
	e->stats.bytes_4k += added * EPT_PAGE_SIZE_4K;
	op->changed |= changed;
}

static void apply_pt(struct ept *e, struct ept_op *op, uint64_t *t, gpa_t s, gpa_t end)
{
	unsigned lo = level_index(s, 1);
	unsigned hi = lo + (unsigned)((end - s) >> EPT_PAGE_SHIFT);
	uint64_t n = 0;

	switch (op->kind) {
	case OP_MAP:
		apply_pt_map(e, op, t, lo, hi, (op->hpa + (s - op->gpa)) | op->bits);
		return;
	case OP_UNMAP:
		for (unsigned i = lo; i < hi; i++) {
			if (t[i]) {
				entry_set(&t[i], 0);
				n++;
			}
		}
		stat_sub(e, 1, n);
		op->changed |= n != 0;
		return;
	case OP_PROTECT:
		for (unsigned i = lo; i < hi; i++) {
			uint64_t nv = (t[i] & ~LEAF_ATTRS) | op->bits;

			if (nv != t[i]) {
				entry_set(&t[i], nv);
				op->changed = true;
			}
		}
		return;
	}
}

/*
 * Write the operation's leaf (or clear) at a level-L entry it fully covers.
 * A subtree it replaces is unlinked by that one store before it is freed,
 * so a reader is never sent into a freed table.
 */
static void apply_leaf(struct ept *e, struct ept_op *op, int level, uint64_t *slot, gpa_t eb)
{
	uint64_t v = *slot, nv = 0;

	if (op->kind == OP_MAP)
		nv = (op->hpa + (eb - op->gpa)) | op->bits | (level > 1 ? EPT_PTE_LARGE : 0);
	else if (op->kind == OP_PROTECT)
		nv = (v & ~LEAF_ATTRS) | op->bits;
	if (v && is_leaf(level, v) && !((v ^ nv) & ~LEAF_AD))
		return; /* same translation: keep A/D */
	entry_set(slot, nv);
	if (nv)
		stat_add(e, level, 1);
	if (v) {
		ept_drop_entry(e, v, level);
		op->changed = true;
	}
}

/* Fill a new table with the 512 smaller pages equivalent to leaf v.  The
 * table is not published yet: plain stores. */
static void split_into(struct ept *e, uint64_t v, int level, uint64_t *child)
{
	for (unsigned i = 0; i < EPT_ENTRIES_PER_TABLE; i++)
		child[i] = child_leaf(v, level, i);
	stat_sub(e, level, 1);
	stat_add(e, level - 1, EPT_ENTRIES_PER_TABLE);
}

static bool table_empty(const uint64_t *t)
{
	for (unsigned i = 0; i < EPT_ENTRIES_PER_TABLE; i++)
		if (t[i])
			return false;
	return true;
}

/*
 * Can table c (at level cl) become one leaf at level cl + 1?  All 512
 * entries must be leaves with identical attributes, mapping one contiguous
 * run aligned to the larger page.  A/D flags are ORed together.
 */
static bool collapsible(const struct ept *e, const uint64_t *c, int cl, uint64_t *out)
{
	uint64_t v0 = c[0], span = level_span(cl), ad = 0;
	uint64_t addr = v0 & EPT_PTE_ADDR_MASK;

	if (!leaf_allowed(e, cl + 1) || !v0 || !is_leaf(cl, v0))
		return false;
	if (addr & (level_span(cl + 1) - 1))
		return false;
	for (unsigned i = 0; i < EPT_ENTRIES_PER_TABLE; i++, addr += span) {
		uint64_t v = c[i];

		if (!v || !is_leaf(cl, v) || (v & EPT_PTE_ADDR_MASK) != addr ||
		    ((v ^ v0) & ~(EPT_PTE_ADDR_MASK | LEAF_AD)))
			return false;
		ad |= v & LEAF_AD;
	}
	*out = (v0 & ~LEAF_AD) | ad | EPT_PTE_LARGE;
	return true;
}

/*
 * After the operation went below *slot (a table entry at level): free the
 * child if it became empty, or replace it by one large page.  old is the
 * entry before the operation: restoring exactly a leaf we split ourselves
 * changes nothing the CPU could have cached; freeing a table that existed
 * before does (paging-structure caches, SDM Vol. 3C §29.4.3 "Invalidating
 * Cached Translation Information").  The child is unlinked by one store
 * (the large page replaces the same translations) before it is freed.
 */
static void normalize_entry(struct ept *e, struct ept_op *op, int level, uint64_t *slot, uint64_t old)
{
	hpa_t child = *slot & EPT_PTE_ADDR_MASK;
	uint64_t *c = tbl(e, child);
	uint64_t nv = 0;

	if (!table_empty(c)) {
		if (!collapsible(e, c, level - 1, &nv))
			return;
		stat_sub(e, level - 1, EPT_ENTRIES_PER_TABLE);
		stat_add(e, level, 1);
	}
	entry_set(slot, nv);
	ept_free_table(e, child);
	if (old && (!is_leaf(level, old) || ((old ^ nv) & ~LEAF_AD)))
		op->changed = true;
}

// NOLINTNEXTLINE(misc-no-recursion): bounded by the 4 table levels
static void apply_walk(struct ept *e, struct ept_op *op, int level, uint64_t *t, gpa_t s, gpa_t end)
{
	uint64_t span = level_span(level);

	if (level == 1) {
		apply_pt(e, op, t, s, end);
		return;
	}
	for (gpa_t eb = s & ~(span - 1); eb < end; eb += span) {
		uint64_t *slot = &t[level_index(eb, level)];
		uint64_t v = *slot;
		gpa_t cs, ce;
		bool full = cover(eb, span, s, end, &cs, &ce);

		if (leaf_here(e, op, level, v, eb, full)) {
			apply_leaf(e, op, level, slot, eb);
			continue;
		}
		if (!v && op->kind != OP_MAP)
			continue;
		if (!v || is_leaf(level, v)) {
			hpa_t child = ept_pool_take(e, op);
			if (!child)
				continue;
			if (v)
				split_into(e, v, level, tbl(e, child));
			/* Readers see the large page or the full split: never a hole. */
			entry_publish(slot, ept_table_entry(e, child));
		}
		apply_walk(e, op, level - 1, entry_table(e, *slot), cs, ce);
		normalize_entry(e, op, level, slot, v);
	}
}

/* ------------------------------------------------------------ driver */

static void set_flush(const struct ept *e, enum ept_flush *flush, bool changed)
{
	if (!flush)
		return;
	if (!changed)
		*flush = EPT_FLUSH_NONE;
	else
		*flush = e->caps.invept_single ? EPT_FLUSH_SINGLE : EPT_FLUSH_GLOBAL;
}

int ept_run_op(struct ept *e, struct ept_op *op, uint64_t size, unsigned flags, enum ept_flush *flush)
{
	gpa_t end = op->gpa + size;
	int err;

	count_walk(e, op, 4, tbl(e, e->root), 0, op->gpa, end);
	if (op->kind == OP_MAP && !(flags & EPT_MAP_REPLACE) && op->any_mapped)
		return EPT_E_EXISTS;
	if (op->kind == OP_PROTECT && op->any_unmapped)
		return EPT_E_NOT_MAPPED;
	err = ept_pool_fill(e, op);
	if (err)
		return err;
	apply_walk(e, op, 4, tbl(e, e->root), op->gpa, end);
#ifdef HV_HOST_TEST
	if (op->pool)
		__builtin_trap(); /* count_walk() over-counted */
#endif
	ept_pool_drain(e, op);
	set_flush(e, flush, op->changed);
	return EPT_OK;
}
