// SPDX-License-Identifier: MIT
/*
 * tests/host/test_ept_concurrency.c - the locking rule of ept/ept.h under
 * real threads (built plain, with ASan/UBSan, and with ThreadSanitizer).
 *
 * Two writers, serialized by one struct spinlock as the hypervisor's vCPUs
 * would be, protect, split, collapse, unmap and remap pages of an 8 MiB
 * region that starts as four 2 MiB pages.  Three readers translate, walk
 * and audit the tables meanwhile, without the lock, and check that every
 * translation they see was valid at some point.  Each writer owns its own
 * pages, so the final state does not depend on the interleaving: after the
 * join the tables must match the writers' model exactly, 2 MiB leaves
 * included (the canonical form).
 *
 * Region layout (2 MiB chunks; "page" = 4 KiB):
 *   chunk 0, 1  shared: runs of 8 pages alternate between the writers;
 *               protect only (never unmapped).  Both writers end by
 *               setting their pages of chunk 0 to RWX, so it collapses.
 *   chunk 2     writer 0: protect pages, runs and the whole chunk.
 *   chunk 3     writer 1: unmap and remap pages, runs and the whole chunk.
 * Outside the region nothing is ever mapped.
 */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arch/lib/spinlock.h"
#include "ept/ept.h"
#include "ept/ept_bits.h"
#include "ept/ept_misconfig.h"
#include "tests/host/ept_test_arena.h"

#define K4 (1ull << 12)
#define M2 (1ull << 21)
#define REGION_GPA 0x40000000ull
#define REGION_SIZE (4 * M2)
#define NPAGES (REGION_SIZE / K4)
#define PAGES_PER_CHUNK (M2 / K4)
#define RUN 8                       /* pages per ownership run in chunks 0, 1 */
#define HPA_OFFSET 0x200000000ull   /* hpa = gpa + HPA_OFFSET, always */
#define WRITER_OPS 10000
#define READERS 3
#define READER_MIN_ITERS 2000       /* even if the writers are already done */
#define ARENA_PAGES 8192            /* freed tables are parked: ~2700 used */

/* The permissions writers use, all WB (no exec-only: the caps lack it). */
static const unsigned perms[] = { EPT_READ, EPT_READ | EPT_WRITE, EPT_READ | EPT_EXEC,
				  EPT_READ | EPT_WRITE | EPT_EXEC };
#define NPERMS (sizeof(perms) / sizeof(perms[0]))

static const struct ept_caps caps = {
	.page_2m = true, .invept_single = true, .invept_all = true, .phys_addr_bits = 46,
};

struct world {
	struct ept e;
	struct spinlock lock;        /* the VM's EPT lock */
	struct ept_arena arena;      /* touched by writers only, under lock */
	hpa_t *parked;               /* tables freed while readers run */
	uint64_t nparked;
	uint8_t model[NPAGES];       /* final perm per page, 0 = unmapped; a
					page is written only by its owner */
	int readers_started;         /* atomic; writers wait for all */
	int writers_left;            /* atomic */
	uint64_t reader_checks;      /* atomic */
	uint64_t failures;           /* atomic */
	char first_failure[160];     /* written by the first failing thread */
};

/* ------------------------------------------------------------ helpers */

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void record_failure(struct world *w, const char *what, gpa_t gpa, uint64_t val)
{
	if (__atomic_fetch_add(&w->failures, 1, __ATOMIC_RELAXED) == 0)
		snprintf(w->first_failure, sizeof(w->first_failure), "%s: gpa=0x%llx value=0x%llx", what,
			 (unsigned long long)gpa, (unsigned long long)val);
}

static struct ept_attr attr(unsigned perm)
{
	struct ept_attr a = { perm, EPT_MT_WB, false };

	return a;
}

static gpa_t page_gpa(uint64_t i)
{
	return REGION_GPA + i * K4;
}

/* Never unmapped by anyone: chunks 0..2. */
static bool stable(gpa_t gpa)
{
	return gpa >= REGION_GPA && gpa < REGION_GPA + 3 * M2;
}

static bool in_region(gpa_t gpa)
{
	return gpa >= REGION_GPA && gpa < REGION_GPA + REGION_SIZE;
}

/* ------------------------------------------------------------ allocator */

/*
 * The arena, called only by writers (with the lock held).  Frees are
 * parked: a reader may still be inside an unlinked table, as another CPU's
 * walker could be until INVEPT.  They go back after the join.
 */
static hpa_t w_alloc(void *ctx)
{
	struct world *w = ctx;

	return arena_allocator(&w->arena).alloc_page(&w->arena);
}

static void w_free(void *ctx, hpa_t pa)
{
	struct world *w = ctx;

	if (w->nparked == ARENA_PAGES)
		__builtin_trap();
	w->parked[w->nparked++] = pa;
}

/* Called by everyone; a page's mapping never changes while parked. */
static void *w_p2v(void *ctx, hpa_t pa)
{
	struct world *w = ctx;

	return arena_virt(&w->arena, pa);
}

static void release_parked(struct world *w)
{
	struct ept_allocator a = arena_allocator(&w->arena);

	for (uint64_t i = 0; i < w->nparked; i++)
		a.free_page(a.ctx, w->parked[i]);
	w->nparked = 0;
}

/* ------------------------------------------------------------ checks */

static bool perm_valid(unsigned p)
{
	for (unsigned i = 0; i < NPERMS; i++)
		if (perms[i] == p)
			return true;
	return false;
}

/* A raw leaf as the writers could have written it: nothing torn or stray. */
static void check_leaf(struct world *w, gpa_t gpa, uint64_t size, uint64_t v)
{
	uint64_t large = size == M2 ? EPT_PTE_LARGE : 0;
	uint64_t base = gpa & ~(size - 1);
	uint64_t allowed = EPT_PTE_ADDR_MASK | EPT_PTE_RWX | EPT_PTE_MEMTYPE_MASK | large;
	unsigned p = 0;

	if (size != K4 && size != M2)
		record_failure(w, "leaf size", gpa, size);
	if (!in_region(gpa))
		record_failure(w, "leaf outside the region", gpa, v);
	if ((v & ~allowed) || (v & EPT_PTE_LARGE) != large)
		record_failure(w, "stray bits in leaf", gpa, v);
	if ((v & EPT_PTE_ADDR_MASK) != base + HPA_OFFSET)
		record_failure(w, "leaf address", gpa, v);
	if ((v & EPT_PTE_MEMTYPE_MASK) >> EPT_PTE_MEMTYPE_SHIFT != EPT_MT_WB)
		record_failure(w, "leaf memtype", gpa, v);
	p |= v & EPT_PTE_READ ? EPT_READ : 0;
	p |= v & EPT_PTE_WRITE ? EPT_WRITE : 0;
	p |= v & EPT_PTE_EXEC ? EPT_EXEC : 0;
	if (!perm_valid(p))
		record_failure(w, "leaf perm", gpa, v);
}

static void check_translation(struct world *w, gpa_t gpa)
{
	struct ept_translation t;

	if (ept_translate(&w->e, gpa, &t) != EPT_OK) {
		record_failure(w, "ept_translate", gpa, 0);
		return;
	}
	if (!t.mapped) {
		if (stable(gpa))
			record_failure(w, "stable page unmapped", gpa, (uint64_t)t.level);
		return;
	}
	if (!in_region(gpa))
		record_failure(w, "mapped outside the region", gpa, t.hpa);
	if (t.hpa != gpa + HPA_OFFSET)
		record_failure(w, "hpa", gpa, t.hpa);
	if (!perm_valid(t.perm) || t.memtype != EPT_MT_WB || t.ignore_pat)
		record_failure(w, "attributes", gpa, t.perm);
	if (!((t.page_size == K4 && t.level == 1) || (t.page_size == M2 && t.level == 2)))
		record_failure(w, "page size", gpa, t.page_size);
}

static void check_raw(struct world *w, gpa_t gpa)
{
	int level;
	uint64_t v = ept_debug_get_raw_leaf(&w->e, gpa, &level);

	if (v)
		check_leaf(w, gpa, level == 2 ? M2 : K4, v);
	else if (stable(gpa))
		record_failure(w, "stable page has no leaf", gpa, 0);
}

static void check_misconfig(struct world *w, gpa_t gpa)
{
	struct ept_misconfig m;

	if (ept_misconfig_diagnose(&w->e, gpa, &m) != EPT_OK || m.found)
		record_failure(w, "misconfig", gpa, m.entry);
}

struct audit {
	struct world *w;
	gpa_t next;       /* leaves come in GPA order */
};

static void audit_leaf(void *ctx, gpa_t gpa, uint64_t size, uint64_t v)
{
	struct audit *a = ctx;

	if (gpa < a->next)
		record_failure(a->w, "leaf order", gpa, a->next);
	a->next = gpa + size;
	check_leaf(a->w, gpa, size, v);
}

/* ------------------------------------------------------------ threads */

static void *reader(void *arg)
{
	struct world *w = arg;
	uint64_t s = 0x9e3779b97f4a7c15ull ^ (uint64_t)(uintptr_t)&s;
	uint64_t n = 0;

	__atomic_fetch_add(&w->readers_started, 1, __ATOMIC_RELAXED);
	while (n < READER_MIN_ITERS || __atomic_load_n(&w->writers_left, __ATOMIC_ACQUIRE)) {
		/* Mostly inside the region, some 2 MiB either side of it. */
		gpa_t gpa = REGION_GPA - M2 + (rnd(&s) % (REGION_SIZE + 2 * M2));

		check_translation(w, gpa);
		check_raw(w, gpa & ~(K4 - 1));
		check_misconfig(w, gpa);
		if (n % 512 == 0) {
			struct audit a = { w, 0 };

			ept_for_each_leaf(&w->e, audit_leaf, &a);
		}
		/* The host may have fewer CPUs than threads: let writers run. */
		if (n % 64 == 0)
			sched_yield();
		n++;
	}
	__atomic_fetch_add(&w->reader_checks, n, __ATOMIC_RELAXED);
	return NULL;
}

/*
 * spin_lock, but first yield while the lock is held: with more threads than
 * CPUs, a ticket waiter spinning on a preempted holder (or on the waiter
 * before it) burns whole time slices.  Peeking is only a hint.
 */
static void lock(struct world *w)
{
	while (__atomic_load_n(&w->lock.owner, __ATOMIC_RELAXED) !=
	       __atomic_load_n(&w->lock.next, __ATOMIC_RELAXED))
		sched_yield();
	spin_lock(&w->lock);
}

/* Change pages [first, first + n) under the lock, then record them. */
static void do_protect(struct world *w, uint64_t first, uint64_t n, unsigned perm)
{
	int err;

	lock(w);
	err = ept_protect(&w->e, page_gpa(first), n * K4, attr(perm), NULL);
	spin_unlock(&w->lock);
	if (err)
		record_failure(w, "ept_protect", page_gpa(first), (uint64_t)err);
	memset(&w->model[first], (int)perm, n);
}

static void do_map(struct world *w, uint64_t first, uint64_t n, unsigned perm)
{
	int err;

	lock(w);
	err = ept_map(&w->e, page_gpa(first), page_gpa(first) + HPA_OFFSET, n * K4, attr(perm),
		      EPT_MAP_REPLACE, NULL);
	spin_unlock(&w->lock);
	if (err)
		record_failure(w, "ept_map", page_gpa(first), (uint64_t)err);
	memset(&w->model[first], (int)perm, n);
}

static void do_unmap(struct world *w, uint64_t first, uint64_t n)
{
	int err;

	lock(w);
	err = ept_unmap(&w->e, page_gpa(first), n * K4, NULL);
	spin_unlock(&w->lock);
	if (err)
		record_failure(w, "ept_unmap", page_gpa(first), (uint64_t)err);
	memset(&w->model[first], 0, n);
}

/* The first page of one of writer id's runs in chunks 0, 1: run k (RUN
 * pages) belongs to writer k % 2. */
static uint64_t shared_run(int id, uint64_t r)
{
	uint64_t run = r % (2 * PAGES_PER_CHUNK / RUN);

	return (run & ~1ull) * RUN + (uint64_t)id * RUN;
}

static void writer0_op(struct world *w, uint64_t r)
{
	uint64_t c2 = 2 * PAGES_PER_CHUNK, off = (r >> 8) % PAGES_PER_CHUNK;
	unsigned p = perms[(r >> 4) % NPERMS];

	switch (r % 5) {
	case 0:
		do_protect(w, c2 + off, 1, p);                    /* splits */
		break;
	case 1:
		do_protect(w, c2 + off, PAGES_PER_CHUNK - off, p);
		break;
	case 2:
		do_protect(w, c2, PAGES_PER_CHUNK, p);            /* collapses */
		break;
	default:
		do_protect(w, shared_run(0, r >> 8), (r >> 20) % 2 ? RUN : 1, p);
		break;
	}
}

static void writer1_op(struct world *w, uint64_t r)
{
	uint64_t c3 = 3 * PAGES_PER_CHUNK, off = (r >> 8) % PAGES_PER_CHUNK;
	uint64_t n = 1 + (r >> 20) % 64;
	unsigned p = perms[(r >> 4) % NPERMS];

	if (off + n > PAGES_PER_CHUNK)
		n = PAGES_PER_CHUNK - off;
	switch (r % 6) {
	case 0:
		do_unmap(w, c3 + off, n);
		break;
	case 1:
		do_map(w, c3 + off, n, p);
		break;
	case 2:
		if ((r >> 30) % 2)
			do_map(w, c3, PAGES_PER_CHUNK, p);        /* one 2 MiB leaf */
		else
			do_unmap(w, c3, PAGES_PER_CHUNK);
		break;
	default:
		do_protect(w, shared_run(1, r >> 8), (r >> 20) % 2 ? RUN : 1, p);
		break;
	}
}

struct writer_arg {
	struct world *w;
	int id;
};

static void *writer(void *arg)
{
	struct writer_arg *a = arg;
	struct world *w = a->w;
	uint64_t s = 0x1234567ull + (uint64_t)a->id * 0x9876543ull;

	while (__atomic_load_n(&w->readers_started, __ATOMIC_RELAXED) < READERS)
		sched_yield();
	for (int i = 0; i < WRITER_OPS; i++) {
		if (a->id == 0)
			writer0_op(w, rnd(&s));
		else
			writer1_op(w, rnd(&s));
	}
	/* Own pages of chunk 0 back to RWX: the last of these collapses it. */
	for (uint64_t i = (uint64_t)a->id * RUN; i < PAGES_PER_CHUNK; i += 2 * RUN)
		do_protect(w, i, RUN, perms[NPERMS - 1]);
	__atomic_fetch_sub(&w->writers_left, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* ------------------------------------------------------------ final audit */

struct final {
	struct world *w;
	uint64_t seen[NPAGES / 64];    /* pages covered by some leaf */
};

/* A 2 MiB chunk the canonical form must hold as one leaf? */
static bool chunk_uniform(const struct world *w, uint64_t first)
{
	for (uint64_t i = first; i < first + PAGES_PER_CHUNK; i++)
		if (!w->model[i] || w->model[i] != w->model[first])
			return false;
	return true;
}

static void final_leaf(void *ctx, gpa_t gpa, uint64_t size, uint64_t v)
{
	struct final *f = ctx;
	struct world *w = f->w;
	uint64_t first = (gpa - REGION_GPA) / K4;
	unsigned p = (v & EPT_PTE_READ ? EPT_READ : 0) | (v & EPT_PTE_WRITE ? EPT_WRITE : 0) |
		     (v & EPT_PTE_EXEC ? EPT_EXEC : 0);

	check_leaf(w, gpa, size, v);
	if (!in_region(gpa))
		return;
	if (size == M2 && !chunk_uniform(w, first))
		record_failure(w, "2 MiB leaf over a mixed chunk", gpa, v);
	if (size == K4 && chunk_uniform(w, first & ~(PAGES_PER_CHUNK - 1)))
		record_failure(w, "uniform chunk not collapsed", gpa, v);
	for (uint64_t i = first; i < first + size / K4; i++) {
		if (w->model[i] != p)
			record_failure(w, "final perm", page_gpa(i), v);
		f->seen[i / 64] |= 1ull << (i % 64);
	}
}

static void final_audit(struct world *w)
{
	static struct final f;

	memset(&f, 0, sizeof(f));
	f.w = w;
	ept_for_each_leaf(&w->e, final_leaf, &f);
	for (uint64_t i = 0; i < NPAGES; i++)
		if (!!w->model[i] != !!(f.seen[i / 64] & (1ull << (i % 64))))
			record_failure(w, "final mapped/unmapped", page_gpa(i), w->model[i]);
}

/* ------------------------------------------------------------ the test */

static void world_init(struct world *w)
{
	struct ept_allocator al = { w, w_alloc, w_free, w_p2v };

	memset(w, 0, sizeof(*w));
	assert_true(arena_init(&w->arena, ARENA_PAGES));
	w->parked = calloc(ARENA_PAGES, sizeof(*w->parked));
	assert_non_null(w->parked);
	assert_int_equal(ept_init(&w->e, &al, &caps, false), EPT_OK);
	assert_int_equal(ept_map(&w->e, REGION_GPA, REGION_GPA + HPA_OFFSET, REGION_SIZE,
				 attr(perms[NPERMS - 1]), 0, NULL), EPT_OK);
	memset(w->model, (int)perms[NPERMS - 1], NPAGES);
	w->writers_left = 2;
}

static void world_fini(struct world *w)
{
	ept_destroy(&w->e);
	release_parked(w);
	assert_int_equal(w->arena.in_use, 0);
	arena_fini(&w->arena);
	free(w->parked);
}

static void test_one_writer_at_a_time_many_readers(void **state)
{
	static struct world w;
	struct writer_arg wa[2] = { { &w, 0 }, { &w, 1 } };
	pthread_t rt[READERS], wt[2];
	struct ept_stats st;

	(void)state;
	world_init(&w);
	assert_int_equal(w.e.stats.bytes_2m, REGION_SIZE);
	for (int i = 0; i < READERS; i++)
		assert_int_equal(pthread_create(&rt[i], NULL, reader, &w), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&wt[i], NULL, writer, &wa[i]), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_join(wt[i], NULL), 0);
	for (int i = 0; i < READERS; i++)
		assert_int_equal(pthread_join(rt[i], NULL), 0);

	final_audit(&w);
	if (w.failures)
		fprintf(stderr, "%llu failures; first: %s\n", (unsigned long long)w.failures, w.first_failure);
	assert_int_equal(w.failures, 0);
	assert_true(w.reader_checks >= READERS * READER_MIN_ITERS);
	ept_get_stats(&w.e, &st);
	assert_true(chunk_uniform(&w, 0));      /* both writers restored it */
	assert_true(st.bytes_2m >= M2);
	assert_int_equal(w.arena.in_use - w.nparked, st.tables);
	world_fini(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_writer_at_a_time_many_readers),
	};

	return cmocka_run_group_tests_name("ept_concurrency", tests, NULL, NULL);
}
