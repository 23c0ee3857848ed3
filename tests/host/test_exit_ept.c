// SPDX-License-Identifier: MIT
/*
 * tests/host/test_exit_ept.c - EPT-violation and EPT-misconfiguration exits
 * (vmm/exit/ept_violation.c, ept_misconfig.c, vmm/vm/misconfig_demo.c): the decoded log lines,
 * the policies a protected page asks for (keep, re-grant, resume at the HC_SET_RESUME address),
 * accesses outside guest memory, the planted misconfiguration repaired; and the EPT audit at the
 * guest's end (vmm/vm/end.c). Run on the host through the real vmx_exit_dispatch over the fake
 * VMCS and CPU (tests/host/exit_harness.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "tests/host/exit_harness.h"
#include "vmm/vm/protect.h"

/* ------------------------------------------------------------------ EPT violations and misconfigurations */

static void test_ept_violation_outside_ends(void **state)
{
	uint64_t gpa = LAST + 1 + 0x5008;

	(void)state;
	set_violation(gpa, 0x1234);
	/* A data read of an unmapped GPA, linear address valid, final translation. */
	assert_true(run(EXIT_REASON_EPT_VIOLATION, 0x181, 3));
	assert_line(0, "[hv] ept-violation rip=0x%llx gpa=0x%016llx gla=0x%016llx access=r-- ept=--- translated qual=0x181",
		    ULL(RIP0), ULL(gpa), 0x1234ull);
	assert_ended(HV_E_GUEST, "ended: access to gpa=0x%llx outside its memory 0x%llx-0x%llx", ULL(gpa), ULL(BASE),
		     ULL(LAST));
	assert_line(2, "[hv] summary: guest=test exits=1 EPT_VIOLATION=1");
	assert_int_equal(rip(), RIP0);
}

static void test_ept_violation_below_memory_ends(void **state)
{
	(void)state;
	set_violation(BASE - 1, 0);
	assert_true(run(EXIT_REASON_EPT_VIOLATION, 0x2, 3));   /* write, no linear address */
	assert_line(0, "[hv] ept-violation rip=0x%llx gpa=0x%016llx access=-w- ept=--- no-gla qual=0x2", ULL(RIP0),
		    ULL(BASE - 1));
	assert_ended(HV_E_GUEST, "ended: access to gpa=0x%llx outside its memory 0x%llx-0x%llx", ULL(BASE - 1),
		     ULL(BASE), ULL(LAST));
}

static void test_ept_violation_unprotected_page_ends(void **state)
{
	(void)state;
	set_violation(BASE + 0x1234, 0);
	assert_true(run(EXIT_REASON_EPT_VIOLATION, 0x3f, 3));
	assert_ended(HV_E_GUEST, "ended: violation at gpa=0x%llx on a page it never protected", ULL(BASE + 0x1234));
}

static void test_ept_violation_keep(void **state)
{
	uint64_t page = BASE + 0x201000;

	(void)state;
	assert_int_equal(hypercall(HC_PROTECT, page, 0, HC_FAULT_KEEP), 0);
	fake_log_reset();
	for (int i = 1; i <= 3; i++) {
		uint64_t before = rip();
		set_violation(page + 0x10, page + 0x10);
		run_resumed(EXIT_REASON_EPT_VIOLATION, 0x181, 4);
		assert_int_equal(rip(), before);             /* the instruction runs again */
		assert_line((size_t)(2 * i - 2), "[hv] ept-violation rip=0x%llx gpa=0x%016llx gla=0x%016llx access=r-- ept=--- translated qual=0x181",
			    ULL(before), ULL(page + 0x10), ULL(page + 0x10));
		assert_line((size_t)(2 * i - 1), "[hv] ept-policy: gpa=0x%llx protected by the guest: kept faulting (fault %d)",
			    ULL(page), i);
	}
	assert_false(translate(page).mapped);
	assert_int_equal(fv.vm.nprotected, 1);
	assert_int_equal(fake_vmcs_nwrites(), 0);
}

static void test_ept_violation_regrant(void **state)
{
	uint64_t page = BASE + 0x202000;

	(void)state;
	assert_int_equal(hypercall(HC_PROTECT, page, HC_PERM_R, HC_FAULT_REGRANT), 0);
	assert_int_equal(hypercall(HC_PROTECT, page + 4096, HC_PERM_R, HC_FAULT_KEEP), 0);
	fake_log_reset();
	set_violation(page + 0xff8, 0);
	run_resumed(EXIT_REASON_EPT_VIOLATION, 0x0a, 4);    /* write to a read-only page */
	assert_line(0, "[hv] ept-violation rip=0x%llx gpa=0x%016llx access=-w- ept=r-- no-gla qual=0xa", ULL(rip()),
		    ULL(page + 0xff8));
	assert_line(1, "[hv] ept-policy: gpa=0x%llx protected by the guest: re-granted rwx", ULL(page));
	assert_int_equal(fake_log_nlines(), 2);
	assert_int_equal(rip(), RIP0 + 2 * LEN_VMCALL);    /* the write runs again */
	assert_int_equal(translate(page).perm, EPT_READ | EPT_WRITE | EPT_EXEC);
	assert_int_equal(translate(page + 4096).perm, EPT_READ);
	/* Forgotten: the next violation there is not the guest's. */
	assert_int_equal(fv.vm.nprotected, 1);
	assert_null(protect_find(&fv.vm, page));
	assert_true(run(EXIT_REASON_EPT_VIOLATION, 0x0a, 4));
	assert_ended(HV_E_GUEST, "ended: violation at gpa=0x%llx on a page it never protected", ULL(page + 0xff8));
}

static void test_ept_misconfig_planted_is_repaired(void **state)
{
	uint64_t page = BASE + 0x204000;
	struct ept_translation t;
	char want[256];

	(void)state;
	assert_int_equal(hypercall(HC_EPT_MISCONFIG_DEMO, page, 0, 0), 0);
	assert_int_equal(ept_debug_get_raw_leaf(&fv.vm.ept, page, 0) & 7, 2);   /* write-only */
	fake_log_reset();
	fake_vmcs_set(GUEST_PHYSICAL_ADDRESS, page + 0x40);
	run_resumed(EXIT_REASON_EPT_MISCONFIG, 0, 4);
	assert_int_equal(rip(), RIP0 + LEN_VMCALL);          /* the access runs again */
	snprintf(want, sizeof(want), "[hv] ept-misconfig rip=0x%llx gpa=0x%016llx level=1 ", ULL(rip()), ULL(page + 0x40));
	assert_int_equal(fake_log_find(want, 0), 0);
	assert_line(1, "[hv] ept-policy: gpa=0x%llx misconfiguration planted by HC_EPT_MISCONFIG_DEMO: repaired rwx",
		    ULL(page));
	t = translate(page);
	assert_int_equal(t.perm, EPT_READ | EPT_WRITE | EPT_EXEC);
	assert_int_equal(t.hpa, page);
	assert_int_equal(fv.vcpu.misconfig_gpa, 0);
	/* And the demo can be planted again. */
	assert_int_equal(hypercall(HC_EPT_MISCONFIG_DEMO, page, 0, 0), 0);
}

static void test_ept_misconfig_not_planted_ends(void **state)
{
	(void)state;
	fake_vmcs_set(GUEST_PHYSICAL_ADDRESS, BASE + 0x5000);
	assert_true(run(EXIT_REASON_EPT_MISCONFIG, 0, 4));
	assert_ended(HV_E_EPT, "ended: EPT misconfiguration the hypervisor did not plant");
}

/* ------------------------------------------------------------------ issue 6: the resume address */

static void test_ept_violation_outside_resumes(void **state)
{
	uint64_t resume = BASE + 0x10200, gpa = 0xfee00000, before;
	struct guest_regs saved;

	(void)state;
	assert_int_equal(hypercall(HC_SET_RESUME, resume, 0, 0), 0);
	fake_log_reset();
	before = rip();
	regs.gpr[GPR_RAX] = 0xaaaa;
	saved = regs;
	set_violation(gpa, gpa);
	run_resumed(EXIT_REASON_EPT_VIOLATION, 0x181, 6);
	/* Only RIP changes: registers, RSP and the rest of the VMCS as they were. */
	assert_int_equal(rip(), resume);
	assert_memory_equal(&saved, &regs, sizeof(regs));
	assert_int_equal(fake_vmcs_nwrites(), 1);
	assert_int_equal(fake_vmcs_write_at(0)->field, GUEST_RIP);
	assert_int_equal(fake_vmcs_get(GUEST_RSP), BASE + fv.mem_size);
	assert_line(0, "[hv] ept-violation rip=0x%llx gpa=0x%016llx gla=0x%016llx access=r-- ept=--- translated qual=0x181",
		    ULL(before), ULL(gpa), ULL(gpa));
	assert_line(1, "[hv] ept-policy: gpa=0x%llx outside guest memory 0x%llx-0x%llx: refused, resumed at 0x%llx",
		    ULL(gpa), ULL(BASE), ULL(LAST), ULL(resume));
	assert_int_equal(fake_log_nlines(), 2);
	/* Cleared: the next one ends the guest. */
	assert_int_equal(hypercall(HC_SET_RESUME, 0, 0, 0), 0);
	fake_log_reset();
	set_violation(gpa, gpa);
	assert_true(run(EXIT_REASON_EPT_VIOLATION, 0x181, 6));
	assert_ended(HV_E_GUEST, "ended: access to gpa=0x%llx outside its memory 0x%llx-0x%llx", ULL(gpa), ULL(BASE),
		     ULL(LAST));
}

static void test_hc_protect_resume_policy(void **state)
{
	uint64_t page = BASE + 0x205000, resume = BASE + 0x10300;

	(void)state;
	assert_int_equal(hypercall(HC_PROTECT, page, 0, HC_FAULT_RESUME), HC_E_NORESUME);
	assert_int_equal(fv.vm.nprotected, 0);
	assert_int_equal(translate(page).perm, EPT_READ | EPT_WRITE | EPT_EXEC);
	assert_int_equal(hypercall(HC_SET_RESUME, resume, 0, 0), 0);
	assert_int_equal(hypercall(HC_PROTECT, page, HC_PERM_R, HC_FAULT_RESUME), 0);
	fake_log_reset();
	for (unsigned i = 1; i <= 2; i++) {
		fake_vmcs_set(GUEST_RIP, BASE + 0x10400);
		set_violation(page + 8, 0);
		run_resumed(EXIT_REASON_EPT_VIOLATION, 0x1a, 3);    /* write to a read-only page */
		assert_int_equal(rip(), resume);
		assert_int_equal(protect_find(&fv.vm, page)->faults, i);
		assert_line(2 * i - 1, "[hv] ept-policy: gpa=0x%llx protected by the guest: kept, resumed at 0x%llx",
			    ULL(page), ULL(resume));
	}
	assert_int_equal(translate(page).perm, EPT_READ);          /* still protected */
}

/* ------------------------------------------------------------------ the EPT audit */

static void test_ept_audit(void **state)
{
	(void)state;
	done(0);
	assert_ended(HV_OK, "done exit_code=0");
	assert_line(3, "[hv] ept-audit: leaves=2 mapped=0x400000 outside=0 region=0x%llx-0x%llx", ULL(BASE), ULL(LAST));
}

static void test_ept_audit_after_protect(void **state)
{
	(void)state;
	assert_int_equal(hypercall(HC_PROTECT, BASE + 0x3ff000, 0, HC_FAULT_KEEP), 0);
	assert_int_equal(hypercall(HC_PROTECT, BASE + 0x3fe000, HC_PERM_R, HC_FAULT_KEEP), 0);
	fake_log_reset();
	done(0);
	assert_ended(HV_OK, "done exit_code=0");
	/* One 2 MiB leaf, and 511 4 KiB leaves (one page unmapped). */
	assert_line(3, "[hv] ept-audit: leaves=512 mapped=0x3ff000 outside=0 region=0x%llx-0x%llx", ULL(BASE), ULL(LAST));
}

static void test_ept_audit_failure(void **state)
{
	struct ept_attr rwx = { EPT_READ | EPT_WRITE | EPT_EXEC, EPT_MT_WB, false };
	uint64_t stray = LAST + 1 + 0x200000;

	(void)state;
	/* A mapping the hypervisor must never make: the audit must see it and fail an OK run. */
	assert_int_equal(ept_map(&fv.vm.ept, stray, stray, 4096, rwx, 0, 0), EPT_OK);
	done(0);
	assert_ended(HV_E_EPT, "done exit_code=0");
	assert_line(3, "[hv] ept-audit: FAILED leaves=3 outside=1 first gpa=0x%llx entry=0x%016llx region=0x%llx-0x%llx",
		    ULL(stray), ULL(ept_debug_get_raw_leaf(&fv.vm.ept, stray, 0)), ULL(BASE), ULL(LAST));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_ept_violation_outside_ends),
		T(test_ept_violation_below_memory_ends),
		T(test_ept_violation_unprotected_page_ends),
		T(test_ept_violation_keep),
		T(test_ept_violation_regrant),
		T(test_ept_misconfig_planted_is_repaired),
		T(test_ept_misconfig_not_planted_ends),
		T(test_ept_violation_outside_resumes),
		T(test_hc_protect_resume_policy),
		T(test_ept_audit),
		T(test_ept_audit_after_protect),
		T(test_ept_audit_failure),
	};
#undef T
	return cmocka_run_group_tests_name("exit_ept", tests, NULL, NULL);
}
