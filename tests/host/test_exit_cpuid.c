// SPDX-License-Identifier: MIT
/*
 * tests/host/test_exit_cpuid.c - CPUID exits (vmm/exit/cpuid.c): the hypervisor's leaves answered
 * without running CPUID, leaf 1 with VMX hidden, the others passed through; and the RIP advance
 * every resumed exit makes (vmm/exit/dispatch.c), run on the host through the real
 * vmx_exit_dispatch over the fake VMCS and CPU (tests/host/exit_harness.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tests/host/exit_harness.h"

/* ------------------------------------------------------------------ CPUID */

static void test_cpuid_hypervisor_leaf(void **state)
{
	char vendor[13];

	(void)state;
	regs.gpr[GPR_RAX] = 0x40000000;
	regs.gpr[GPR_RBX] = regs.gpr[GPR_RCX] = regs.gpr[GPR_RDX] = ~0ull;
	run_resumed(EXIT_REASON_CPUID, 0, LEN_CPUID);
	assert_int_equal(regs.gpr[GPR_RAX], 0x40000001);
	memcpy(vendor + 0, &regs.gpr[GPR_RBX], 4);
	memcpy(vendor + 4, &regs.gpr[GPR_RCX], 4);
	memcpy(vendor + 8, &regs.gpr[GPR_RDX], 4);
	vendor[12] = '\0';
	assert_string_equal(vendor, "MiniHVMiniHV");
	assert_int_equal(regs.gpr[GPR_RBX] >> 32, 0);
	assert_int_equal(fake_hw.cpuid_calls, 0);       /* answered without running CPUID */
	assert_int_equal(rip(), RIP0 + LEN_CPUID);
	assert_log_empty();                              /* the common exits do not log */
}

static void test_cpuid_hypervisor_range(void **state)
{
	(void)state;
	regs.gpr[GPR_RAX] = 0x40000001;
	run_resumed(EXIT_REASON_CPUID, 0, LEN_CPUID);
	assert_int_equal(regs.gpr[GPR_RAX], 1);          /* ABI version */
	assert_int_equal(regs.gpr[GPR_RBX] | regs.gpr[GPR_RCX] | regs.gpr[GPR_RDX], 0);
	/* The rest of the hypervisor range reads 0, still without CPUID; above it is the CPU's. */
	for (uint32_t leaf = 0x40000002; leaf <= 0x400000ff; leaf += 0x35) {
		regs.gpr[GPR_RAX] = leaf;
		regs.gpr[GPR_RBX] = 5;
		run_resumed(EXIT_REASON_CPUID, 0, LEN_CPUID);
		assert_int_equal(regs.gpr[GPR_RAX] | regs.gpr[GPR_RBX] | regs.gpr[GPR_RCX] | regs.gpr[GPR_RDX], 0);
	}
	assert_int_equal(fake_hw.cpuid_calls, 0);
	regs.gpr[GPR_RAX] = 0x40000100;
	run_resumed(EXIT_REASON_CPUID, 0, LEN_CPUID);
	assert_int_equal(fake_hw.cpuid_calls, 1);
	assert_int_equal(fake_hw.cpuid_last_leaf, 0x40000100);
}

static void test_cpuid_leaf1_hides_vmx(void **state)
{
	struct cpuid_regs c;

	(void)state;
	fake_cpuid_table(1, 0, &c);
	regs.gpr[GPR_RAX] = 0xdeadbeef00000001ull;     /* CPUID uses EAX only */
	regs.gpr[GPR_RCX] = 0x1234567800000000ull;
	regs.gpr[GPR_RDX] = ~0ull;
	run_resumed(EXIT_REASON_CPUID, 0, LEN_CPUID);
	assert_int_equal(fake_hw.cpuid_calls, 1);
	assert_int_equal(fake_hw.cpuid_last_leaf, 1);
	assert_int_equal(fake_hw.cpuid_last_subleaf, 0);
	/* Results replace the whole 64-bit registers (32-bit writes zero-extend). */
	assert_int_equal(regs.gpr[GPR_RAX], c.eax);
	assert_int_equal(regs.gpr[GPR_RBX], c.ebx);
	assert_int_equal(regs.gpr[GPR_RCX], (FAKE_CPUID_1_ECX | (1u << 31)) & ~(1u << 5));
	assert_int_equal(regs.gpr[GPR_RDX], c.edx);
	assert_int_equal(rip(), RIP0 + LEN_CPUID);
}

static void test_cpuid_other_leaves_pass_through(void **state)
{
	static const uint32_t leaves[][2] = { { 0, 0 }, { 7, 0 }, { 0xd, 1 }, { 0x80000000u, 0 }, { 4, 3 } };

	(void)state;
	for (size_t i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++) {
		struct cpuid_regs c;
		fake_cpuid_table(leaves[i][0], leaves[i][1], &c);
		regs.gpr[GPR_RAX] = leaves[i][0];
		regs.gpr[GPR_RCX] = leaves[i][1];
		run_resumed(EXIT_REASON_CPUID, 0, LEN_CPUID);
		assert_int_equal(fake_hw.cpuid_last_leaf, leaves[i][0]);
		assert_int_equal(fake_hw.cpuid_last_subleaf, leaves[i][1]);
		assert_int_equal(regs.gpr[GPR_RAX], c.eax);
		assert_int_equal(regs.gpr[GPR_RBX], c.ebx);
		assert_int_equal(regs.gpr[GPR_RCX], c.ecx);
		assert_int_equal(regs.gpr[GPR_RDX], c.edx);
	}
}

/* ------------------------------------------------------------------ RIP */

static void test_rip_advances_by_instruction_length(void **state)
{
	static const uint32_t reasons[] = { EXIT_REASON_CPUID, EXIT_REASON_HLT, EXIT_REASON_INVD,
					    EXIT_REASON_WBINVD, EXIT_REASON_VMCALL, EXIT_REASON_IO_INSTRUCTION };
	uint64_t want = RIP0;

	(void)state;
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
		for (uint64_t len = 1; len <= 15; len++) {
			struct guest_regs before;
			regs.gpr[GPR_RAX] = 0;                   /* CPUID leaf 0, HC_NOP */
			before = regs;
			run_resumed(reasons[i], io_q(0x80, 1, false, false), len);
			want += len;
			assert_int_equal(rip(), want);
			/* Only GUEST_RIP was written (no event injected). */
			assert_int_equal(fake_vmcs_nwrites(), 1);
			assert_int_equal(fake_vmcs_write_at(0)->field, GUEST_RIP);
			if (reasons[i] != EXIT_REASON_CPUID)
				assert_memory_equal(&before.gpr[1], &regs.gpr[1], sizeof(regs.gpr) - 8);
		}
	}
	assert_int_equal(fake_vmcs_failed_writes() + fake_vmcs_failed_reads(), 0);
	assert_int_equal(vm_exits_total(&fv.vm), 6 * 15);
	assert_int_equal(fv.vm.exit_counts[EXIT_REASON_HLT], 15);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_cpuid_hypervisor_leaf),
		T(test_cpuid_hypervisor_range),
		T(test_cpuid_leaf1_hides_vmx),
		T(test_cpuid_other_leaves_pass_through),
		T(test_rip_advances_by_instruction_length),
	};
#undef T
	return cmocka_run_group_tests_name("exit_cpuid", tests, NULL, NULL);
}
