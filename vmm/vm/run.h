/* Running the guest: load, VMCS, VMLAUNCH. */
#ifndef VMM_VM_RUN_H
#define VMM_VM_RUN_H

#include <stdint.h>

#include "vmm/boot_info.h"
#include "vmm/status.h"
#include "vmm/vmx/caps.h"

/* Load the guest, set up its VMCS, VMLAUNCH. A launched guest ends through vm_end
 * (vmm/vm/end.h), which never returns here; a guest that cannot launch ends the run too. */
__attribute__((noreturn)) void vm_run(struct boot_info *bi, const struct vmx_caps *caps, unsigned nvcpus,
				     uint64_t tsc_per_ms);

#endif
