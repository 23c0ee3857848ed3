/* SPDX-License-Identifier: MIT */
/*
 * tests/host/ept_test_arena.h - simulated physical memory for EPT tests.
 *
 * A fixed number of 4 KiB pages at a fake host-physical base.  alloc_page
 * hands out *unzeroed* pages (poisoned with 0xa5) so the library must zero
 * them; free_page poisons again and traps on double or foreign frees.  A
 * fail-after knob makes the N+1-th allocation fail, for rollback tests.
 */
#ifndef HV_EPT_TEST_ARENA_H
#define HV_EPT_TEST_ARENA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ept/ept.h"

#define ARENA_BASE_HPA 0x40000000ull   /* where the fake "RAM" starts */

struct ept_arena {
	uint8_t *mem;            /* npages * 4 KiB, 4 KiB aligned */
	uint64_t npages;
	uint32_t *free_stack;    /* indices of free pages */
	uint64_t nfree;
	uint8_t *used;           /* 1 per page in use */
	uint64_t in_use;
	uint64_t peak;
	uint64_t allocs, frees;
	int64_t fail_after;      /* < 0: never; else allocations left before failing */
	uint64_t failures;
	bool poison;             /* poison pages on alloc/free (default true) */
};

bool arena_init(struct ept_arena *a, uint64_t npages);
void arena_fini(struct ept_arena *a);
/* The allocator callbacks, ready for ept_init(). */
struct ept_allocator arena_allocator(struct ept_arena *a);
bool arena_owns(const struct ept_arena *a, hpa_t pa);
void *arena_virt(struct ept_arena *a, hpa_t pa);

#endif /* HV_EPT_TEST_ARENA_H */
