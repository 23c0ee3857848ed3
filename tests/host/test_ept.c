// SPDX-License-Identifier: MIT
/*
 * tests/host/test_ept.c - unit tests for every public function and error
 * path of ept/ and ept/ept_misconfig.c.  Each error path also checks
 * that every reachable table is byte-identical afterwards.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ept/ept.h"
#include "ept/ept_bits.h"
#include "ept/ept_misconfig.h"
#include "tests/host/ept_test_arena.h"
#include "tests/host/test_ept_model.h"

#define K4 (1ull << 12)
#define M2 (1ull << 21)
#define G1 (1ull << 30)

static const struct ept_caps caps_all = {
	.page_2m = true, .page_1g = true, .exec_only = true, .ad = true,
	.mode_based_exec = true, .invept_single = true, .invept_all = true,
	.phys_addr_bits = 46,
};
static const struct ept_caps caps_min = {   /* 4K only, nothing optional */
	.phys_addr_bits = 39,
};
static const struct ept_attr RW_WB = { EPT_READ | EPT_WRITE, EPT_MT_WB, false };
static const struct ept_attr RWX_WB = { EPT_READ | EPT_WRITE | EPT_EXEC, EPT_MT_WB, false };
static const struct ept_attr R_UC = { EPT_READ, EPT_MT_UC, false };

struct fx {
	struct ept_arena arena;
	struct ept e;
	struct ept_snapshot snap, snap2;
};

static struct fx *fx_new(const struct ept_caps *caps, uint64_t pages)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct ept_allocator al;

	assert_non_null(f);
	assert_true(arena_init(&f->arena, pages));
	al = arena_allocator(&f->arena);
	assert_int_equal(ept_init(&f->e, &al, caps, false), EPT_OK);
	return f;
}

static void fx_free(struct fx *f)
{
	ept_destroy(&f->e);
	assert_int_equal(f->arena.in_use, 0);
	ept_snapshot_free(&f->snap);
	ept_snapshot_free(&f->snap2);
	arena_fini(&f->arena);
	free(f);
}

static void snap(struct fx *f)
{
	ept_snapshot_take(&f->e, &f->snap);
}

/* The tables must be exactly as at the last snap(). */
static void assert_unchanged(struct fx *f)
{
	ept_snapshot_take(&f->e, &f->snap2);
	assert_true(ept_snapshot_equal(&f->snap, &f->snap2));
	assert_int_equal(f->arena.in_use, f->e.stats.tables);
}

static struct ept_translation tr(struct fx *f, gpa_t gpa)
{
	struct ept_translation t;

	assert_int_equal(ept_translate(&f->e, gpa, &t), EPT_OK);
	return t;
}

/* ------------------------------------------------------------ init & co */

static void test_init_and_eptp(void **state)
{
	struct fx *f = fx_new(&caps_all, 16);
	uint64_t eptp = ept_eptp(&f->e);

	(void)state;
	assert_int_equal(f->e.stats.tables, 1);
	assert_int_equal(f->arena.in_use, 1);
	assert_int_equal(eptp & EPTP_MEMTYPE_MASK, EPTP_MEMTYPE_WB);
	assert_int_equal(eptp & EPTP_WALK_LENGTH_MASK, EPTP_WALK_LENGTH_4);
	assert_int_equal(eptp & EPTP_AD_ENABLE, 0);
	assert_int_equal(eptp & EPTP_RESERVED_MASK, 0);
	assert_int_equal(eptp & EPTP_ADDR_MASK, f->e.root);
	assert_int_equal(eptp, f->e.root | 6 | (3 << 3));
	/* The root is zeroed although the arena hands out poisoned pages. */
	for (int i = 0; i < 512; i++)
		assert_int_equal(((uint64_t *)arena_virt(&f->arena, f->e.root))[i], 0);
	fx_free(f);
}

static void test_init_ad(void **state)
{
	struct ept_arena a;
	struct ept e;
	struct ept_allocator al;
	struct ept_caps c = caps_all;

	(void)state;
	assert_true(arena_init(&a, 4));
	al = arena_allocator(&a);
	assert_int_equal(ept_init(&e, &al, &c, true), EPT_OK);
	assert_true(e.ad_enabled);
	assert_int_equal(ept_eptp(&e), e.root | 6 | (3 << 3) | (1 << 6));
	ept_destroy(&e);
	c.ad = false;
	assert_int_equal(ept_init(&e, &al, &c, true), EPT_E_INVAL);
	assert_int_equal(a.in_use, 0);
	arena_fini(&a);
}

static void test_init_errors(void **state)
{
	struct ept_arena a;
	struct ept e;
	struct ept_allocator al, bad;
	struct ept_caps c = caps_all;

	(void)state;
	assert_true(arena_init(&a, 4));
	al = arena_allocator(&a);
	assert_int_equal(ept_init(NULL, &al, &c, false), EPT_E_INVAL);
	assert_int_equal(ept_init(&e, NULL, &c, false), EPT_E_INVAL);
	assert_int_equal(ept_init(&e, &al, NULL, false), EPT_E_INVAL);
	bad = al;
	bad.alloc_page = NULL;
	assert_int_equal(ept_init(&e, &bad, &c, false), EPT_E_INVAL);
	c.phys_addr_bits = 53;
	assert_int_equal(ept_init(&e, &al, &c, false), EPT_E_INVAL);
	c.phys_addr_bits = 31;
	assert_int_equal(ept_init(&e, &al, &c, false), EPT_E_INVAL);
	c.phys_addr_bits = 52;
	a.fail_after = 0;
	assert_int_equal(ept_init(&e, &al, &c, false), EPT_E_NOMEM);
	assert_int_equal(a.in_use, 0);
	a.fail_after = -1;
	arena_fini(&a);
	/* Calls on a NULL / destroyed ept fail cleanly. */
	assert_int_equal(ept_map(NULL, 0, 0, K4, RW_WB, 0, NULL), EPT_E_INVAL);
	assert_int_equal(ept_unmap(NULL, 0, K4, NULL), EPT_E_INVAL);
	assert_int_equal(ept_protect(NULL, 0, K4, RW_WB, NULL), EPT_E_INVAL);
	assert_int_equal(ept_translate(NULL, 0, NULL), EPT_E_INVAL);
	assert_int_equal(ept_eptp(NULL), 0);
	ept_destroy(NULL);
}

static void test_destroy_frees_everything(void **state)
{
	struct ept_caps c = caps_min;
	struct fx *f;

	(void)state;
	c.phys_addr_bits = 40;
	f = fx_new(&c, 4096);
	assert_int_equal(ept_map(&f->e, 0, 0x100000000ull, 8 * M2, RW_WB, 0, NULL), EPT_OK);
	assert_int_equal(ept_map(&f->e, 1ull << 39, 0, K4, RW_WB, 0, NULL), EPT_OK);
	assert_int_equal(f->e.stats.tables, 1 + 2 + 2 + 8 + 1);
	ept_destroy(&f->e);
	assert_int_equal(f->arena.in_use, 0);
	assert_int_equal(f->e.root, 0);
	assert_int_equal(ept_eptp(&f->e), 0);
	ept_destroy(&f->e);   /* idempotent */
	fx_free(f);
}

static void test_caps_from_msr(void **state)
{
	struct ept_caps c;
	uint64_t all = VMX_EPT_CAP_EXECUTE_ONLY | VMX_EPT_CAP_PDE_2MB | VMX_EPT_CAP_PDPTE_1GB |
		       VMX_EPT_CAP_EPT_AD | VMX_EPT_CAP_INVEPT | VMX_EPT_CAP_INVEPT_SINGLE_CONTEXT |
		       VMX_EPT_CAP_INVEPT_ALL_CONTEXT;

	(void)state;
	ept_caps_from_msr(all, 39, true, &c);
	assert_true(c.exec_only && c.page_2m && c.page_1g && c.ad && c.invept_single &&
		    c.invept_all && c.mode_based_exec);
	assert_int_equal(c.phys_addr_bits, 39);
	ept_caps_from_msr(0, 52, false, &c);
	assert_false(c.exec_only || c.page_2m || c.page_1g || c.ad || c.invept_single ||
		     c.invept_all || c.mode_based_exec);
	/* INVEPT types without the INVEPT instruction (bit 20) are useless. */
	ept_caps_from_msr(all & ~VMX_EPT_CAP_INVEPT, 46, false, &c);
	assert_false(c.invept_single || c.invept_all);
	/* A typical Skylake value: 0x0f0106734141. */
	ept_caps_from_msr(0x0f0106734141ull, 39, false, &c);
	assert_true(c.exec_only && c.page_2m && c.page_1g && c.ad && c.invept_single && c.invept_all);
}

static void test_strerror(void **state)
{
	static const char *const names[] = {
		"EPT_OK", "EPT_E_UNALIGNED", "EPT_E_RANGE", "EPT_E_WRITE_NO_READ",
		"EPT_E_EXEC_ONLY", "EPT_E_MEMTYPE", "EPT_E_PERM", "EPT_E_NOMEM",
		"EPT_E_EXISTS", "EPT_E_NOT_MAPPED", "EPT_E_INVAL",
	};

	(void)state;
	assert_int_equal(sizeof(names) / sizeof(names[0]), EPT_E_COUNT_);
	for (int i = 0; i < EPT_E_COUNT_; i++) {
		const char *s = ept_strerror(i);
		size_t n = strlen(names[i]);

		assert_non_null(s);
		assert_memory_equal(s, names[i], n);
		assert_memory_equal(s + n, ": ", 2);
		assert_true(strlen(s) > n + 4);
	}
	assert_string_equal(ept_strerror(EPT_E_UNALIGNED),
			    "EPT_E_UNALIGNED: address or size not 4 KiB aligned");
	assert_memory_equal(ept_strerror(-1), "EPT_E_UNKNOWN", 13);
	assert_memory_equal(ept_strerror(EPT_E_COUNT_), "EPT_E_UNKNOWN", 13);
}

/* ------------------------------------------------------------ map */

static void test_map_page_sizes(void **state)
{
	struct fx *f = fx_new(&caps_all, 64);
	struct ept_translation t;
	enum ept_flush fl;

	(void)state;
	/* 1G + 2M + 4K, all aligned: one of each size per piece. */
	assert_int_equal(ept_map(&f->e, G1, 3 * G1, G1 + M2 + K4, RWX_WB, 0, &fl), EPT_OK);
	assert_int_equal(fl, EPT_FLUSH_NONE);
	assert_int_equal(f->e.stats.bytes_1g, G1);
	assert_int_equal(f->e.stats.bytes_2m, M2);
	assert_int_equal(f->e.stats.bytes_4k, K4);
	assert_int_equal(f->e.stats.tables, 4);   /* PML4, PDPT, PD, PT */
	t = tr(f, G1 + 0x1234);
	assert_true(t.mapped);
	assert_int_equal(t.level, 3);
	assert_int_equal(t.page_size, G1);
	assert_int_equal(t.hpa, 3 * G1 + 0x1234);
	assert_int_equal(t.perm, EPT_READ | EPT_WRITE | EPT_EXEC);
	assert_int_equal(t.memtype, EPT_MT_WB);
	assert_false(t.ignore_pat);
	t = tr(f, 2 * G1 + 0x5678);
	assert_int_equal(t.level, 2);
	assert_int_equal(t.page_size, M2);
	assert_int_equal(t.hpa, 4 * G1 + 0x5678);
	t = tr(f, 2 * G1 + M2 + 0x9);
	assert_int_equal(t.level, 1);
	assert_int_equal(t.page_size, K4);
	assert_int_equal(t.hpa, 4 * G1 + M2 + 9);
	t = tr(f, 2 * G1 + M2 + K4);
	assert_false(t.mapped);
	assert_int_equal(t.level, 1);
	t = tr(f, 0);
	assert_false(t.mapped);
	assert_int_equal(t.level, 3);
	t = tr(f, 1ull << 40);
	assert_false(t.mapped);
	assert_int_equal(t.level, 4);
	assert_int_equal(t.hpa, 0);
	assert_int_equal(f->arena.in_use, f->e.stats.tables);
	fx_free(f);
}

static void test_map_alignment_limits_size(void **state)
{
	struct fx *f = fx_new(&caps_all, 64);

	(void)state;
	/* gpa 1G aligned, hpa only 2M aligned: 2M pages. */
	assert_int_equal(ept_map(&f->e, 0, M2, G1, RW_WB, 0, NULL), EPT_OK);
	assert_int_equal(f->e.stats.bytes_2m, G1);
	assert_int_equal(tr(f, G1 - K4).hpa, G1 + M2 - K4);
	/* hpa 4K aligned only: 4K pages, one PT per 2M. */
	assert_int_equal(ept_map(&f->e, G1, K4, 4 * M2, RW_WB, 0, NULL), EPT_OK);
	assert_int_equal(f->e.stats.bytes_4k, 4 * M2);
	assert_int_equal(f->e.stats.tables, 1 + 1 + 2 + 4);
	/* The caps forbid 1G / 2M: 4K only. */
	fx_free(f);
	f = fx_new(&caps_min, 1024);
	assert_int_equal(ept_identity_map_range(&f->e, 0, G1, RW_WB, 0, NULL), EPT_OK);
	assert_int_equal(f->e.stats.bytes_4k, G1);
	assert_int_equal(f->e.stats.tables, 1 + 1 + 1 + 512);
	assert_int_equal(tr(f, 0x3ffff000).hpa, 0x3ffff000);
	fx_free(f);
}

static void test_map_entry_bits(void **state)
{
	struct fx *f = fx_new(&caps_all, 64);
	struct ept_attr a = { EPT_READ | EPT_EXEC | EPT_USER_EXEC, EPT_MT_WT, true };
	uint64_t *root, v;
	int level;

	(void)state;
	assert_int_equal(ept_map(&f->e, 0, 0x7654000, K4, a, 0, NULL), EPT_OK);
	v = ept_debug_get_raw_leaf(&f->e, 0, &level);
	assert_int_equal(level, 1);
	assert_int_equal(v, 0x7654000ull | EPT_PTE_READ | EPT_PTE_EXEC | EPT_PTE_USER_EXEC |
			    (4ull << 3) | EPT_PTE_IGNORE_PAT);
	assert_int_equal(ept_map(&f->e, G1, G1, M2, RW_WB, 0, NULL), EPT_OK);
	v = ept_debug_get_raw_leaf(&f->e, G1, &level);
	assert_int_equal(level, 2);
	assert_int_equal(v, G1 | 3 | (6 << 3) | (1 << 7));
	/* Non-leaf entries: RWX, and user-exec when MBEC (the leaf decides). */
	root = arena_virt(&f->arena, f->e.root);
	assert_int_equal(root[0] & 0xfff, 7 | (1 << 10));
	assert_int_equal(ept_debug_get_raw_leaf(&f->e, 5 * G1, &level), 0);
	assert_int_equal(level, 0);
	fx_free(f);
	f = fx_new(&caps_min, 16);
	assert_int_equal(ept_map(&f->e, 0, 0, K4, RW_WB, 0, NULL), EPT_OK);
	root = arena_virt(&f->arena, f->e.root);
	assert_int_equal(root[0] & 0xfff, 7);
	fx_free(f);
}

static void test_map_validation_errors(void **state)
{
	struct fx *f = fx_new(&caps_min, 64);
	struct ept_attr a = RW_WB;
	enum ept_flush fl;

	(void)state;
	assert_int_equal(ept_map(&f->e, 4 * M2, 4 * M2, M2, RW_WB, 0, NULL), EPT_OK);
	snap(f);
#define MAP_ERR(gpa, hpa, size, attr, flags, err)                                   \
	do {                                                                        \
		fl = (enum ept_flush)99;                                            \
		assert_int_equal(ept_map(&f->e, gpa, hpa, size, attr, flags, &fl), err); \
		assert_int_equal(fl, EPT_FLUSH_NONE);                               \
		assert_unchanged(f);                                                \
	} while (0)
	MAP_ERR(0x800, 0, K4, RW_WB, 0, EPT_E_UNALIGNED);
	MAP_ERR(0, 0x800, K4, RW_WB, 0, EPT_E_UNALIGNED);
	MAP_ERR(0, 0, 0x1800, RW_WB, 0, EPT_E_UNALIGNED);
	MAP_ERR(0, 0, 0, RW_WB, 0, EPT_E_INVAL);
	MAP_ERR(0, 0, K4, RW_WB, 2, EPT_E_INVAL);
	MAP_ERR(~0ull - 0xfff, 0, 2 * K4, RW_WB, 0, EPT_E_RANGE);          /* wraps */
	MAP_ERR(0, ~0ull - 0xfff, 2 * K4, RW_WB, 0, EPT_E_RANGE);
	MAP_ERR((1ull << 39) - K4, 0, 2 * K4, RW_WB, 0, EPT_E_RANGE);    /* > MAXPHYADDR */
	MAP_ERR(0, (1ull << 39) - K4, 2 * K4, RW_WB, 0, EPT_E_RANGE);
	MAP_ERR(1ull << 39, 0, K4, RW_WB, 0, EPT_E_RANGE);
	a.perm = EPT_WRITE;
	MAP_ERR(0, 0, K4, a, 0, EPT_E_WRITE_NO_READ);
	a.perm = EPT_WRITE | EPT_EXEC;
	MAP_ERR(0, 0, K4, a, 0, EPT_E_WRITE_NO_READ);
	a.perm = EPT_EXEC;
	MAP_ERR(0, 0, K4, a, 0, EPT_E_EXEC_ONLY);
	a.perm = EPT_READ | EPT_USER_EXEC;
	MAP_ERR(0, 0, K4, a, 0, EPT_E_PERM);                              /* no MBEC */
	a.perm = 0;
	MAP_ERR(0, 0, K4, a, 0, EPT_E_PERM);
	a.perm = EPT_READ | 16;
	MAP_ERR(0, 0, K4, a, 0, EPT_E_PERM);
	a = RW_WB;
	for (unsigned mt = 2; mt < 10; mt++) {
		if (mt == 4 || mt == 5 || mt == 6)
			continue;
		a.memtype = mt;
		MAP_ERR(0, 0, K4, a, 0, EPT_E_MEMTYPE);
	}
	/* Overlap without EPT_MAP_REPLACE, also when only one page overlaps. */
	MAP_ERR(0, 0, 4 * M2 + K4, RW_WB, 0, EPT_E_EXISTS);
	MAP_ERR(5 * M2 - K4, 0, 2 * K4, RW_WB, 0, EPT_E_EXISTS);
	MAP_ERR(4 * M2, 4 * M2, M2, RW_WB, 0, EPT_E_EXISTS);    /* even when identical */
#undef MAP_ERR
	assert_int_equal(ept_map(&f->e, 0, 0, K4, RW_WB, 0, NULL), EPT_OK);  /* flush NULL ok */
	fx_free(f);
}

static void test_map_48bit_limit(void **state)
{
	struct ept_caps c = caps_all;
	struct fx *f;
	struct ept_translation t;

	(void)state;
	c.phys_addr_bits = 52;
	f = fx_new(&c, 16);
	/* A 4-level walk translates 48 bits, whatever MAXPHYADDR is. */
	assert_int_equal(ept_map(&f->e, (1ull << 48) - K4, 1ull << 50, K4, RW_WB, 0, NULL), EPT_OK);
	assert_int_equal(ept_map(&f->e, 1ull << 48, 0, K4, RW_WB, 0, NULL), EPT_E_RANGE);
	assert_int_equal(ept_translate(&f->e, 1ull << 48, &t), EPT_E_RANGE);
	assert_int_equal(tr(f, (1ull << 48) - 1).hpa, (1ull << 50) + 0xfff);
	fx_free(f);
}

static void test_map_exec_only_and_user_exec(void **state)
{
	struct fx *f = fx_new(&caps_all, 16);
	struct ept_attr x = { EPT_EXEC, EPT_MT_WB, false };
	struct ept_attr ux = { EPT_EXEC | EPT_USER_EXEC, EPT_MT_WB, false };

	(void)state;
	assert_int_equal(ept_map(&f->e, 0, 0, K4, x, 0, NULL), EPT_OK);
	assert_int_equal(tr(f, 0).perm, EPT_EXEC);
	assert_int_equal(ept_map(&f->e, K4, 0, K4, ux, 0, NULL), EPT_OK);
	assert_int_equal(tr(f, K4).perm, EPT_EXEC | EPT_USER_EXEC);
	ux.perm = EPT_USER_EXEC;    /* user-exec only: still a present entry */
	assert_int_equal(ept_map(&f->e, 2 * K4, 0, K4, ux, 0, NULL), EPT_OK);
	assert_int_equal(tr(f, 2 * K4).perm, EPT_USER_EXEC);
	assert_true(tr(f, 2 * K4).mapped);
	fx_free(f);
}

static void test_map_replace(void **state)
{
	struct fx *f = fx_new(&caps_all, 64);
	enum ept_flush fl;

	(void)state;
	assert_int_equal(ept_map(&f->e, 0, 0, 4 * M2, RW_WB, 0, &fl), EPT_OK);
	assert_int_equal(fl, EPT_FLUSH_NONE);
	/* Replacing with the same translation changes nothing. */
	assert_int_equal(ept_map(&f->e, 0, 0, 4 * M2, RW_WB, EPT_MAP_REPLACE, &fl), EPT_OK);
	assert_int_equal(fl, EPT_FLUSH_NONE);
	/* A 4K piece elsewhere: split, counted once. */
	assert_int_equal(ept_map(&f->e, M2, 0x12345000, K4, R_UC, EPT_MAP_REPLACE, &fl), EPT_OK);
	assert_int_equal(fl, EPT_FLUSH_SINGLE);
	assert_int_equal(f->e.stats.bytes_2m, 3 * M2);
	assert_int_equal(f->e.stats.bytes_4k, M2);
	assert_int_equal(f->e.stats.tables, 4);
	assert_int_equal(tr(f, M2).hpa, 0x12345000);
	assert_int_equal(tr(f, M2 + K4).hpa, M2 + K4);
	/* Put it back: the PT collapses into a 2M page again. */
	assert_int_equal(ept_map(&f->e, M2, M2, K4, RW_WB, EPT_MAP_REPLACE, &fl), EPT_OK);
	assert_int_equal(fl, EPT_FLUSH_SINGLE);
	assert_int_equal(f->e.stats.bytes_2m, 4 * M2);
	assert_int_equal(f->e.stats.bytes_4k, 0);
	assert_int_equal(f->e.stats.tables, 3);
	/* Replace a table by a large page (frees the subtree). */
	assert_int_equal(ept_map(&f->e, M2, 0x12345000, K4, R_UC, EPT_MAP_REPLACE, NULL), EPT_OK);
	assert_int_equal(ept_map(&f->e, 0, G1, 4 * M2, RW_WB, EPT_MAP_REPLACE, &fl), EPT_OK);
	assert_int_equal(f->e.stats.tables, 3);
	assert_int_equal(f->e.stats.bytes_2m, 4 * M2);
	assert_int_equal(f->arena.in_use, 3);
	fx_free(f);
}

static void test_map_fills_then_collapses(void **state)
{
	struct fx *f = fx_new(&caps_all, 64);
	enum ept_flush fl;

	(void)state;
	/* 511 pages, then the 512th: the PT becomes one 2M page. */
	assert_int_equal(ept_map(&f->e, 0, 0, M2 - K4, RW_WB, 0, &fl), EPT_OK);
	assert_int_equal(fl, EPT_FLUSH_NONE);
	assert_int_equal(f->e.stats.tables, 4);
	assert_int_equal(ept_map(&f->e, M2 - K4, M2 - K4, K4, RW_WB, 0, &fl), EPT_OK);
	assert_int_equal(f->e.stats.tables, 3);
	assert_int_equal(f->e.stats.bytes_2m, M2);
	/* A table the CPU may have cached was freed: flush. */
	assert_int_equal(fl, EPT_FLUSH_SINGLE);
	fx_free(f);
}

static void test_flush_kinds(void **state)
{
	struct ept_caps c = caps_all;
	struct fx *f;
	enum ept_flush fl;

	(void)state;
	c.invept_single = false;
	f = fx_new(&c, 16);
	assert_int_equal(ept_map(&f->e, 0, 0, K4, RW_WB, 0, &fl), EPT_OK);
	assert_int_equal(fl, EPT_FLUSH_NONE);
	assert_int_equal(ept_protect(&f->e, 0, K4, R_UC, &fl), EPT_OK);
	assert_int_equal(fl, EPT_FLUSH_GLOBAL);
	assert_int_equal(ept_protect(&f->e, 0, K4, R_UC, &fl), EPT_OK);
	assert_int_equal(fl, EPT_FLUSH_NONE);
	assert_int_equal(ept_unmap(&f->e, 0, K4, &fl), EPT_OK);
	assert_int_equal(fl, EPT_FLUSH_GLOBAL);
	assert_int_equal(ept_unmap(&f->e, 0, K4, &fl), EPT_OK);
	assert_int_equal(fl, EPT_FLUSH_NONE);
	assert_int_equal(EPT_FLUSH_SINGLE, INVEPT_TYPE_SINGLE_CONTEXT);
	assert_int_equal(EPT_FLUSH_GLOBAL, INVEPT_TYPE_ALL_CONTEXT);
	fx_free(f);
}

/* ------------------------------------------------------------ unmap */

static void test_unmap_splits_and_frees(void **state)
{
	struct fx *f = fx_new(&caps_all, 64);
	enum ept_flush fl;

	(void)state;
	assert_int_equal(ept_identity_map_range(&f->e, 0, 2 * G1, RWX_WB, 0, NULL), EPT_OK);
	assert_int_equal(f->e.stats.tables, 2);
	/* One 4K page out of a 1G page: 1G -> PD of 2M -> PT of 4K. */
	assert_int_equal(ept_unmap(&f->e, G1 + 3 * M2 + 5 * K4, K4, &fl), EPT_OK);
	assert_int_equal(fl, EPT_FLUSH_SINGLE);
	assert_int_equal(f->e.stats.tables, 4);
	assert_int_equal(f->e.stats.bytes_1g, G1);
	assert_int_equal(f->e.stats.bytes_2m, 511 * M2);
	assert_int_equal(f->e.stats.bytes_4k, 511 * K4);
	assert_false(tr(f, G1 + 3 * M2 + 5 * K4).mapped);
	assert_int_equal(tr(f, G1 + 3 * M2 + 6 * K4).hpa, G1 + 3 * M2 + 6 * K4);
	/* Map it back: everything collapses to 1G again. */
	assert_int_equal(ept_map(&f->e, G1 + 3 * M2 + 5 * K4, G1 + 3 * M2 + 5 * K4, K4, RWX_WB, 0,
				 &fl), EPT_OK);
	assert_int_equal(f->e.stats.tables, 2);
	assert_int_equal(f->e.stats.bytes_1g, 2 * G1);
	/* Unmap everything (holes are fine): only the root is left. */
	assert_int_equal(ept_unmap(&f->e, 0, 4 * G1, &fl), EPT_OK);
	assert_int_equal(fl, EPT_FLUSH_SINGLE);
	assert_int_equal(f->e.stats.tables, 1);
	assert_int_equal(f->arena.in_use, 1);
	assert_int_equal(f->e.stats.bytes_1g, 0);
	/* Unmapping nothing: no flush, nothing allocated. */
	assert_int_equal(ept_unmap(&f->e, 0, 4 * G1, &fl), EPT_OK);
	assert_int_equal(fl, EPT_FLUSH_NONE);
	fx_free(f);
}

static void test_unmap_errors(void **state)
{
	struct fx *f = fx_new(&caps_all, 64);
	enum ept_flush fl = EPT_FLUSH_SINGLE;

	(void)state;
	assert_int_equal(ept_map(&f->e, 0, 0, G1, RW_WB, 0, NULL), EPT_OK);
	snap(f);
	assert_int_equal(ept_unmap(&f->e, 0x10, K4, &fl), EPT_E_UNALIGNED);
	assert_int_equal(fl, EPT_FLUSH_NONE);
	assert_int_equal(ept_unmap(&f->e, 0, 0x10, NULL), EPT_E_UNALIGNED);
	assert_int_equal(ept_unmap(&f->e, 0, 0, NULL), EPT_E_INVAL);
	assert_int_equal(ept_unmap(&f->e, ~0ull - 0xfff, 2 * K4, NULL), EPT_E_RANGE);
	assert_int_equal(ept_unmap(&f->e, 1ull << 46, K4, NULL), EPT_E_RANGE);
	assert_unchanged(f);
	/* Exhaustion while splitting the 1G page. */
	for (int n = 0; n < 2; n++) {
		f->arena.fail_after = n;
		assert_int_equal(ept_unmap(&f->e, K4, K4, &fl), EPT_E_NOMEM);
		assert_int_equal(fl, EPT_FLUSH_NONE);
		f->arena.fail_after = -1;
		assert_unchanged(f);
	}
	assert_int_equal(ept_unmap(&f->e, K4, K4, NULL), EPT_OK);
	fx_free(f);
}

/* ------------------------------------------------------------ protect */

/* ------------------------------------------------------------ leaf walk (the EPT audit) */

struct leaf_seen {
	int n;
	gpa_t gpa[8];
	uint64_t size[8], entry[8];
};

static void note_leaf(void *ctx, gpa_t gpa, uint64_t size, uint64_t entry)
{
	struct leaf_seen *s = ctx;

	assert_true(s->n < 8);
	s->gpa[s->n] = gpa;
	s->size[s->n] = size;
	s->entry[s->n] = entry;
	s->n++;
}

/* Every leaf once, in GPA order, with its page size and raw entry; holes and tables are not leaves. */
static void test_for_each_leaf(void **state)
{
	struct fx *f = fx_new(&caps_all, 64);
	struct leaf_seen s = { 0 };

	(void)state;
	assert_int_equal(ept_for_each_leaf(&f->e, note_leaf, &s), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(ept_map(&f->e, 3 * G1, 3 * G1, G1, RWX_WB, 0, NULL), EPT_OK);
	assert_int_equal(ept_map(&f->e, 4 * M2, 0x40000000000ull, M2, RW_WB, 0, NULL), EPT_OK);
	assert_int_equal(ept_map(&f->e, 0x5000, 0x9000, K4, R_UC, 0, NULL), EPT_OK);
	assert_int_equal(ept_for_each_leaf(&f->e, note_leaf, &s), 3);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.gpa[0], 0x5000);
	assert_int_equal(s.size[0], K4);
	assert_int_equal(s.entry[0] & EPT_PTE_ADDR_MASK, 0x9000);
	assert_int_equal(s.gpa[1], 4 * M2);
	assert_int_equal(s.size[1], M2);
	assert_int_equal(s.entry[1] & EPT_PTE_ADDR_MASK, 0x40000000000ull);
	assert_true(s.entry[1] & EPT_PTE_LARGE);
	assert_int_equal(s.gpa[2], 3 * G1);
	assert_int_equal(s.size[2], G1);
	assert_int_equal(s.entry[2] & 7, 7);
	assert_int_equal(ept_for_each_leaf(NULL, note_leaf, &s), 0);
	assert_int_equal(ept_for_each_leaf(&f->e, NULL, &s), 0);
	fx_free(f);
}

static void test_protect_split_and_merge(void **state)
{
	struct fx *f = fx_new(&caps_all, 64);
	enum ept_flush fl;
	struct ept_translation t;

	(void)state;
	assert_int_equal(ept_identity_map_range(&f->e, 0, 4 * M2, RWX_WB, 0, NULL), EPT_OK);
	assert_int_equal(f->e.stats.tables, 3);
	/* Write-protect one 4K page in the middle of a 2M page. */
	assert_int_equal(ept_protect(&f->e, M2 + 7 * K4, K4, R_UC, &fl), EPT_OK);
	assert_int_equal(fl, EPT_FLUSH_SINGLE);
	assert_int_equal(f->e.stats.tables, 4);
	t = tr(f, M2 + 7 * K4);
	assert_int_equal(t.perm, EPT_READ);
	assert_int_equal(t.memtype, EPT_MT_UC);
	assert_int_equal(t.hpa, M2 + 7 * K4);
	assert_int_equal(tr(f, M2 + 8 * K4).perm, EPT_READ | EPT_WRITE | EPT_EXEC);
	/* Protecting the whole 2M run to one attribute merges it back. */
	assert_int_equal(ept_protect(&f->e, M2, M2, R_UC, &fl), EPT_OK);
	assert_int_equal(f->e.stats.tables, 3);
	assert_int_equal(f->e.stats.bytes_2m, 4 * M2);
	assert_int_equal(tr(f, M2).level, 2);
	/* Same attributes again: nothing the CPU caches changed, no tables kept. */
	snap(f);
	assert_int_equal(ept_protect(&f->e, M2 + K4, K4, R_UC, &fl), EPT_OK);
	assert_int_equal(fl, EPT_FLUSH_NONE);
	assert_unchanged(f);
	/* ignore_pat is an attribute too. */
	assert_int_equal(ept_protect(&f->e, 0, 4 * M2, (struct ept_attr){ EPT_READ, EPT_MT_WB, true },
				     &fl), EPT_OK);
	assert_true(tr(f, 3 * M2).ignore_pat);
	assert_int_equal(f->e.stats.tables, 3);
	fx_free(f);
}

static void test_protect_errors(void **state)
{
	struct fx *f = fx_new(&caps_all, 64);
	struct ept_attr a = RW_WB;

	(void)state;
	assert_int_equal(ept_map(&f->e, 0, 0, M2, RW_WB, 0, NULL), EPT_OK);
	assert_int_equal(ept_map(&f->e, M2 + K4, M2 + K4, M2, RW_WB, 0, NULL), EPT_OK);
	snap(f);
	/* One unmapped page anywhere in the range: nothing changes. */
	assert_int_equal(ept_protect(&f->e, 0, 2 * M2, R_UC, NULL), EPT_E_NOT_MAPPED);
	assert_int_equal(ept_protect(&f->e, 4 * G1, K4, R_UC, NULL), EPT_E_NOT_MAPPED);
	assert_int_equal(ept_protect(&f->e, 0x1, K4, R_UC, NULL), EPT_E_UNALIGNED);
	assert_int_equal(ept_protect(&f->e, 0, 0, R_UC, NULL), EPT_E_INVAL);
	assert_int_equal(ept_protect(&f->e, 1ull << 46, K4, R_UC, NULL), EPT_E_RANGE);
	a.perm = EPT_WRITE;
	assert_int_equal(ept_protect(&f->e, 0, K4, a, NULL), EPT_E_WRITE_NO_READ);
	a.perm = 0;
	assert_int_equal(ept_protect(&f->e, 0, K4, a, NULL), EPT_E_PERM);
	a = RW_WB;
	a.memtype = 7;
	assert_int_equal(ept_protect(&f->e, 0, K4, a, NULL), EPT_E_MEMTYPE);
	assert_unchanged(f);
	/* Exhaustion while splitting the 2M page. */
	f->arena.fail_after = 0;
	assert_int_equal(ept_protect(&f->e, K4, K4, R_UC, NULL), EPT_E_NOMEM);
	f->arena.fail_after = -1;
	assert_unchanged(f);
	fx_free(f);
}

static void test_protect_keeps_ad_bits(void **state)
{
	struct fx *f = fx_new(&caps_all, 64);
	uint64_t v;

	(void)state;
	assert_int_equal(ept_map(&f->e, 0, 0, M2, RW_WB, 0, NULL), EPT_OK);
	v = ept_debug_get_raw_leaf(&f->e, 0, NULL);
	/* The CPU sets A/D; a split hands them down, a merge ORs them. */
	assert_int_equal(ept_debug_set_raw_leaf(&f->e, 0, v | EPT_PTE_ACCESSED | EPT_PTE_DIRTY), EPT_OK);
	assert_int_equal(ept_protect(&f->e, K4, K4, R_UC, NULL), EPT_OK);
	assert_true(ept_debug_get_raw_leaf(&f->e, K4, NULL) & EPT_PTE_DIRTY);
	assert_true(ept_debug_get_raw_leaf(&f->e, 0, NULL) & EPT_PTE_ACCESSED);
	assert_int_equal(ept_protect(&f->e, K4, K4, RW_WB, NULL), EPT_OK);
	v = ept_debug_get_raw_leaf(&f->e, 0, NULL);
	assert_int_equal(v, 3 | (6 << 3) | EPT_PTE_LARGE | EPT_PTE_ACCESSED | EPT_PTE_DIRTY);
	assert_int_equal(f->e.stats.tables, 3);
	fx_free(f);
}

/* ------------------------------------------------------------ exhaustion */

/* Every allocation that can fail, fails once: the tables never change. */
static void test_nomem_rolls_back(void **state)
{
	struct fx *f = fx_new(&caps_all, 256);
	int n, err;

	(void)state;
	assert_int_equal(ept_map(&f->e, 0, 0, G1, RW_WB, 0, NULL), EPT_OK);
	assert_int_equal(ept_map(&f->e, 5 * G1 + M2, 0x80000000ull + K4, 2 * M2, RW_WB, 0, NULL), EPT_OK);
	for (n = 0;; n++) {
		snap(f);
		f->arena.fail_after = n;
		/* Needs a PDPT + PD + PTs in a new 512G region and splits here. */
		err = ept_map(&f->e, (1ull << 39) + M2 - K4, K4, 3 * M2, RW_WB, 0, NULL);
		f->arena.fail_after = -1;
		if (err == EPT_OK)
			break;
		assert_int_equal(err, EPT_E_NOMEM);
		assert_unchanged(f);
	}
	assert_int_equal(n, 2 + 4);
	for (n = 0;; n++) {
		snap(f);
		f->arena.fail_after = n;
		err = ept_map(&f->e, G1 - K4, 0x123456000ull, 2 * K4, R_UC, EPT_MAP_REPLACE, NULL);
		f->arena.fail_after = -1;
		if (err == EPT_OK)
			break;
		assert_int_equal(err, EPT_E_NOMEM);
		assert_unchanged(f);
	}
	assert_int_equal(n, 2 + 1 + 1);   /* split 1G->PD->PT, new PD + PT at 1G */
	assert_int_equal(f->arena.in_use, f->e.stats.tables);
	fx_free(f);
}

/* ------------------------------------------------------------ stats */

static void test_get_stats(void **state)
{
	struct fx *f = fx_new(&caps_all, 64);
	struct ept_stats s;

	(void)state;
	assert_int_equal(ept_map(&f->e, 0, 0, G1 + 3 * M2 + 5 * K4, RW_WB, 0, NULL), EPT_OK);
	ept_get_stats(&f->e, &s);
	assert_int_equal(s.tables, 4);
	assert_int_equal(s.bytes_1g, G1);
	assert_int_equal(s.bytes_2m, 3 * M2);
	assert_int_equal(s.bytes_4k, 5 * K4);
	ept_get_stats(NULL, &s);
	ept_get_stats(&f->e, NULL);
	fx_free(f);
}

/* ------------------------------------------------------------ misconfig */

static void diag(struct fx *f, gpa_t gpa, struct ept_misconfig *m)
{
	assert_int_equal(ept_misconfig_diagnose(&f->e, gpa, m), EPT_OK);
}

static void test_debug_set_raw_leaf(void **state)
{
	struct fx *f = fx_new(&caps_all, 64);
	uint64_t v;

	(void)state;
	assert_int_equal(ept_debug_set_raw_leaf(&f->e, 0, 3), EPT_E_NOT_MAPPED);
	assert_int_equal(ept_map(&f->e, 0, 0, M2 + K4, RW_WB, 0, NULL), EPT_OK);
	v = ept_debug_get_raw_leaf(&f->e, M2, NULL);
	assert_int_equal(ept_debug_set_raw_leaf(&f->e, M2, v & ~7ull), EPT_E_INVAL);  /* not present */
	assert_int_equal(ept_debug_set_raw_leaf(&f->e, 0, 3 | (6 << 3)), EPT_E_INVAL); /* 2M needs bit 7 */
	assert_int_equal(ept_debug_set_raw_leaf(&f->e, 1ull << 48, 3), EPT_E_RANGE);
	assert_int_equal(ept_debug_set_raw_leaf(NULL, 0, 3), EPT_E_INVAL);
	assert_int_equal(ept_debug_set_raw_leaf(&f->e, M2, (v & ~7ull) | EPT_PTE_WRITE), EPT_OK);
	assert_int_equal(tr(f, M2).perm, EPT_WRITE);
	fx_free(f);
}

static void test_misconfig_clean(void **state)
{
	struct fx *f = fx_new(&caps_all, 64);
	struct ept_misconfig m;
	char buf[128];

	(void)state;
	assert_int_equal(ept_map(&f->e, 0, 0, M2, RW_WB, 0, NULL), EPT_OK);
	diag(f, 0x1000, &m);
	assert_false(m.found);
	assert_true(m.present);
	assert_int_equal(m.level, 2);
	assert_int_equal(m.reason, EPT_MC_NONE);
	ept_misconfig_format(&m, buf, sizeof(buf));
	assert_string_equal(buf, "gpa=0x0000000000001000 level=2 entry=0x00000000000000b3 reason=none");
	diag(f, 5 * G1, &m);
	assert_false(m.found);
	assert_false(m.present);
	assert_int_equal(m.level, 3);
	assert_int_equal(ept_misconfig_diagnose(NULL, 0, &m), EPT_E_INVAL);
	assert_int_equal(ept_misconfig_diagnose(&f->e, 0, NULL), EPT_E_INVAL);
	assert_int_equal(ept_misconfig_diagnose(&f->e, 1ull << 48, &m), EPT_E_RANGE);
	fx_free(f);
}

static void test_misconfig_planted(void **state)
{
	struct ept_caps c = caps_all;
	struct fx *f;
	struct ept_misconfig m;
	char buf[160];
	uint64_t pte;

	(void)state;
	c.exec_only = false;
	c.phys_addr_bits = 39;
	f = fx_new(&c, 64);
	assert_int_equal(ept_map(&f->e, 0, 0x7000, K4, RW_WB, 0, NULL), EPT_OK);
	assert_int_equal(ept_map(&f->e, G1, G1, M2, RW_WB, 0, NULL), EPT_OK);
	pte = ept_debug_get_raw_leaf(&f->e, 0, NULL);

	/* Write-only, the hypervisor's demonstration. */
	assert_int_equal(ept_debug_set_raw_leaf(&f->e, 0, (pte & ~7ull) | EPT_PTE_WRITE), EPT_OK);
	diag(f, 0x7ff, &m);
	assert_true(m.found);
	assert_int_equal(m.level, 1);
	assert_int_equal(m.reason, EPT_MC_WRITE_NO_READ);
	assert_int_equal(m.bad_bits, 3);
	ept_misconfig_format(&m, buf, sizeof(buf));
	assert_string_equal(buf, "gpa=0x00000000000007ff level=1 entry=0x0000000000007032 "
				 "reason=write-without-read bits=0x3");
	/* Execute-only without the capability. */
	assert_int_equal(ept_debug_set_raw_leaf(&f->e, 0, (pte & ~7ull) | EPT_PTE_EXEC), EPT_OK);
	diag(f, 0, &m);
	assert_int_equal(m.reason, EPT_MC_EXEC_ONLY);
	/* Memory type 2 in a 2M leaf. */
	assert_int_equal(ept_debug_set_raw_leaf(&f->e, G1, G1 | 3 | (2 << 3) | EPT_PTE_LARGE), EPT_OK);
	diag(f, G1 + 5, &m);
	assert_int_equal(m.reason, EPT_MC_RESERVED_MEMTYPE);
	assert_int_equal(m.level, 2);
	assert_int_equal(m.bad_bits, 2 << 3);
	ept_misconfig_format(&m, buf, sizeof(buf));
	assert_string_equal(buf, "gpa=0x0000000040000005 level=2 entry=0x0000000040000093 "
				 "reason=reserved-memtype bits=0x10");
	/* Memory types 3 and 7 too; 0,1,4,5,6 are fine. */
	for (unsigned mt = 0; mt < 8; mt++) {
		assert_int_equal(ept_debug_set_raw_leaf(&f->e, G1, G1 | 3 | (mt << 3) | EPT_PTE_LARGE),
				 EPT_OK);
		diag(f, G1, &m);
		assert_int_equal(m.found, mt == 2 || mt == 3 || mt == 7);
	}
	/* Reserved low address bits of a 2M page. */
	assert_int_equal(ept_debug_set_raw_leaf(&f->e, G1, G1 | K4 | 3 | (6 << 3) | EPT_PTE_LARGE), EPT_OK);
	diag(f, G1, &m);
	assert_int_equal(m.reason, EPT_MC_LARGE_PAGE_RESERVED);
	assert_int_equal(m.bad_bits, K4);
	/* Address bits above MAXPHYADDR (39). */
	assert_int_equal(ept_debug_set_raw_leaf(&f->e, 0, pte | (1ull << 40)), EPT_OK);
	diag(f, 0, &m);
	assert_int_equal(m.reason, EPT_MC_RESERVED_ADDR);
	assert_int_equal(m.bad_bits, 1ull << 40);
	assert_int_equal(ept_debug_set_raw_leaf(&f->e, 0, pte), EPT_OK);
	diag(f, 0, &m);
	assert_false(m.found);
	fx_free(f);
}

static void test_misconfig_nonleaf(void **state)
{
	struct ept_caps c = caps_all;
	struct fx *f;
	struct ept_misconfig m;
	uint64_t *root, *pdpt, saved;

	(void)state;
	c.page_1g = false;
	f = fx_new(&c, 64);
	assert_int_equal(ept_map(&f->e, 0, 0, K4, RW_WB, 0, NULL), EPT_OK);
	root = arena_virt(&f->arena, f->e.root);
	saved = root[0];
	root[0] = saved | (6 << 3);             /* bits 6:3 in a PML4E */
	diag(f, 0, &m);
	assert_int_equal(m.reason, EPT_MC_RESERVED_NONLEAF);
	assert_int_equal(m.level, 4);
	assert_int_equal(m.bad_bits, 6 << 3);
	root[0] = saved | EPT_PTE_LARGE;        /* bit 7 in a PML4E */
	diag(f, 0, &m);
	assert_int_equal(m.reason, EPT_MC_BAD_PAGE_SIZE);
	assert_int_equal(m.level, 4);
	root[0] = saved;
	pdpt = arena_virt(&f->arena, saved & EPT_PTE_ADDR_MASK);
	saved = pdpt[0];
	pdpt[0] = 3 | EPT_PTE_LARGE;            /* a 1G page, but the caps say no */
	diag(f, 0, &m);
	assert_int_equal(m.reason, EPT_MC_BAD_PAGE_SIZE);
	assert_int_equal(m.level, 3);
	pdpt[0] = saved;
	diag(f, 0, &m);
	assert_false(m.found);
	assert_string_equal(ept_misconfig_reason_name(EPT_MC_LARGE_PAGE_RESERVED), "large-page-reserved");
	assert_string_equal(ept_misconfig_reason_name(-1), "unknown");
	assert_string_equal(ept_misconfig_reason_name(EPT_MC_COUNT_), "unknown");
	fx_free(f);
}

static void test_misconfig_format_truncates(void **state)
{
	struct ept_misconfig m = { .gpa = 0x1234, .found = true, .level = 1, .entry = 2,
				   .bad_bits = 3, .reason = EPT_MC_WRITE_NO_READ };
	char full[128], buf[128];
	size_t n = ept_misconfig_format(&m, full, sizeof(full));

	(void)state;
	assert_int_equal(n, strlen(full));
	for (size_t len = 0; len < n + 3; len++) {
		memset(buf, 'Z', sizeof(buf));
		size_t k = ept_misconfig_format(&m, len ? buf : NULL, len);
		assert_int_equal(k, len ? (len - 1 < n ? len - 1 : n) : 0);
		if (len) {
			assert_int_equal(buf[k], '\0');
			assert_memory_equal(buf, full, k);
			assert_int_equal(buf[len < sizeof(buf) ? len : 0] == 'Z' || len > n, 1);
		}
	}
	assert_int_equal(ept_misconfig_format(NULL, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_and_eptp),
		cmocka_unit_test(test_init_ad),
		cmocka_unit_test(test_init_errors),
		cmocka_unit_test(test_destroy_frees_everything),
		cmocka_unit_test(test_caps_from_msr),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_map_page_sizes),
		cmocka_unit_test(test_map_alignment_limits_size),
		cmocka_unit_test(test_map_entry_bits),
		cmocka_unit_test(test_map_validation_errors),
		cmocka_unit_test(test_map_48bit_limit),
		cmocka_unit_test(test_map_exec_only_and_user_exec),
		cmocka_unit_test(test_map_replace),
		cmocka_unit_test(test_map_fills_then_collapses),
		cmocka_unit_test(test_flush_kinds),
		cmocka_unit_test(test_unmap_splits_and_frees),
		cmocka_unit_test(test_unmap_errors),
		cmocka_unit_test(test_for_each_leaf),
		cmocka_unit_test(test_protect_split_and_merge),
		cmocka_unit_test(test_protect_errors),
		cmocka_unit_test(test_protect_keeps_ad_bits),
		cmocka_unit_test(test_nomem_rolls_back),
		cmocka_unit_test(test_get_stats),
		cmocka_unit_test(test_debug_set_raw_leaf),
		cmocka_unit_test(test_misconfig_clean),
		cmocka_unit_test(test_misconfig_planted),
		cmocka_unit_test(test_misconfig_nonleaf),
		cmocka_unit_test(test_misconfig_format_truncates),
	};

	return cmocka_run_group_tests_name("ept", tests, NULL, NULL);
}
