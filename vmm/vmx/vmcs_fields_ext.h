/* VMCS field encodings the VM-entry checker (vmm/vmx/entry_check*.c) reads beyond the ones the
 * hypervisor writes (vmm/vmx/vmcs_fields.h); SDM Vol. 3D Appendix B "Field Encoding in VMCS".
 * Names and values follow tests/reference/vmx/vmcs_fields.tsv, which test_entry_check_ref checks. */
#ifndef VMM_VMX_VMCS_FIELDS_EXT_H
#define VMM_VMX_VMCS_FIELDS_EXT_H

/* 16-bit fields */
#define POSTED_INTR_NV                 0x0002
#define GUEST_UINV                     0x0814

/* 64-bit fields */
#define VM_EXIT_MSR_STORE_ADDR         0x2006
#define VM_EXIT_MSR_LOAD_ADDR          0x2008
#define VM_ENTRY_MSR_LOAD_ADDR         0x200A
#define PML_ADDRESS                    0x200E
#define VIRTUAL_APIC_PAGE_ADDR         0x2012
#define APIC_ACCESS_ADDR               0x2014
#define POSTED_INTR_DESC_ADDR          0x2016
#define VM_FUNCTION_CONTROL            0x2018
#define EPTP_LIST_ADDRESS              0x2024
#define VMREAD_BITMAP                  0x2026
#define VMWRITE_BITMAP                 0x2028
#define VE_INFORMATION_ADDRESS         0x202A
#define SPP_TABLE_POINTER              0x2030
#define TERTIARY_VM_EXEC_CONTROL       0x2034
#define GUEST_IA32_PERF_GLOBAL_CTRL    0x2808
#define GUEST_PDPTR0                   0x280A
#define GUEST_PDPTR1                   0x280C
#define GUEST_PDPTR2                   0x280E
#define GUEST_PDPTR3                   0x2810
#define GUEST_BNDCFGS                  0x2812
#define GUEST_IA32_RTIT_CTL            0x2814
#define GUEST_IA32_LBR_CTL             0x2816
#define GUEST_IA32_PKRS                0x2818
#define HOST_IA32_PERF_GLOBAL_CTRL     0x2C04
#define HOST_IA32_PKRS                 0x2C06

/* 32-bit fields */
#define TPR_THRESHOLD                  0x401C

/* Natural-width fields */
#define GUEST_S_CET                    0x6828
#define GUEST_SSP                      0x682A
#define GUEST_INTR_SSP_TABLE           0x682C
#define HOST_S_CET                     0x6C18
#define HOST_SSP                       0x6C1A
#define HOST_INTR_SSP_TABLE            0x6C1C

#endif
