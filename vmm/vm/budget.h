/* The guest's time budget (HV.CFG budget_mtsc): wall time, the hypervisor's work on the guest's
 * exits included. The VMX-preemption timer bounds time in the guest; the wall clock is read when
 * the timer fires and once every BUDGET_CHECK_EXITS exits, so a guest that spends its time making
 * the hypervisor work (an EPT-violation loop, a CPUID loop) is bounded too (docs/boot-options.md). */
#ifndef VMM_VM_BUDGET_H
#define VMM_VM_BUDGET_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/vm/vm.h"

#define BUDGET_CHECK_EXITS 4096

/* At VMCS setup: the budget line, and the timer's first value when the CPU has a usable timer
 * (erratum: the CPU has one, but on the errata list: vmm/vmx/errata.c). */
void budget_setup(struct vm *vm, bool timer, bool erratum);
/* Another vCPU's VMCS: the timer's first value, no line. */
void budget_setup_quiet(const struct vm *vm);
/* At a vCPU's VMLAUNCH: its deadline is now + the budget. */
void budget_start(struct vcpu *v);
/* The timer fired (exit reason 52) or BUDGET_CHECK_EXITS exits went by: end the guest if the
 * deadline has passed, else re-arm. Returns only if the guest goes on. */
void budget_timer_expired(struct vcpu *v, struct guest_regs *r);
void budget_exits_elapsed(struct vcpu *v, struct guest_regs *r);

#endif
