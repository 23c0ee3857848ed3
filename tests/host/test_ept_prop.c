// SPDX-License-Identifier: MIT
/*
 * tests/host/test_ept_prop.c - randomized property test of the EPT library
 * against a reference model (tests/host/test_ept_model.c).
 *
 * Seeded and deterministic (EPT_PROP_SEED overrides the seed, EPT_PROP_STEPS
 * the step count).  Random map/unmap/protect over 4 GiB of guest-physical
 * space straddling the 512 GiB (PML4E) boundary, sizes and addresses biased
 * towards 2M/1G boundaries, some allocator failures injected.  After every
 * step: the error matches the model's prediction, errors leave every table
 * byte-identical, translations agree (range edges + samples), no page leaks
 * (arena pages in use == stats.tables), stats == the minimum the model
 * needs; every 64 steps and at the end a full walk of all tables.
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
#include "tests/host/ept_test_arena.h"
#include "tests/host/test_ept_model.h"

#define K4 (1ull << 12)
#define M2 (1ull << 21)
#define G1 (1ull << 30)
#define SPACE_BASE (510ull << 30)     /* [510 GiB, 514 GiB): crosses a PML4E */
#define SPACE_SIZE (4ull << 30)

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* splitmix64 */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t rnd_below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static uint64_t env_u64(const char *name, uint64_t def)
{
	const char *s = getenv(name);

	return s && *s ? strtoull(s, NULL, 0) : def;
}

static gpa_t pick_addr(void)
{
	uint64_t r = rnd_below(100);
	gpa_t a;

	if (r < 30)
		a = rnd_below(SPACE_SIZE / K4) * K4;
	else if (r < 65)
		a = rnd_below(SPACE_SIZE / M2) * M2;
	else if (r < 80)
		a = rnd_below(SPACE_SIZE / G1) * G1;
	else    /* just around a 2M or 1G boundary */
		a = rnd_below(SPACE_SIZE / M2) * M2 + (rnd_below(9) - 4) * K4;
	return SPACE_BASE + (a & (SPACE_SIZE - 1));
}

static uint64_t pick_size(bool small)
{
	uint64_t r = rnd_below(100);

	if (r < 25)
		return (1 + rnd_below(16)) * K4;
	if (r < 45)
		return (1 + rnd_below(1200)) * K4;
	if (r < 70)
		return (1 + rnd_below(4)) * M2 + (rnd_below(3) - 1) * K4 * rnd_below(2);
	if (small)
		return (1 + rnd_below(64)) * M2;
	if (r < 88)
		return G1 + (rnd_below(3) - 1) * K4 * rnd_below(2) + rnd_below(2) * M2;
	return (1 + rnd_below(2)) * G1 + rnd_below(512) * M2;
}

static struct ept_attr pick_attr(void)
{
	static const unsigned perms[] = {
		EPT_READ, EPT_READ | EPT_WRITE, EPT_READ | EPT_WRITE | EPT_EXEC,
		EPT_READ | EPT_EXEC, EPT_READ | EPT_WRITE | EPT_EXEC,
		EPT_READ | EPT_WRITE | EPT_EXEC | EPT_USER_EXEC, EPT_EXEC, EPT_EXEC | EPT_USER_EXEC,
		EPT_WRITE, 0, 16,
	};
	static const unsigned types[] = { EPT_MT_WB, EPT_MT_WB, EPT_MT_WB, EPT_MT_UC, EPT_MT_WC,
					  EPT_MT_WT, EPT_MT_WP, 2 };
	struct ept_attr a;
	uint64_t r = rnd_below(100);

	/* Mostly a few valid attribute sets, so runs can merge again. */
	a.perm = r < 80 ? perms[rnd_below(3)] : perms[rnd_below(sizeof(perms) / sizeof(perms[0]))];
	a.memtype = r < 85 ? EPT_MT_WB : types[rnd_below(sizeof(types) / sizeof(types[0]))];
	a.ignore_pat = rnd_below(10) == 0;
	return a;
}

struct prop {
	struct ept_arena arena;
	struct ept e;
	struct ept_model m;
	char why[512];
	struct ept_snapshot before, after;
	uint64_t steps, ok_ops, errors, nomem;
};

static void check_point(struct prop *p, gpa_t g)
{
	if (g < SPACE_BASE || g >= SPACE_BASE + SPACE_SIZE)
		return;
	if (model_check_translate(&p->e, &p->m, g, p->why, sizeof(p->why)))
		fail_msg("step %llu: %s", (unsigned long long)p->steps, p->why);
}

static void check_step(struct prop *p, gpa_t gpa, uint64_t size, bool full)
{
	struct ept_stats got, want;

	check_point(p, gpa - K4);
	check_point(p, gpa);
	check_point(p, gpa + size - K4);
	check_point(p, gpa + size);
	for (int i = 0; i < 8; i++) {
		check_point(p, gpa + rnd_below(size / K4) * K4);
		check_point(p, SPACE_BASE + rnd_below(SPACE_SIZE / K4) * K4);
	}
	ept_get_stats(&p->e, &got);
	model_expect(&p->m, &want);
	if (p->arena.in_use != got.tables)
		fail_msg("step %llu: leak: arena pages in use %llu, stats.tables %llu",
			 (unsigned long long)p->steps, (unsigned long long)p->arena.in_use,
			 (unsigned long long)got.tables);
	if (memcmp(&got, &want, sizeof(got)))
		fail_msg("step %llu: stats tables %llu 4k %llu 2m %llu 1g %llu, minimum/model %llu %llu %llu %llu",
			 (unsigned long long)p->steps, (unsigned long long)got.tables,
			 (unsigned long long)got.bytes_4k, (unsigned long long)got.bytes_2m,
			 (unsigned long long)got.bytes_1g, (unsigned long long)want.tables,
			 (unsigned long long)want.bytes_4k, (unsigned long long)want.bytes_2m,
			 (unsigned long long)want.bytes_1g);
	if (full && model_check_full(&p->e, &p->m, p->why, sizeof(p->why)))
		fail_msg("step %llu: full check: %s", (unsigned long long)p->steps, p->why);
}

/* Did any page that was mapped before change its translation? */
static bool present_changed(const struct ept_model *before, const struct ept_model *after,
			    gpa_t gpa, uint64_t size)
{
	for (gpa_t g = gpa; g < gpa + size;) {
		const struct mrun *a = model_lookup(before, g), *b = model_lookup(after, g);
		gpa_t next;

		if (!a) {
			g += K4;
			continue;
		}
		if (!b || b->hpa - b->start != a->hpa - a->start || b->perm != a->perm ||
		    b->memtype != a->memtype || b->ipat != a->ipat)
			return true;
		next = a->end < b->end ? a->end : b->end;
		g = next;
	}
	return false;
}

static void model_copy(struct ept_model *dst, const struct ept_model *src)
{
	*dst = *src;
	dst->runs = malloc((src->n + 1) * sizeof(struct mrun));
	assert_non_null(dst->runs);
	if (src->n)
		memcpy(dst->runs, src->runs, src->n * sizeof(struct mrun));
	dst->cap = src->n + 1;
}

static void one_step(struct prop *p, bool small)
{
	uint64_t kind = rnd_below(100);
	gpa_t gpa = pick_addr();
	uint64_t size = pick_size(small);
	struct ept_attr a = pick_attr();
	unsigned flags = rnd_below(5) ? EPT_MAP_REPLACE : 0;
	hpa_t hpa;
	int want, got;
	enum ept_flush fl = (enum ept_flush)77;
	struct ept_model mbefore;
	bool inject = rnd_below(20) == 0;

	if (gpa + size > SPACE_BASE + SPACE_SIZE)
		size = SPACE_BASE + SPACE_SIZE - gpa;
	/* hpa: mostly congruent with gpa modulo 1G so large pages are possible. */
	if (rnd_below(10) < 6)
		hpa = (rnd_below(256) << 30) + (gpa & (G1 - 1));
	else if (rnd_below(2))
		hpa = (rnd_below(256) << 30) + (gpa & (M2 - 1)) + rnd_below(512) * M2;
	else
		hpa = rnd_below((256ull << 30) / K4) * K4;

	if (kind < 50) {
		want = model_attr_err(&p->e.caps, a);
		if (!want && !(flags & EPT_MAP_REPLACE) && model_any_mapped(&p->m, gpa, size))
			want = EPT_E_EXISTS;
	} else if (kind < 75) {
		want = EPT_OK;
	} else {
		want = model_attr_err(&p->e.caps, a);
		if (!want && !model_all_mapped(&p->m, gpa, size))
			want = EPT_E_NOT_MAPPED;
	}
	if (want || inject)
		ept_snapshot_take(&p->e, &p->before);
	if (inject)
		p->arena.fail_after = (int64_t)rnd_below(4);
	model_copy(&mbefore, &p->m);

	if (kind < 50)
		got = ept_map(&p->e, gpa, hpa, size, a, flags, &fl);
	else if (kind < 75)
		got = ept_unmap(&p->e, gpa, size, &fl);
	else
		got = ept_protect(&p->e, gpa, size, a, &fl);
	p->arena.fail_after = -1;

	if (inject && got == EPT_E_NOMEM && !want) {
		p->nomem++;
		want = EPT_E_NOMEM;
	}
	if (got != want)
		fail_msg("step %llu: op %llu gpa 0x%llx size 0x%llx hpa 0x%llx perm %u mt %u: got %s, want %s",
			 (unsigned long long)p->steps, (unsigned long long)kind,
			 (unsigned long long)gpa, (unsigned long long)size, (unsigned long long)hpa,
			 a.perm, a.memtype, ept_strerror(got), ept_strerror(want));
	if (got) {
		p->errors++;
		ept_snapshot_take(&p->e, &p->after);
		if (!ept_snapshot_equal(&p->before, &p->after))
			fail_msg("step %llu: error %s changed the tables", (unsigned long long)p->steps,
				 ept_strerror(got));
		if (fl != EPT_FLUSH_NONE)
			fail_msg("step %llu: error with flush %d", (unsigned long long)p->steps, fl);
	} else {
		p->ok_ops++;
		if (kind < 50)
			model_map(&p->m, gpa, hpa, size, a);
		else if (kind < 75)
			model_unmap(&p->m, gpa, size);
		else
			model_protect(&p->m, gpa, size, a);
		if (present_changed(&mbefore, &p->m, gpa, size) && fl == EPT_FLUSH_NONE)
			fail_msg("step %llu: a present translation changed but flush NONE",
				 (unsigned long long)p->steps);
		if (fl != EPT_FLUSH_NONE &&
		    fl != (p->e.caps.invept_single ? EPT_FLUSH_SINGLE : EPT_FLUSH_GLOBAL))
			fail_msg("step %llu: flush %d", (unsigned long long)p->steps, fl);
	}
	model_fini(&mbefore);
	check_step(p, gpa, size, (p->steps % 64) == 0);
}

static void run_prop(const struct ept_caps *caps, uint64_t seed, uint64_t steps, bool small)
{
	struct prop *p = calloc(1, sizeof(*p));
	struct ept_allocator al;

	assert_non_null(p);
	assert_true(arena_init(&p->arena, 8192));
	al = arena_allocator(&p->arena);
	assert_int_equal(ept_init(&p->e, &al, caps, caps->ad), EPT_OK);
	model_init(&p->m, caps);
	rng_state = env_u64("EPT_PROP_SEED", seed);
	steps = env_u64("EPT_PROP_STEPS", steps);
	for (p->steps = 1; p->steps <= steps; p->steps++)
		one_step(p, small);
	if (model_check_full(&p->e, &p->m, p->why, sizeof(p->why)))
		fail_msg("final: %s", p->why);
	print_message("# %llu steps: %llu ok, %llu errors (%llu injected NOMEM), %zu runs, peak %llu pages\n",
		      (unsigned long long)steps, (unsigned long long)p->ok_ops,
		      (unsigned long long)p->errors, (unsigned long long)p->nomem, p->m.n,
		      (unsigned long long)p->arena.peak);
	ept_destroy(&p->e);
	assert_int_equal(p->arena.in_use, 0);
	model_fini(&p->m);
	ept_snapshot_free(&p->before);
	ept_snapshot_free(&p->after);
	arena_fini(&p->arena);
	free(p);
}

static const struct ept_caps caps_all = {
	.page_2m = true, .page_1g = true, .exec_only = true, .ad = true,
	.mode_based_exec = true, .invept_single = true, .invept_all = true,
	.phys_addr_bits = 40,
};

static void test_prop_all_features(void **state)
{
	(void)state;
	run_prop(&caps_all, 0x5eed0001, 3000, false);
}

static void test_prop_no_1g(void **state)
{
	struct ept_caps c = caps_all;

	(void)state;
	c.page_1g = false;
	c.exec_only = false;
	c.invept_single = false;
	run_prop(&c, 0x5eed0002, 3000, false);
}

static void test_prop_4k_only(void **state)
{
	struct ept_caps c = caps_all;

	(void)state;
	c.page_1g = false;
	c.page_2m = false;
	c.mode_based_exec = false;
	c.ad = false;
	run_prop(&c, 0x5eed0003, 2000, true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prop_all_features),
		cmocka_unit_test(test_prop_no_1g),
		cmocka_unit_test(test_prop_4k_only),
	};

	return cmocka_run_group_tests_name("ept_prop", tests, NULL, NULL);
}
