/* VM entries that fail: VMRESUME falling through (VM-instruction error) and VM exits with bit 31
 * set (invalid guest state, MSR loading, machine check during entry; SDM Vol. 3C §27.8 "VM-Entry
 * Failures During or After Loading Guest State"). Each is named, the guest state dumped, the guest
 * ended. */
#include "arch/lib/fmt.h"
#include "arch/lib/log.h"
#include "vmm/exit/dispatch.h"
#include "vmm/exit/exit.h"
#include "vmm/vm/end.h"
#include "vmm/vm/entry_gate.h"
#include "vmm/vmx/vmcs_dump.h"

/* The exit qualification of a VM-entry failure due to invalid guest state (SDM Vol. 3C §27.8 "VM-Entry
 * Failures During or After Loading Guest State"). */
static const char *entry_failure_qual_name(uint32_t basic, uint64_t q)
{
	if (basic == EXIT_REASON_MSR_LOAD_FAIL)
		return "index of the failing VM-entry MSR-load entry";
	if (basic != EXIT_REASON_INVALID_GUEST_STATE)
		return "none";
	switch (q) {
	case ENTRY_FAIL_QUAL_PDPTE:
		return "PDPTE loading";
	case ENTRY_FAIL_QUAL_NMI_BLOCKED:
		return "NMI injection blocked by STI";
	case ENTRY_FAIL_QUAL_VMCS_LINK:
		return "invalid VMCS link pointer";
	default:
		return "a guest-state check: see the dump";
	}
}

void end_entry_failure(uint32_t reason)
{
	uint32_t basic = reason & EXIT_REASON_BASIC_MASK;
	uint64_t q = vmread64(EXIT_QUALIFICATION);
	char what[200];

	hv_log("vm-entry failed: exit reason %u (%s) qualification=0x%llx (%s)", basic, exit_reason_sdm_name(basic),
	       (unsigned long long)q, entry_failure_qual_name(basic, q));
	/* The first exit of the run is this one: the VMCS is the one checked before VMLAUNCH. */
	entry_gate_explain(this_vcpu()->vm, (uint16_t)basic, q, vcpu_exits_total(this_vcpu()) == 1);
	vmcs_dump_guest_state();
	hv_snprintf(what, sizeof(what), "ended: VM entry failed (%s)", exit_reason_sdm_name(basic));
	vm_end(HV_E_VMLAUNCH, what);
}

void vmx_resume_failed(uint64_t rflags)
{
	char why[120], what[160];

	if (vmx_report_failure("VMRESUME", vmx_describe_entry_failure("VMRESUME", rflags, why, sizeof(why)), 0) ==
	    VMX_FAIL_VALID)
		entry_gate_explain(this_vcpu()->vm, (uint16_t)vmx_instruction_error(), 0, false);
	hv_snprintf(what, sizeof(what), "ended: %s", why);
	vmcs_dump_guest_state();
	vm_end(HV_E_VMLAUNCH, what);
}
