/* Model-specific register numbers used by the hypervisor (SDM Vol. 4 §2.1 "Architectural MSRs",
 * Table 2-2; SDM Vol. 3D Appendix A "VMX Capability Reporting Facility"). */
#ifndef ARCH_X86_64_MSR_H
#define ARCH_X86_64_MSR_H

#define IA32_FEATURE_CONTROL          0x03A
#define IA32_APIC_BASE                0x01B
#define IA32_SYSENTER_CS              0x174
#define IA32_SYSENTER_ESP             0x175
#define IA32_SYSENTER_EIP             0x176
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
#define IA32_FS_BASE                  0xC0000100
#define IA32_GS_BASE                  0xC0000101

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

/* IA32_VMX_MISC fields (SDM Vol. 3D Appendix A.6 "Miscellaneous Data"). */
#define VMX_MISC_PREEMPT_RATE_MASK    0x1full            /* bits 4:0 */
#define VMX_MISC_STORE_EFER_LMA       (1ull << 5)
#define VMX_MISC_ACTIVITY_HLT         (1ull << 6)

/* IA32_VMX_EPT_VPID_CAP bits: ept/ept_bits.h (VMX_EPT_CAP_*, VMX_VPID_CAP_*). */

/* IA32_EFER bits (SDM Vol. 3A §2.2.1 "Extended Feature Enable Register"). */
#define EFER_SCE                      (1ull << 0)
#define EFER_LME                      (1ull << 8)
#define EFER_LMA                      (1ull << 10)
#define EFER_NXE                      (1ull << 11)

#endif
