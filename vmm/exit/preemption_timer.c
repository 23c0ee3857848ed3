/* VMX-preemption timer expired (exit reason 52): the guest's time budget (vmm/vm/vmcs_setup.c
 * arms it). A budget over 32 bits of timer counts is served in rounds. */
#include "vmm/exit/exit.h"
#include "vmm/vm/end.h"

void handle_preemption_timer(struct vm *vm, struct guest_regs *r)
{
	if (vm->budget_left) {
		uint64_t next = vm->budget_left > VMX_PREEMPTION_TIMER_MAX ? VMX_PREEMPTION_TIMER_MAX : vm->budget_left;
		vm->budget_left -= next;
		vmx_raw_vmwrite(VMX_PREEMPTION_TIMER_VALUE, next);
		return;
	}
	vm_log_registers(r);
	vm_end(HV_E_GUEST, "ended: time budget used up (VMX-preemption timer)");
}
