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

/* Canonical addresses: bits 63:N equal bit N-1, N = the linear-address width (48 with 4-level
 * paging, 57 with 5-level paging; SDM Vol. 1 §3.3.7.1 "Canonical Addressing"). */
#define LINEAR_WIDTH_4LEVEL 48u
#define LINEAR_WIDTH_5LEVEL 57u

/* PAE paging (SDM Vol. 3A §4.4 "PAE Paging"): CR3 bits 31:5 locate four 8-byte PDPTEs; in a present
 * PDPTE bits 2:1 and 8:5 are reserved, as are the bits at and above MAXPHYADDR. */
#define PAE_CR3_PDPT_MASK  0xffffffe0ull
#define PAE_PDPTES         4
#define PAE_PDPTE_RESERVED 0x1e6ull

#endif
