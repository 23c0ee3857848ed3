/* The end of a guest: its last serial line, the summary, the log figures, the EPT audit, then the
 * run's end (vmm/shutdown.h). */
#ifndef VMM_VM_END_H
#define VMM_VM_END_H

#include "vmm/status.h"
#include "vmm/vm/vcpu.h"
#include "vmm/vmx/entry.h"

/* "[hv] guest: <what>", summary, log, ept-audit, then hv_end(s) (E_EPT if the audit fails). */
/* End the calling vCPU: "guest: <what>" and its summary. With one vCPU that ends the run (the
 * summary, the log's figures, the EPT audit, power-off); with several, the run ends after the
 * last vCPU, on the boot processor (docs/log-format.md). Never returns. */
__attribute__((noreturn)) void vm_end(enum hv_status s, const char *what);
/* An AP whose vCPU ended: halted for good. */
__attribute__((noreturn)) void vcpu_park(void);
/* vm_end's part for a guest with several vCPUs. */
__attribute__((noreturn)) void vcpu_end(struct vcpu *v, enum hv_status s, const char *what);
/* Two "[hv] guest-regs" lines: the registers the guest had at this exit. */
void vm_log_registers(const struct guest_regs *r);

#endif
