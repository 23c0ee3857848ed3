/* SPDX-License-Identifier: MIT */
/*
 * ept/ept_internal.h - what the files of the EPT page-table library share
 * (SDM Vol. 3C §29.3 "The Extended Page Table Mechanism (EPT)").  Included
 * only by ept/ept*.c; the API is ept/ept.h.
 *
 * Levels are numbered like the SDM's walk: 4 = PML4, 3 = PDPT, 2 = PD,
 * 1 = PT.  An entry at level L spans 4 KiB << 9 * (L - 1).
 *
 * Invariant (canonical form): no table is empty, and no table holds 512
 * leaves that form one contiguous, identically attributed run that the caps
 * allow as one larger page.  The canonical form of a mapping is unique and
 * uses the fewest tables.  An entry is present iff it is non-zero: the
 * library never writes a non-zero non-present entry.
 *
 * Every range operation runs in two passes (ept_walk.c):
 *   1. count_walk() reads the tables only: it checks the preconditions
 *      (EPT_E_EXISTS, EPT_E_NOT_MAPPED) and counts exactly how many tables
 *      pass 2 will allocate; those pages are then taken from the allocator
 *      up front, so exhaustion fails before anything is touched;
 *   2. apply_walk() cannot fail: it writes the leaves, splits large pages
 *      that are only partly covered, frees replaced subtrees, and on the way
 *      back up frees empty tables and collapses full runs into large pages.
 *
 * Files: ept.c (init/destroy, EPTP, caps, error strings), ept_table.c
 * (tables and the op's page pool), ept_walk.c (the two passes),
 * ept_range.c (map/unmap/protect: argument checks), ept_lookup.c
 * (translate, leaf iteration, stats, debug access to a leaf), ept_entry.h
 * (the loads and stores of entries other CPUs may be reading).
 */
#ifndef EPT_EPT_INTERNAL_H
#define EPT_EPT_INTERNAL_H

#include "ept/ept.h"
#include "ept/ept_bits.h"
#include "ept/ept_entry.h"

#define LEAF_AD     (EPT_PTE_ACCESSED | EPT_PTE_DIRTY)
/* The bits ept_attr controls in a leaf. */
#define LEAF_ATTRS  (EPT_PTE_RWX | EPT_PTE_USER_EXEC | EPT_PTE_MEMTYPE_MASK | \
		     EPT_PTE_IGNORE_PAT)

enum ept_op_kind { OP_MAP, OP_UNMAP, OP_PROTECT };

struct ept_op {
	enum ept_op_kind kind;
	gpa_t gpa;          /* start of the requested range */
	hpa_t hpa;          /* OP_MAP: host address of gpa */
	uint64_t bits;      /* leaf attribute bits (no address, no bit 7) */
	uint64_t need;      /* tables pass 2 will allocate */
	bool any_mapped, any_unmapped;
	bool changed;       /* something the CPU may have cached changed */
	hpa_t pool;         /* pre-allocated pages, linked through word 0 */
	uint64_t pool_n;
};

/* ------------------------------------------------------------ helpers */

static inline uint64_t level_span(int level)
{
	return 1ull << (EPT_PAGE_SHIFT + 9 * (level - 1));
}

static inline unsigned level_index(gpa_t gpa, int level)
{
	return (unsigned)(gpa >> (EPT_PAGE_SHIFT + 9 * (level - 1))) & 511;
}

static inline uint64_t *tbl(const struct ept *e, hpa_t pa)
{
	return e->alloc.phys_to_virt(e->alloc.ctx, pa);
}

static inline uint64_t *entry_table(const struct ept *e, uint64_t v)
{
	return tbl(e, v & EPT_PTE_ADDR_MASK);
}

/* Bit 7 makes a PDPTE/PDE a leaf (SDM Vol. 3C §29.3.2 "EPT Translation Mechanism",
 * Tables 29-2, 29-4); a PTE always is one. */
static inline bool is_leaf(int level, uint64_t v)
{
	return level == 1 || (level <= 3 && (v & EPT_PTE_LARGE));
}

/* 2M pages need EPT_VPID_CAP bit 16, 1G pages bit 17 (SDM Vol. 3D Appendix A.10 "VPID and EPT
 * Capabilities"). */
static inline bool leaf_allowed(const struct ept *e, int level)
{
	if (level == 1)
		return true;
	if (level == 2)
		return e->caps.page_2m;
	if (level == 3)
		return e->caps.page_1g;
	return false;
}

/* Entry i of the table a split of leaf v (at level) would produce. */
static inline uint64_t child_leaf(uint64_t v, int level, unsigned i)
{
	uint64_t addr = (v & EPT_PTE_ADDR_MASK) + (uint64_t)i * level_span(level - 1);
	uint64_t rest = v & ~EPT_PTE_ADDR_MASK;

	if (level - 1 == 1)
		rest &= ~EPT_PTE_LARGE;   /* bit 7 of a PTE is ignored; keep it 0 */
	return addr | rest;
}

static inline uint64_t *stat_slot(struct ept *e, int level)
{
	if (level == 1)
		return &e->stats.bytes_4k;
	if (level == 2)
		return &e->stats.bytes_2m;
	return &e->stats.bytes_1g;
}

static inline void stat_add(struct ept *e, int level, uint64_t n)
{
	*stat_slot(e, level) += n * level_span(level);
}

static inline void stat_sub(struct ept *e, int level, uint64_t n)
{
	*stat_slot(e, level) -= n * level_span(level);
}

static inline bool ept_ready(const struct ept *e)
{
	return e && e->root;
}

/* ------------------------------------------------------------ ept_table.c */

void ept_zero_table(uint64_t *t);
uint64_t ept_table_entry(const struct ept *e, hpa_t child);
void ept_free_table(struct ept *e, hpa_t pa);
void ept_free_subtree(struct ept *e, uint64_t v, int level);
void ept_drop_entry(struct ept *e, uint64_t v, int level);
void ept_pool_drain(struct ept *e, struct ept_op *op);
int ept_pool_fill(struct ept *e, struct ept_op *op);
hpa_t ept_pool_take(struct ept *e, struct ept_op *op);

/* ------------------------------------------------------------ ept_walk.c */

/* Both passes over [op->gpa, op->gpa + size), then *flush (may be NULL). */
int ept_run_op(struct ept *e, struct ept_op *op, uint64_t size, unsigned flags,
	       enum ept_flush *flush);

#endif /* EPT_EPT_INTERNAL_H */
