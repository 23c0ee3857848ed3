// SPDX-License-Identifier: MIT
/*
 * tests/host/test_exit_msr_xsetbv_cr.c - the exits a guest's privileged register writes cause:
 * RDMSR and WRMSR of MSRs the guest does not have, refused with #GP (vmm/exit/msr.c; the MSRs it
 * has: test_exit_msr.c); XSETBV, executed when the value is valid
 * and refused with #GP otherwise (vmm/exit/xsetbv.c); MOV to and from CR3 emulated, a change to a
 * host-owned CR0/CR4 bit ending the guest (vmm/exit/cr_access.c). Run on the host through the
 * real vmx_exit_dispatch over the fake VMCS and CPU (tests/host/exit_harness.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "tests/host/exit_harness.h"

/* ------------------------------------------------------------------ MSRs, XSETBV, CR access */

static void test_rdmsr_wrmsr_inject_gp(void **state)
{
	(void)state;
	regs.gpr[GPR_RCX] = 0xffffffff00000010ull;   /* only ECX counts */
	regs.gpr[GPR_RAX] = 0x5555;
	run_resumed(EXIT_REASON_RDMSR, 0, 2);
	assert_gp_injected();
	assert_int_equal(rip(), RIP0);
	assert_int_equal(regs.gpr[GPR_RAX], 0x5555);
	assert_line(0, "[hv] msr: guest RDMSR 0x10 refused: #GP injected (rip=0x%llx)", ULL(RIP0));
	assert_int_equal(fake_log_nlines(), 1);
}

static void test_wrmsr_injects_gp(void **state)
{
	char want[128];

	(void)state;
	regs.gpr[GPR_RCX] = 0x1b;                     /* IA32_APIC_BASE: the guest owns no device */
	run_resumed(EXIT_REASON_WRMSR, 0, 2);
	assert_gp_injected();
	snprintf(want, sizeof(want), "[hv] msr: guest WRMSR 0x1b refused: #GP injected (rip=0x%llx)", ULL(RIP0));
	assert_log_lines(1, want);
}

static void test_xsetbv_valid(void **state)
{
	(void)state;
	regs.gpr[GPR_RCX] = 0;
	regs.gpr[GPR_RAX] = 0xffffffff00000007ull;   /* EDX:EAX */
	regs.gpr[GPR_RDX] = 0;
	run_resumed(EXIT_REASON_XSETBV, 0, 3);
	assert_int_equal(fake_hw.xsetbv_calls, 1);
	assert_int_equal(fake_hw.xsetbv_index, 0);
	assert_int_equal(fake_hw.xsetbv_value, 7);
	assert_int_equal(rip(), RIP0 + 3);
	assert_log_empty();
}

static void test_xsetbv_invalid_injects_gp(void **state)
{
	static const struct { uint64_t rcx, rdx, rax, cr4; } cases[] = {
		{ 1, 0, 7, FAKE_CR4_DEFAULT },                 /* XCR1 */
		{ 0, 0, 6, FAKE_CR4_DEFAULT },                 /* x87 off */
		{ 0, 0, 5, FAKE_CR4_DEFAULT },                 /* AVX without SSE */
		{ 0, 0, 0x207, FAKE_CR4_DEFAULT },             /* a bit the CPU does not offer */
		{ 0, 1, 7, FAKE_CR4_DEFAULT },                 /* bit 32 */
		{ 0, 0, 7, FAKE_CR4_DEFAULT & ~(1ull << 18) }, /* CR4.OSXSAVE clear */
	};
	char want[128];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fake_log_reset();
		fake_hw.cr4 = cases[i].cr4;
		regs.gpr[GPR_RCX] = cases[i].rcx;
		regs.gpr[GPR_RDX] = cases[i].rdx;
		regs.gpr[GPR_RAX] = cases[i].rax;
		run_resumed(EXIT_REASON_XSETBV, 0, 3);
		assert_gp_injected();
		snprintf(want, sizeof(want), "[hv] xsetbv: guest XCR%u=0x%llx refused: #GP injected", (unsigned)cases[i].rcx,
			 ULL(cases[i].rdx << 32 | cases[i].rax));
		assert_log_lines(1, want);
	}
	assert_int_equal(fake_hw.xsetbv_calls, 0);
	assert_int_equal(rip(), RIP0);
}

static void test_cr3_access(void **state)
{
	(void)state;
	regs.gpr[GPR_RBX] = BASE + 0x9000;
	run_resumed(EXIT_REASON_CR_ACCESS, cr_q(3, 0, GPR_RBX), 3);     /* mov cr3, rbx */
	assert_int_equal(fake_vmcs_get(GUEST_CR3), BASE + 0x9000);
	assert_int_equal(rip(), RIP0 + 3);
	run_resumed(EXIT_REASON_CR_ACCESS, cr_q(3, 1, 13), 3);          /* mov r13, cr3 */
	assert_int_equal(regs.gpr[13], BASE + 0x9000);
	assert_int_equal(rip(), RIP0 + 6);
	assert_log_empty();
}

static void test_cr_access_ends_guest(void **state)
{
	(void)state;
	regs.gpr[GPR_RAX] = 0x80000011;
	assert_true(run(EXIT_REASON_CR_ACCESS, cr_q(0, 0, GPR_RAX), 3));
	assert_ended(HV_E_GUEST, "ended: mov-to-cr CR0 (gpr 0 = 0x80000011) would change host-owned bits (VMX fixed bits), rip=0x%llx",
		     ULL(RIP0));
	fake_log_reset();
	regs.gpr[9] = 0x20;
	assert_true(run(EXIT_REASON_CR_ACCESS, cr_q(4, 0, 9), 4));
	assert_ended(HV_E_GUEST, "ended: mov-to-cr CR4 (gpr 9 = 0x20) would change host-owned bits (VMX fixed bits), rip=0x%llx",
		     ULL(RIP0));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_rdmsr_wrmsr_inject_gp),
		T(test_wrmsr_injects_gp),
		T(test_xsetbv_valid),
		T(test_xsetbv_invalid_injects_gp),
		T(test_cr3_access),
		T(test_cr_access_ends_guest),
	};
#undef T
	return cmocka_run_group_tests_name("exit_msr_xsetbv_cr", tests, NULL, NULL);
}
