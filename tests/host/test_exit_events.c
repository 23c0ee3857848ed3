// SPDX-License-Identifier: MIT
/*
 * tests/host/test_exit_events.c - exits of events real machines deliver and Bochs rarely does
 * (issue 13): an external interrupt during the guest (EOI, counted, resumed), the guest's CR8
 * kept away from the real TPR, an event whose delivery hit a protected page delivered again,
 * an access outside guest memory during event delivery named as such, hypercalls from CPL 3,
 * and the all-context INVEPT/INVVPID after VMXON (vmm/vmx/flush.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "tests/host/exit_harness.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/segment.h"
#include "vmm/decode/exit_qual_cr.h"
#include "vmm/vm/protect.h"
#include "vmm/vmx/flush.h"

#define LAPIC_EOI_WORD (LAPIC_EOI / 4)

static void test_external_interrupt_eoi_and_resume(void **state)
{
	(void)state;
	fake_lapic_page[LAPIC_EOI_WORD] = 0xdead;
	fake_vmcs_set(VM_EXIT_INTR_INFO, INTR_INFO_VALID | (INTR_TYPE_EXTERNAL << 8) | 0x41);
	run_resumed(EXIT_REASON_EXTERNAL_INTERRUPT, 0, 0);
	assert_int_equal(fake_lapic_page[LAPIC_EOI_WORD], 0);     /* EOI written */
	assert_int_equal(fv.vcpu.interrupts, 1);
	assert_int_equal(rip(), RIP0);
	assert_int_equal(fake_vmcs_writes_to(VM_ENTRY_INTR_INFO_FIELD), 0);   /* never the guest's */
	log_pump();
	assert_log_lines(1, "[hv] interrupt: vector 0x41 arrived during the guest (1 so far): EOI sent, guest resumed "
			    "(a device the firmware left enabled)");
}

static void test_cr8_is_the_guests_own(void **state)
{
	(void)state;
	regs.gpr[GPR_RBX] = 0xb;
	run_resumed(EXIT_REASON_CR_ACCESS, cr_q(8, CR_ACCESS_MOV_TO, GPR_RBX), 4);
	assert_int_equal(fv.vcpu.tpr, 0xb);
	assert_int_equal(rip(), RIP0 + 4);
	assert_int_equal(fake_lapic_page[0x80 / 4], 0);           /* the real TPR untouched */
	regs.gpr[GPR_RDX] = 0;
	run_resumed(EXIT_REASON_CR_ACCESS, cr_q(8, CR_ACCESS_MOV_FROM, GPR_RDX), 4);
	assert_int_equal(regs.gpr[GPR_RDX], 0xb);
	assert_int_equal(rip(), RIP0 + 8);
	/* bits 63:4 are reserved: #GP, nothing kept, RIP stays */
	regs.gpr[GPR_RBX] = 0x10;
	run_resumed(EXIT_REASON_CR_ACCESS, cr_q(8, CR_ACCESS_MOV_TO, GPR_RBX), 4);
	assert_gp_injected();
	assert_int_equal(fv.vcpu.tpr, 0xb);
	assert_int_equal(rip(), RIP0 + 8);
	assert_log_empty();
}

/* A #PF being delivered through an IDT on a page the guest protected with REGRANT: the page is
 * re-granted and the #PF delivered again, with its error code. */
static void test_event_delivery_reinjected(void **state)
{
	uint64_t page = BASE + 0x202000;

	(void)state;
	assert_int_equal(hypercall(HC_PROTECT, page, 0, HC_FAULT_REGRANT), 0);
	fake_vmcs_set(IDT_VECTORING_INFO_FIELD, INTR_INFO_VALID | (INTR_TYPE_HW_EXCEPTION << 8) | INTR_INFO_ERROR_CODE | 14);
	fake_vmcs_set(IDT_VECTORING_ERROR_CODE, 0x6);
	set_violation(page + 0x70, 0);
	fake_vmcs_clear_writes();
	run_resumed(EXIT_REASON_EPT_VIOLATION, 0x181, 0);
	assert_int_equal(fake_vmcs_get(VM_ENTRY_INTR_INFO_FIELD),
			 INTR_INFO_VALID | (INTR_TYPE_HW_EXCEPTION << 8) | INTR_INFO_ERROR_CODE | 14);
	assert_int_equal(fake_vmcs_get(VM_ENTRY_EXCEPTION_ERROR_CODE), 0x6);
	assert_int_equal(fake_vmcs_writes_to(VM_ENTRY_INSTRUCTION_LEN), 0);
	/* A software interrupt (INT n) on a KEEP page: delivered again, with its instruction length. */
	assert_int_equal(hypercall(HC_PROTECT, page, 0, HC_FAULT_KEEP), 0);
	fake_vmcs_set(IDT_VECTORING_INFO_FIELD, INTR_INFO_VALID | (INTR_TYPE_SW_INTERRUPT << 8) | 0x80);
	fake_vmcs_clear_writes();
	run_resumed(EXIT_REASON_EPT_VIOLATION, 0x181, 2);
	assert_int_equal(fake_vmcs_get(VM_ENTRY_INTR_INFO_FIELD), INTR_INFO_VALID | (INTR_TYPE_SW_INTERRUPT << 8) | 0x80);
	assert_int_equal(fake_vmcs_get(VM_ENTRY_INSTRUCTION_LEN), 2);
	assert_int_equal(fake_vmcs_writes_to(VM_ENTRY_EXCEPTION_ERROR_CODE), 0);
	/* Without an event in delivery nothing is injected. */
	fake_vmcs_set(IDT_VECTORING_INFO_FIELD, 0);
	fake_vmcs_clear_writes();
	run_resumed(EXIT_REASON_EPT_VIOLATION, 0x181, 2);
	assert_int_equal(fake_vmcs_writes_to(VM_ENTRY_INTR_INFO_FIELD), 0);
}

static void test_outside_during_event_delivery(void **state)
{
	(void)state;
	fake_vmcs_set(IDT_VECTORING_INFO_FIELD, INTR_INFO_VALID | (INTR_TYPE_HW_EXCEPTION << 8) | 13);
	set_violation(0x1000, 0);
	assert_true(run(EXIT_REASON_EPT_VIOLATION, 0x181, 0));
	assert_ended(HV_E_GUEST, "ended: access to gpa=0x1000 outside its memory 0x%llx-0x%llx while delivering "
		     "hardware-exception vector 13", ULL(BASE), ULL(LAST));
}

/* Hypercalls are the guest kernel's: from CPL 3 only HC_NOP answers, the rest get HC_E_PRIV. */
static void test_hypercall_from_user_mode(void **state)
{
	char *p = (char *)fv.mem + 0x30000;

	(void)state;
	strcpy(p, "from ring 3");
	fake_vmcs_set(GUEST_SS_AR_BYTES, SEG_AR_DATA | (3u << SEG_AR_DPL_SHIFT));
	assert_int_equal(hypercall(HC_PRINT, BASE + 0x30000, 0, 0), HC_E_PRIV);
	assert_int_equal(hypercall(HC_PROTECT, BASE + 0x200000, 0, HC_FAULT_KEEP), HC_E_PRIV);
	assert_int_equal(hypercall(HC_DONE, 0, 0, 0), HC_E_PRIV);
	assert_int_equal(hypercall(HC_NOP, 0, 0, 0), 0);
	assert_int_equal(fv.vm.nprotected, 0);
	fake_vmcs_set(GUEST_SS_AR_BYTES, SEG_AR_DATA);
	assert_int_equal(hypercall(HC_PRINT, BASE + 0x30000, 0, 0), 11);
	assert_log_lines(1, "[guest] from ring 3");
}

static void test_flush_after_vmxon(void **state)
{
	struct vmx_caps c = fv.caps;

	(void)state;
	c.invept_all = true;
	c.invvpid_all = true;
	assert_int_equal(vmx_flush_all_contexts(&c), VMX_FLUSHED_EPT | VMX_FLUSHED_VPID);
	assert_int_equal(fake_hw.invept_calls, 1);
	assert_int_equal(fake_hw.invept_type, 2);     /* all-context */
	assert_int_equal(fake_hw.invvpid_calls, 1);
	assert_int_equal(fake_hw.invvpid_type, 2);    /* all-context */
	c.invvpid_all = false;
	assert_int_equal(vmx_flush_all_contexts(&c), VMX_FLUSHED_EPT);
	c.invept_all = false;
	assert_int_equal(vmx_flush_all_contexts(&c), 0);
	assert_int_equal(fake_hw.invept_calls, 2);
	assert_int_equal(fake_hw.invvpid_calls, 1);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_external_interrupt_eoi_and_resume),
		T(test_cr8_is_the_guests_own),
		T(test_event_delivery_reinjected),
		T(test_outside_during_event_delivery),
		T(test_hypercall_from_user_mode),
		T(test_flush_after_vmxon),
	};
#undef T
	return cmocka_run_group_tests_name("exit_events", tests, NULL, NULL);
}
