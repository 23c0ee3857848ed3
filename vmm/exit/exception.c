/* Exceptions and NMIs (exit reason 0) and triple faults (2): the guest ends with the event and
 * its registers. Also the #GP the other handlers inject. */
#include "arch/lib/fmt.h"
#include "arch/lib/log.h"
#include "arch/x86_64/cr.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/nmi.h"
#include "vmm/decode/interruption_info.h"
#include "vmm/exit/exit.h"
#include "vmm/vm/end.h"
#include "vmm/vm/shootdown.h"

/* #GP(0); in real mode (a Multiboot guest's, CR0.PE = 0 with "unrestricted guest") an exception
 * pushes no error code, and VM entry refuses one (SDM Vol. 3C §27.2.1.3 "Checks on VM-Entry Control
 * Fields"). */
void inject_gp(void)
{
	bool error_code = (vmread64(GUEST_CR0) & CR0_PE) != 0;

	vmwrite(VM_ENTRY_INTR_INFO_FIELD, intr_info_encode(VEC_GP, INTR_TYPE_HW_EXCEPTION, error_code));
	if (error_code)
		vmwrite(VM_ENTRY_EXCEPTION_ERROR_CODE, 0);
}

void handle_triple_fault(struct vcpu *v, struct guest_regs *r)
{
	char what[96];

	(void)v;
	hv_snprintf(what, sizeof(what), "ended: triple fault (shutdown) at rip=0x%llx",
		    (unsigned long long)vmread64(GUEST_RIP));
	vm_log_registers(r);
	vm_end(HV_E_GUEST, what);
}

/* An NMI during the guest is the hypervisor's own (another vCPU's EPT shootdown: flush and
 * acknowledge) or the platform's (a watchdog, SERR, an NMI button), not the guest's: it is counted
 * and the guest resumes. The VM exit left NMIs blocked in root mode: unblock them. */
static void nmi_during_guest(struct vcpu *v)
{
	bool own = shootdown_claim_nmi(v);

	nmi_unblock();
	if (own)
		return;
	v->nmis++;
	hv_log_tagged(LOG_TAG_NMI, "nmi: arrived during the guest at rip=0x%llx (%llu so far): counted, guest resumed",
		      (unsigned long long)vmread64(GUEST_RIP), (unsigned long long)v->nmis);
}

void handle_exception_nmi(struct vcpu *v, struct guest_regs *r)
{
	struct intr_info ii;
	char what[160];

	intr_info_decode((uint32_t)vmread64(VM_EXIT_INTR_INFO), &ii);
	if (ii.type == INTR_TYPE_NMI) {
		nmi_during_guest(v);
		return;
	}
	hv_snprintf(what, sizeof(what), "ended: %s vector=%u error_code=0x%llx rip=0x%llx", intr_type_name(ii.type),
		    ii.vector, (unsigned long long)(ii.has_error_code ? vmread64(VM_EXIT_INTR_ERROR_CODE) : 0),
		    (unsigned long long)vmread64(GUEST_RIP));
	vm_log_registers(r);
	vm_end(HV_E_GUEST, what);
}
