/* VMX controls the VM-entry checker (vmm/vmx/entry_check*.c) tests beyond the ones the hypervisor
 * asks for (vmm/vmx/controls.h), as masks (SDM Vol. 3C §25.6 "VM-Execution Control Fields", §25.7
 * "VM-Exit Control Fields", §25.8 "VM-Entry Control Fields"). Names follow
 * tests/reference/vmx/vmx_controls.tsv after the group prefix; test_entry_check_ref checks them. */
#ifndef VMM_VMX_CONTROLS_EXT_H
#define VMM_VMX_CONTROLS_EXT_H

/* Pin-based VM-execution controls. */
#define PIN_PROCESS_POSTED_INTERRUPTS   (1u << 7)

/* Primary processor-based VM-execution controls. */
#define PROC_ACTIVATE_TERTIARY_CONTROLS (1u << 17)

/* Secondary processor-based VM-execution controls. */
#define PROC2_VIRTUALIZE_X2APIC_MODE    (1u << 4)
#define PROC2_APIC_REGISTER_VIRTUALIZATION (1u << 8)
#define PROC2_VIRTUAL_INTERRUPT_DELIVERY (1u << 9)
#define PROC2_ENABLE_VM_FUNCTIONS       (1u << 13)
#define PROC2_VMCS_SHADOWING            (1u << 14)
#define PROC2_ENABLE_PML                (1u << 17)
#define PROC2_EPT_VIOLATION_VE          (1u << 18)
#define PROC2_SUB_PAGE_WRITE_PERMISSIONS_FOR_EPT (1u << 23)
#define PROC2_PT_USES_GUEST_PHYSICAL_ADDRESSES (1u << 24)

/* Primary VM-exit controls. */
#define EXIT_LOAD_IA32_PERF_GLOBAL_CTRL (1u << 12)
#define EXIT_CLEAR_IA32_RTIT_CTL        (1u << 25)
#define EXIT_LOAD_CET_STATE             (1u << 28)
#define EXIT_LOAD_IA32_PKRS             (1u << 29)

/* VM-entry controls. */
#define ENTRY_ENTRY_TO_SMM              (1u << 10)
#define ENTRY_DEACTIVATE_DUAL_MONITOR_TREATMENT (1u << 11)
#define ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL (1u << 13)
#define ENTRY_LOAD_IA32_BNDCFGS         (1u << 16)
#define ENTRY_LOAD_IA32_RTIT_CTL        (1u << 18)
#define ENTRY_LOAD_UINV                 (1u << 19)
#define ENTRY_LOAD_CET_STATE            (1u << 20)
#define ENTRY_LOAD_IA32_LBR_CTL         (1u << 21)
#define ENTRY_LOAD_IA32_PKRS            (1u << 22)

#endif
