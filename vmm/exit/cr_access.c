/* Control-register accesses (exit reason 28): MOV to/from CR3 emulated (CR3-load/store exiting
 * may be forced on where the CPU has no TRUE controls); a change to a host-owned CR0/CR4 bit
 * (the VMX fixed bits) ends an MHVGUEST guest, and is a Multiboot guest's mode switch, emulated
 * by cr_mode.c. */
#include "arch/lib/fmt.h"
#include "arch/x86_64/cr.h"
#include "vmm/decode/exit_qual_cr.h"
#include "vmm/exit/cr_mode.h"
#include "vmm/exit/exit.h"
#include "vmm/vm/end.h"

/* MOV to/from CR8 (CR8-load and CR8-store exiting): the guest's task priority is its own value,
 * never the APIC's. Bits 63:4 must be 0 (SDM Vol. 3A §2.5 "Control Registers"). */
static void cr8_access(struct vcpu *v, const struct cr_qual *q, uint64_t *reg)
{
	if (q->type == CR_ACCESS_MOV_TO) {
		if (*reg & ~CR8_TPR_MASK) {
			inject_gp();
			return;
		}
		v->tpr = (uint8_t)*reg;
	} else {
		*reg = v->tpr;
	}
	skip_instruction();
}

void handle_cr_access(struct vcpu *v, struct guest_regs *r)
{
	struct cr_qual q;
	uint64_t *reg;
	char what[160];

	cr_qual_decode(vmread64(EXIT_QUALIFICATION), &q);
	reg = &r->gpr[q.gpr];
	if (q.cr == 8) {
		cr8_access(v, &q, reg);
		return;
	}
	if (q.cr == 3 && q.gpr != GPR_RSP) {
		if (q.type == CR_ACCESS_MOV_TO && v->vm->multiboot) {
			cr_mode_write_cr3(v->vm, *reg);
			return;
		}
		if (q.type == CR_ACCESS_MOV_TO)
			vmwrite(GUEST_CR3, *reg);
		else if (q.type == CR_ACCESS_MOV_FROM)
			*reg = vmread64(GUEST_CR3);
		skip_instruction();
		return;
	}
	if (v->vm->multiboot && cr_mode_access(v->vm, &q, q.gpr == GPR_RSP ? vmread64(GUEST_RSP) : *reg))
		return;
	hv_snprintf(what, sizeof(what),
		    "ended: %s CR%u (gpr %u = 0x%llx) would change host-owned bits (VMX fixed bits), rip=0x%llx",
		    cr_access_type_name(q.type), q.cr, q.gpr, (unsigned long long)*reg,
		    (unsigned long long)vmread64(GUEST_RIP));
	vm_end(HV_E_GUEST, what);
}
