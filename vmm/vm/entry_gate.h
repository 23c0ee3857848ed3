/* The VM-entry checker at launch (docs/vm-entry-checks.md, "When it runs"): HV.CFG vmwrite= lines,
 * the check before VMLAUNCH (HV.CFG entry_check=on|warn|off), and the explanation after an entry
 * fails. None of it is on an exit's path. */
#ifndef VMM_VM_ENTRY_GATE_H
#define VMM_VM_ENTRY_GATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/status.h"
#include "vmm/vm/vm.h"
#include "vmm/vmx/entry_check.h"

/* Write each HV.CFG vmwrite= field into the current VMCS, one "test: vmwrite" line each. */
void entry_gate_vmwrites(const struct vm *vm);

/* Run the checker over the current VMCS into *r, logging every failure and the summary line
 * (with the TSC ticks it took). */
void entry_gate_run(const struct vm *vm, struct entry_check_report *r);

/* Before VMLAUNCH: HV_OK to launch, or HV_E_VMLAUNCH with why when entry_check=on and a check
 * fails. With warn the failures are listed and the launch goes on; with off nothing runs. */
enum hv_status entry_gate_check(const struct vm *vm, char *why, size_t why_len);

/* "cpu="<verdict>" checker="<verdict>": agree" (or disagree) into buf, for an entry whose outcome
 * was verdict/qual (0 = it entered); returns whether they agree (entry_check_consistent). */
bool entry_gate_compare(const struct entry_check_report *r, uint16_t verdict, uint64_t qual, char *buf, size_t len);

/* After a failed entry (verdict 7/8 from the VM-instruction error, 33/34 from the exit reason,
 * qual its exit qualification): one line comparing it with the checker's verdict. first_entry:
 * the VMCS is the one checked before VMLAUNCH, so that report is reused; else it is checked now. */
void entry_gate_explain(const struct vm *vm, uint16_t verdict, uint64_t qual, bool first_entry);

#endif
