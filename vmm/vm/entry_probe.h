/* HV.CFG entry_probe=on: the VM-entry checker checked against the CPU, one field at a time
 * (docs/vm-entry-checks.md, "Checking the checker against the CPU"). */
#ifndef VMM_VM_ENTRY_PROBE_H
#define VMM_VM_ENTRY_PROBE_H

#include "vmm/vm/vm.h"

/* Try each HV.CFG vmwrite= line alone on the VMCS vmcs_setup built: checker, VMLAUNCH, compare,
 * restore. Ends the run: status OK if the CPU agreed every time, else E_VMLAUNCH. */
__attribute__((noreturn)) void entry_probe_run(struct vm *vm);

#endif
