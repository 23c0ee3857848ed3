/* SPDX-License-Identifier: MIT */
/*
 * ept/ept.h - Extended Page Table library (SDM Vol. 3C §29.3
 * "The Extended Page Table Mechanism (EPT)").
 *
 * Freestanding: no libc, no allocation of its own.  The caller hands in an
 * allocator of 4 KiB pages and the CPU's capabilities.  The tables are always
 * kept in a canonical form: the largest page the caps and alignment allow,
 * no empty tables, and a table whose 512 entries form one contiguous run with
 * identical attributes is collapsed into a large page.  Hence the number of
 * tables is always the minimum the current mapping needs.  Every error leaves
 * the tables exactly as they were.  See docs/ept.md.
 *
 * Several processors (one set of tables shared by all vCPUs of a guest):
 *
 *  - Writers need the caller's EPT lock (one struct spinlock per set of
 *    tables, arch/lib/spinlock.h; it lives with the caller, e.g. the VM,
 *    so this library stays lock-free and host-testable): ept_map,
 *    ept_identity_map_range, ept_unmap, ept_protect, ept_debug_set_raw_leaf
 *    and ept_get_stats (the counters are plain).  The allocator callbacks
 *    are only called from writers, so they run under that lock too.
 *  - Readers need no lock and may run while one writer works:
 *    ept_translate, ept_debug_get_raw_leaf, ept_for_each_leaf,
 *    ept_misconfig_diagnose, ept_eptp (root never changes); so may the
 *    CPUs' page walkers.  ept_init and ept_destroy run with no one else.
 *
 * Why readers are safe: every entry of a published table is written with a
 * single aligned 64-bit store (ept_entry.h), so no entry is ever torn; a new
 * table is complete (zeroed, or all 512 entries of a split large page)
 * before the release store that links it; a split replaces the large entry
 * by the table pointer in that one store, a collapse goes back in one store;
 * a table is unlinked before it is handed to free_page.  A reader thus sees,
 * for each GPA, either the old or the new translation, never a hole that
 * neither had.  What this needs from the caller:
 *  - free_page must not reuse (or write) a page while a reader may still be
 *    in it, nor before every CPU has done INVEPT: while the guest runs, an
 *    SMP caller parks freed tables and recycles them only after the
 *    shootdown (or never frees until teardown);
 *  - stale translations in other CPUs' TLBs and paging-structure caches are
 *    the caller's: after *flush != EPT_FLUSH_NONE, INVEPT on every CPU (the
 *    shootdown is not in this library).
 * Not covered: with A/D enabled the CPU sets A/D bits while a writer
 * rewrites an entry (protect, split, collapse), so a bit set in that window
 * can be lost.  A/D is off in the hypervisor today.
 */
#ifndef EPT_EPT_H
#define EPT_EPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/lib/types.h"

struct ept_allocator {
	void *ctx;
	/* One zeroed or unzeroed 4 KiB page, 4K-aligned; 0 = out of memory. */
	hpa_t (*alloc_page)(void *ctx);
	void (*free_page)(void *ctx, hpa_t page);
	/* Pointer through which the library reads/writes that page. */
	void *(*phys_to_virt)(void *ctx, hpa_t page);
};

/* Inputs, so tests can model CPUs that lack features. */
struct ept_caps {
	bool page_2m, page_1g, exec_only, ad;
	bool mode_based_exec;       /* user-execute bit 10 usable (MBEC) */
	bool invept_single, invept_all;
	unsigned phys_addr_bits;    /* MAXPHYADDR, 32..52 */
};

void ept_caps_from_msr(uint64_t ia32_vmx_ept_vpid_cap, unsigned maxphyaddr,
		       bool mode_based_exec, struct ept_caps *out);

/* Permission flags (ours, not entry bits). */
enum { EPT_READ = 1, EPT_WRITE = 2, EPT_EXEC = 4, EPT_USER_EXEC = 8 };
#define EPT_PERM_ALL (EPT_READ | EPT_WRITE | EPT_EXEC | EPT_USER_EXEC)

/* EPT memory types, with the SDM's values (SDM Vol. 3C §29.3.7 "EPT and Memory Typing"). */
enum ept_memtype { EPT_MT_UC = 0, EPT_MT_WC = 1, EPT_MT_WT = 4, EPT_MT_WP = 5, EPT_MT_WB = 6 };

struct ept_attr {
	unsigned perm;      /* EPT_READ | ...; 0 is rejected (use ept_unmap) */
	unsigned memtype;   /* enum ept_memtype */
	bool ignore_pat;
};

/* What the caller must invalidate; values are INVEPT type numbers. */
enum ept_flush { EPT_FLUSH_NONE = 0, EPT_FLUSH_SINGLE = 1, EPT_FLUSH_GLOBAL = 2 };

enum ept_err {
	EPT_OK = 0,
	EPT_E_UNALIGNED,
	EPT_E_RANGE,          /* wraps or exceeds phys_addr_bits (or 48-bit GPA) */
	EPT_E_WRITE_NO_READ,
	EPT_E_EXEC_ONLY,      /* exec-only without the capability */
	EPT_E_MEMTYPE,
	EPT_E_PERM,           /* unknown bits, no bits, or user-exec w/o MBEC */
	EPT_E_NOMEM,
	EPT_E_EXISTS,         /* remap without EPT_MAP_REPLACE */
	EPT_E_NOT_MAPPED,
	EPT_E_INVAL,
	EPT_E_COUNT_
};

const char *ept_strerror(int err);

struct ept_stats {
	uint64_t tables;                     /* including the root */
	uint64_t bytes_4k, bytes_2m, bytes_1g;
};

/* Opaque-ish; the caller allocates it. */
struct ept {
	hpa_t root;
	struct ept_allocator alloc;
	struct ept_caps caps;
	bool ad_enabled;
	struct ept_stats stats;
};

/* EPT_E_INVAL if want_ad without caps->ad, or bad caps; EPT_E_NOMEM. */
int ept_init(struct ept *e, const struct ept_allocator *a,
	     const struct ept_caps *caps, bool want_ad);
/* Frees every table, root included. */
void ept_destroy(struct ept *e);
/* WB walk (6), walk length 4 (bits 5:3 = 3), bit 6 when A/D enabled, root. */
uint64_t ept_eptp(const struct ept *e);

/* ept_map flags: replace existing mappings; without it, any overlap gives
 * EPT_E_EXISTS and nothing changes. */
#define EPT_MAP_REPLACE 1u

/*
 * All range operations take 4 KiB aligned addresses and a non-zero 4 KiB
 * aligned size.  *flush (may be NULL) is set to EPT_FLUSH_NONE when nothing
 * the CPU could have cached changed, else SINGLE if caps.invept_single else
 * GLOBAL.
 */
int ept_map(struct ept *e, gpa_t gpa, hpa_t hpa, uint64_t size,
	    struct ept_attr attr, unsigned flags, enum ept_flush *flush);
/* Unmapped holes inside the range are fine. */
int ept_unmap(struct ept *e, gpa_t gpa, uint64_t size, enum ept_flush *flush);
/* EPT_E_NOT_MAPPED if any page in the range is unmapped (nothing changed). */
int ept_protect(struct ept *e, gpa_t gpa, uint64_t size, struct ept_attr attr,
		enum ept_flush *flush);
int ept_identity_map_range(struct ept *e, gpa_t start, uint64_t size,
			   struct ept_attr attr, unsigned flags,
			   enum ept_flush *flush);

struct ept_translation {
	hpa_t hpa;            /* translation of gpa itself (page base + offset) */
	unsigned perm;
	unsigned memtype;
	bool ignore_pat;
	uint64_t page_size;
	int level;            /* 4=PML4..1=PT: where the walk stopped */
	bool mapped;
};

/* EPT_OK even when !mapped; EPT_E_INVAL on NULL, EPT_E_RANGE beyond 48 bits. */
int ept_translate(const struct ept *e, gpa_t gpa, struct ept_translation *out);
void ept_get_stats(const struct ept *e, struct ept_stats *out);

/* Every non-zero leaf entry, in GPA order: fn(ctx, gpa, size of the page, raw entry). For audits
 * ("does anything map outside the guest?"). Returns the number of leaves visited. */
typedef void (*ept_leaf_fn)(void *ctx, gpa_t gpa, uint64_t size, uint64_t entry);
uint64_t ept_for_each_leaf(const struct ept *e, ept_leaf_fn fn, void *ctx);

/*
 * Debug/demo only: overwrite the existing leaf entry that maps gpa with a raw
 * value (e.g. write-only, or memory type 2) to provoke a real EPT
 * misconfiguration.  The entry must stay a present leaf of the same size:
 * bits 2:0 or bit 10 non-zero, and bit 7 set for a 2M/1G leaf.  Stats are not
 * updated.  Returns EPT_E_NOT_MAPPED if gpa has no leaf, EPT_E_INVAL if the
 * value would change the table structure.  The caller must INVEPT.
 */
int ept_debug_set_raw_leaf(struct ept *e, gpa_t gpa, uint64_t entry);

/* Read the raw leaf entry for gpa (0 when unmapped); for tests and dumps. */
uint64_t ept_debug_get_raw_leaf(const struct ept *e, gpa_t gpa, int *level);

#endif /* EPT_EPT_H */
