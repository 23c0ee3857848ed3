/* VMX formats and capability fields the VM-entry checker (vmm/vmx/entry_check*.c) names beyond
 * controls.h, arch/x86_64/msr.h, ept/ept_bits.h and vmm/decode/interruption_info.h. SDM Vol. 3C
 * §25.2 "Format of the VMCS Region", §25.4.2 "Guest Non-Register State", §25.6.8 "Controls for APIC
 * Virtualization", §25.7.2 "VM-Exit Controls for MSRs", §25.8.3 "VM-Entry Controls for Event
 * Injection", §30.1.1 "Virtualized APIC Registers"; Vol. 3D Appendix A.1 "Basic VMX Information",
 * A.6 "Miscellaneous Data", A.11 "VM Functions". Facts in tests/reference/vmx/ are checked there by
 * test_entry_check_ref. */
#ifndef VMM_VMX_VMX_BITS_H
#define VMM_VMX_VMX_BITS_H

#include "ept/ept_bits.h"

/* EPTP bits 5:3 = 4: a 5-level EPT walk (IA32_VMX_EPT_VPID_CAP[7]). */
#define EPTP_WALK_LENGTH_5 (4ull << EPTP_WALK_LENGTH_SHIFT)

/* The first 32 bits of a VMCS region: bits 30:0 the revision identifier, bit 31 "shadow VMCS". */
#define VMCS_SHADOW_INDICATOR (1u << 31)

/* Activity states. */
#define GUEST_ACTIVITY_ACTIVE    0u
#define GUEST_ACTIVITY_HLT       1u
#define GUEST_ACTIVITY_SHUTDOWN  2u
#define GUEST_ACTIVITY_WAIT_SIPI 3u

/* Interruptibility state; bits 31:5 are reserved. */
#define GUEST_INTR_STATE_STI      (1u << 0)
#define GUEST_INTR_STATE_MOV_SS   (1u << 1)
#define GUEST_INTR_STATE_SMI      (1u << 2)
#define GUEST_INTR_STATE_NMI      (1u << 3)
#define GUEST_INTR_STATE_ENCLAVE  (1u << 4)
#define GUEST_INTR_STATE_RESERVED 0xffffffe0u

/* Pending debug exceptions: B3-B0, enabled breakpoint (12), BS (14), RTM (16); the rest reserved. */
#define PENDING_DBG_B0_B3        0xfull
#define PENDING_DBG_ENABLED_BP   (1ull << 12)
#define PENDING_DBG_BS           (1ull << 14)
#define PENDING_DBG_RTM          (1ull << 16)
#define PENDING_DBG_RESERVED     0xfffffffffffeaff0ull   /* bits 11:4, 13, 15, 63:17 */

/* VM-entry interruption information: bits 30:12 reserved; type 1 is reserved. The VM-entry
 * exception error code has 16 bits; the instruction length of a software event is 0-15. */
#define ENTRY_INTR_INFO_RESERVED   0x7ffff000u
#define ENTRY_INTR_TYPE_RESERVED   1u
#define ENTRY_ERROR_CODE_RESERVED  0xffff0000u
#define ENTRY_INSTRUCTION_LEN_MAX  15u

/* VM-exit/VM-entry MSR areas: 16-byte entries (bits 31:0 the MSR index, bits 63:32 reserved,
 * bits 127:64 the data) at a 16-byte aligned address. */
#define VMX_MSR_ENTRY_SIZE     16u
#define VMX_MSR_AREA_ALIGN     0xfull
#define VMX_MSR_ENTRY_RESERVED 0xffffffff00000000ull
#define VMX_MSR_LIST_UNIT      512u   /* recommended maximum entries: this * (IA32_VMX_MISC[27:25] + 1) */

/* APIC virtualization: the posted-interrupt notification vector has 8 bits; the posted-interrupt
 * descriptor is 64-byte aligned; the TPR threshold has 4 bits; VTPR is at offset 080H of the
 * virtual-APIC page, its priority class in bits 7:4. */
#define POSTED_INTR_NV_RESERVED    0xff00u
#define POSTED_INTR_DESC_ALIGN     0x3full
#define TPR_THRESHOLD_RESERVED     0xfffffff0u
#define VAPIC_VTPR_OFFSET          0x080u
#define VTPR_CLASS_SHIFT           4

/* The user-interrupt notification vector has 8 bits. */
#define UINV_RESERVED 0xff00u

#endif
