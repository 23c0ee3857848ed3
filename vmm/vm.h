/* One guest: its memory, EPT, VMCS, and the run loop until it ends. */
#ifndef VMM_VM_H
#define VMM_VM_H

#include "vmm/boot_info.h"
#include "vmm/status.h"
#include "vmm/vmx_caps.h"

enum hv_status vm_run(struct boot_info *bi, const struct vmx_caps *caps);

#endif
