/* The hypervisor's page pool: 4 KiB pages carved from one region the loader allocated from UEFI.
 * Host page tables, the VMXON region, VMCS, bitmaps and EPT tables all come from here. */
#ifndef ARCH_LIB_PAGE_POOL_H
#define ARCH_LIB_PAGE_POOL_H

#include <stdint.h>

#define PAGE_SIZE 4096ull

void pool_init(uint64_t base, uint64_t size);
uint64_t pool_alloc_page(void);        /* zeroed page, or 0 when the pool is exhausted */
/* n zeroed pages, contiguous, from the part of the pool never handed out; 0 if it is too small. */
uint64_t pool_alloc_contiguous(uint64_t n);
void pool_free_page(uint64_t pa);
uint64_t pool_pages_in_use(void);
uint64_t pool_pages_total(void);
int pool_contains(uint64_t pa);         /* inside the pool region */

#endif
