/* VM-execution, VM-exit and VM-entry control bits (SDM Vol. 3C §25.6-25.8, Tables 25-5..25-15). */
#ifndef VMM_VMX_CONTROLS_H
#define VMM_VMX_CONTROLS_H

/* Pin-based VM-execution controls (Table 25-5). */
#define PIN_EXTERNAL_INTERRUPT_EXITING   0
#define PIN_NMI_EXITING                  3
#define PIN_VIRTUAL_NMIS                 5
#define PIN_PREEMPTION_TIMER             6

/* Primary processor-based VM-execution controls (Table 25-6). */
#define PROC_INTERRUPT_WINDOW_EXITING    2
#define PROC_USE_TSC_OFFSETTING          3
#define PROC_HLT_EXITING                 7
#define PROC_INVLPG_EXITING              9
#define PROC_MWAIT_EXITING               10
#define PROC_RDPMC_EXITING               11
#define PROC_RDTSC_EXITING               12
#define PROC_CR3_LOAD_EXITING            15
#define PROC_CR3_STORE_EXITING           16
#define PROC_CR8_LOAD_EXITING            19
#define PROC_CR8_STORE_EXITING           20
#define PROC_USE_TPR_SHADOW              21
#define PROC_NMI_WINDOW_EXITING          22
#define PROC_MOV_DR_EXITING              23
#define PROC_UNCONDITIONAL_IO_EXITING    24
#define PROC_USE_IO_BITMAPS              25
#define PROC_MONITOR_TRAP_FLAG           27
#define PROC_USE_MSR_BITMAPS             28
#define PROC_MONITOR_EXITING             29
#define PROC_PAUSE_EXITING               30
#define PROC_ACTIVATE_SECONDARY_CONTROLS 31

/* Secondary processor-based VM-execution controls (Table 25-7). */
#define PROC2_VIRTUALIZE_APIC_ACCESSES   0
#define PROC2_ENABLE_EPT                 1
#define PROC2_DESCRIPTOR_TABLE_EXITING   2
#define PROC2_ENABLE_RDTSCP              3
#define PROC2_ENABLE_VPID                5
#define PROC2_WBINVD_EXITING             6
#define PROC2_UNRESTRICTED_GUEST         7
#define PROC2_ENABLE_INVPCID             12
#define PROC2_MODE_BASED_EPT_EXEC        22
#define PROC2_ENABLE_XSAVES              20

/* Primary VM-exit controls (Table 25-13). */
#define EXIT_SAVE_DEBUG_CONTROLS         2
#define EXIT_HOST_ADDRESS_SPACE_SIZE     9
#define EXIT_ACK_INTERRUPT_ON_EXIT       15
#define EXIT_SAVE_IA32_PAT               18
#define EXIT_LOAD_IA32_PAT               19
#define EXIT_SAVE_IA32_EFER              20
#define EXIT_LOAD_IA32_EFER              21
#define EXIT_SAVE_PREEMPTION_TIMER       22

/* VM-entry controls (Table 25-15). */
#define ENTRY_LOAD_DEBUG_CONTROLS        2
#define ENTRY_IA32E_MODE_GUEST           9
#define ENTRY_LOAD_IA32_PAT              14
#define ENTRY_LOAD_IA32_EFER             15


#include <stddef.h>
#include <stdint.h>

/* A control the hypervisor asks for: its bit, its name (for the refusal message), and whether
 * the hypervisor cannot run without it. */
struct vmx_ctl_want {
	unsigned bit;
	const char *name;
	int required;
};

/* Compute a control field from its capability MSR (SDM Vol. 3D §A.3: low 32 bits = allowed
 * 0-settings, high 32 = allowed 1-settings): every required-1 bit set, every wanted bit the CPU
 * allows set, no bit the CPU cannot set. Returns 0, or -1 with *missing = the name of a required
 * control the CPU lacks (and *value untouched). */
struct vmx_ctl_wants {
	const struct vmx_ctl_want *want;
	size_t n;
};

/* The controls vmm/vmcs.c asks for, field by field. */
extern const struct vmx_ctl_wants vmx_pin_want, vmx_proc_want, vmx_proc2_want, vmx_exit_want, vmx_entry_want;

int vmx_ctl_compute(uint64_t cap, const struct vmx_ctl_want *want, size_t n, uint32_t *value,
		    const char **missing);

#endif
