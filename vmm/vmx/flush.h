/* Right after VMXON: forget every EPT- and VPID-tagged translation earlier software (firmware, a
 * previous hypervisor, a kexec'd kernel) may have left in the TLBs. */
#ifndef VMM_VMX_FLUSH_H
#define VMM_VMX_FLUSH_H

#include "vmm/vmx/caps.h"

/* All-context INVEPT and INVVPID where the CPU has them; returns which ran, for the log:
 * bit 0 INVEPT, bit 1 INVVPID. */
unsigned vmx_flush_all_contexts(const struct vmx_caps *caps);

#define VMX_FLUSHED_EPT   1u
#define VMX_FLUSHED_VPID  2u

#endif
