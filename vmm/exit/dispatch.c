/* The VM-exit dispatcher: one table indexed by basic exit reason (SDM Vol. 3D Appendix C "VMX Basic
 * Exit Reasons", Table C-1), one handler per reason the hypervisor supports (one file per family in
 * vmm/exit/). CPUID, I/O and VMCALL are the common exits: their paths do no logging, allocation or
 * formatting. Everything else may log. The hot path is vmx_exit_dispatch; everything rare is out of
 * line. */
#include "vmm/exit/dispatch.h"
#include "arch/lib/fmt.h"
#include "arch/lib/log.h"
#include "vmm/exit/exit.h"
#include "vmm/vm/budget.h"
#include "vmm/vm/end.h"

static void handle_unexpected(struct vcpu *v, struct guest_regs *r);

/* Every basic reason has an entry, so the hot path needs no null check: reasons the hypervisor
 * does not expect end the guest (handle_unexpected). The range fills the table first; the named
 * entries then override it, which is the intent (GCC's -Woverride-init, clang's
 * -Winitializer-overrides would warn). */
#pragma GCC diagnostic push
#ifdef __clang__
#pragma GCC diagnostic ignored "-Winitializer-overrides"
#else
#pragma GCC diagnostic ignored "-Woverride-init"
#endif
static const exit_handler_fn handlers[EXIT_REASON_COUNT] = {
	[0 ... EXIT_REASON_COUNT - 1] = handle_unexpected,
	[EXIT_REASON_EXCEPTION_NMI] = handle_exception_nmi,
	[EXIT_REASON_EXTERNAL_INTERRUPT] = handle_external_interrupt,
	[EXIT_REASON_TRIPLE_FAULT] = handle_triple_fault,
	[EXIT_REASON_CPUID] = handle_cpuid,
	[EXIT_REASON_HLT] = handle_hlt,
	[EXIT_REASON_INVD] = handle_invd_wbinvd,
	[EXIT_REASON_VMCALL] = handle_vmcall,
	[EXIT_REASON_CR_ACCESS] = handle_cr_access,
	[EXIT_REASON_IO_INSTRUCTION] = handle_io,
	[EXIT_REASON_RDMSR] = handle_msr,
	[EXIT_REASON_WRMSR] = handle_msr,
	[EXIT_REASON_EPT_VIOLATION] = handle_ept_violation,
	[EXIT_REASON_EPT_MISCONFIG] = handle_ept_misconfig,
	[EXIT_REASON_PREEMPTION_TIMER] = handle_preemption_timer,
	[EXIT_REASON_WBINVD] = handle_invd_wbinvd,
	[EXIT_REASON_XSETBV] = handle_xsetbv,
	[EXIT_REASON_MWAIT] = handle_monitor_mwait,
	[EXIT_REASON_MONITOR] = handle_monitor_mwait,
};
#pragma GCC diagnostic pop

/* Any exit without a handler: say what it was, show the guest, end it. */
static __attribute__((noreturn)) void end_unexpected(struct guest_regs *r, uint32_t basic)
{
	char what[160];

	hv_snprintf(what, sizeof(what), "ended: unhandled exit %u (%s) qualification=0x%llx rip=0x%llx", basic,
		    exit_reason_sdm_name(basic), (unsigned long long)vmread64(EXIT_QUALIFICATION),
		    (unsigned long long)vmread64(GUEST_RIP));
	vm_log_registers(r);
	vm_end(HV_E_GUEST, what);
}

static void handle_unexpected(struct vcpu *v, struct guest_regs *r)
{
	(void)v;
	end_unexpected(r, (uint32_t)vmread64(VM_EXIT_REASON) & EXIT_REASON_BASIC_MASK);
}

/* A reason with a flag bit set (a failed VM entry, bit 31; SDM Vol. 3C §25.9.1 "Basic VM-Exit
 * Information") or beyond the table. */
static __attribute__((noinline, cold)) void dispatch_rare(struct vcpu *v, struct guest_regs *r, uint32_t reason)
{
	uint32_t basic = reason & EXIT_REASON_BASIC_MASK;

	if (basic < EXIT_REASON_COUNT)
		v->exit_counts[basic]++;
	if (reason & EXIT_REASON_ENTRY_FAILURE)
		end_entry_failure(reason);
	if (basic < EXIT_REASON_COUNT) {
		handlers[basic](v, r);
		return;
	}
	end_unexpected(r, basic);
}

static inline void dispatch(struct vcpu *v, struct guest_regs *r, uint32_t reason)
{
	if (reason < EXIT_REASON_COUNT) {
		v->exit_counts[reason]++;
		handlers[reason](v, r);
		return;
	}
	dispatch_rare(v, r, reason);
}

/* Lines wait for the UART, or BUDGET_CHECK_EXITS exits went by: do that work, then dispatch. */
static __attribute__((noinline)) void dispatch_busy(struct vcpu *v, struct guest_regs *r, uint32_t reason)
{
	if (v->budget_exits == 0)
		budget_exits_elapsed(v, r);
	log_poll();   /* never waits: only what the UART's FIFO has room for, now and then */
	dispatch(v, r, reason);
}

void vmx_exit_dispatch(struct guest_regs *r)
{
	struct vcpu *v = this_vcpu();
	uint32_t reason = (uint32_t)vmread_hot(VM_EXIT_REASON);

	if (--v->budget_exits == 0 || log_pending()) {
		dispatch_busy(v, r, reason);
		return;
	}
	dispatch(v, r, reason);
}
