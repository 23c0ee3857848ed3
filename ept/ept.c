// SPDX-License-Identifier: MIT
/*
 * ept/ept.c - EPT page-table library (Intel SDM Vol. 3C §29.3).
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
 * Every range operation runs in two passes:
 *   1. count_walk() reads the tables only: it checks the preconditions
 *      (EPT_E_EXISTS, EPT_E_NOT_MAPPED) and counts exactly how many tables
 *      pass 2 will allocate; those pages are then taken from the allocator
 *      up front, so exhaustion fails before anything is touched;
 *   2. apply_walk() cannot fail: it writes the leaves, splits large pages
 *      that are only partly covered, frees replaced subtrees, and on the way
 *      back up frees empty tables and collapses full runs into large pages.
 */
#include "ept/ept.h"
#include "ept/ept_bits.h"

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

/* Bit 7 makes a PDPTE/PDE a leaf (Tables 29-2, 29-4); a PTE always is one. */
static inline bool is_leaf(int level, uint64_t v)
{
	return level == 1 || (level <= 3 && (v & EPT_PTE_LARGE));
}

/* 2M pages need EPT_VPID_CAP bit 16, 1G pages bit 17 (Appendix A.10). */
static bool leaf_allowed(const struct ept *e, int level)
{
	if (level == 1)
		return true;
	if (level == 2)
		return e->caps.page_2m;
	if (level == 3)
		return e->caps.page_1g;
	return false;
}

static void zero_table(uint64_t *t)
{
	for (unsigned i = 0; i < EPT_ENTRIES_PER_TABLE; i++)
		t[i] = 0;
}

/*
 * Non-leaf entries allow everything; the leaf decides.  With MBEC the
 * user-execute bit 10 is ANDed along the walk too (§29.3.3.2), so set it.
 */
static uint64_t table_entry(const struct ept *e, hpa_t child)
{
	uint64_t v = child | EPT_PTE_RWX;

	if (e->caps.mode_based_exec)
		v |= EPT_PTE_USER_EXEC;
	return v;
}

/* Entry i of the table a split of leaf v (at level) would produce. */
static uint64_t child_leaf(uint64_t v, int level, unsigned i)
{
	uint64_t addr = (v & EPT_PTE_ADDR_MASK) + (uint64_t)i * level_span(level - 1);
	uint64_t rest = v & ~EPT_PTE_ADDR_MASK;

	if (level - 1 == 1)
		rest &= ~EPT_PTE_LARGE;   /* bit 7 of a PTE is ignored; keep it 0 */
	return addr | rest;
}

static uint64_t *stat_slot(struct ept *e, int level)
{
	if (level == 1)
		return &e->stats.bytes_4k;
	if (level == 2)
		return &e->stats.bytes_2m;
	return &e->stats.bytes_1g;
}

static void stat_add(struct ept *e, int level, uint64_t n)
{
	*stat_slot(e, level) += n * level_span(level);
}

static void stat_sub(struct ept *e, int level, uint64_t n)
{
	*stat_slot(e, level) -= n * level_span(level);
}

static void free_table(struct ept *e, hpa_t pa)
{
	e->alloc.free_page(e->alloc.ctx, pa);
	e->stats.tables--;
}

/* Free the table entry v (at level) points to, and everything below it. */
static void free_subtree(struct ept *e, uint64_t v, int level)
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
			free_subtree(e, t[i], cl);
	}
	stat_sub(e, cl, leaves);
	free_table(e, v & EPT_PTE_ADDR_MASK);
}

/* Drop a present entry's contribution (a leaf, or a whole subtree). */
static void drop_entry(struct ept *e, uint64_t v, int level)
{
	if (is_leaf(level, v))
		stat_sub(e, level, 1);
	else
		free_subtree(e, v, level);
}

/* ------------------------------------------------------------ page pool */

static void pool_drain(struct ept *e, struct ept_op *op)
{
	while (op->pool) {
		hpa_t p = op->pool;

		op->pool = tbl(e, p)[0];
		op->pool_n--;
		e->alloc.free_page(e->alloc.ctx, p);
	}
}

static int pool_fill(struct ept *e, struct ept_op *op)
{
	while (op->pool_n < op->need) {
		hpa_t p = e->alloc.alloc_page(e->alloc.ctx);

		if (!p || (p & (EPT_PAGE_SIZE_4K - 1))) {
			if (p)
				e->alloc.free_page(e->alloc.ctx, p);
			pool_drain(e, op);
			return EPT_E_NOMEM;
		}
		tbl(e, p)[0] = op->pool;
		op->pool = p;
		op->pool_n++;
	}
	return EPT_OK;
}

/* A zeroed table from the pool.  count_walk() sized the pool exactly. */
static hpa_t pool_take(struct ept *e, struct ept_op *op)
{
	hpa_t p = op->pool;

	if (!p) {
#ifdef HV_HOST_TEST
		__builtin_trap();   /* count_walk() and apply_walk() disagree */
#endif
		p = e->alloc.alloc_page(e->alloc.ctx);
		if (!p)
			return 0;
	} else {
		op->pool = tbl(e, p)[0];
		op->pool_n--;
	}
	zero_table(tbl(e, p));
	e->stats.tables++;
	return p;
}

/* ------------------------------------------------------------ pass 1 */

/*
 * Does the operation end at this entry (write a leaf, or clear it) rather
 * than descend?  Map: the entry is fully covered and a page of this size is
 * allowed and aligned in both address spaces.  Unmap: fully covered.
 * Protect: a leaf, fully covered.
 */
static bool leaf_here(const struct ept *e, const struct ept_op *op, int level,
		      uint64_t v, gpa_t eb, bool full)
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
	return *cs == eb && *ce - eb == span;
}

/*
 * t is the real table at level, or NULL for a table pass 2 would create:
 * empty (parent == 0) or the split of the leaf parent.
 */
static void count_walk(const struct ept *e, struct ept_op *op, int level,
		       const uint64_t *t, uint64_t parent, gpa_t s, gpa_t end)
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
				op->any_mapped = true;  /* tables are never empty */
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

static void apply_pt_map(struct ept *e, struct ept_op *op, uint64_t *t,
			 unsigned lo, unsigned hi, uint64_t nv)
{
	uint64_t added = 0;
	bool changed = false;

	/* The hot loop: consecutive PTEs of one table, no walk from the root. */
	for (unsigned i = lo; i < hi; i++, nv += EPT_PAGE_SIZE_4K) {
		uint64_t v = t[i];

		if (!v) {
			added++;
			t[i] = nv;
		} else if ((v ^ nv) & ~LEAF_AD) {
			changed = true;
			t[i] = nv;
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
				t[i] = 0;
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
				t[i] = nv;
				op->changed = true;
			}
		}
		return;
	}
}

/* Write the operation's leaf (or clear) at a level-L entry it fully covers. */
static void apply_leaf(struct ept *e, struct ept_op *op, int level, uint64_t *slot, gpa_t eb)
{
	uint64_t v = *slot, nv = 0;

	if (op->kind == OP_MAP)
		nv = (op->hpa + (eb - op->gpa)) | op->bits | (level > 1 ? EPT_PTE_LARGE : 0);
	else if (op->kind == OP_PROTECT)
		nv = (v & ~LEAF_ATTRS) | op->bits;
	if (v && is_leaf(level, v) && !((v ^ nv) & ~LEAF_AD))
		return;                 /* same translation: keep A/D */
	if (v) {
		drop_entry(e, v, level);
		op->changed = true;
	}
	if (nv)
		stat_add(e, level, 1);
	*slot = nv;
}

/* Fill a new table with the 512 smaller pages equivalent to leaf v. */
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
 * before does (paging-structure caches, §29.4.3).
 */
static void normalize_entry(struct ept *e, struct ept_op *op, int level,
			    uint64_t *slot, uint64_t old)
{
	uint64_t *c = entry_table(e, *slot);
	uint64_t nv = 0;

	if (!table_empty(c)) {
		if (!collapsible(e, c, level - 1, &nv))
			return;
		stat_sub(e, level - 1, EPT_ENTRIES_PER_TABLE);
		stat_add(e, level, 1);
	}
	free_table(e, *slot & EPT_PTE_ADDR_MASK);
	*slot = nv;
	if (old && (!is_leaf(level, old) || ((old ^ nv) & ~LEAF_AD)))
		op->changed = true;
}

static void apply_walk(struct ept *e, struct ept_op *op, int level, uint64_t *t,
		       gpa_t s, gpa_t end)
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
		hpa_t child;

		if (leaf_here(e, op, level, v, eb, full)) {
			apply_leaf(e, op, level, slot, eb);
			continue;
		}
		if (!v && op->kind != OP_MAP)
			continue;
		if (!v || is_leaf(level, v)) {
			child = pool_take(e, op);
			if (!child)
				continue;
			if (v)
				split_into(e, v, level, tbl(e, child));
			*slot = table_entry(e, child);
		}
		apply_walk(e, op, level - 1, entry_table(e, *slot), cs, ce);
		normalize_entry(e, op, level, slot, v);
	}
}

/* ------------------------------------------------------------ checks */

static unsigned gpa_bits(const struct ept *e)
{
	unsigned b = e->caps.phys_addr_bits;

	return b < EPT_GPA_BITS_4LEVEL ? b : EPT_GPA_BITS_4LEVEL;
}

static int check_range(uint64_t addr, uint64_t size, unsigned bits)
{
	if ((addr | size) & (EPT_PAGE_SIZE_4K - 1))
		return EPT_E_UNALIGNED;
	if (addr + size < addr)
		return EPT_E_RANGE;
	if (bits < 64 && addr + size > (1ull << bits))
		return EPT_E_RANGE;
	return EPT_OK;
}

/*
 * Permission rules (§29.3.3.1): write without read is a misconfiguration;
 * so is "execute-only" (R=0 with X, or with user-X under MBEC) unless
 * EPT_VPID_CAP bit 0 is set.  Bit 10 only means something with MBEC.
 */
static int check_attr(const struct ept *e, struct ept_attr a, uint64_t *bits)
{
	unsigned p = a.perm;
	uint64_t b = 0;

	if (!p || (p & ~(unsigned)EPT_PERM_ALL))
		return EPT_E_PERM;
	if ((p & EPT_USER_EXEC) && !e->caps.mode_based_exec)
		return EPT_E_PERM;
	if ((p & EPT_WRITE) && !(p & EPT_READ))
		return EPT_E_WRITE_NO_READ;
	if (!(p & EPT_READ) && !e->caps.exec_only)
		return EPT_E_EXEC_ONLY;
	if (a.memtype != EPT_MT_UC && a.memtype != EPT_MT_WC && a.memtype != EPT_MT_WT &&
	    a.memtype != EPT_MT_WP && a.memtype != EPT_MT_WB)
		return EPT_E_MEMTYPE;
	if (p & EPT_READ)
		b |= EPT_PTE_READ;
	if (p & EPT_WRITE)
		b |= EPT_PTE_WRITE;
	if (p & EPT_EXEC)
		b |= EPT_PTE_EXEC;
	if (p & EPT_USER_EXEC)
		b |= EPT_PTE_USER_EXEC;
	b |= (uint64_t)a.memtype << EPT_PTE_MEMTYPE_SHIFT;
	if (a.ignore_pat)
		b |= EPT_PTE_IGNORE_PAT;
	*bits = b;
	return EPT_OK;
}

static void set_flush(const struct ept *e, enum ept_flush *flush, bool changed)
{
	if (!flush)
		return;
	if (!changed)
		*flush = EPT_FLUSH_NONE;
	else
		*flush = e->caps.invept_single ? EPT_FLUSH_SINGLE : EPT_FLUSH_GLOBAL;
}

static int run_op(struct ept *e, struct ept_op *op, uint64_t size, unsigned flags,
		  enum ept_flush *flush)
{
	gpa_t end = op->gpa + size;
	int err;

	count_walk(e, op, 4, tbl(e, e->root), 0, op->gpa, end);
	if (op->kind == OP_MAP && !(flags & EPT_MAP_REPLACE) && op->any_mapped)
		return EPT_E_EXISTS;
	if (op->kind == OP_PROTECT && op->any_unmapped)
		return EPT_E_NOT_MAPPED;
	err = pool_fill(e, op);
	if (err)
		return err;
	apply_walk(e, op, 4, tbl(e, e->root), op->gpa, end);
#ifdef HV_HOST_TEST
	if (op->pool)
		__builtin_trap();   /* count_walk() over-counted */
#endif
	pool_drain(e, op);
	set_flush(e, flush, op->changed);
	return EPT_OK;
}

static void op_init(struct ept_op *op, enum ept_op_kind kind, gpa_t gpa)
{
	op->kind = kind;
	op->gpa = gpa;
	op->hpa = 0;
	op->bits = 0;
	op->need = 0;
	op->any_mapped = false;
	op->any_unmapped = false;
	op->changed = false;
	op->pool = 0;
	op->pool_n = 0;
}

static bool ept_ready(const struct ept *e)
{
	return e && e->root;
}

/* ------------------------------------------------------------ public API */

static const char *const ept_errstr[EPT_E_COUNT_] = {
	[EPT_OK] = "EPT_OK: success",
	[EPT_E_UNALIGNED] = "EPT_E_UNALIGNED: address or size not 4 KiB aligned",
	[EPT_E_RANGE] = "EPT_E_RANGE: range wraps or exceeds the physical-address width",
	[EPT_E_WRITE_NO_READ] = "EPT_E_WRITE_NO_READ: write without read is an EPT misconfiguration",
	[EPT_E_EXEC_ONLY] = "EPT_E_EXEC_ONLY: execute-only not supported by this CPU",
	[EPT_E_MEMTYPE] = "EPT_E_MEMTYPE: memory type not one of UC, WC, WT, WP, WB",
	[EPT_E_PERM] = "EPT_E_PERM: no, unknown, or unsupported (user-execute without MBEC) permission bits",
	[EPT_E_NOMEM] = "EPT_E_NOMEM: out of pages for EPT tables",
	[EPT_E_EXISTS] = "EPT_E_EXISTS: range already mapped (use EPT_MAP_REPLACE)",
	[EPT_E_NOT_MAPPED] = "EPT_E_NOT_MAPPED: page in range not mapped",
	[EPT_E_INVAL] = "EPT_E_INVAL: invalid argument",
};

const char *ept_strerror(int err)
{
	if (err < 0 || err >= EPT_E_COUNT_)
		return "EPT_E_UNKNOWN: unknown error code";
	return ept_errstr[err];
}

void ept_caps_from_msr(uint64_t cap, unsigned maxphyaddr, bool mode_based_exec,
		       struct ept_caps *out)
{
	bool invept = cap & VMX_EPT_CAP_INVEPT;

	out->exec_only = cap & VMX_EPT_CAP_EXECUTE_ONLY;
	out->page_2m = cap & VMX_EPT_CAP_PDE_2MB;
	out->page_1g = cap & VMX_EPT_CAP_PDPTE_1GB;
	out->ad = cap & VMX_EPT_CAP_EPT_AD;
	out->invept_single = invept && (cap & VMX_EPT_CAP_INVEPT_SINGLE_CONTEXT);
	out->invept_all = invept && (cap & VMX_EPT_CAP_INVEPT_ALL_CONTEXT);
	out->mode_based_exec = mode_based_exec;
	out->phys_addr_bits = maxphyaddr;
}

int ept_init(struct ept *e, const struct ept_allocator *a, const struct ept_caps *caps,
	     bool want_ad)
{
	hpa_t root;

	if (!e || !a || !caps || !a->alloc_page || !a->free_page || !a->phys_to_virt)
		return EPT_E_INVAL;
	if (caps->phys_addr_bits < 32 || caps->phys_addr_bits > 52)
		return EPT_E_INVAL;
	if (want_ad && !caps->ad)
		return EPT_E_INVAL;
	root = a->alloc_page(a->ctx);
	if (!root)
		return EPT_E_NOMEM;
	if (root & (EPT_PAGE_SIZE_4K - 1)) {
		a->free_page(a->ctx, root);
		return EPT_E_NOMEM;
	}
	e->root = root;
	e->alloc = *a;
	e->caps = *caps;
	e->ad_enabled = want_ad;
	e->stats.tables = 1;
	e->stats.bytes_4k = 0;
	e->stats.bytes_2m = 0;
	e->stats.bytes_1g = 0;
	zero_table(tbl(e, root));
	return EPT_OK;
}

void ept_destroy(struct ept *e)
{
	uint64_t *t;

	if (!ept_ready(e))
		return;
	t = tbl(e, e->root);
	for (unsigned i = 0; i < EPT_ENTRIES_PER_TABLE; i++)
		if (t[i])
			free_subtree(e, t[i], 4);
	free_table(e, e->root);
	e->root = 0;
}

/* EPTP format: §25.6.11, Table 25-9. */
uint64_t ept_eptp(const struct ept *e)
{
	uint64_t eptp = EPTP_MEMTYPE_WB | EPTP_WALK_LENGTH_4;

	if (!ept_ready(e))
		return 0;
	if (e->ad_enabled)
		eptp |= EPTP_AD_ENABLE;
	return eptp | (e->root & EPTP_ADDR_MASK);
}

int ept_map(struct ept *e, gpa_t gpa, hpa_t hpa, uint64_t size, struct ept_attr attr,
	    unsigned flags, enum ept_flush *flush)
{
	struct ept_op op;
	int err;

	if (flush)
		*flush = EPT_FLUSH_NONE;
	if (!ept_ready(e) || !size || (flags & ~EPT_MAP_REPLACE))
		return EPT_E_INVAL;
	err = check_range(gpa, size, gpa_bits(e));
	if (!err)
		err = check_range(hpa, size, e->caps.phys_addr_bits);
	if (err)
		return err;
	op_init(&op, OP_MAP, gpa);
	op.hpa = hpa;
	err = check_attr(e, attr, &op.bits);
	if (err)
		return err;
	return run_op(e, &op, size, flags, flush);
}

int ept_identity_map_range(struct ept *e, gpa_t start, uint64_t size, struct ept_attr attr,
			   unsigned flags, enum ept_flush *flush)
{
	return ept_map(e, start, start, size, attr, flags, flush);
}

int ept_unmap(struct ept *e, gpa_t gpa, uint64_t size, enum ept_flush *flush)
{
	struct ept_op op;
	int err;

	if (flush)
		*flush = EPT_FLUSH_NONE;
	if (!ept_ready(e) || !size)
		return EPT_E_INVAL;
	err = check_range(gpa, size, gpa_bits(e));
	if (err)
		return err;
	op_init(&op, OP_UNMAP, gpa);
	return run_op(e, &op, size, 0, flush);
}

int ept_protect(struct ept *e, gpa_t gpa, uint64_t size, struct ept_attr attr,
		enum ept_flush *flush)
{
	struct ept_op op;
	int err;

	if (flush)
		*flush = EPT_FLUSH_NONE;
	if (!ept_ready(e) || !size)
		return EPT_E_INVAL;
	err = check_range(gpa, size, gpa_bits(e));
	if (err)
		return err;
	op_init(&op, OP_PROTECT, gpa);
	err = check_attr(e, attr, &op.bits);
	if (err)
		return err;
	return run_op(e, &op, size, 0, flush);
}

/* Walk to the entry that ends the translation of gpa (leaf or empty). */
static uint64_t *walk_slot(const struct ept *e, gpa_t gpa, int *level)
{
	uint64_t *t = tbl(e, e->root);

	for (int l = 4;; l--) {
		uint64_t *slot = &t[level_index(gpa, l)];

		if (!*slot || is_leaf(l, *slot)) {
			*level = l;
			return slot;
		}
		t = entry_table(e, *slot);
	}
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
	v = *walk_slot(e, gpa, &level);
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

static uint64_t visit(const struct ept *e, const uint64_t *t, int level, gpa_t base, ept_leaf_fn fn, void *ctx)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < 512; i++) {
		uint64_t v = t[i];
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
		v = *walk_slot(e, gpa, &l);
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
	slot = walk_slot(e, gpa, &level);
	if (!*slot)
		return EPT_E_NOT_MAPPED;
	/* Must stay a present leaf of the same size (§29.3.2: bit 7). */
	if (!(entry & (EPT_PTE_RWX | EPT_PTE_USER_EXEC)))
		return EPT_E_INVAL;
	if (level > 1 && !(entry & EPT_PTE_LARGE))
		return EPT_E_INVAL;
	*slot = entry;
	return EPT_OK;
}
