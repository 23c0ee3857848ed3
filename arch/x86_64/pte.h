/* 4-level paging entries (SDM Vol. 3A §4.5 "4-Level Paging and 5-Level Paging", Tables 4-15..4-20):
 * the bits the hypervisor's identity map and the guest's boot page tables use. */
#ifndef ARCH_X86_64_PTE_H
#define ARCH_X86_64_PTE_H

#define PTE_P  (1ull << 0)   /* present */
#define PTE_RW (1ull << 1)   /* read/write */
#define PTE_PS (1ull << 7)   /* page size: a PDPTE maps 1 GiB, a PDE 2 MiB */
#define PTE_ADDR_MASK 0x000ffffffffff000ull   /* bits 51:12 of a table or 4 KiB page */

#define PT_ENTRIES 512
#define PAGE_SIZE_2M (1ull << 21)
#define PAGE_SIZE_1G (1ull << 30)

#endif
