/* VMX-preemption timer expired (exit reason 52): the guest's time budget (vmm/vm/budget.c). */
#include "vmm/exit/exit.h"
#include "vmm/vm/budget.h"

void handle_preemption_timer(struct vcpu *v, struct guest_regs *r)
{
	budget_timer_expired(v, r);
}
