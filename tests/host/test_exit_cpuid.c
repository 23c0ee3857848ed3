// SPDX-License-Identifier: MIT
/*
 * tests/host/test_exit_cpuid.c - CPUID exits (vmm/exit/cpuid.c): the hypervisor's leaves answered
 * without running CPUID; leaf 1 with VMX and MONITOR hidden and OSXSAVE from the guest's CR4; the
 * features whose enabling control is off hidden, table-driven over fake CPUs and control settings;
 * the other leaves passed through; and the RIP advance
 * every resumed exit makes (vmm/exit/dispatch.c), run on the host through the real
 * vmx_exit_dispatch over the fake VMCS and CPU (tests/host/exit_harness.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86_64/cpuid.h"
#include "tests/host/exit_harness.h"
#include "vmm/exit/exit.h"
#include "vmm/vm/layout.h"
#include "vmm/vmx/controls.h"

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
	assert_int_equal(regs.gpr[GPR_RAX], 2);          /* ABI version: 2 has vCPUs */
	assert_int_equal(regs.gpr[GPR_RBX], 1);          /* vCPUs */
	assert_int_equal(regs.gpr[GPR_RCX], 0);          /* this one's index */
	assert_int_equal(regs.gpr[GPR_RDX], 0);
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

/* Leaf 1 on the default fake CPU: VMX and MONITOR hidden, the hypervisor bit set, OSXSAVE the
 * guest's CR4.OSXSAVE (GUEST_CR4), never the host's. */
static void test_cpuid_leaf1(void **state)
{
	struct cpuid_regs c;
	uint32_t want = (FAKE_CPUID_1_ECX | CPUID_1_ECX_HYPERVISOR) &
			~(CPUID_1_ECX_VMX | CPUID_1_ECX_MONITOR | CPUID_1_ECX_OSXSAVE);

	(void)state;
	fake_cpuid_table(1, 0, &c);
	assert_true(FAKE_CPUID_1_ECX & CPUID_1_ECX_OSXSAVE);   /* the host's CR4.OSXSAVE is 1 */
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
	assert_int_equal(regs.gpr[GPR_RCX], want);     /* the guest's CR4.OSXSAVE is 0 at entry */
	assert_int_equal(regs.gpr[GPR_RDX], c.edx);
	assert_int_equal(rip(), RIP0 + LEN_CPUID);

	fake_vmcs_set(GUEST_CR4, fake_vmcs_get(GUEST_CR4) | CR4_OSXSAVE);
	regs.gpr[GPR_RAX] = 1;
	run_resumed(EXIT_REASON_CPUID, 0, LEN_CPUID);
	assert_int_equal(regs.gpr[GPR_RCX], want | CPUID_1_ECX_OSXSAVE);
	assert_log_empty();
}

static void test_cpuid_other_leaves_pass_through(void **state)
{
	/* Leaf 0, subleaves of the masked leaves that carry no masked bit, leaves in the ranges the
	 * handler looks at more closely (1-0xd, 0x80000001-0x8000000d) and beyond them. */
	static const uint32_t leaves[][2] = { { 0, 0 },   { 7, 1 },          { 0xd, 0 },          { 0xd, 2 },
					      { 4, 3 },   { 0xb, 1 },        { 0xc, 0 },          { 0xe, 0 },
					      { 2, 0 },   { 0x80000000u, 0 }, { 0x80000002u, 0 }, { 0x80000008u, 0 },
					      { 0x8000000eu, 0 }, { 0x7fffffffu, 0 }, { 0xffffffffu, 5 } };

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

/* ------------------------------------------------------------------ the masks, per control */

/* Every bit CPUID hides or changes, with the control that lets the guest have it (0: none does).
 * From SDM Vol. 3C §26.3: with the control 0 the instruction #UDs in VMX non-root operation. */
struct masked_bit {
	uint32_t leaf, subleaf;
	int reg;                   /* GPR_RAX..GPR_RDX */
	uint32_t bit;
	uint32_t proc2;            /* the secondary control that enables it, or 0: always hidden */
	const char *what;
};

static const struct masked_bit masked_bits[] = {
	{ 1, 0, GPR_RCX, CPUID_1_ECX_MONITOR, 0, "MONITOR/MWAIT (they exit and are skipped)" },
	{ 1, 0, GPR_RCX, CPUID_1_ECX_VMX, 0, "VMX" },
	{ 7, 0, GPR_RBX, CPUID_7_EBX_INVPCID, PROC2_ENABLE_INVPCID, "INVPCID" },
	{ 7, 0, GPR_RCX, CPUID_7_ECX_WAITPKG, PROC2_ENABLE_USER_WAIT_PAUSE, "WAITPKG" },
	{ 7, 0, GPR_RCX, CPUID_7_ECX_RDPID, PROC2_ENABLE_RDTSCP, "RDPID" },
	{ 7, 0, GPR_RDX, CPUID_7_EDX_PCONFIG, PROC2_ENABLE_PCONFIG, "PCONFIG" },
	{ 0xd, 1, GPR_RAX, CPUID_D1_EAX_XSAVES, PROC2_ENABLE_XSAVES, "XSAVES" },
	{ 0x80000001u, 0, GPR_RDX, CPUID_80000001_EDX_RDTSCP, PROC2_ENABLE_RDTSCP, "RDTSCP" },
};

/* Fake CPUs: every bit set, none set, and the default Skylake-like table. */
static void cpu_all_ones(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *out)
{
	(void)leaf;
	(void)subleaf;
	*out = (struct cpuid_regs){ ~0u, ~0u, ~0u, ~0u };
}

static void cpu_all_zeros(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *out)
{
	(void)leaf;
	(void)subleaf;
	*out = (struct cpuid_regs){ 0, 0, 0, 0 };
}

static const struct {
	const char *name;
	fake_cpuid_fn fn;
} cpus[] = { { "all ones", cpu_all_ones }, { "all zeros", cpu_all_zeros }, { "skylake-like table", fake_cpuid_table } };

#define ACT PROC_ACTIVATE_SECONDARY_CONTROLS
#define ALL2 (PROC2_ENABLE_INVPCID | PROC2_ENABLE_USER_WAIT_PAUSE | PROC2_ENABLE_RDTSCP | PROC2_ENABLE_PCONFIG | \
	      PROC2_ENABLE_XSAVES)

/* Control settings: none, each one alone, all, all but secondary controls not activated (then
 * they count as 0), and what vmcs_setup asks for on the Bochs models (RDTSCP, INVPCID where offered). */
static const struct {
	uint32_t proc, proc2;
} settings[] = {
	{ ACT, 0 },
	{ ACT, PROC2_ENABLE_INVPCID },
	{ ACT, PROC2_ENABLE_USER_WAIT_PAUSE },
	{ ACT, PROC2_ENABLE_RDTSCP },
	{ ACT, PROC2_ENABLE_PCONFIG },
	{ ACT, PROC2_ENABLE_XSAVES },
	{ ACT, ALL2 },
	{ ACT, ~0u },
	{ 0, ALL2 },
	{ ACT | PROC_MWAIT_EXITING | PROC_MONITOR_EXITING, PROC2_ENABLE_EPT | PROC2_ENABLE_RDTSCP | PROC2_ENABLE_INVPCID },
	{ ACT | PROC_MWAIT_EXITING | PROC_MONITOR_EXITING, PROC2_ENABLE_EPT | PROC2_ENABLE_RDTSCP },
};

/* What the guest must read in one register of one leaf: the CPU's value without the bits hidden
 * under these controls (and, for leaf 1 ECX, the hypervisor bit and OSXSAVE from the guest's CR4). */
static uint32_t expected(uint32_t leaf, uint32_t subleaf, int reg, uint32_t cpu_value, uint32_t proc, uint32_t proc2,
			 bool guest_osxsave)
{
	uint32_t v = cpu_value, active2 = (proc & ACT) ? proc2 : 0;

	for (size_t i = 0; i < sizeof(masked_bits) / sizeof(masked_bits[0]); i++) {
		const struct masked_bit *m = &masked_bits[i];
		if (m->leaf == leaf && m->subleaf == subleaf && m->reg == reg && !(m->proc2 && (active2 & m->proc2)))
			v &= ~m->bit;
	}
	if (leaf == 1 && reg == GPR_RCX)
		v = (v & ~CPUID_1_ECX_OSXSAVE) | CPUID_1_ECX_HYPERVISOR | (guest_osxsave ? CPUID_1_ECX_OSXSAVE : 0);
	return v;
}

static void test_cpuid_masks_per_control(void **state)
{
	static const uint32_t leaves[][2] = { { 1, 0 }, { 7, 0 }, { 0xd, 1 }, { 0x80000001u, 0 } };
	unsigned checked = 0;

	(void)state;
	for (size_t ci = 0; ci < sizeof(cpus) / sizeof(cpus[0]); ci++) {
		for (size_t si = 0; si < sizeof(settings) / sizeof(settings[0]); si++) {
			cpuid_masks_init(settings[si].proc, settings[si].proc2);
			fake_hw.cpuid = cpus[ci].fn;
			for (int osx = 0; osx < 2; osx++) {
				fake_vmcs_set(GUEST_CR4, GUEST_CR4_AT_ENTRY | CR4_VMXE | (osx ? CR4_OSXSAVE : 0));
				for (size_t li = 0; li < sizeof(leaves) / sizeof(leaves[0]); li++) {
					struct cpuid_regs c;
					uint32_t got[4], cpu[4];
					cpus[ci].fn(leaves[li][0], leaves[li][1], &c);
					cpu[GPR_RAX] = c.eax, cpu[GPR_RCX] = c.ecx, cpu[GPR_RDX] = c.edx, cpu[GPR_RBX] = c.ebx;
					regs.gpr[GPR_RAX] = 0xffffffff00000000ull | leaves[li][0];
					regs.gpr[GPR_RCX] = 0xffffffff00000000ull | leaves[li][1];
					run_resumed(EXIT_REASON_CPUID, 0, LEN_CPUID);
					for (int g = 0; g < 4; g++) {
						uint32_t want = expected(leaves[li][0], leaves[li][1], g, cpu[g], settings[si].proc,
									 settings[si].proc2, osx);
						if (regs.gpr[g] >> 32)
							fail_msg("%s: leaf 0x%x: register %d not zero-extended", cpus[ci].name,
								 leaves[li][0], g);
						got[g] = (uint32_t)regs.gpr[g];
						if (got[g] != want)
							fail_msg("%s, proc=0x%x proc2=0x%x, CR4.OSXSAVE=%d: leaf 0x%x.%u register %d = 0x%08x, want 0x%08x",
								 cpus[ci].name, settings[si].proc, settings[si].proc2, osx, leaves[li][0],
								 leaves[li][1], g, got[g], want);
						checked++;
					}
				}
			}
		}
	}
	assert_int_equal(checked, 3 * 11 * 2 * 4 * 4);
	fake_hw.cpuid = fake_cpuid_table;
	assert_log_empty();
}

/* The masks themselves, named: what each control setting leaves visible. */
static void test_cpuid_masks_compute(void **state)
{
	struct cpuid_masks m;

	(void)state;
	cpuid_masks_compute(ACT, 0, &m);
	assert_int_equal(m.leaf7_ebx, ~CPUID_7_EBX_INVPCID);
	assert_int_equal(m.leaf7_ecx, ~(CPUID_7_ECX_WAITPKG | CPUID_7_ECX_RDPID));
	assert_int_equal(m.leaf7_edx, ~CPUID_7_EDX_PCONFIG);
	assert_int_equal(m.leafd1_eax, ~CPUID_D1_EAX_XSAVES);
	assert_int_equal(m.ext1_edx, ~CPUID_80000001_EDX_RDTSCP);
	cpuid_masks_compute(ACT, ALL2, &m);
	assert_int_equal(m.leaf7_ebx & m.leaf7_ecx & m.leaf7_edx & m.leafd1_eax & m.ext1_edx, ~0u);
	cpuid_masks_compute(0, ALL2, &m);                     /* secondary controls not activated */
	assert_int_equal(m.ext1_edx, ~CPUID_80000001_EDX_RDTSCP);
	cpuid_masks_compute(ACT, PROC2_ENABLE_RDTSCP, &m);    /* RDTSCP and RDPID together */
	assert_int_equal(m.ext1_edx, ~0u);
	assert_int_equal(m.leaf7_ecx, ~CPUID_7_ECX_WAITPKG);
}

/* ------------------------------------------------------------------ RIP */

static void test_rip_advances_by_instruction_length(void **state)
{
	static const uint32_t reasons[] = { EXIT_REASON_CPUID,  EXIT_REASON_HLT,    EXIT_REASON_INVD,
					    EXIT_REASON_WBINVD, EXIT_REASON_VMCALL, EXIT_REASON_IO_INSTRUCTION,
					    EXIT_REASON_MWAIT,  EXIT_REASON_MONITOR };
	uint64_t want = RIP0;

	(void)state;
	fake_vmcs_set(GUEST_RFLAGS, RFLAGS_RESERVED1 | RFLAGS_IF);   /* a HLT with IF = 0 ends the guest */
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
	assert_int_equal(vcpu_exits_total(&fv.vcpu), 8 * 15);
	assert_int_equal(fv.vcpu.exit_counts[EXIT_REASON_HLT], 15);
	assert_int_equal(fv.vcpu.exit_counts[EXIT_REASON_MWAIT], 15);
}

/* MONITOR and MWAIT (vmm/exit/monitor_mwait.c) are skipped like HLT: whatever the hint and the
 * extensions asked for, the guest goes on after the instruction with its registers as they were,
 * nothing injected, nothing logged. The guest/mwait.asm loop: CLI, MONITOR, MWAIT EAX=0x60. */
static void test_monitor_mwait_skipped(void **state)
{
	struct guest_regs before;

	(void)state;
	for (int i = 0; i < 100; i++) {
		regs.gpr[GPR_RAX] = BASE + 0x20000;      /* MONITOR: the address, no extensions, no hints */
		regs.gpr[GPR_RCX] = 0;
		regs.gpr[GPR_RDX] = 0;
		before = regs;
		run_resumed(EXIT_REASON_MONITOR, 0, 3);
		assert_memory_equal(&before, &regs, sizeof(regs));
		regs.gpr[GPR_RAX] = 0x60;                /* MWAIT: C6 hint, interrupts masked (ECX[0] = 0) */
		before = regs;
		run_resumed(EXIT_REASON_MWAIT, 1, 3);    /* qualification bit 0: the monitor was armed */
		assert_memory_equal(&before, &regs, sizeof(regs));
		assert_int_equal(fake_vmcs_writes_to(VM_ENTRY_INTR_INFO_FIELD), 0);
	}
	assert_int_equal(rip(), RIP0 + 100 * 6);
	assert_int_equal(fv.vcpu.exit_counts[EXIT_REASON_MONITOR], 100);
	assert_int_equal(fv.vcpu.exit_counts[EXIT_REASON_MWAIT], 100);
	assert_log_empty();
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_cpuid_hypervisor_leaf),
		T(test_cpuid_hypervisor_range),
		T(test_cpuid_leaf1),
		T(test_cpuid_other_leaves_pass_through),
		T(test_cpuid_masks_per_control),
		T(test_cpuid_masks_compute),
		T(test_rip_advances_by_instruction_length),
		T(test_monitor_mwait_skipped),
	};
#undef T
	return cmocka_run_group_tests_name("exit_cpuid", tests, NULL, NULL);
}
