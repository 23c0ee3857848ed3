/* Architectural register bits and reserved-bit masks the VM-entry checks name (vmm/vmx/entry_check*.c),
 * beyond cr.h, msr.h, segment.h, pte.h and idt.h. SDM Vol. 3A §2.3 "System Flags and Fields in the
 * EFLAGS Register", §2.5 "Control Registers", §3.4.2 "Segment Selectors", §3.4.5.1 "Code- and
 * Data-Segment Descriptor Types", §3.5 "System Descriptor Types", §4.4 "PAE Paging", §6.13 "Error
 * Code", §6.15 "Exception and Interrupt Reference", §18.2.4 "Debug Control Register (DR7)", §18.4.1
 * "IA32_DEBUGCTL MSR"; SDM Vol. 1 §3.3.7.1 "Canonical Addressing"; SDM Vol. 4 Table 2-2
 * "IA-32 Architectural MSRs" (IA32_PAT, IA32_EFER, IA32_S_CET, IA32_BNDCFGS, IA32_PKRS). */
#ifndef ARCH_X86_64_REG_BITS_H
#define ARCH_X86_64_REG_BITS_H

#include "arch/x86_64/cr.h"
#include "arch/x86_64/msr.h"
#include "arch/x86_64/segment.h"

#define CR0_NW (1ull << 29)   /* not write-through */
#define CR0_CD (1ull << 30)   /* cache disable */
#define CR4_PCIDE (1ull << 17)   /* process-context identifiers */

#define RFLAGS_TF (1ull << 8)    /* trap */
#define RFLAGS_VM (1ull << 17)   /* virtual-8086 mode */
/* Reserved, always 0: bits 63:22, 15, 5 and 3 (bit 1 is RFLAGS_RESERVED1). */
#define RFLAGS_RESERVED0 0xffffffffffc08028ull

#define DR7_RESERVED_HIGH 0xffffffff00000000ull   /* bits 63:32 */

/* IA32_DEBUGCTL: BTF (single-step on branches), and the bits the SDM defines (0 LBR, 1 BTF, 2 bus-lock
 * detection, 6 TR, 7 BTS, 8 BTINT, 9 BTS_OFF_OS, 10 BTS_OFF_USR, 11 FREEZE_LBRS_ON_PMI,
 * 12 FREEZE_PERFMON_ON_PMI, 13 ENABLE_UNCORE_PMI, 14 FREEZE_WHILE_SMM, 15 RTM_DEBUG); which of them a
 * given CPU accepts is model-specific. */
#define DEBUGCTL_BTF          (1ull << 1)
#define DEBUGCTL_DEFINED_BITS 0xffc7ull

/* IA32_EFER bits an Intel 64 CPU defines: SCE, LME, LMA, NXE; the rest is reserved. */
#define EFER_DEFINED_INTEL (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)

/* IA32_PAT: each byte one of 0 UC, 1 WC, 4 WT, 5 WP, 6 WB, 7 UC-; as a set of allowed values. */
#define PAT_ENTRY_BITS      8
#define PAT_ENTRIES         8
#define PAT_ENTRY_MASK      0x7ull   /* the type is bits 2:0 of each byte; bits 7:3 are reserved */
#define PAT_VALID_TYPES     0xf3u    /* bit n set: type n is valid */

/* Selectors. */
#define SEL_RPL_MASK 0x3u
#define SEL_TI       (1u << 2)   /* table indicator: LDT */

/* Segment types (bits 3:0 of the access rights) beyond segment.h. */
#define SEG_AR_TYPE_MASK        0xfu
#define SEG_TYPE_CODE           (1u << 3)   /* code (1) or data (0), when S = 1 */
#define SEG_TYPE_CODE_CONFORMING (1u << 2)
#define SEG_TYPE_CODE_READABLE  (1u << 1)
#define SEG_TYPE_DATA_EXPAND_DOWN (1u << 2)
#define SEG_TYPE_LDT            0x2u        /* system: LDT */
#define SEG_TYPE_TSS16_BUSY     0x3u        /* system: 16-bit TSS, busy */
#define SEG_AR_DPL_MASK         (3u << SEG_AR_DPL_SHIFT)
#define SEG_LIMIT_PAGE_LOW      0x00000fffu   /* limit bits 11:0: with G = 1 these read as 1 */
#define SEG_LIMIT_PAGE_HIGH     0xfff00000u   /* limit bits 31:20: set only with G = 1 */
/* Real-address and virtual-8086 segments: base = selector * 16, limit 0xffff. */
#define SEG_REAL_BASE_SHIFT     4
#define SEG_LIMIT_64K           0xffffu

/* GDTR and IDTR limits are 16 bits. */
#define DTR_LIMIT_MASK 0xffffull

/* Canonical addresses: bits 63:N equal bit N-1, N = the linear-address width (48 with 4-level
 * paging, 57 with 5-level paging). */
#define LINEAR_WIDTH_4LEVEL 48u
#define LINEAR_WIDTH_5LEVEL 57u

/* Exception vectors beyond idt.h; the ones that push an error code (besides #CP). */
#define VEC_DB 1     /* debug */
#define VEC_TS 10    /* invalid TSS */
#define VEC_NP 11    /* segment not present */
#define VEC_SS 12    /* stack fault */
#define VEC_PF 14    /* page fault */
#define VEC_AC 17    /* alignment check */
#define VEC_LAST_EXCEPTION 31

/* PAE paging: CR3 bits 31:5 locate four 8-byte PDPTEs; in a present PDPTE bits 2:1 and 8:5 are
 * reserved, as are the bits at and above MAXPHYADDR. */
#define PAE_CR3_PDPT_MASK   0xffffffe0ull
#define PAE_PDPTES          4
#define PAE_PDPTE_RESERVED  0x1e6ull

/* IA32_S_CET: bits 9:6 reserved; SUPPRESS (10) and TRACKER (11) never both set; bits 63:12 the
 * legacy-code bitmap base (a linear address). SSP values are 4-byte aligned. */
#define CET_S_CET_RESERVED  0x3c0ull
#define CET_SUPPRESS        (1ull << 10)
#define CET_TRACKER         (1ull << 11)
#define CET_SSP_ALIGN_MASK  0x3ull

/* IA32_BNDCFGS: bits 11:2 reserved, bits 63:12 the base of the bound directory (linear). */
#define BNDCFGS_RESERVED    0xffcull
#define BNDCFGS_BASE_MASK   (~0xfffull)

/* IA32_PKRS: 16 two-bit keys in bits 31:0; bits 63:32 reserved. */
#define PKRS_RESERVED       0xffffffff00000000ull

/* MSRs the VM-entry MSR-load checks name. */
#define IA32_SMM_MONITOR_CTL 0x09B
#define X2APIC_MSR_RANGE_SHIFT 8   /* MSRs 0x800-0x8ff: index >> 8 == IA32_X2APIC_BASE >> 8 */

#endif
