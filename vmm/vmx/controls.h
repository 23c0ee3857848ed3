/* VM-execution, VM-exit and VM-entry controls as masks (SDM Vol. 3C §25.6 "VM-Execution Control
 * Fields", §25.7 "VM-Exit Control Fields", §25.8 "VM-Entry Control Fields", Tables 25-5..25-16). */
#ifndef VMM_VMX_CONTROLS_H
#define VMM_VMX_CONTROLS_H

#include <stddef.h>
#include <stdint.h>

/* Pin-based VM-execution controls (SDM Vol. 3C §25.6.1 "Pin-Based VM-Execution Controls", Table 25-5). */
#define PIN_EXTERNAL_INTERRUPT_EXITING  (1u << 0)
#define PIN_NMI_EXITING                 (1u << 3)
#define PIN_VIRTUAL_NMIS                (1u << 5)
#define PIN_PREEMPTION_TIMER            (1u << 6)
#define PIN_PROCESS_POSTED_INTERRUPTS   (1u << 7)

/* Primary processor-based VM-execution controls (SDM Vol. 3C §25.6.2 "Processor-Based VM-Execution
 * Controls", Table 25-6). */
#define PROC_INTERRUPT_WINDOW_EXITING   (1u << 2)
#define PROC_USE_TSC_OFFSETTING         (1u << 3)
#define PROC_HLT_EXITING                (1u << 7)
#define PROC_INVLPG_EXITING             (1u << 9)
#define PROC_MWAIT_EXITING              (1u << 10)
#define PROC_RDPMC_EXITING              (1u << 11)
#define PROC_RDTSC_EXITING              (1u << 12)
#define PROC_CR3_LOAD_EXITING           (1u << 15)
#define PROC_CR3_STORE_EXITING          (1u << 16)
#define PROC_ACTIVATE_TERTIARY_CONTROLS (1u << 17)
#define PROC_CR8_LOAD_EXITING           (1u << 19)
#define PROC_CR8_STORE_EXITING          (1u << 20)
#define PROC_USE_TPR_SHADOW             (1u << 21)
#define PROC_NMI_WINDOW_EXITING         (1u << 22)
#define PROC_MOV_DR_EXITING             (1u << 23)
#define PROC_UNCONDITIONAL_IO_EXITING   (1u << 24)
#define PROC_USE_IO_BITMAPS             (1u << 25)
#define PROC_MONITOR_TRAP_FLAG          (1u << 27)
#define PROC_USE_MSR_BITMAPS            (1u << 28)
#define PROC_MONITOR_EXITING            (1u << 29)
#define PROC_PAUSE_EXITING              (1u << 30)
#define PROC_ACTIVATE_SECONDARY_CONTROLS (1u << 31)

/* Secondary processor-based VM-execution controls (SDM Vol. 3C §25.6.2 "Processor-Based VM-Execution
 * Controls", Table 25-7). */
#define PROC2_VIRTUALIZE_APIC_ACCESSES  (1u << 0)
#define PROC2_ENABLE_EPT                (1u << 1)
#define PROC2_DESCRIPTOR_TABLE_EXITING  (1u << 2)
#define PROC2_ENABLE_RDTSCP             (1u << 3)
#define PROC2_VIRTUALIZE_X2APIC_MODE    (1u << 4)
#define PROC2_ENABLE_VPID               (1u << 5)
#define PROC2_WBINVD_EXITING            (1u << 6)
#define PROC2_UNRESTRICTED_GUEST        (1u << 7)
#define PROC2_APIC_REGISTER_VIRTUALIZATION (1u << 8)
#define PROC2_VIRTUAL_INTERRUPT_DELIVERY (1u << 9)
#define PROC2_ENABLE_INVPCID            (1u << 12)
#define PROC2_ENABLE_VM_FUNCTIONS       (1u << 13)
#define PROC2_VMCS_SHADOWING            (1u << 14)
#define PROC2_ENABLE_PML                (1u << 17)
#define PROC2_EPT_VIOLATION_VE          (1u << 18)
#define PROC2_ENABLE_XSAVES             (1u << 20)
#define PROC2_MODE_BASED_EPT_EXEC       (1u << 22)
#define PROC2_SUB_PAGE_WRITE_PERMISSIONS_FOR_EPT (1u << 23)
#define PROC2_PT_USES_GUEST_PHYSICAL_ADDRESSES (1u << 24)
#define PROC2_ENABLE_USER_WAIT_PAUSE    (1u << 26)
#define PROC2_ENABLE_PCONFIG            (1u << 27)

/* Primary VM-exit controls (SDM Vol. 3C §25.7.1 "VM-Exit Controls", Table 25-13). */
#define EXIT_SAVE_DEBUG_CONTROLS        (1u << 2)
#define EXIT_HOST_ADDRESS_SPACE_SIZE    (1u << 9)
#define EXIT_LOAD_IA32_PERF_GLOBAL_CTRL (1u << 12)
#define EXIT_ACK_INTERRUPT_ON_EXIT      (1u << 15)
#define EXIT_SAVE_IA32_PAT              (1u << 18)
#define EXIT_LOAD_IA32_PAT              (1u << 19)
#define EXIT_SAVE_IA32_EFER             (1u << 20)
#define EXIT_LOAD_IA32_EFER             (1u << 21)
#define EXIT_SAVE_PREEMPTION_TIMER      (1u << 22)
#define EXIT_CLEAR_IA32_RTIT_CTL        (1u << 25)
#define EXIT_LOAD_CET_STATE             (1u << 28)
#define EXIT_LOAD_IA32_PKRS             (1u << 29)

/* VM-entry controls (SDM Vol. 3C §25.8.1 "VM-Entry Controls", Table 25-16). */
#define ENTRY_LOAD_DEBUG_CONTROLS       (1u << 2)
#define ENTRY_IA32E_MODE_GUEST          (1u << 9)
#define ENTRY_ENTRY_TO_SMM              (1u << 10)
#define ENTRY_DEACTIVATE_DUAL_MONITOR_TREATMENT (1u << 11)
#define ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL (1u << 13)
#define ENTRY_LOAD_IA32_PAT             (1u << 14)
#define ENTRY_LOAD_IA32_EFER            (1u << 15)
#define ENTRY_LOAD_IA32_BNDCFGS         (1u << 16)
#define ENTRY_LOAD_IA32_RTIT_CTL        (1u << 18)
#define ENTRY_LOAD_UINV                 (1u << 19)
#define ENTRY_LOAD_CET_STATE            (1u << 20)
#define ENTRY_LOAD_IA32_LBR_CTL         (1u << 21)
#define ENTRY_LOAD_IA32_PKRS            (1u << 22)

/* A control the hypervisor asks for: its mask (one bit), its name (for the refusal message), and whether
 * the hypervisor cannot run without it. */
struct vmx_ctl_want {
	uint32_t mask;
	const char *name;
	int required;
};

/* Compute a control field from its capability MSR (SDM Vol. 3D Appendix A.3 "VM-Execution
 * Controls": low 32 bits = allowed 0-settings, high 32 = allowed 1-settings): every required-1 bit
 * set, every wanted bit the CPU allows set, no bit the CPU cannot set. Returns 0, or -1 with
 * *missing = the name of a required control the CPU lacks (and *value untouched). */
struct vmx_ctl_wants {
	const struct vmx_ctl_want *want;
	size_t n;
};

/* The controls vmm/vmcs.c asks for, field by field. */
extern const struct vmx_ctl_wants vmx_pin_want, vmx_proc_want, vmx_proc2_want, vmx_exit_want, vmx_entry_want;
/* The secondary controls a Multiboot guest adds to vmx_proc2_want's ("unrestricted guest"). */
extern const struct vmx_ctl_wants vmx_proc2_multiboot_want;

int vmx_ctl_compute(uint64_t cap, const struct vmx_ctl_want *want, size_t n, uint32_t *value,
		    const char **missing);

#endif
