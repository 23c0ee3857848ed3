// SPDX-License-Identifier: MIT
/*
 * ept/ept_table.c - EPT table pages: zeroing, the non-leaf entry, freeing
 * tables and subtrees with their stats, and the page pool of one operation.
 */
#include "ept/ept_internal.h"

/* ------------------------------------------------------------ tables */

void ept_zero_table(uint64_t *t)
{
	for (unsigned i = 0; i < EPT_ENTRIES_PER_TABLE; i++)
		t[i] = 0;
}

/*
 * Non-leaf entries allow everything; the leaf decides.  With MBEC the
 * user-execute bit 10 is ANDed along the walk too (SDM Vol. 3C §29.3.3.2
 * "EPT Violations"), so set it.
 */
uint64_t ept_table_entry(const struct ept *e, hpa_t child)
{
	uint64_t v = child | EPT_PTE_RWX;

	if (e->caps.mode_based_exec)
		v |= EPT_PTE_USER_EXEC;
	return v;
}

void ept_free_table(struct ept *e, hpa_t pa)
{
	e->alloc.free_page(e->alloc.ctx, pa);
	e->stats.tables--;
}

/* Free the table entry v (at level) points to, and everything below it. */
// NOLINTNEXTLINE(misc-no-recursion): bounded by the 4 table levels
void ept_free_subtree(struct ept *e, uint64_t v, int level)
{
	uint64_t *t = entry_table(e, v);
	int cl = level - 1;
	uint64_t leaves = 0;

	for (unsigned i = 0; i < EPT_ENTRIES_PER_TABLE; i++) {
		if (!t[i])
			continue;
		if (is_leaf(cl, t[i]))
			leaves++;
		else
			ept_free_subtree(e, t[i], cl);
	}
	stat_sub(e, cl, leaves);
	ept_free_table(e, v & EPT_PTE_ADDR_MASK);
}

/* Drop a present entry's contribution (a leaf, or a whole subtree). */
void ept_drop_entry(struct ept *e, uint64_t v, int level)
{
	if (is_leaf(level, v))
		stat_sub(e, level, 1);
	else
		ept_free_subtree(e, v, level);
}

/* ------------------------------------------------------------ page pool */

void ept_pool_drain(struct ept *e, struct ept_op *op)
{
	while (op->pool) {
		hpa_t p = op->pool;

		op->pool = tbl(e, p)[0];
		op->pool_n--;
		e->alloc.free_page(e->alloc.ctx, p);
	}
}

int ept_pool_fill(struct ept *e, struct ept_op *op)
{
	while (op->pool_n < op->need) {
		hpa_t p = e->alloc.alloc_page(e->alloc.ctx);

		if (!p || (p & (EPT_PAGE_SIZE_4K - 1))) {
			if (p)
				e->alloc.free_page(e->alloc.ctx, p);
			ept_pool_drain(e, op);
			return EPT_E_NOMEM;
		}
		tbl(e, p)[0] = op->pool;
		op->pool = p;
		op->pool_n++;
	}
	return EPT_OK;
}

/* A zeroed table from the pool.  count_walk() sized the pool exactly. */
hpa_t ept_pool_take(struct ept *e, struct ept_op *op)
{
	hpa_t p = op->pool;

	if (!p) {
#ifdef HV_HOST_TEST
		__builtin_trap(); /* count_walk() and apply_walk() disagree */
#endif
		p = e->alloc.alloc_page(e->alloc.ctx);
		if (!p)
			return 0;
	} else {
		op->pool = tbl(e, p)[0];
		op->pool_n--;
	}
	ept_zero_table(tbl(e, p));
	e->stats.tables++;
	return p;
}
