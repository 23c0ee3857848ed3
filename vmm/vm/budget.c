/* The time budget: a wall-clock deadline in TSC ticks, enforced by the VMX-preemption timer (it
 * counts down once every 2^X TSC ticks in VMX non-root operation, X = IA32_VMX_MISC[4:0]; SDM
 * Vol. 3C §26.5.1 "VMX-Preemption Timer") and by a check every BUDGET_CHECK_EXITS exits. */
#include "vmm/vm/budget.h"
#include "arch/lib/log.h"
#include "arch/x86_64/msr.h"
#include "vmm/vm/end.h"
#include "vmm/vmx/insn.h"
#include "vmm/vmx/vmcs_fields.h"

#define MILLION 1000000ull

static unsigned timer_rate(const struct vm *vm)
{
	return (unsigned)(vm->caps->misc & VMX_MISC_PREEMPT_RATE_MASK);
}

/* Timer counts for this many TSC ticks: at least 1, at most what the 32-bit field holds. */
static uint64_t timer_counts(const struct vm *vm, uint64_t ticks)
{
	uint64_t v = ticks >> timer_rate(vm);

	return v == 0 ? 1 : v > VMX_PREEMPTION_TIMER_MAX ? VMX_PREEMPTION_TIMER_MAX : v;
}

void budget_setup_quiet(const struct vm *vm)
{
	if (vm->timer)
		vmwrite(VMX_PREEMPTION_TIMER_VALUE, timer_counts(vm, vm->budget_ticks));
}

void budget_setup(struct vm *vm, bool timer, bool erratum)
{
	uint64_t mtsc = vm->bi->cfg.guest_budget_mtsc;

	vm->budget_ticks = mtsc * MILLION;
	vm->timer = timer;
	if (!timer) {
		hv_log("budget: %llu million TSC ticks of wall time, read every %u exits only (%s; a guest that never "
		       "exits is not stopped)", (unsigned long long)mtsc, BUDGET_CHECK_EXITS,
		       erratum ? "VMX-preemption timer off: erratum on this CPU, signature listed in vmm/vmx/errata.c" :
				 "this CPU has no VMX-preemption timer");
		return;
	}
	budget_setup_quiet(vm);
	hv_log("budget: %llu million TSC ticks of wall time (VMX-preemption timer 0x%llx, rate 2^%u; exits "
	       "charged)", (unsigned long long)mtsc, (unsigned long long)(vm->budget_ticks >> timer_rate(vm)),
	       timer_rate(vm));
}

void budget_start(struct vcpu *v)
{
	uint64_t now = log_now(), ticks = v->vm->budget_ticks;

	v->budget_exits = BUDGET_CHECK_EXITS;
	/* A deadline past the TSC's range never comes: the budget is then unbounded in practice. */
	v->deadline = ticks > ~0ull - now ? ~0ull : now + ticks;
}

static void check(struct vcpu *v, struct guest_regs *r, const char *what)
{
	uint64_t now = log_now();

	if (now >= v->deadline) {
		vm_log_registers(r);
		vm_end(HV_E_GUEST, what);
	}
	if (v->vm->timer)
		vmx_raw_vmwrite(VMX_PREEMPTION_TIMER_VALUE, timer_counts(v->vm, v->deadline - now));
}

void budget_timer_expired(struct vcpu *v, struct guest_regs *r)
{
	check(v, r, "ended: time budget used up (VMX-preemption timer)");
}

void budget_exits_elapsed(struct vcpu *v, struct guest_regs *r)
{
	v->budget_exits = BUDGET_CHECK_EXITS;
	check(v, r, "ended: time budget used up (counted at an exit: the hypervisor's work on its exits is charged)");
}
