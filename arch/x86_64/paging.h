/* The hypervisor's own page tables: an identity map of physical memory, in pool pages
 * (SDM Vol. 3A §4.5 "4-Level Paging and 5-Level Paging"). */
#ifndef ARCH_X86_64_PAGING_H
#define ARCH_X86_64_PAGING_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/mtrr.h"

#define PAGING_MAX_RANGES 4

/* What to map and how. Ranges are physical [base, end), rounded out to 4 KiB; they may overlap. */
struct paging_plan {
	unsigned levels;                     /* 4, or 5 when the firmware left CR4.LA57 on */
	bool page_1g;                        /* CPUID.80000001H:EDX.Page1GB */
	const struct mtrr_state *mtrr;       /* a large page never spans two memory types; 0 = ignore */
	unsigned nranges;
	struct {
		uint64_t base, end;
	} range[PAGING_MAX_RANGES];
};

struct paging_result {
	uint64_t cr3;
	uint64_t top;                        /* end of the highest mapped range */
	uint64_t tables;
	uint64_t pages_1g, pages_2m, pages_4k;
};

/* Paging levels in use: 5 if CR4.LA57 is set (it cannot be cleared in 64-bit mode), else 4. */
unsigned paging_levels(uint64_t cr4);
/* Build the identity map in pages from alloc_page (zeroed, 4 KiB, their address usable as a
 * pointer). Returns 0 with out filled, or -1 when alloc_page ran out or the plan is invalid.
 * Loading CR3 is the caller's. */
int paging_build_identity(const struct paging_plan *plan, uint64_t (*alloc_page)(void), struct paging_result *out);

#endif
