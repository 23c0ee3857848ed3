/* HC_EPT_MISCONFIG_DEMO: one page whose EPT entry is made write-only (an EPT misconfiguration)
 * until the guest touches it; the misconfiguration exit then repairs it. */
#ifndef VMM_VM_MISCONFIG_DEMO_H
#define VMM_VM_MISCONFIG_DEMO_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/vm/vm.h"

/* Plant it at gpa: 0 or a HC_E_* code. */
int64_t misconfig_demo_plant(struct vm *vm, gpa_t gpa);
/* If gpa is on the planted page: put a sane rwx leaf back and return true. */
bool misconfig_demo_repair(struct vm *vm, gpa_t gpa);

#endif
