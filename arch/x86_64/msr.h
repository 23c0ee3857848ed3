/* Model-specific register numbers used by the hypervisor (SDM Vol. 4 §2.1 "Architectural MSRs",
 * Table 2-2; SDM Vol. 3D Appendix A "VMX Capability Reporting Facility"). */
#ifndef ARCH_X86_64_MSR_H
#define ARCH_X86_64_MSR_H

#define IA32_FEATURE_CONTROL          0x03A
#define IA32_APIC_BASE                0x01B
#define IA32_SYSENTER_CS              0x174
#define IA32_SYSENTER_ESP             0x175
#define IA32_SYSENTER_EIP             0x176
#define IA32_SMM_MONITOR_CTL          0x09B
#define IA32_DEBUGCTL                 0x1D9
#define IA32_PAT                      0x277
#define IA32_VMX_BASIC                0x480
#define IA32_VMX_PINBASED_CTLS        0x481
#define IA32_VMX_PROCBASED_CTLS       0x482
#define IA32_VMX_EXIT_CTLS            0x483
#define IA32_VMX_ENTRY_CTLS           0x484
#define IA32_VMX_MISC                 0x485
#define IA32_VMX_CR0_FIXED0           0x486
#define IA32_VMX_CR0_FIXED1           0x487
#define IA32_VMX_CR4_FIXED0           0x488
#define IA32_VMX_CR4_FIXED1           0x489
#define IA32_VMX_VMCS_ENUM            0x48A
#define IA32_VMX_PROCBASED_CTLS2      0x48B
#define IA32_VMX_EPT_VPID_CAP         0x48C
#define IA32_VMX_TRUE_PINBASED_CTLS   0x48D
#define IA32_VMX_TRUE_PROCBASED_CTLS  0x48E
#define IA32_VMX_TRUE_EXIT_CTLS       0x48F
#define IA32_VMX_TRUE_ENTRY_CTLS      0x490
#define IA32_VMX_VMFUNC               0x491
#define IA32_VMX_PROCBASED_CTLS3      0x492
#define IA32_S_CET                    0x6A2
#define IA32_X2APIC_BASE              0x800   /* x2APIC register at xAPIC offset o: 0x800 + o / 16 */
#define IA32_EFER                     0xC0000080
#define IA32_STAR                     0xC0000081
#define IA32_LSTAR                    0xC0000082
#define IA32_CSTAR                    0xC0000083
#define IA32_FMASK                    0xC0000084
#define IA32_FS_BASE                  0xC0000100
#define IA32_GS_BASE                  0xC0000101
#define IA32_KERNEL_GS_BASE           0xC0000102
#define IA32_TSC_AUX                  0xC0000103

/* IA32_APIC_BASE bits (SDM Vol. 3A §11.4.4 "Local APIC Status and Location"). */
#define APIC_BASE_X2APIC_ENABLE       (1ull << 10)
#define APIC_BASE_ENABLE              (1ull << 11)
#define APIC_BASE_ADDR_MASK           0x000ffffffffff000ull

/* IA32_FEATURE_CONTROL bits (SDM Vol. 3C §24.7 "Enabling and Entering VMX Operation"). */
#define FEATURE_CONTROL_LOCK                 (1ull << 0)
#define FEATURE_CONTROL_VMX_INSIDE_SMX       (1ull << 1)
#define FEATURE_CONTROL_VMX_OUTSIDE_SMX      (1ull << 2)

/* IA32_VMX_BASIC fields (SDM Vol. 3D Appendix A.1 "Basic VMX Information"). */
#define VMX_BASIC_REVISION_MASK       0x7fffffffull
#define VMX_BASIC_REGION_SIZE_SHIFT   32
#define VMX_BASIC_REGION_SIZE_MASK    0x1fffull          /* bits 44:32 */
#define VMX_BASIC_MEMTYPE_SHIFT       50
#define VMX_BASIC_MEMTYPE_MASK        0xfull             /* bits 53:50 */
#define VMX_BASIC_INS_OUTS_INFO       (1ull << 54)
#define VMX_BASIC_TRUE_CONTROLS       (1ull << 55)
#define VMX_BASIC_NO_ERROR_CODE_REQUIREMENT (1ull << 56)   /* inject a hardware exception with or without an error code */

/* IA32_VMX_MISC fields (SDM Vol. 3D Appendix A.6 "Miscellaneous Data"). */
#define VMX_MISC_PREEMPT_RATE_MASK    0x1full            /* bits 4:0 */
#define VMX_MISC_STORE_EFER_LMA       (1ull << 5)
#define VMX_MISC_ACTIVITY_HLT         (1ull << 6)
#define VMX_MISC_ACTIVITY_SHUTDOWN    (1ull << 7)
#define VMX_MISC_ACTIVITY_WAIT_SIPI   (1ull << 8)
#define VMX_MISC_CR3_TARGET_COUNT_SHIFT 16
#define VMX_MISC_CR3_TARGET_COUNT_MASK  0x1ffull      /* bits 24:16 */
#define VMX_MISC_MAX_MSR_LIST_SHIFT   25
#define VMX_MISC_MAX_MSR_LIST_MASK    0x7ull        /* bits 27:25: 512 * (N + 1) entries */
#define VMX_MISC_ZERO_LENGTH_INJECTION (1ull << 30)

/* IA32_VMX_VMFUNC (SDM Vol. 3D Appendix A.11 "VM Functions"): VM function 0. */
#define VMX_VMFUNC_EPTP_SWITCHING     (1ull << 0)

/* IA32_VMX_EPT_VPID_CAP bits: ept/ept_bits.h (VMX_EPT_CAP_*, VMX_VPID_CAP_*). */

/* IA32_EFER bits (SDM Vol. 3A §2.2.1 "Extended Feature Enable Register"). */
#define EFER_SCE                      (1ull << 0)
#define EFER_LME                      (1ull << 8)
#define EFER_LMA                      (1ull << 10)
#define EFER_NXE                      (1ull << 11)

/* IA32_EFER bits an Intel 64 CPU defines; the rest is reserved. */
#define EFER_DEFINED_INTEL (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)

/* IA32_DEBUGCTL bits (SDM Vol. 3B §18.4.1 "IA32_DEBUGCTL MSR"), and the bits the SDM defines (0 LBR,
 * 1 BTF, 2 bus-lock detection, 6 TR, 7 BTS, 8 BTINT, 9 BTS_OFF_OS, 10 BTS_OFF_USR,
 * 11 FREEZE_LBRS_ON_PMI, 12 FREEZE_PERFMON_ON_PMI, 13 ENABLE_UNCORE_PMI, 14 FREEZE_WHILE_SMM,
 * 15 RTM_DEBUG); which of them a given CPU accepts is model-specific. */
#define DEBUGCTL_LBR                  (1ull << 0)        /* record last branches */
#define DEBUGCTL_BTF                  (1ull << 1)        /* single-step on branches */
#define DEBUGCTL_DEFINED_BITS         0xffc7ull

/* IA32_PAT: eight one-byte entries, each a memory type (SDM Vol. 3B §12.12.2 "IA32_PAT MSR",
 * "Memory Types That Can Be Encoded With PAT"); 2, 3 and 8-0xff are reserved. */
#define PAT_MT_UC                     0x0
#define PAT_MT_WC                     0x1
#define PAT_MT_WT                     0x4
#define PAT_MT_WP                     0x5
#define PAT_MT_WB                     0x6
#define PAT_MT_UC_MINUS               0x7
#define PAT_ENTRIES                   8
#define PAT_ENTRY_BITS                8
#define PAT_POWER_ON                  0x0007040600070406ull   /* §12.12.4 "Programming the PAT" */
#define PAT_VALID_TYPES ((1u << PAT_MT_UC) | (1u << PAT_MT_WC) | (1u << PAT_MT_WT) | (1u << PAT_MT_WP) | \
			 (1u << PAT_MT_WB) | (1u << PAT_MT_UC_MINUS))

/* The first entry of a PAT value holding a reserved memory type, or PAT_ENTRIES if none does. */
static inline unsigned pat_bad_entry(uint64_t pat)
{
	for (unsigned i = 0; i < PAT_ENTRIES; i++) {
		uint64_t type = (pat >> (i * PAT_ENTRY_BITS)) & 0xff;

		if (type > PAT_MT_UC_MINUS || !(PAT_VALID_TYPES & (1u << type)))
			return i;
	}
	return PAT_ENTRIES;
}

/* IA32_S_CET, IA32_BNDCFGS and IA32_PKRS (SDM Vol. 4 Table 2-2 "IA-32 Architectural MSRs").
 * IA32_S_CET: bits 9:6 reserved; SUPPRESS (10)
 * and TRACKER (11) never both set; bits 63:12 the legacy-code bitmap base (a linear address). SSP
 * values are 4-byte aligned. */
#define CET_S_CET_RESERVED            0x3c0ull
#define CET_SUPPRESS                  (1ull << 10)
#define CET_TRACKER                   (1ull << 11)
#define CET_SSP_ALIGN_MASK            0x3ull

/* IA32_BNDCFGS: bits 11:2 reserved, bits 63:12 the base of the bound directory (linear). */
#define BNDCFGS_RESERVED              0xffcull
#define BNDCFGS_BASE_MASK             (~0xfffull)

/* IA32_PKRS: 16 two-bit keys in bits 31:0; bits 63:32 reserved. */
#define PKRS_RESERVED                 0xffffffff00000000ull

/* MSRs 0x800-0x8ff are the x2APIC's: index >> 8 == IA32_X2APIC_BASE >> 8 (a VM-entry MSR-load
 * entry may not name one). */
#define X2APIC_MSR_RANGE_SHIFT        8

#endif
