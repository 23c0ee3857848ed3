/* Model-specific register numbers used by the hypervisor (SDM Vol. 4, Table 2-2; Vol. 3D Appendix A). */
#ifndef ARCH_X86_64_MSR_H
#define ARCH_X86_64_MSR_H

#define IA32_FEATURE_CONTROL          0x03A
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
#define IA32_EFER                     0xC0000080
#define IA32_STAR                     0xC0000081
#define IA32_LSTAR                    0xC0000082
#define IA32_CSTAR                    0xC0000083
#define IA32_FMASK                    0xC0000084
#define IA32_FS_BASE                  0xC0000100
#define IA32_GS_BASE                  0xC0000101
#define IA32_KERNEL_GS_BASE           0xC0000102
#define IA32_TSC_AUX                  0xC0000103

/* IA32_FEATURE_CONTROL bits (SDM Vol. 3C §24.7 "Enabling and Entering VMX Operation"). */
#define FEATURE_CONTROL_LOCK                 (1ull << 0)
#define FEATURE_CONTROL_VMX_INSIDE_SMX       (1ull << 1)
#define FEATURE_CONTROL_VMX_OUTSIDE_SMX      (1ull << 2)

/* IA32_VMX_BASIC fields (SDM Vol. 3D Appendix A.1). */
#define VMX_BASIC_REVISION_MASK       0x7fffffffull
#define VMX_BASIC_REGION_SIZE_SHIFT   32
#define VMX_BASIC_REGION_SIZE_MASK    0x1fffull          /* bits 44:32 */
#define VMX_BASIC_MEMTYPE_SHIFT       50
#define VMX_BASIC_MEMTYPE_MASK        0xfull             /* bits 53:50 */
#define VMX_BASIC_INS_OUTS_INFO       (1ull << 54)
#define VMX_BASIC_TRUE_CONTROLS       (1ull << 55)

/* IA32_VMX_MISC fields (SDM Vol. 3D Appendix A.6). */
#define VMX_MISC_PREEMPT_RATE_MASK    0x1full            /* bits 4:0 */
#define VMX_MISC_STORE_EFER_LMA       (1ull << 5)
#define VMX_MISC_ACTIVITY_HLT         (1ull << 6)

/* IA32_VMX_EPT_VPID_CAP bits: ept/ept_bits.h (VMX_EPT_CAP_*, VMX_VPID_CAP_*). */

/* IA32_EFER bits (SDM Vol. 3A §2.2.1). */
#define EFER_SCE                      (1ull << 0)
#define EFER_LME                      (1ull << 8)
#define EFER_LMA                      (1ull << 10)
#define EFER_NXE                      (1ull << 11)

/* IA32_DEBUGCTL bits (SDM Vol. 3B §18.4.1 "IA32_DEBUGCTL MSR"). */
#define DEBUGCTL_LBR                  (1ull << 0)        /* record last branches */
#define DEBUGCTL_BTF                  (1ull << 1)        /* single-step on branches */

/* IA32_PAT: eight one-byte entries, each a memory type (SDM Vol. 3B §12.12.2 "IA32_PAT MSR",
 * "Memory Types That Can Be Encoded With PAT"); 2, 3 and 8-0xff are reserved. */
#define PAT_MT_UC                     0x0
#define PAT_MT_WC                     0x1
#define PAT_MT_WT                     0x4
#define PAT_MT_WP                     0x5
#define PAT_MT_WB                     0x6
#define PAT_MT_UC_MINUS               0x7
#define PAT_ENTRIES                   8
#define PAT_POWER_ON                  0x0007040600070406ull   /* §12.12.4 "Programming the PAT" */

#endif
