/* VMX control fields from the capability MSRs (SDM Vol. 3D Appendix A.3 "VM-Execution Controls" to
 * A.5 "VM-Entry Controls", Appendix A.3.3 "Secondary Processor-Based VM-Execution Controls"). */
#include "vmm/vmx/controls.h"

/* What the hypervisor asks for; "required" ones it cannot run without (docs/guest-abi.md). */
static const struct vmx_ctl_want pin_want[] = {
	{ PIN_EXTERNAL_INTERRUPT_EXITING, "external-interrupt exiting", 1 },
	{ PIN_NMI_EXITING, "NMI exiting", 0 },
	{ PIN_VIRTUAL_NMIS, "virtual NMIs", 0 },
	{ PIN_PREEMPTION_TIMER, "VMX-preemption timer", 0 },
};

static const struct vmx_ctl_want proc_want[] = {
	{ PROC_HLT_EXITING, "HLT exiting", 1 },
	{ PROC_CR8_LOAD_EXITING, "CR8-load exiting", 1 },
	{ PROC_CR8_STORE_EXITING, "CR8-store exiting", 1 },
	{ PROC_MWAIT_EXITING, "MWAIT exiting", 1 },     /* an MWAIT with IF = 0 could sleep past the budget */
	{ PROC_MONITOR_EXITING, "MONITOR exiting", 1 },
	{ PROC_USE_IO_BITMAPS, "use I/O bitmaps", 1 },
	{ PROC_USE_MSR_BITMAPS, "use MSR bitmaps", 1 },
	{ PROC_ACTIVATE_SECONDARY_CONTROLS, "activate secondary controls", 1 },
};

static const struct vmx_ctl_want proc2_want[] = {
	{ PROC2_ENABLE_EPT, "enable EPT", 1 },
	{ PROC2_ENABLE_VPID, "enable VPID", 0 },
	{ PROC2_ENABLE_RDTSCP, "enable RDTSCP", 0 },
	{ PROC2_ENABLE_INVPCID, "enable INVPCID", 0 },
	/* Without it WBINVD runs on the CPU: slow, harmless (docs/guest-abi.md). */
	{ PROC2_WBINVD_EXITING, "WBINVD exiting", 0 },
};

/* What a Multiboot guest adds (vmm/vm/entry_state.c): its entry with paging off and its own mode
 * switches need "unrestricted guest". Optional for the hypervisor: on a CPU without it a Multiboot
 * kernel is refused (vmm/vm/mb_guest.c) and MHVGUEST guests run as they always have. */
static const struct vmx_ctl_want proc2_multiboot_want[] = {
	{ PROC2_UNRESTRICTED_GUEST, "unrestricted guest", 1 },
};

/* The guest's DR7, IA32_DEBUGCTL and IA32_PAT live in the VMCS (saved on exit, loaded on entry),
 * so its breakpoints and PAT survive exits. Every CPU minihv is tested on has these controls; one
 * without them is refused with E_CONTROLS, naming the control. */
static const struct vmx_ctl_want exit_want[] = {
	{ EXIT_SAVE_DEBUG_CONTROLS, "save debug controls", 1 },
	{ EXIT_HOST_ADDRESS_SPACE_SIZE, "host address-space size", 1 },
	{ EXIT_ACK_INTERRUPT_ON_EXIT, "acknowledge interrupt on exit", 1 },
	{ EXIT_SAVE_IA32_PAT, "save IA32_PAT", 1 },
	{ EXIT_LOAD_IA32_PAT, "load IA32_PAT", 1 },
	{ EXIT_SAVE_IA32_EFER, "save IA32_EFER", 1 },
	{ EXIT_LOAD_IA32_EFER, "load IA32_EFER", 1 },
	{ EXIT_SAVE_PREEMPTION_TIMER, "save VMX-preemption timer value", 0 },
};

static const struct vmx_ctl_want entry_want[] = {
	{ ENTRY_LOAD_DEBUG_CONTROLS, "load debug controls", 1 },
	{ ENTRY_IA32E_MODE_GUEST, "IA-32e mode guest", 1 },
	{ ENTRY_LOAD_IA32_PAT, "load IA32_PAT", 1 },
	{ ENTRY_LOAD_IA32_EFER, "load IA32_EFER", 1 },
};

#define WANTS(a) { a, sizeof(a) / sizeof((a)[0]) }
const struct vmx_ctl_wants vmx_pin_want = WANTS(pin_want);
const struct vmx_ctl_wants vmx_proc_want = WANTS(proc_want);
const struct vmx_ctl_wants vmx_proc2_want = WANTS(proc2_want);
const struct vmx_ctl_wants vmx_proc2_multiboot_want = WANTS(proc2_multiboot_want);
const struct vmx_ctl_wants vmx_exit_want = WANTS(exit_want);
const struct vmx_ctl_wants vmx_entry_want = WANTS(entry_want);

int vmx_ctl_compute(uint64_t cap, const struct vmx_ctl_want *want, size_t n, uint32_t *value,
		    const char **missing)
{
	uint32_t must_be_1 = (uint32_t)cap, may_be_1 = (uint32_t)(cap >> 32);
	uint32_t v = must_be_1;

	for (size_t i = 0; i < n; i++) {
		uint32_t bit = want[i].mask;
		if (may_be_1 & bit) {
			v |= bit;
		} else if (want[i].required) {
			*missing = want[i].name;
			return -1;
		}
	}
	*value = v & may_be_1;
	return 0;
}
