/* HV.CFG entry_probe=on: each vmwrite= line is one probe. The VMCS vmcs_setup built (with the
 * VMX-preemption timer at 0, so a guest that enters comes straight back before its first
 * instruction: SDM Vol. 3C §26.5.1 "VMX-Preemption Timer") is saved field by field; each probe
 * changes one field, runs the checker, VMLAUNCHes with the exit coming back here
 * (vmx_probe_launch), compares the CPU's verdict with the checker's, and restores the VMCS
 * (VMCLEAR, VMPTRLD, every saved field written back). */
#include "vmm/vm/entry_probe.h"
#include "arch/lib/fmt.h"
#include "arch/lib/log.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cr.h"
#include "arch/x86_64/msr.h"
#include "vmm/shutdown.h"
#include "vmm/vm/entry_gate.h"
#include "vmm/vmx/controls.h"
#include "vmm/vmx/entry.h"
#include "vmm/vmx/entry_check.h"
#include "vmm/vmx/insn.h"
#include "vmm/vmx/vmcs_encoding.h"
#include "vmm/vmx/vmcs_fields.h"

#define PROBE_FIELDS_MAX 192

struct field_value {
	uint32_t enc;
	uint64_t val;
};

static struct field_value saved[PROBE_FIELDS_MAX];
static size_t nsaved;

/* Host MSRs a VM exit loads from host-state fields a probe may change legally (SDM Vol. 3C §28.5.1
 * "Loading Host Control Registers, Debug Registers, MSRs", §28.5.2 "Loading Host Segment and
 * Descriptor-Table Registers"): put back after every exit. */
static const uint32_t host_msrs[] = { IA32_FS_BASE, IA32_GS_BASE, IA32_SYSENTER_CS, IA32_SYSENTER_ESP,
				      IA32_SYSENTER_EIP, IA32_PAT };
static uint64_t host_msr_values[sizeof(host_msrs) / sizeof(host_msrs[0])];

struct probe_tally {
	unsigned agree, disagree, skipped;
};

static void snapshot(void)
{
	uint32_t enc;

	nsaved = 0;
	for (size_t i = 0; (enc = entry_check_field_encoding(i)) != ENTRY_CHECK_NO_FIELD; i++) {
		uint64_t v;

		if (vmcs_enc_type(enc) == VMCS_TYPE_EXIT_INFO || nsaved == PROBE_FIELDS_MAX)
			continue;
		if (vmx_raw_vmread(enc, &v) == VMX_OK)   /* a field this CPU lacks is left out */
			saved[nsaved++] = (struct field_value){ enc, v };
	}
	for (size_t i = 0; i < sizeof(host_msrs) / sizeof(host_msrs[0]); i++)
		host_msr_values[i] = rdmsr(host_msrs[i]);
}

static bool is_saved(uint32_t enc)
{
	for (size_t i = 0; i < nsaved; i++)
		if (saved[i].enc == enc)
			return true;
	return false;
}

static bool restore(const struct vm *vm)
{
	for (size_t i = 0; i < sizeof(host_msrs) / sizeof(host_msrs[0]); i++)
		wrmsr(host_msrs[i], host_msr_values[i]);
	if (vmclear(vm->vcpu[0].vmcs_pa) != VMX_OK || vmptrld(vm->vcpu[0].vmcs_pa) != VMX_OK)
		return false;
	for (size_t i = 0; i < nsaved; i++)
		if (vmx_raw_vmwrite(saved[i].enc, saved[i].val) != VMX_OK)
			return false;
	return true;
}

/* A host-state field the exit would load into this CPU (CR0, CR3, CR4, selectors, descriptor
 * tables, EFER, ...): the probe launches it only when the checker expects VMLAUNCH to fail with
 * error 7 or 8, before any host state is loaded. FS/GS bases, SYSENTER and PAT are put back. */
static bool host_field_loaded_unsafely(uint32_t enc)
{
	switch (enc) {
	case HOST_FS_BASE:
	case HOST_GS_BASE:
	case HOST_IA32_SYSENTER_CS:
	case HOST_IA32_SYSENTER_ESP:
	case HOST_IA32_SYSENTER_EIP:
	case HOST_IA32_PAT:
		return false;
	default:
		return vmcs_enc_type(enc) == VMCS_TYPE_HOST;
	}
}

/* Launch and read the CPU's verdict: 7/8 (or another VM-instruction error), 33/34 (or another
 * basic reason) with the exit qualification for a VM-entry failure, 0 for an entry. */
static uint16_t launch(uint64_t *qual, uint32_t *exit_reason)
{
	uint64_t rflags = vmx_probe_launch();
	uint32_t reason;

	*qual = 0;
	*exit_reason = 0;
	if (rflags)
		return (rflags & RFLAGS_ZF) ? (uint16_t)vmx_instruction_error() : 0xffffu;   /* 0xffff: VMfailInvalid */
	reason = (uint32_t)vmread64(VM_EXIT_REASON);
	*exit_reason = reason & EXIT_REASON_BASIC_MASK;
	if (!(reason & EXIT_REASON_ENTRY_FAILURE))
		return ENTRY_VERDICT_NONE;
	*qual = vmread64(EXIT_QUALIFICATION);
	return (uint16_t)*exit_reason;
}

static void probe_one(struct vm *vm, unsigned n, unsigned total, const struct hv_vmwrite *w, struct probe_tally *t)
{
	static struct entry_check_report r;
	const char *name = entry_check_field_name(w->encoding);
	char what[64], line[128];
	uint64_t qual, pqual;
	uint32_t exit_reason;
	uint16_t verdict, expected;

	hv_snprintf(what, sizeof(what), "%u/%u %s=0x%llx", n, total, name, (unsigned long long)w->value);
	if (w->encoding == HOST_RSP || w->encoding == HOST_RIP || !is_saved(w->encoding)) {
		hv_log("entry-probe: %s (0x%04x): skipped: %s", what, w->encoding,
		       is_saved(w->encoding) ? "HOST_RSP and HOST_RIP belong to the probe" :
					       "not a field the probe can restore on this CPU");
		t->skipped++;
		return;
	}
	if (vmx_raw_vmwrite(w->encoding, w->value) != VMX_OK) {
		uint32_t err = vmx_instruction_error();

		hv_log("entry-probe: %s: skipped: VMWRITE refused: VM-instruction error %u (%s)", what, err,
		       vmx_instruction_error_name(err));
		t->skipped++;
		return;
	}
	hv_log("entry-probe: %s", what);
	entry_gate_run(vm, &r);
	expected = entry_check_expected(&r, &pqual);
	if (host_field_loaded_unsafely(w->encoding) && expected != ENTRY_VERDICT_ERROR_CONTROLS &&
	    expected != ENTRY_VERDICT_ERROR_HOST) {
		hv_log("entry-probe: %s: skipped: the CPU would load this host state at the exit", what);
		t->skipped++;
		return;
	}
	verdict = launch(&qual, &exit_reason);
	if (verdict != ENTRY_VERDICT_NONE && verdict != ENTRY_VERDICT_ERROR_CONTROLS && verdict != ENTRY_VERDICT_ERROR_HOST &&
	    verdict != ENTRY_VERDICT_EXIT_GUEST && verdict != ENTRY_VERDICT_EXIT_MSR_LOAD) {
		hv_log("entry-probe: %s: cpu=\"%s %u\": disagree (not an outcome the checker predicts)", what,
		       exit_reason ? "exit" : "error", (unsigned)verdict);
		t->disagree++;
		return;
	}
	if (entry_gate_compare(&r, verdict, qual, line, sizeof(line)))
		t->agree++;
	else
		t->disagree++;
	if (verdict == ENTRY_VERDICT_NONE)
		hv_log("entry-probe: %s: %s (first exit: reason %u)", what, line, exit_reason);
	else
		hv_log("entry-probe: %s: %s", what, line);
}

void entry_probe_run(struct vm *vm)
{
	const struct hv_config *cfg = &vm->bi->cfg;
	struct probe_tally t = { 0 };
	uint64_t pin = vmread64(PIN_BASED_VM_EXEC_CONTROL);

	/* The base VMCS: the timer at 0 where the CPU has it, so an entry returns at once. */
	if (vmx_ctl_allowed1(vm->caps->pinbased, PIN_PREEMPTION_TIMER)) {
		vmwrite(PIN_BASED_VM_EXEC_CONTROL, pin | PIN_PREEMPTION_TIMER);
		vmwrite(VMX_PREEMPTION_TIMER_VALUE, 0);
	}
	snapshot();
	hv_log("entry-probe: %u probes; %zu VMCS fields saved; the guest %s", cfg->vmwrite_count, nsaved,
	       vmx_ctl_allowed1(vm->caps->pinbased, PIN_PREEMPTION_TIMER) ?
		       "returns at once (VMX-preemption timer 0)" : "runs to its first exit (no VMX-preemption timer)");
	for (unsigned i = 0; i < cfg->vmwrite_count; i++) {
		probe_one(vm, i + 1, cfg->vmwrite_count, &cfg->vmwrite[i], &t);
		if (!restore(vm)) {
			hv_log("entry-probe: restoring the VMCS after probe %u failed; stopping", i + 1);
			hv_end(HV_E_VMLAUNCH);
		}
	}
	hv_log("entry-probe: done probes=%u agree=%u disagree=%u skipped=%u", cfg->vmwrite_count, t.agree, t.disagree,
	       t.skipped);
	hv_end(t.disagree ? HV_E_VMLAUNCH : HV_OK);
}
