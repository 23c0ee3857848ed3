// SPDX-License-Identifier: MIT
/*
 * tests/host/test_exit_vcpus.c - one guest, several vCPUs, over the fake VMCS and CPU: the vCPU
 * hypercalls and their refusals (docs/guest-abi.md "vCPUs"), CPUID leaf 0x40000001, the EPT
 * shootdown that HC_PROTECT makes (the NMIs it sends, the acknowledgements it waits for, the
 * run that ends when a CPU never answers), and each vCPU ending itself with the run ending after
 * the last (docs/log-format.md). The other CPUs never run here: a test plays them by changing
 * their vCPU's state, or from the clock the waits read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "tests/host/exit_harness.h"
#include "arch/x86_64/lapic.h"
#include "vmm/vm/shootdown.h"
#include "vmm/vm/vcpu_start.h"

#define NV 4
#define TSC_PER_MS 1000ull
#define ICR_LOW_WORD (LAPIC_ICR_LOW / 4)
#define ICR_HIGH_WORD (LAPIC_ICR_HIGH / 4)

static struct vcpu vc[NV];

/* Each read of the clock moves it 1 ms; acks = the vCPUs that answer a shootdown when it reads. */
static unsigned acks;
static uint64_t ticking_clock(void)
{
	for (unsigned i = 0; i < NV; i++)
		if (acks & (1u << i))
			vc[i].ept_gen_seen = fv.vm.ept_gen;
	fake_hw.tsc += TSC_PER_MS;
	return fake_hw.tsc;
}

/* fv's guest with NV vCPUs: vCPU 0 is fv's (running), the others waiting, APIC IDs 0x10 + i. */
static int setup_vcpus(void **state)
{
	int r = setup(state);

	memset(vc, 0, sizeof(vc));
	vc[0] = fv.vcpu;
	for (unsigned i = 0; i < NV; i++) {
		vc[i].self = &vc[i];
		vc[i].vm = &fv.vm;
		vc[i].index = i;
		vc[i].apic_id = 0x10 + i;
		vc[i].deadline = fv.vcpu.deadline;
		vc[i].budget_exits = fv.vcpu.budget_exits;
	}
	fv.vm.vcpu = vc;
	fv.vm.nvcpus = NV;
	fv.vm.tsc_per_ms = TSC_PER_MS;
	test_vcpu = &vc[0];
	log_test_clock = ticking_clock;
	acks = 0;
	fake_parked = 0;
	return r;
}

static int teardown_vcpus(void **state)
{
	fv.vm.vcpu = &fv.vcpu;
	fv.vm.nvcpus = 1;
	test_vcpu = &fv.vcpu;
	return teardown(state);
}

static void as_vcpu(unsigned i)
{
	test_vcpu = &vc[i];
}

/* ------------------------------------------------------------------ HC_VCPU_START, HC_VCPU_INDEX */

static void test_start_refused(void **state)
{
	uint64_t end = BASE + fv.vm.mem_size;

	(void)state;
	assert_int_equal(hypercall(HC_VCPU_START, 0, RIP0, end), HC_E_VCPU);           /* vCPU 0 */
	assert_int_equal(hypercall(HC_VCPU_START, NV, RIP0, end), HC_E_VCPU);          /* beyond the count */
	assert_int_equal(hypercall(HC_VCPU_START, ~0ull, RIP0, end), HC_E_VCPU);
	as_vcpu(2);
	assert_int_equal(hypercall(HC_VCPU_START, 2, RIP0, end), HC_E_VCPU);           /* itself */
	assert_int_equal(hypercall(HC_VCPU_START, 1, BASE - 1, end), HC_E_RANGE);      /* RIP outside */
	assert_int_equal(hypercall(HC_VCPU_START, 1, end, end), HC_E_RANGE);
	assert_int_equal(hypercall(HC_VCPU_START, 1, RIP0, BASE), HC_E_RANGE);         /* no 8 bytes below */
	assert_int_equal(hypercall(HC_VCPU_START, 1, RIP0, end + 8), HC_E_RANGE);
	assert_int_equal(hypercall(HC_VCPU_START, 1, RIP0, 4), HC_E_RANGE);
	for (unsigned i = 1; i < NV; i++)
		assert_int_equal(vcpu_state(&vc[i]), VCPU_WAITING);                    /* nothing started */
	assert_int_equal(fake_lapic_page[ICR_LOW_WORD], 0);                             /* no NMI sent */
	assert_log_empty();
}

static void test_start(void **state)
{
	uint64_t end = BASE + fv.vm.mem_size;

	(void)state;
	as_vcpu(2);
	assert_int_equal(hypercall(HC_VCPU_START, 1, RIP0 + 0x40, end - 0x1000), 0);
	assert_int_equal(vcpu_state(&vc[1]), VCPU_STARTING);
	assert_int_equal(vc[1].start_rip, RIP0 + 0x40);
	assert_int_equal(vc[1].start_rsp, end - 0x1000);
	assert_int_equal(vc[1].started_by, 2);
	/* vCPU 0's entry registers, RBX = the index, RAX = 0. */
	assert_int_equal(vc[1].launch_regs.gpr[GPR_RBX], 1);
	assert_int_equal(vc[1].launch_regs.gpr[GPR_RAX], 0);
	assert_int_equal(vc[1].launch_regs.gpr[GPR_RDI], BASE);
	assert_int_equal(vc[1].launch_regs.gpr[GPR_RSI], fv.vm.mem_size);
	/* Woken with NMIs (the CPU never launches here: one per ms until the timeout), each counted. */
	assert_int_equal(fake_lapic_page[ICR_LOW_WORD], LAPIC_DELIVERY_NMI | LAPIC_ICR_ASSERT);
	assert_int_equal(fake_lapic_page[ICR_HIGH_WORD], 0x11u << LAPIC_XAPIC_DEST_SHIFT);
	assert_in_range(vc[1].nmis_expected, VCPU_START_TIMEOUT_MS / 2, VCPU_START_TIMEOUT_MS + 1);
	assert_log_lines(1, "[hv] vcpu 1: its CPU has not launched it within 100 ms of HC_VCPU_START; it may start "
			    "later");
	/* Once only, whoever asks; vCPU 0 itself can never be started. */
	assert_int_equal(hypercall(HC_VCPU_START, 1, RIP0, end), HC_E_STARTED);
	as_vcpu(0);
	assert_int_equal(hypercall(HC_VCPU_START, 1, RIP0, end), HC_E_STARTED);
	assert_int_equal(vc[1].started_by, 2);
}

static void test_index_and_cpuid(void **state)
{
	(void)state;
	for (unsigned i = 0; i < NV; i++) {
		as_vcpu(i);
		assert_int_equal(hypercall(HC_VCPU_INDEX, 0, 0, 0), i);
		regs.gpr[GPR_RAX] = CPUID_HV_MAX_LEAF;
		run_resumed(EXIT_REASON_CPUID, 0, LEN_CPUID);
		assert_int_equal(regs.gpr[GPR_RAX], HV_ABI_VERSION);
		assert_int_equal(regs.gpr[GPR_RBX], NV);
		assert_int_equal(regs.gpr[GPR_RCX], i);
	}
	assert_int_equal(vc[3].exit_counts[EXIT_REASON_CPUID], 1);   /* counted per vCPU */
	assert_int_equal(vc[3].exit_counts[EXIT_REASON_VMCALL], 1);
	assert_int_equal(vm_exits_total(&fv.vm), 2 * NV);
	assert_log_empty();
}

/* ------------------------------------------------------------------ the EPT shootdown */

/* HC_PROTECT with vCPUs 1 and 3 running, 2 waiting: NMIs to 1 and 3 only, and the hypercall
 * returns once both flushed the new generation. */
static void test_shootdown(void **state)
{
	uint64_t page = BASE + 0x200000;

	(void)state;
	vcpu_set_state(&vc[1], VCPU_RUNNING);
	vcpu_set_state(&vc[3], VCPU_RUNNING);
	acks = (1u << 0) | (1u << 1) | (1u << 3);
	assert_int_equal(hypercall(HC_PROTECT, page, 0, HC_FAULT_REGRANT), 0);
	assert_int_equal(fv.vm.shootdowns, 1);
	assert_int_equal(fv.vm.ept_gen, 1);
	assert_int_equal(vc[0].ept_gen_seen, 1);
	assert_int_equal(vc[1].nmis_expected, 1);
	assert_int_equal(vc[2].nmis_expected, 0);                      /* not running: nothing to flush */
	assert_int_equal(vc[3].nmis_expected, 1);
	assert_int_equal(fake_lapic_page[ICR_HIGH_WORD], 0x13u << LAPIC_XAPIC_DEST_SHIFT);
	assert_false(translate(page).mapped);
	/* On vCPU 3's CPU the NMI arrives (in the guest, or in the hypervisor): claimed, not counted. */
	as_vcpu(3);
	assert_true(shootdown_claim_nmi(&vc[3]));
	assert_false(shootdown_claim_nmi(&vc[3]));                    /* the next one is the platform's */
	/* Its violation, then the re-grant: a second shootdown, from vCPU 3. */
	set_violation(page, page);
	run_resumed(EXIT_REASON_EPT_VIOLATION, 0x181, 0);
	assert_int_equal(fv.vm.shootdowns, 2);
	assert_int_equal(vc[0].nmis_expected, 1);                     /* vCPU 0 was sent one this time */
	assert_int_equal(vc[0].ept_gen_seen, 2);
	assert_int_equal(vc[1].ept_gen_seen, 2);
	assert_int_equal(vc[3].ept_gen_seen, 2);
	assert_true(translate(page).mapped);
}

/* A CPU that never acknowledges: after 100 ms the run ends, E_SMP, the late CPU named. */
static void test_shootdown_unacknowledged(void **state)
{
	uint64_t page = BASE + 0x200000;

	(void)state;
	vcpu_set_state(&vc[1], VCPU_RUNNING);
	vcpu_set_state(&vc[2], VCPU_RUNNING);
	acks = 1u << 1;   /* vCPU 2's CPU never answers */
	regs.gpr[GPR_RAX] = HC_PROTECT;
	regs.gpr[GPR_RDI] = page;
	regs.gpr[GPR_RSI] = 0;
	regs.gpr[GPR_RDX] = HC_FAULT_REGRANT;
	assert_true(run(EXIT_REASON_VMCALL, 0, LEN_VMCALL));
	assert_int_equal(fake_end_status, HV_E_SMP);
	assert_int_equal(fv.vm.abort, 1);
	assert_int_equal(fv.vm.ept_lock.owner, fv.vm.ept_lock.next);   /* released */
	assert_true(fake_log_find("[hv] guest: ended: cpu 2 did not acknowledge the EPT invalidation within 100 ms "
				  "(its translations may be stale; the run ends)", 0) >= 0);
	assert_true(fake_log_find("[hv] run: vcpus=4 started=3 shootdowns=1 status=E_SMP never_started=3 first=vcpu0: "
				  "ended: cpu 2 did not acknowledge", 0) >= 0);
	assert_true(fake_log_find("[hv] end: status=E_SMP code=14", 0) >= 0);
}

/* Two vCPUs touch vCPU 1's planted page: the first exit repairs it, the second (on vCPU 2) finds
 * the entry sane and resumes; one vCPU's guest would have ended there. */
static void test_misconfig_repaired_meanwhile(void **state)
{
	uint64_t page = BASE + 0x202000;

	(void)state;
	acks = 1u << 0;   /* vCPU 0 runs: it acknowledges the shootdowns */
	as_vcpu(1);
	assert_int_equal(hypercall(HC_EPT_MISCONFIG_DEMO, page, 0, 0), 0);
	assert_int_equal(vc[1].misconfig_gpa, page);
	as_vcpu(2);
	assert_int_equal(hypercall(HC_EPT_MISCONFIG_DEMO, page, 0, 0), HC_E_INVAL);   /* vCPU 1's page */
	set_violation(page, page);
	run_resumed(EXIT_REASON_EPT_MISCONFIG, 0, 0);                                  /* repairs it */
	assert_int_equal(vc[1].misconfig_gpa, 0);
	run_resumed(EXIT_REASON_EPT_MISCONFIG, 0, 0);                                  /* already sane */
	assert_int_equal(fake_log_count("[hv] ept-misconfig "), 1);
	assert_true(translate(page).mapped);
}

/* ------------------------------------------------------------------ each vCPU ends itself */

static void test_vcpus_end(void **state)
{
	long run_line, total;

	unsigned ends = fake_end_calls;

	(void)state;
	vcpu_set_state(&vc[1], VCPU_RUNNING);
	vcpu_set_state(&vc[2], VCPU_RUNNING);
	as_vcpu(1);
	done(3);                                                      /* vCPU 1: its CPU parks */
	assert_int_equal(fake_parked, 1);
	assert_int_equal(fake_end_calls, ends);
	assert_int_equal(vcpu_state(&vc[1]), VCPU_ENDED);
	assert_int_equal(vc[1].end_status, HV_E_GUEST);
	assert_int_equal(fv.vm.first_fail, 1);
	log_flush();   /* its lines wait in the ring (deferred) */
	assert_true(fake_log_find("[hv] guest: done exit_code=3", 0) >= 0);
	assert_true(fake_log_find("[hv] summary: guest=test vcpu=1 exits=1 VMCALL=1", 0) >= 0);
	/* vCPU 0 ends OK and waits for vCPU 2, which never ends (no timer, never exits): after its
	 * deadline and the grace the boot processor ends the run. vCPU 3 was never started. */
	as_vcpu(0);
	fake_hw.tsc = vc[2].deadline;
	regs.gpr[GPR_RAX] = 'x';
	out_byte(0x3f8, 'x');                                          /* a last line without its newline */
	done(0);
	assert_int_equal(fake_end_calls, ends + 1);
	assert_int_equal(fake_end_status, HV_E_GUEST);                 /* the first non-OK end: vCPU 1's */
	assert_true(fake_log_find("[guest] x", 0) >= 0);
	assert_true(fake_log_find("[hv] summary: guest=test vcpu=0 exits=2 VMCALL=1 IO_INSTRUCTION=1", 0) >= 0);
	assert_true(fake_log_find("[hv] run: a vCPU did not end by its deadline", 0) >= 0);
	run_line = fake_log_find("[hv] run: vcpus=4 started=3 shootdowns=0 status=E_GUEST never_started=3 "
				 "first=vcpu1: done exit_code=3", 0);
	total = fake_log_find("[hv] summary: guest=test vcpus=4 exits=3 VMCALL=2 IO_INSTRUCTION=1", 0);
	assert_true(run_line >= 0);
	assert_true(total == run_line + 1);
	assert_true(fake_log_find("[hv] ept-audit: ", (size_t)total) > total);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_start_refused, setup_vcpus, teardown_vcpus),
		cmocka_unit_test_setup_teardown(test_start, setup_vcpus, teardown_vcpus),
		cmocka_unit_test_setup_teardown(test_index_and_cpuid, setup_vcpus, teardown_vcpus),
		cmocka_unit_test_setup_teardown(test_shootdown, setup_vcpus, teardown_vcpus),
		cmocka_unit_test_setup_teardown(test_shootdown_unacknowledged, setup_vcpus, teardown_vcpus),
		cmocka_unit_test_setup_teardown(test_misconfig_repaired_meanwhile, setup_vcpus, teardown_vcpus),
		cmocka_unit_test_setup_teardown(test_vcpus_end, setup_vcpus, teardown_vcpus),
	};

	return cmocka_run_group_tests_name("exit_vcpus", tests, NULL, NULL);
}
