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

/* A CPU that offers every XCR0 bit SDM Vol. 1 §13.3 names a rule for: x87, SSE, AVX, MPX, AVX-512,
 * PKRU (bit 9) and AMX (17, 18); everything else as the default table. */
#define XCR0_ALL_RULES 0x602ffu
static void cpu_all_xcr0(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *out)
{
	fake_cpuid_table(leaf, subleaf, out);
	if (leaf == 0xd && subleaf == 0)
		out->eax = XCR0_ALL_RULES, out->edx = 0;
}

static void xsetbv_refused(uint64_t rcx, uint64_t rdx, uint64_t rax, const char *why)
{
	char want[160];

	fake_log_reset();
	fake_vmcs_set(VM_ENTRY_INTR_INFO_FIELD, 0);   /* the CPU clears its valid bit on VM entry */
	fake_hw.xsetbv_calls = 0;
	regs.gpr[GPR_RCX] = rcx;
	regs.gpr[GPR_RDX] = rdx;
	regs.gpr[GPR_RAX] = rax;
	run_resumed(EXIT_REASON_XSETBV, 0, 3);
	if (fake_hw.xsetbv_calls)
		fail_msg("XSETBV of XCR%u=0x%llx executed: the CPU would #GP in root mode", (unsigned)rcx,
			 ULL(rdx << 32 | (uint32_t)rax));
	assert_gp_injected();
	assert_int_equal(rip(), RIP0);
	if ((uint32_t)rcx)
		snprintf(want, sizeof(want), "[hv] xsetbv: guest XCR%u=0x%llx refused: no such XCR: #GP injected",
			 (unsigned)rcx, ULL(rdx << 32 | (uint32_t)rax));
	else
		snprintf(want, sizeof(want), "[hv] xsetbv: guest XCR0=0x%llx refused: %s: #GP injected",
			 ULL(rdx << 32 | (uint32_t)rax), why);
	assert_log_lines(1, want);
}

/* The rules the handler always had: XCR0 only, x87 on, AVX with SSE, nothing CPUID does not offer. */
static void test_xsetbv_invalid_injects_gp(void **state)
{
	(void)state;
	xsetbv_refused(1, 0, 7, NULL);                                   /* XCR1 */
	xsetbv_refused(0xffffffff, 0, 7, NULL);
	xsetbv_refused(0, 0, 6, "x87 (bit 0) clear");
	xsetbv_refused(0, 0, 5, "AVX (bit 2) without SSE (bit 1)");
	xsetbv_refused(0, 0, 0x207, "sets a bit CPUID leaf 0xd does not offer");   /* PKRU: not on this CPU */
	xsetbv_refused(0, 1, 7, "sets a bit CPUID leaf 0xd does not offer");       /* bit 32 */
	xsetbv_refused(0, 0, 0x1f, "sets a bit CPUID leaf 0xd does not offer");    /* MPX: not on this CPU */
	xsetbv_refused(0, 0, 0xe5, "AVX (bit 2) without SSE (bit 1)");
}

/* The groups §13.3 allows only whole: AVX-512 (bits 7:5, and only with AVX), MPX (4:3), AMX (18:17).
 * Each value here passes the other rules, so without these XSETBV would #GP in root mode. */
static void test_xsetbv_partial_groups_inject_gp(void **state)
{
	(void)state;
	xsetbv_refused(0, 0, 0x27, "AVX-512 (bits 5-7) not all set or all clear");
	xsetbv_refused(0, 0, 0x67, "AVX-512 (bits 5-7) not all set or all clear");
	xsetbv_refused(0, 0, 0xc7, "AVX-512 (bits 5-7) not all set or all clear");
	xsetbv_refused(0, 0, 0xe3, "AVX-512 (bits 5-7) without AVX (bit 2)");
	/* The rules for components the default CPU lacks, on one that offers them. */
	fake_hw.cpuid = cpu_all_xcr0;
	xsetbv_refused(0, 0, 0x0b, "BNDREGS and BNDCSR (bits 3, 4) not both set or both clear");
	xsetbv_refused(0, 0, 0x13, "BNDREGS and BNDCSR (bits 3, 4) not both set or both clear");
	xsetbv_refused(0, 0, 0x20003, "TILECFG and TILEDATA (bits 17, 18) not both set or both clear");
	xsetbv_refused(0, 0, 0x400e7, "TILECFG and TILEDATA (bits 17, 18) not both set or both clear");
	xsetbv_refused(0, 0, 0x80003, "sets a bit CPUID leaf 0xd does not offer");  /* bit 19 */
	fake_hw.cpuid = fake_cpuid_table;
}

/* CR4.OSXSAVE is 0 on the host: XSETBV would #UD there, whatever the value. (The hypervisor sets it
 * at take-over on every CPU with XSAVE; a CPU without XSAVE never gets here, as the guest could
 * not set its own CR4.OSXSAVE.) */
static void test_xsetbv_refused_without_host_xsave(void **state)
{
	(void)state;
	fake_hw.cr4 = FAKE_CR4_DEFAULT & ~CR4_OSXSAVE;
	xsetbv_refused(0, 0, 3, "XSAVE is off on this CPU (CR4.OSXSAVE=0)");
	xsetbv_refused(0, 0, 1, "XSAVE is off on this CPU (CR4.OSXSAVE=0)");
	assert_int_equal(fake_hw.cpuid_calls, 0);   /* leaf 0xd is not even read */
	fake_hw.cr4 = FAKE_CR4_DEFAULT;
	regs.gpr[GPR_RAX] = 3;
	run_resumed(EXIT_REASON_XSETBV, 0, 3);
	assert_int_equal(fake_hw.xsetbv_calls, 1);
}

/* Every valid XCR0 value: executed as the guest asked, once, and the guest resumes after it. */
static void test_xsetbv_every_valid_value(void **state)
{
	static const uint64_t valid[] = { 0x1, 0x3, 0x7, 0xe7, 0x19, 0x1b, 0x1f, 0xff, 0x201, 0x2ff, 0x60001, 0x60003,
					  0x602ff };

	(void)state;
	fake_hw.cpuid = cpu_all_xcr0;
	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		uint64_t before = rip();
		fake_hw.xsetbv_calls = 0;
		regs.gpr[GPR_RCX] = 0xabcd00000000ull;   /* ECX = 0: RCX[63:32] is ignored */
		regs.gpr[GPR_RAX] = 0x5555555500000000ull | valid[i];
		regs.gpr[GPR_RDX] = 0x6666666600000000ull;
		run_resumed(EXIT_REASON_XSETBV, 0, 3);
		assert_int_equal(fake_hw.xsetbv_calls, 1);
		assert_int_equal(fake_hw.xsetbv_index, 0);
		assert_int_equal(fake_hw.xsetbv_value, valid[i]);
		assert_int_equal(rip(), before + 3);
		assert_int_equal(fake_vmcs_get(VM_ENTRY_INTR_INFO_FIELD), 0);
	}
	fake_hw.cpuid = fake_cpuid_table;
	assert_log_empty();
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
		T(test_xsetbv_partial_groups_inject_gp),
		T(test_xsetbv_refused_without_host_xsave),
		T(test_xsetbv_every_valid_value),
		T(test_cr3_access),
		T(test_cr_access_ends_guest),
	};
#undef T
	return cmocka_run_group_tests_name("exit_msr_xsetbv_cr", tests, NULL, NULL);
}
