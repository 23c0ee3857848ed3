/* HLT (12), INVD (13), WBINVD (54). Nothing ever wakes a halted guest: it receives no interrupt
 * and no NMI (docs/guest-abi.md). A HLT with interrupts off (RFLAGS.IF = 0) is its end, as a
 * kernel's final `cli; hlt` means it: the guest ends with its own line. A HLT with IF = 1 is skipped,
 * as a wake-up that came at once (the guest loops on its condition, and its time budget bounds
 * the loop). INVD and WBINVD are no-ops for a guest that owns no cache-coherent device. WBINVD exits
 * only with "WBINVD exiting" (vmm/vmx/controls.c), which a CPU may lack: then it runs. */
#include "arch/lib/fmt.h"
#include "arch/x86_64/cr.h"
#include "vmm/exit/exit.h"
#include "vmm/vm/end.h"

void handle_hlt(struct vcpu *v, struct guest_regs *r)
{
	char what[112];

	(void)v;
	if (vmread64(GUEST_RFLAGS) & RFLAGS_IF) {
		skip_instruction();
		return;
	}
	hv_snprintf(what, sizeof(what), "ended: HLT with interrupts off (RFLAGS.IF=0) at rip=0x%llx: nothing can wake it",
		    (unsigned long long)vmread64(GUEST_RIP));
	vm_log_registers(r);
	vm_end(HV_E_GUEST, what);
}

void handle_invd_wbinvd(struct vcpu *v, struct guest_regs *r)
{
	(void)v;
	(void)r;
	skip_instruction();
}
