/* The end of a guest: its last serial line, the summary, the log figures, the EPT audit, then the
 * run's end (vmm/shutdown.h). */
#ifndef VMM_VM_END_H
#define VMM_VM_END_H

#include "vmm/status.h"
#include "vmm/vmx/entry.h"

/* "[hv] guest: <what>", summary, log, ept-audit, then hv_end(s) (E_EPT if the audit fails). */
__attribute__((noreturn)) void vm_end(enum hv_status s, const char *what);
/* Two "[hv] guest-regs" lines: the registers the guest had at this exit. */
void vm_log_registers(const struct guest_regs *r);

#endif
