/* SPDX-License-Identifier: MIT */
/*
 * ept/ept_bits.h - architectural constants for Extended Page Tables.
 *
 * Every value here is named after the SDM:
 *   SDM Vol. 3C §29.3.2 "EPT Translation Mechanism", Tables 29-1..29-6 (entry formats),
 *   §25.6.11 "Extended-Page-Table Pointer (EPTP)", Table 25-9,
 *   SDM Vol. 3D Appendix A.10 "VPID and EPT Capabilities" (IA32_VMX_EPT_VPID_CAP, MSR 0x48C).
 * tests/host/test_ept_ref.c checks each of them against
 * shared/reference/vmx/{ept_entry_format,vmx_msrs}.tsv at run time.
 */
#ifndef EPT_EPT_BITS_H
#define EPT_EPT_BITS_H

#include <stdint.h>

/* ---- EPT paging-structure entries (SDM Vol. 3C §29.3.2 "EPT Translation Mechanism", Tables 29-1..29-6) ---- */
#define EPT_PTE_READ            (1ull << 0)   /* R: data reads allowed */
#define EPT_PTE_WRITE           (1ull << 1)   /* W: data writes allowed */
#define EPT_PTE_EXEC            (1ull << 2)   /* X: instruction fetches (supervisor if MBEC) */
#define EPT_PTE_RWX             (EPT_PTE_READ | EPT_PTE_WRITE | EPT_PTE_EXEC)
#define EPT_PTE_MEMTYPE_SHIFT   3             /* leaf bits 5:3: EPT memory type */
#define EPT_PTE_MEMTYPE_MASK    (7ull << EPT_PTE_MEMTYPE_SHIFT)
#define EPT_PTE_IGNORE_PAT      (1ull << 6)   /* leaf: ignore guest PAT */
#define EPT_PTE_LARGE           (1ull << 7)   /* PDPTE/PDE: maps a 1 GiB / 2 MiB page */
#define EPT_PTE_ACCESSED        (1ull << 8)   /* A, written by the CPU if EPTP bit 6 */
#define EPT_PTE_DIRTY           (1ull << 9)   /* D (leaves), written by the CPU if EPTP bit 6 */
#define EPT_PTE_USER_EXEC       (1ull << 10)  /* user-mode execute, with MBEC (SDM Vol. 3C §29.3.3.2
					       * "EPT Violations") */
#define EPT_PTE_ADDR_MASK       0x000ffffffffff000ull   /* bits 51:12 */
#define EPT_PTE_VERIFY_GUEST_PAGING (1ull << 57)
#define EPT_PTE_PAGING_WRITE    (1ull << 58)
#define EPT_PTE_SSS             (1ull << 60)  /* supervisor shadow stack, if EPTP bit 7 */
#define EPT_PTE_SUPPRESS_VE     (1ull << 63)

/* Reserved low address bits of large pages (SDM Vol. 3C §29.3.2 "EPT Translation Mechanism",
 * Tables 29-2, 29-4). */
#define EPT_PDPTE_1G_RSVD_MASK  0x000000003ffff000ull  /* bits 29:12 */
#define EPT_PDE_2M_RSVD_MASK    0x00000000001ff000ull  /* bits 20:12 */
/* Bits 6:3 of a non-leaf entry are reserved (SDM Vol. 3C §29.3.2 "EPT Translation Mechanism",
 * Tables 29-1, 29-3, 29-5). */
#define EPT_NONLEAF_RSVD_MASK   (0xfull << 3)

/* EPT memory types (SDM Vol. 3C §29.3.7 "EPT and Memory Typing"): 2, 3 and 7 are reserved. */
#define EPT_MEMTYPE_UC          0
#define EPT_MEMTYPE_WC          1
#define EPT_MEMTYPE_WT          4
#define EPT_MEMTYPE_WP          5
#define EPT_MEMTYPE_WB          6

#define EPT_ENTRIES_PER_TABLE   512
#define EPT_PAGE_SHIFT          12
#define EPT_PAGE_SIZE_4K        (1ull << 12)
#define EPT_PAGE_SIZE_2M        (1ull << 21)
#define EPT_PAGE_SIZE_1G        (1ull << 30)
#define EPT_PML4E_SPAN          (1ull << 39)
/* A 4-level walk translates 48-bit guest-physical addresses (SDM Vol. 3C §29.3.2 "EPT Translation
 * Mechanism"). */
#define EPT_GPA_BITS_4LEVEL     48

/* ---- EPT pointer (SDM Vol. 3C §25.6.11 "Extended-Page-Table Pointer (EPTP)", Table 25-9) ---- */
#define EPTP_MEMTYPE_MASK       0x7ull        /* bits 2:0: paging-structure memory type */
#define EPTP_MEMTYPE_UC         0ull
#define EPTP_MEMTYPE_WB         6ull
#define EPTP_WALK_LENGTH_SHIFT  3             /* bits 5:3: page-walk length minus 1 */
#define EPTP_WALK_LENGTH_MASK   (7ull << EPTP_WALK_LENGTH_SHIFT)
#define EPTP_WALK_LENGTH_4      (3ull << EPTP_WALK_LENGTH_SHIFT)
#define EPTP_AD_ENABLE          (1ull << 6)   /* accessed/dirty flags */
#define EPTP_SSS_ENABLE         (1ull << 7)   /* supervisor shadow-stack control */
#define EPTP_RESERVED_MASK      (0xfull << 8) /* bits 11:8 */
#define EPTP_ADDR_MASK          EPT_PTE_ADDR_MASK

/* ---- IA32_VMX_EPT_VPID_CAP (MSR 0x48C, arch/x86_64/msr.h; SDM Vol. 3D Appendix A.10 "VPID and EPT
 * Capabilities") ---- */
#define VMX_EPT_CAP_EXECUTE_ONLY           (1ull << 0)
#define VMX_EPT_CAP_PAGE_WALK_LENGTH_4     (1ull << 6)
#define VMX_EPT_CAP_PAGE_WALK_LENGTH_5     (1ull << 7)
#define VMX_EPT_CAP_MEMTYPE_UC             (1ull << 8)
#define VMX_EPT_CAP_MEMTYPE_WB             (1ull << 14)
#define VMX_EPT_CAP_PDE_2MB                (1ull << 16)
#define VMX_EPT_CAP_PDPTE_1GB              (1ull << 17)
#define VMX_EPT_CAP_INVEPT                 (1ull << 20)
#define VMX_EPT_CAP_EPT_AD                 (1ull << 21)
#define VMX_EPT_CAP_ADVANCED_EXIT_INFO     (1ull << 22)
#define VMX_EPT_CAP_SUPERVISOR_SHADOW_STACK (1ull << 23)
#define VMX_EPT_CAP_INVEPT_SINGLE_CONTEXT  (1ull << 25)
#define VMX_EPT_CAP_INVEPT_ALL_CONTEXT     (1ull << 26)
#define VMX_VPID_CAP_INVVPID               (1ull << 32)
#define VMX_VPID_CAP_INVVPID_INDIVIDUAL_ADDR (1ull << 40)
#define VMX_VPID_CAP_INVVPID_SINGLE_CONTEXT (1ull << 41)
#define VMX_VPID_CAP_INVVPID_ALL_CONTEXT   (1ull << 42)
#define VMX_VPID_CAP_INVVPID_SINGLE_CONTEXT_RETAIN_GLOBALS (1ull << 43)

/* INVEPT types (SDM Vol. 3C §31.3 "VMX Instructions", INVEPT; also the values of enum ept_flush). */
#define INVEPT_TYPE_SINGLE_CONTEXT 1u
#define INVEPT_TYPE_ALL_CONTEXT    2u

#endif /* EPT_EPT_BITS_H */
