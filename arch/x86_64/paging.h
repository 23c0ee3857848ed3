/* The hypervisor's own page tables: an identity map of physical memory, in pool pages. */
#ifndef ARCH_X86_64_PAGING_H
#define ARCH_X86_64_PAGING_H

#include <stdint.h>

struct paging_result {
	uint64_t cr3;
	uint64_t mapped_bytes;
	uint64_t page_size;      /* 1 GiB or 2 MiB */
	uint64_t tables;
};

/* Build and load (CR3) an identity map of [0, top) using 1 GiB pages when CPUID says the CPU
 * has them, else 2 MiB pages. Returns 0, or -1 when the pool ran out (nothing loaded). */
int paging_install_identity(uint64_t top, uint64_t (*alloc_page)(void), struct paging_result *out);

#endif
