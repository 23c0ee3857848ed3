/* The VM-entry checker at launch: HV.CFG vmwrite= lines, entry_check=on|warn|off before VMLAUNCH,
 * and the CPU's verdict set against the checker's after a failed entry (vmm/vm/entry_gate.h). */
#include "vmm/vm/entry_gate.h"
#include "arch/lib/fmt.h"
#include "arch/lib/log.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpu_ops.h"
#include "vmm/vmx/entry_check_image.h"
#include "vmm/vmx/insn.h"

/* The report of the last check of the launch VMCS (entry_check=on or warn), for the explanation. */
static struct entry_check_report launch_report;
static bool launch_checked;

void entry_gate_vmwrites(const struct vm *vm)
{
	const struct hv_config *cfg = &vm->bi->cfg;

	for (unsigned i = 0; i < cfg->vmwrite_count; i++) {
		uint32_t enc = cfg->vmwrite[i].encoding;
		uint64_t val = cfg->vmwrite[i].value;
		uint32_t err;

		if (vmx_raw_vmwrite(enc, val) == VMX_OK) {
			hv_log("test: vmwrite %s (0x%04x)=0x%llx", entry_check_field_name(enc), enc,
			       (unsigned long long)val);
			continue;
		}
		err = vmx_instruction_error();
		hv_log("test: vmwrite 0x%04x=0x%llx refused by the CPU: VM-instruction error %u (%s); field unchanged",
		       enc, (unsigned long long)val, err, vmx_instruction_error_name(err));
	}
}

void entry_gate_run(const struct vm *vm, struct entry_check_report *r)
{
	struct entry_check_facts facts;
	struct entry_check_input in = {
		.caps = vm->caps,
		.facts = &facts,
		.read = entry_check_vmread,
		.read_phys = entry_check_read_identity,
	};
	char line[LOG_LINE_MAX];
	uint64_t t0, t1;
	unsigned failed, shown;

	entry_check_facts_read(&hw_cpu_ops, vm->caps, &facts);
	facts.current_vmcs = vm->vcpu[0].vmcs_pa;
	t0 = rdtsc();
	failed = entry_check_run(&in, r);
	t1 = rdtsc();
	for (shown = 0; shown < failed && shown < ENTRY_CHECK_MAX_FAILURES; shown++) {
		entry_check_format(&r->fail[shown], line, sizeof(line));
		hv_log("%s", line);
	}
	if (failed > shown)
		hv_log("vm-entry-check: %u more failures not listed", failed - shown);
	entry_check_format_summary(r, line, sizeof(line));
	hv_log("%s ticks=%llu", line, (unsigned long long)(t1 - t0));
}

enum hv_status entry_gate_check(const struct vm *vm, char *why, size_t why_len)
{
	enum hv_entry_check mode = vm->bi->cfg.entry_check;

	launch_checked = false;
	if (mode == HV_ENTRY_CHECK_OFF)
		return HV_OK;
	entry_gate_run(vm, &launch_report);
	launch_checked = true;
	if (!launch_report.failed)
		return HV_OK;
	if (mode == HV_ENTRY_CHECK_WARN) {
		hv_log("vm-entry-check: launching anyway (HV.CFG entry_check=warn)");
		return HV_OK;
	}
	hv_snprintf(why, why_len, "VM entry refused: %u check%s failed (listed above; HV.CFG entry_check=warn launches anyway)",
		    launch_report.failed, launch_report.failed == 1 ? "" : "s");
	return HV_E_VMLAUNCH;
}

bool entry_gate_compare(const struct entry_check_report *r, uint16_t verdict, uint64_t qual, char *buf, size_t len)
{
	char cpu[32], predicted[32];
	uint64_t pqual;
	uint16_t pverdict = entry_check_expected(r, &pqual);
	bool agree = entry_check_consistent(r, verdict, qual);

	entry_check_format_verdict(verdict, qual, cpu, sizeof(cpu));
	entry_check_format_verdict(pverdict, pqual, predicted, sizeof(predicted));
	hv_snprintf(buf, len, "cpu=\"%s\" checker=\"%s\": %s", cpu, predicted, agree ? "agree" : "disagree");
	return agree;
}

void entry_gate_explain(const struct vm *vm, uint16_t verdict, uint64_t qual, bool first_entry)
{
	static struct entry_check_report now;
	const struct entry_check_report *r = &launch_report;
	char line[96];

	if (vm->bi->cfg.entry_check == HV_ENTRY_CHECK_OFF)
		return;
	if (!first_entry || !launch_checked) {
		entry_gate_run(vm, &now);
		r = &now;
	}
	if (entry_gate_compare(r, verdict, qual, line, sizeof(line)))
		hv_log("vm-entry-check: %s", line);
	else
		hv_log("vm-entry-check: %s (a check the checker lacks, or a CPU erratum: docs/vm-entry-checks.md)", line);
}
