/* MSR bits the VM-entry checks name (vmm/vmx/entry_check*.c); they move to msr.h once the MSR work on
 * the rh-state branch lands. SDM Vol. 3B §18.4.1 "IA32_DEBUGCTL MSR"; SDM Vol. 4 Table 2-2 "IA-32
 * Architectural MSRs" (IA32_PAT, IA32_EFER, IA32_S_CET, IA32_BNDCFGS, IA32_PKRS). */
#ifndef ARCH_X86_64_REG_BITS_H
#define ARCH_X86_64_REG_BITS_H

#include "arch/x86_64/cr.h"
#include "arch/x86_64/msr.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/pte.h"
#include "arch/x86_64/segment.h"

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
