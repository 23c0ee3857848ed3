/* For failed VM entries: the guest-state fields of the current VMCS, as "[hv] guest-state:" lines. */
#ifndef VMM_VMX_VMCS_DUMP_H
#define VMM_VMX_VMCS_DUMP_H

void vmcs_dump_guest_state(void);

#endif
