// SPDX-License-Identifier: MIT
/*
 * tests/fuzz/fuzz_ept_ops.c - bytes -> a sequence of ept_map / ept_unmap /
 * ept_protect calls on a simulated arena, each checked against the
 * reference model of tests/host/test_ept_model.c: result codes, unchanged
 * tables after every error (including injected allocator failures),
 * translations, no leaks, minimal table count.  Violations __builtin_trap().
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ept/ept.h"
#include "tests/host/ept_test_arena.h"
#include "tests/host/test_ept_model.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "check failed: %s (line %d)\n", #c, __LINE__); __builtin_trap(); } } while (0)
#define K4 (1ull << 12)
#define M2 (1ull << 21)
#define G1 (1ull << 30)
#define SPACE (4ull << 30)

static struct ept_arena arena;
static struct ept_snapshot snap_a, snap_b;

static uint8_t take(const uint8_t **p, size_t *n)
{
	uint8_t v = 0;

	if (*n) {
		v = **p;
		(*p)++;
		(*n)--;
	}
	return v;
}

static uint64_t take16(const uint8_t **p, size_t *n)
{
	uint64_t lo = take(p, n);

	return lo | (uint64_t)take(p, n) << 8;
}

/* Address: 4K, 2M or 1G granular, sometimes nudged off a boundary. */
static uint64_t pick_addr(uint8_t cls, uint64_t idx)
{
	uint64_t a;

	switch (cls & 3) {
	case 0: a = idx * K4 * 17; break;
	case 1: a = (idx % 2048) * M2; break;
	case 2: a = (idx % 4) * G1; break;
	default: a = (idx % 2048) * M2 + ((int64_t)(cls >> 2) - 32) * (int64_t)K4; break;
	}
	return a & (SPACE - 1);
}

static uint64_t pick_size(uint8_t cls, uint64_t v)
{
	switch (cls & 3) {
	case 0: return (1 + v % 64) * K4;
	case 1: return (1 + v % 8) * M2 + ((cls >> 2) & 1 ? K4 : 0);
	case 2: return (1 + v % 2) * G1 - ((cls >> 2) & 1 ? K4 : 0);
	default: return (1 + v % 1024) * K4;
	}
}

static void check_point(struct ept *e, struct ept_model *m, gpa_t g)
{
	char why[256];

	if (g >= SPACE)
		return;
	if (model_check_translate(e, m, g, why, sizeof(why))) {
		fprintf(stderr, "%s\n", why);
		__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ept e;
	struct ept_model m;
	struct ept_allocator al;
	uint8_t c0 = take(&data, &size);
	struct ept_caps caps = {
		.page_2m = c0 & 1, .page_1g = (c0 & 3) == 3, .exec_only = c0 & 4,
		.mode_based_exec = c0 & 8, .invept_single = c0 & 16, .invept_all = true,
		.phys_addr_bits = 39,
	};
	char why[512];
	int ops = 0;
	struct ept_stats want_stats;

	if (!arena.mem && !arena_init(&arena, 4096))
		abort();
	al = arena_allocator(&arena);
	CHECK(ept_init(&e, &al, &caps, false) == EPT_OK);
	model_init(&m, &caps);
	while (size && ops++ < 64) {
		uint8_t op = take(&data, &size), ac = take(&data, &size), sc = take(&data, &size);
		uint64_t ai = take16(&data, &size), sv = take16(&data, &size);
		uint8_t at = take(&data, &size), hc = take(&data, &size);
		gpa_t gpa = pick_addr(ac, ai);
		uint64_t len = pick_size(sc, sv);
		struct ept_attr a = { at & 15, (at >> 4) & 7, at >> 7 };
		hpa_t hpa;
		int want, got;
		enum ept_flush fl;

		if (gpa + len > SPACE)
			len = SPACE - gpa;
		if ((op & 7) == 7)
			a.perm = (at & 1) ? (EPT_READ | EPT_WRITE) : EPT_READ;   /* mostly valid */
		hpa = (hc & 1) ? (((uint64_t)hc << 29) + (gpa & (G1 - 1)))
			       : (((uint64_t)hc << 24) + (gpa & (M2 - 1)) + (sv & 1) * K4);
		hpa &= (1ull << 38) - 1;
		arena.fail_after = (op & 0x30) == 0x30 ? (int64_t)(op >> 6) : -1;
		ept_snapshot_take(&e, &snap_a);
		switch (op % 3) {
		case 0:
			want = model_attr_err(&caps, a);
			if (!want && !(op & 8) && model_any_mapped(&m, gpa, len))
				want = EPT_E_EXISTS;
			got = ept_map(&e, gpa, hpa, len, a, (op & 8) ? EPT_MAP_REPLACE : 0, &fl);
			break;
		case 1:
			want = EPT_OK;
			got = ept_unmap(&e, gpa, len, &fl);
			break;
		default:
			want = model_attr_err(&caps, a);
			if (!want && !model_all_mapped(&m, gpa, len))
				want = EPT_E_NOT_MAPPED;
			got = ept_protect(&e, gpa, len, a, &fl);
			break;
		}
		arena.fail_after = -1;
		CHECK(got == want || (got == EPT_E_NOMEM && want == EPT_OK));
		if (got) {
			ept_snapshot_take(&e, &snap_b);
			CHECK(ept_snapshot_equal(&snap_a, &snap_b));
			CHECK(fl == EPT_FLUSH_NONE);
		} else if (op % 3 == 0) {
			model_map(&m, gpa, hpa, len, a);
		} else if (op % 3 == 1) {
			model_unmap(&m, gpa, len);
		} else {
			model_protect(&m, gpa, len, a);
		}
		CHECK(arena.in_use == e.stats.tables);
		check_point(&e, &m, gpa);
		check_point(&e, &m, gpa + len - K4);
		check_point(&e, &m, gpa - K4);
		check_point(&e, &m, gpa + len);
		model_expect(&m, &want_stats);
		CHECK(!memcmp(&want_stats, &e.stats, sizeof(want_stats)));
		if ((ops % 8 == 0 || !size) && model_check_full(&e, &m, why, sizeof(why))) {
			fprintf(stderr, "full check: %s\n", why);
			__builtin_trap();
		}
	}
	ept_destroy(&e);
	CHECK(arena.in_use == 0);
	model_fini(&m);
	return 0;
}
