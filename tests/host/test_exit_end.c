// SPDX-License-Identifier: MIT
/*
 * tests/host/test_exit_end.c - how a guest ends (vmm/vm/end.c): the exit summary, unhandled
 * exits (vmm/exit/dispatch.c), VM-entry failures and a failing VMRESUME
 * (vmm/exit/entry_failure.c), triple faults, exceptions and NMIs (vmm/exit/exception.c), the
 * VMX-preemption timer and its rounds (vmm/exit/preemption_timer.c); and a failing VMREAD or
 * VMWRITE, logged and survived (vmm/vmx/insn_report.c). Run on the host through the real
 * vmx_exit_dispatch over the fake VMCS and CPU (tests/host/exit_harness.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "tests/host/exit_harness.h"
#include "vmm/vm/budget.h"
#include "vmm/exit/dispatch.h"

#define SUMMARY_LINE_MAX 180   /* docs/log-format.md: a summary line, "[hv] summary: " included */

/* ------------------------------------------------------------------ the summary */

static void test_summary_counts(void **state)
{
	char sum[1024], want[1024];

	(void)state;
	for (int i = 0; i < 3; i++)
		run_resumed(EXIT_REASON_CPUID, 0, LEN_CPUID);
	out_str("hi\n");
	fake_vmcs_set(GUEST_RFLAGS, RFLAGS_RESERVED1 | RFLAGS_IF);   /* a HLT that resumes */
	run_resumed(EXIT_REASON_HLT, 0, 1);
	run_resumed(EXIT_REASON_WBINVD, 0, 2);
	run_resumed(EXIT_REASON_MONITOR, 0, 3);
	run_resumed(EXIT_REASON_MWAIT, 0, 3);
	run_resumed(EXIT_REASON_MWAIT, 0, 3);
	assert_int_equal(hypercall(HC_NOP, 0, 0, 0), 0);
	regs.gpr[GPR_RCX] = 0x10;
	run_resumed(EXIT_REASON_RDMSR, 0, 2);
	regs.gpr[GPR_RAX] = HC_DONE;
	regs.gpr[GPR_RDI] = 0;
	assert_true(run(EXIT_REASON_VMCALL, 0, LEN_VMCALL));
	summary(sum, sizeof(sum));
	snprintf(want, sizeof(want), "guest=test exits=14 CPUID=3 HLT=1 VMCALL=2 IO_INSTRUCTION=3 RDMSR=1 MWAIT=2 MONITOR=1 WBINVD=1");
	assert_string_equal(sum, want);
}

static void test_summary_wraps_long_lines(void **state)
{
	static const uint32_t reasons[] = { EXIT_REASON_CPUID, EXIT_REASON_HLT, EXIT_REASON_INVD, EXIT_REASON_VMCALL,
					    EXIT_REASON_IO_INSTRUCTION, EXIT_REASON_RDMSR, EXIT_REASON_WRMSR,
					    EXIT_REASON_WBINVD };
	char sum[2048], line[512];
	long i;

	(void)state;
	/* Counts with many digits, so the list passes 180 characters. */
	for (size_t k = 0; k < sizeof(reasons) / sizeof(reasons[0]); k++)
		fv.vcpu.exit_counts[reasons[k]] = 1234567890123ull + k;
	regs.gpr[GPR_RAX] = 0x40000000;
	regs.gpr[GPR_RCX] = 0;
	set_violation(0, 0);
	assert_true(run(EXIT_REASON_TRIPLE_FAULT, 0, 0));
	summary(sum, sizeof(sum));
	assert_string_equal(sum, "guest=test exits=9876543121013 TRIPLE_FAULT=1 CPUID=1234567890123 HLT=1234567890124 "
				 "INVD=1234567890125 VMCALL=1234567890126 IO_INSTRUCTION=1234567890127 RDMSR=1234567890128 "
				 "WRMSR=1234567890129 WBINVD=1234567890130");
	assert_true(fake_log_count("[hv] summary: ") >= 2);
	for (i = fake_log_find("[hv] summary: ", 0); i >= 0; i = fake_log_find("[hv] summary: ", (size_t)i + 1)) {
		fake_log_line((size_t)i, line, sizeof(line));
		assert_true(strlen(line) <= SUMMARY_LINE_MAX);
	}
}

/* Every width of count, so each entry in turn is the one that would pass the limit: no summary
 * line is longer than 180 characters ("[hv] summary: " included), none is cut short (the next
 * entry would not have fitted), and together they list every reason in order. */
static void test_summary_lines_at_most_180(void **state)
{
	static const uint32_t reasons[] = {
		EXIT_REASON_TRIPLE_FAULT, EXIT_REASON_CPUID, EXIT_REASON_HLT, EXIT_REASON_INVD, EXIT_REASON_RDMSR,
		EXIT_REASON_WRMSR, EXIT_REASON_EPT_VIOLATION, EXIT_REASON_EPT_MISCONFIG, EXIT_REASON_WBINVD,
		EXIT_REASON_XSETBV, EXIT_REASON_IO_INSTRUCTION, EXIT_REASON_CR_ACCESS,
	};
	char sum[4096], want[4096], line[512], entry[64];
	unsigned long long v = 1;

	(void)state;
	for (int width = 1; width <= 19; width++, v *= 10) {
		size_t n = 0, lines = 0;
		uint64_t total = 0;

		assert_true(fake_vm_reset(&fv));
		fake_regs_init(&fv, &regs);
		fake_log_reset();
		for (size_t k = 0; k < sizeof(reasons) / sizeof(reasons[0]); k++) {
			fv.vcpu.exit_counts[reasons[k]] = v + k;
			total += v + k;
		}
		done(0);
		assert_int_equal(vcpu_exits_total(&fv.vcpu), total + 1);   /* and the HC_DONE */
		n = (size_t)snprintf(want, sizeof(want), "guest=test exits=%llu", ULL(vcpu_exits_total(&fv.vcpu)));
		for (uint32_t r = 0; r < EXIT_REASON_COUNT; r++)
			if (fv.vcpu.exit_counts[r])
				n += (size_t)snprintf(want + n, sizeof(want) - n, " %s=%llu", exit_reason_name(r),
						      ULL(fv.vcpu.exit_counts[r]));
		summary(sum, sizeof(sum));
		assert_string_equal(sum, want);
		for (long i = fake_log_find("[hv] summary: ", 0); i >= 0; i = fake_log_find("[hv] summary: ", (size_t)i + 1)) {
			size_t len;

			fake_log_line((size_t)i, line, sizeof(line));
			len = strlen(line);
			if (len > SUMMARY_LINE_MAX)
				fail_msg("width %d: a summary line of %zu characters: %s", width, len, line);
			/* Continued: the next line's first entry did not fit on this one. */
			if (fake_log_find("[hv] summary: ", (size_t)i + 1) == i + 1) {
				fake_log_line((size_t)i + 1, entry, sizeof(entry));
				entry[14 + strcspn(entry + 14, " ")] = '\0';
				assert_true(len + 1 + strlen(entry + 14) > SUMMARY_LINE_MAX);
			}
			lines++;
		}
		assert_true(lines >= (width > 6 ? 2u : 1u));
	}
}

/* ------------------------------------------------------------------ exits that end the guest */

static void test_unhandled_exits_end_guest(void **state)
{
	static const uint32_t reasons[] = { 3, 7, 9, 16, 29, 37, 40, 50, 56, 71, 85, 86, 200, 0xffff };

	(void)state;
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
		uint32_t r = reasons[i];
		fake_log_reset();
		regs.gpr[GPR_RAX] = 0x1111;
		regs.gpr[8] = 0x8888;
		assert_true(run(r, 0xabc, 3));
		assert_ended(HV_E_GUEST, "ended: unhandled exit %u (%s) qualification=0xabc rip=0x%llx", r,
			     exit_reason_sdm_name(r), ULL(rip()));
		assert_true(fake_log_find("[hv] guest-regs rax=0x1111 rbx=0x0 ", 0) >= 0);
		assert_true(fake_log_find("[hv] guest-regs r8=0x8888 ", 0) >= 0);
	}
	/* The total is the sum of the per-reason counts: reasons beyond the table are not in it. */
	assert_int_equal(vcpu_exits_total(&fv.vcpu), sizeof(reasons) / sizeof(reasons[0]) - 3);
	assert_int_equal(rip(), RIP0);
}

static void test_unhandled_exit_names(void **state)
{
	(void)state;
	assert_true(run(EXIT_REASON_INIT_SIGNAL, 0, 0));
	assert_ended(HV_E_GUEST, "ended: unhandled exit 3 (INIT signal) qualification=0x0 rip=0x%llx", ULL(RIP0));
	fake_log_reset();
	assert_true(run(86, 0, 0));
	assert_ended(HV_E_GUEST, "ended: unhandled exit 86 (unknown exit reason) qualification=0x0 rip=0x%llx", ULL(RIP0));
}

static void test_entry_failure(void **state)
{
	(void)state;
	fake_vmcs_set(EXIT_QUALIFICATION, 0);
	assert_true(run(EXIT_REASON_ENTRY_FAILURE | EXIT_REASON_INVALID_GUEST_STATE, 0, 0));
	assert_line(0, "[hv] vm-entry failed: exit reason 33 (VM-entry failure due to invalid guest state) qualification=0x0 (a guest-state check: see the dump)");
	assert_int_equal(fake_hw.vmcs_dumps, 1);
	assert_ended(HV_E_VMLAUNCH, "ended: VM entry failed (VM-entry failure due to invalid guest state)");
	fake_log_reset();
	assert_true(run(EXIT_REASON_ENTRY_FAILURE | EXIT_REASON_MSR_LOAD_FAIL, 2, 0));
	assert_line(0, "[hv] vm-entry failed: exit reason 34 (VM-entry failure due to MSR loading) qualification=0x2 (index of the failing VM-entry MSR-load entry)");
	assert_ended(HV_E_VMLAUNCH, "ended: VM entry failed (VM-entry failure due to MSR loading)");
	/* The entry-failure bit wins over a handled reason. */
	fake_log_reset();
	assert_true(run(EXIT_REASON_ENTRY_FAILURE | EXIT_REASON_CPUID, 0, 2));
	assert_ended(HV_E_VMLAUNCH, "ended: VM entry failed (CPUID)");
	assert_int_equal(rip(), RIP0);
}

static void test_triple_fault(void **state)
{
	(void)state;
	fake_vmcs_set(GUEST_RIP, BASE + 0x10abc);
	assert_true(run(EXIT_REASON_TRIPLE_FAULT, 0, 0));
	assert_ended(HV_E_GUEST, "ended: triple fault (shutdown) at rip=0x%llx", ULL(BASE + 0x10abc));
	assert_int_equal(fake_log_count("[hv] guest-regs "), 2);
}

/* HLT: with interrupts off nothing can wake the guest (a kernel's final cli; hlt): it ends with its
 * own line and its registers; with IF = 1 it is skipped, as a wake-up that came at once. */
static void test_hlt(void **state)
{
	(void)state;
	fake_vmcs_set(GUEST_RFLAGS, RFLAGS_RESERVED1 | RFLAGS_IF);
	run_resumed(EXIT_REASON_HLT, 0, 1);
	run_resumed(EXIT_REASON_HLT, 0, 1);
	assert_int_equal(rip(), RIP0 + 2);
	assert_log_empty();
	fake_vmcs_set(GUEST_RFLAGS, RFLAGS_RESERVED1 | RFLAGS_CF);   /* IF = 0 */
	assert_true(run(EXIT_REASON_HLT, 0, 1));
	assert_ended(HV_E_GUEST, "ended: HLT with interrupts off (RFLAGS.IF=0) at rip=0x%llx: nothing can wake it",
		     ULL(RIP0 + 2));
	assert_int_equal(rip(), RIP0 + 2);
	assert_int_equal(fake_log_count("[hv] guest-regs "), 2);
	assert_int_equal(fv.vcpu.exit_counts[EXIT_REASON_HLT], 3);
}

static void test_exception_nmi(void **state)
{
	(void)state;
	fake_vmcs_set(VM_EXIT_INTR_INFO, INTR_INFO_VALID | (3u << 8) | INTR_INFO_ERROR_CODE | 14);
	fake_vmcs_set(VM_EXIT_INTR_ERROR_CODE, 2);
	assert_true(run(EXIT_REASON_EXCEPTION_NMI, 0x1000, 0));
	assert_ended(HV_E_GUEST, "ended: hardware-exception vector=14 error_code=0x2 rip=0x%llx", ULL(RIP0));
}

/* An NMI during the guest is the platform's: counted, NMIs unblocked in root mode (the VM exit
 * left them blocked), one rate-limited line, the guest resumes where it was. */
static void test_nmi_during_guest_resumes(void **state)
{
	(void)state;
	fake_vmcs_set(VM_EXIT_INTR_INFO, INTR_INFO_VALID | (INTR_TYPE_NMI << 8) | 2);
	run_resumed(EXIT_REASON_EXCEPTION_NMI, 0, 0);
	run_resumed(EXIT_REASON_EXCEPTION_NMI, 0, 0);
	assert_int_equal(fv.vcpu.nmis, 2);
	assert_int_equal(fake_hw.nmi_unblocks, 2);
	assert_int_equal(rip(), RIP0);
	assert_int_equal(fake_vmcs_writes_to(VM_ENTRY_INTR_INFO_FIELD), 0);   /* not passed to the guest */
	log_pump();
	assert_line(0, "[hv] nmi: arrived during the guest at rip=0x%llx (1 so far): counted, guest resumed", ULL(RIP0));
	assert_line(1, "[hv] nmi: arrived during the guest at rip=0x%llx (2 so far): counted, guest resumed", ULL(RIP0));
	assert_int_equal(fake_log_nlines(), 2);
}

/* A time budget spent making the hypervisor work: the wall clock is read every
 * BUDGET_CHECK_EXITS exits, and the guest ends at the first read past the deadline. */
static void test_budget_counts_exits(void **state)
{
	(void)state;
	fv.vcpu.budget_exits = 2;
	fake_hw.tsc = fv.vcpu.deadline - 1;
	run_resumed(EXIT_REASON_CPUID, 0, 2);
	assert_int_equal(fv.vcpu.budget_exits, 1);
	run_resumed(EXIT_REASON_CPUID, 0, 2);   /* read: not yet: re-armed, timer set to what is left */
	assert_int_equal(fv.vcpu.budget_exits, BUDGET_CHECK_EXITS);
	assert_int_equal(fake_vmcs_get(VMX_PREEMPTION_TIMER_VALUE), 1);
	fv.vcpu.budget_exits = 1;
	fake_hw.tsc = fv.vcpu.deadline;
	assert_true(run(EXIT_REASON_CPUID, 0, 2));
	assert_ended(HV_E_GUEST, "ended: time budget used up (counted at an exit: the hypervisor's work on its "
		     "exits is charged)");
}

static void test_preemption_timer(void **state)
{
	(void)state;
	fake_hw.tsc = fv.vcpu.deadline;   /* the wall-clock budget is spent */
	assert_true(run(EXIT_REASON_PREEMPTION_TIMER, 0, 0));
	assert_ended(HV_E_GUEST, "ended: time budget used up (VMX-preemption timer)");
}

static void test_preemption_timer_rounds(void **state)
{
	(void)state;
	/* The timer counts guest time only: when it fires before the wall-clock deadline, it is
	 * re-armed with what is left of it, at most 2^32 - 1 counts a round (IA32_VMX_MISC rate 0
	 * on the fake CPU: one count per TSC tick). */
	fake_hw.tsc = fv.vcpu.deadline - 0x123456789ull;
	run_resumed(EXIT_REASON_PREEMPTION_TIMER, 0, 0);
	assert_int_equal(fake_vmcs_get(VMX_PREEMPTION_TIMER_VALUE), 0xffffffffull);
	fake_hw.tsc += 0xffffffffull;
	run_resumed(EXIT_REASON_PREEMPTION_TIMER, 0, 0);
	assert_int_equal(fake_vmcs_get(VMX_PREEMPTION_TIMER_VALUE), 0x123456789ull - 0xffffffffull);
	assert_int_equal(rip(), RIP0);
	assert_log_empty();
	fake_hw.tsc = fv.vcpu.deadline + 1;
	assert_true(run(EXIT_REASON_PREEMPTION_TIMER, 0, 0));
	assert_ended(HV_E_GUEST, "ended: time budget used up (VMX-preemption timer)");
	{
		char sum[256];
		summary(sum, sizeof(sum));
		assert_string_equal(sum, "guest=test exits=3 PREEMPTION_TIMER=3");
	}
}

/* ------------------------------------------------------------------ the VMX layer */

static void test_vmread_failure_is_logged(void **state)
{
	(void)state;
	/* A VMREAD that fails is logged and reads as 0: here GUEST_CR3 for a MOV from CR3. */
	fake_vmcs_set_absent(GUEST_CR3, true);
	regs.gpr[GPR_RSI] = 0x77;
	run_resumed(EXIT_REASON_CR_ACCESS, cr_q(3, 1, GPR_RSI), 3);
	assert_int_equal(regs.gpr[GPR_RSI], 0);
	assert_int_equal(rip(), RIP0 + 3);
	assert_log_lines(1, "[hv] vmx: VMREAD failed: VMfailValid error=12 (VMREAD/VMWRITE from/to unsupported VMCS component) arg=0x6802");
	/* A failed VMWRITE too: MOV to CR3. */
	fake_log_reset();
	run_resumed(EXIT_REASON_CR_ACCESS, cr_q(3, 0, GPR_RSI), 3);
	assert_log_lines(1, "[hv] vmx: VMWRITE failed: VMfailValid error=12 (VMREAD/VMWRITE from/to unsupported VMCS component) arg=0x6802");
	assert_int_equal(fake_vmcs_failed_writes(), 1);
}

/* vmx_resume_failed (vmm/exit/entry_failure.c) does not return: fake_call catches the guest's end. */
static void call_resume_failed(void *rflags)
{
	vmx_resume_failed(*(uint64_t *)rflags);
}

static void test_vmresume_failure(void **state)
{
	uint64_t zf = 1u << 6, cf = 1;

	(void)state;
	/* What vmm/vmx/entry.asm calls when VMRESUME falls through: ZF = VMfailValid. */
	fake_vmcs_set(VM_INSTRUCTION_ERROR, 7);
	assert_true(fake_call(call_resume_failed, &zf));
	assert_line(0, "[hv] vmx: VMRESUME failed: VMfailValid error=7 (VM entry with invalid control field(s)) arg=0x0");
	assert_ended(HV_E_VMLAUNCH, "ended: VMRESUME failed: VM-instruction error 7 (VM entry with invalid control field(s))");
	assert_int_equal(fake_hw.vmcs_dumps, 1);
	fake_log_reset();
	assert_true(fake_call(call_resume_failed, &cf));
	assert_line(0, "[hv] vmx: VMRESUME failed: VMfailInvalid (no current VMCS or bad operand) arg=0x0");
	assert_ended(HV_E_VMLAUNCH, "ended: VMRESUME failed: VMfailInvalid (no current VMCS)");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_summary_counts),
		T(test_summary_wraps_long_lines),
		T(test_summary_lines_at_most_180),
		T(test_unhandled_exits_end_guest),
		T(test_unhandled_exit_names),
		T(test_entry_failure),
		T(test_triple_fault),
		T(test_hlt),
		T(test_exception_nmi),
		T(test_preemption_timer),
		T(test_preemption_timer_rounds),
		T(test_nmi_during_guest_resumes),
		T(test_budget_counts_exits),
		T(test_vmread_failure_is_logged),
		T(test_vmresume_failure),
	};
#undef T
	return cmocka_run_group_tests_name("exit_end", tests, NULL, NULL);
}
