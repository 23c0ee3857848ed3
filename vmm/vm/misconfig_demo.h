/* HC_EPT_MISCONFIG_DEMO: one page per vCPU whose EPT entry is made write-only (an EPT misconfiguration)
 * until the guest touches it; the misconfiguration exit then repairs it. */
#ifndef VMM_VM_MISCONFIG_DEMO_H
#define VMM_VM_MISCONFIG_DEMO_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/vm/vm.h"

/* Plant it at gpa: 0 or a HC_E_* code. */
int64_t misconfig_demo_plant(struct vm *vm, gpa_t gpa);
/* Which vCPU's planted page holds a GPA: vm_misconfig_owner (vmm/vm/vm.h). */
/* Put a sane rwx leaf back on owner's planted page. Its ept-policy line follows the ept-misconfig
 * line: written (rate-limited, tag ept-policy) if that one was (logged), counted if not. */
void misconfig_demo_repair(struct vm *vm, struct vcpu *owner, bool logged);

#endif
