/* VMCALL (exit reason 18): the guest's hypercalls. HC_NOP, the benchmark's round trip, is
 * answered here; the rest go to vmm/vm/hypercall.c. A common exit: no logging. */
#include "vmm/exit/exit.h"
#include "vmm/vm/hypercall.h"

void handle_vmcall(struct vcpu *v, struct guest_regs *r)
{
	if (r->gpr[GPR_RAX] == HC_NOP)
		r->gpr[GPR_RAX] = 0;       /* the benchmark's round trip: nothing else to do */
	else
		hypercall_dispatch(v, r);
	skip_instruction();
}
