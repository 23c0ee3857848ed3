/* HLT (12), INVD (13), WBINVD (54): skipped. Nothing would wake a guest that halts with IF = 0, so
 * it just continues; INVD and WBINVD are no-ops for a guest that owns no cache-coherent device.
 * WBINVD exits only with "WBINVD exiting" (vmm/vmx/controls.c), which a CPU may lack: then it runs. */
#include "vmm/exit/exit.h"

void handle_hlt_invd_wbinvd(struct vm *vm, struct guest_regs *r)
{
	(void)vm;
	(void)r;
	skip_instruction();
}
