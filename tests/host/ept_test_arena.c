// SPDX-License-Identifier: MIT
/* tests/host/ept_test_arena.c - simulated physical memory, see the header. */
#include "tests/host/ept_test_arena.h"

#include <stdlib.h>
#include <string.h>

bool arena_init(struct ept_arena *a, uint64_t npages)
{
	memset(a, 0, sizeof(*a));
	a->mem = aligned_alloc(4096, npages * 4096);
	a->free_stack = malloc(npages * sizeof(*a->free_stack));
	a->used = calloc(npages, 1);
	if (!a->mem || !a->free_stack || !a->used) {
		arena_fini(a);
		return false;
	}
	a->npages = npages;
	/* Hand out low pages first (stack pops from the end). */
	for (uint64_t i = 0; i < npages; i++)
		a->free_stack[i] = (uint32_t)(npages - 1 - i);
	a->nfree = npages;
	a->fail_after = -1;
	a->poison = true;
	return true;
}

void arena_fini(struct ept_arena *a)
{
	free(a->mem);
	free(a->free_stack);
	free(a->used);
	memset(a, 0, sizeof(*a));
}

bool arena_owns(const struct ept_arena *a, hpa_t pa)
{
	return pa >= ARENA_BASE_HPA && (pa & 4095) == 0 &&
	       (pa - ARENA_BASE_HPA) / 4096 < a->npages;
}

void *arena_virt(struct ept_arena *a, hpa_t pa)
{
	if (!arena_owns(a, pa) || !a->used[(pa - ARENA_BASE_HPA) / 4096])
		__builtin_trap();    /* library touched a page it does not own */
	return a->mem + (pa - ARENA_BASE_HPA);
}

static hpa_t arena_alloc(void *ctx)
{
	struct ept_arena *a = ctx;
	uint64_t idx;

	if (a->fail_after == 0 || !a->nfree) {
		a->failures++;
		return 0;
	}
	if (a->fail_after > 0)
		a->fail_after--;
	idx = a->free_stack[--a->nfree];
	a->used[idx] = 1;
	a->in_use++;
	a->allocs++;
	if (a->in_use > a->peak)
		a->peak = a->in_use;
	if (a->poison)
		memset(a->mem + idx * 4096, 0xa5, 4096);
	return ARENA_BASE_HPA + idx * 4096;
}

static void arena_free(void *ctx, hpa_t pa)
{
	struct ept_arena *a = ctx;
	uint64_t idx;

	if (!arena_owns(a, pa))
		__builtin_trap();
	idx = (pa - ARENA_BASE_HPA) / 4096;
	if (!a->used[idx])
		__builtin_trap();    /* double free */
	a->used[idx] = 0;
	a->in_use--;
	a->frees++;
	if (a->poison)
		memset(a->mem + idx * 4096, 0x5a, 4096);
	a->free_stack[a->nfree++] = (uint32_t)idx;
}

static void *arena_p2v(void *ctx, hpa_t pa)
{
	return arena_virt(ctx, pa);
}

struct ept_allocator arena_allocator(struct ept_arena *a)
{
	struct ept_allocator al = {
		.ctx = a,
		.alloc_page = arena_alloc,
		.free_page = arena_free,
		.phys_to_virt = arena_p2v,
	};
	return al;
}
