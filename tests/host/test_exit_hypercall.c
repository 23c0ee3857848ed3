// SPDX-License-Identifier: MIT
/*
 * tests/host/test_exit_hypercall.c - VMCALL exits (vmm/exit/vmcall.c) and the hypercalls behind
 * them (vmm/vm/hypercall.c, protect.c, misconfig_demo.c, guest_ept.c): HC_NOP and unknown numbers,
 * HC_PRINT and HC_WRITE, HC_DONE, HC_PROTECT's checks and EPT changes, HC_EPT_MISCONFIG_DEMO's
 * checks, HC_SET_RESUME and HC_BENCH_REFERENCE, with the results and error codes
 * docs/guest-abi.md fixes. Run on the host through the real vmx_exit_dispatch over the fake VMCS
 * and CPU (tests/host/exit_harness.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tests/host/exit_harness.h"
#include "arch/lib/page_pool.h"
#include "vmm/vm/protect.h"

/* ------------------------------------------------------------------ hypercalls */

static void test_hc_nop_and_unknown(void **state)
{
	static const uint64_t unknown[] = { 10, 11, 0x100, 0x7fffffffffffffffull, 0x8000000000000000ull, ~0ull,
					    0x100000000ull };

	(void)state;
	assert_int_equal(hypercall(HC_NOP, 1, 2, 3), 0);
	assert_int_equal(regs.gpr[GPR_RDI], 1);          /* arguments untouched */
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		assert_int_equal(hypercall(unknown[i], 0, 0, 0), HC_E_UNKNOWN);
	assert_int_equal(rip(), RIP0 + 8 * LEN_VMCALL);
	assert_log_empty();
}

static void test_hc_print(void **state)
{
	(void)state;
	strcpy((char *)fv.mem + 0x20000, "hello from a hypercall");
	assert_int_equal(hypercall(HC_PRINT, BASE + 0x20000, 0, 0), 22);
	assert_log_lines(1, "[guest] hello from a hypercall");
	/* The empty string. */
	fv.mem[0x20100] = 0;
	assert_int_equal(hypercall(HC_PRINT, BASE + 0x20100, 0, 0), 0);
	assert_line(1, "[guest] ");
	assert_int_equal(rip(), RIP0 + 2 * LEN_VMCALL);
}

static void test_hc_print_lengths(void **state)
{
	char *p = (char *)fv.mem + 0x30000;

	(void)state;
	memset(p, 'x', 199);
	p[199] = 0;
	assert_int_equal(hypercall(HC_PRINT, BASE + 0x30000, 0, 0), 199);   /* the longest */
	p[199] = 'x';
	p[200] = 0;
	assert_int_equal(hypercall(HC_PRINT, BASE + 0x30000, 0, 0), HC_E_LENGTH);
	memset(p, 'x', 1000);
	assert_int_equal(hypercall(HC_PRINT, BASE + 0x30000, 0, 0), HC_E_LENGTH);
	/* 199 bytes print as the serial port would: 120 on a line, then the other 79. */
	assert_int_equal(fake_log_nlines(), 2);
	{
		char line[256];

		assert_true(fake_log_line(0, line, sizeof(line)) && strlen(line) == 8 + GUEST_LINE_MAX);
		assert_true(fake_log_line(1, line, sizeof(line)) && strlen(line) == 8 + 199 - GUEST_LINE_MAX);
	}
}

static void test_hc_print_at_end_of_memory(void **state)
{
	uint8_t *end = fv.mem + fv.mem_size;

	(void)state;
	memset(end - 16, 'e', 16);
	/* Runs into the end of guest memory: refused, and nothing past the end is read (the page
	 * there is inaccessible). */
	assert_int_equal(hypercall(HC_PRINT, LAST - 9, 0, 0), HC_E_LENGTH);
	assert_int_equal(hypercall(HC_PRINT, LAST, 0, 0), HC_E_LENGTH);
	end[-1] = 0;                                     /* NUL in the very last byte */
	assert_int_equal(hypercall(HC_PRINT, LAST - 5, 0, 0), 5);
	assert_int_equal(hypercall(HC_PRINT, LAST, 0, 0), 0);
	assert_log_lines(2, "[guest] eeeee", "[guest] ");
}

static void test_hc_print_outside(void **state)
{
	const uint64_t bad[] = { 0, BASE - 1, BASE - 4096, LAST + 1, LAST + 4096, ~0ull, 0x8000000000000000ull };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(hypercall(HC_PRINT, bad[i], 0, 0), HC_E_RANGE);
	assert_log_empty();
}

static void test_hc_done_ok(void **state)
{
	(void)state;
	regs.gpr[GPR_RAX] = HC_DONE;
	regs.gpr[GPR_RDI] = 0;
	assert_true(run(EXIT_REASON_VMCALL, 0, LEN_VMCALL));
	assert_ended(HV_OK, "done exit_code=0");
	assert_line(1, "[hv] summary: guest=test exits=1 VMCALL=1");
}

static void test_hc_done_nonzero(void **state)
{
	static const uint64_t codes[] = { 1, 3, 0xffffffffffffffffull };

	(void)state;
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		fake_log_reset();
		regs.gpr[GPR_RAX] = HC_DONE;
		regs.gpr[GPR_RDI] = codes[i];
		assert_true(run(EXIT_REASON_VMCALL, 0, LEN_VMCALL));
		assert_ended(HV_E_GUEST, "done exit_code=%llu", ULL(codes[i]));
	}
}

static void test_hc_protect_errors(void **state)
{
	(void)state;
	/* Alignment is checked first, then the range, then the bits. */
	assert_int_equal(hypercall(HC_PROTECT, BASE + 0x100001, HC_PERM_R, 0), HC_E_ALIGN);
	assert_int_equal(hypercall(HC_PROTECT, BASE + 0x100800, 99, 99), HC_E_ALIGN);
	assert_int_equal(hypercall(HC_PROTECT, LAST + 1, HC_PERM_R, 0), HC_E_RANGE);
	assert_int_equal(hypercall(HC_PROTECT, BASE - 4096, HC_PERM_R, 0), HC_E_RANGE);
	assert_int_equal(hypercall(HC_PROTECT, 0, HC_PERM_R, 0), HC_E_RANGE);
	assert_int_equal(hypercall(HC_PROTECT, ~0xfffull, HC_PERM_R, 0), HC_E_RANGE);
	assert_int_equal(hypercall(HC_PROTECT, BASE + 0x100000, 8, 0), HC_E_INVAL);          /* bits above 7 */
	assert_int_equal(hypercall(HC_PROTECT, BASE + 0x100000, 1ull << 63, 0), HC_E_INVAL);
	assert_int_equal(hypercall(HC_PROTECT, BASE + 0x100000, HC_PERM_W, 0), HC_E_INVAL);  /* W without R */
	assert_int_equal(hypercall(HC_PROTECT, BASE + 0x100000, HC_PERM_W | HC_PERM_X, 0), HC_E_INVAL);
	assert_int_equal(hypercall(HC_PROTECT, BASE + 0x100000, HC_PERM_R, 3), HC_E_INVAL);  /* policy */
	assert_int_equal(hypercall(HC_PROTECT, BASE + 0x100000, HC_PERM_R, ~0ull), HC_E_INVAL);
	/* Nothing changed. */
	assert_int_equal(fv.vm.nprotected, 0);
	assert_int_equal(translate(BASE + 0x100000).perm, EPT_READ | EPT_WRITE | EPT_EXEC);
	assert_int_equal(fake_hw.invept_calls, 0);
	assert_log_empty();
}

static void test_hc_protect_sets_ept(void **state)
{
	static const struct { uint64_t perm; unsigned ept; } cases[] = {
		{ 0, 0 }, { HC_PERM_R, EPT_READ }, { HC_PERM_R | HC_PERM_W, EPT_READ | EPT_WRITE },
		{ HC_PERM_R | HC_PERM_X, EPT_READ | EPT_EXEC }, { HC_PERM_X, EPT_EXEC },
		{ 7, EPT_READ | EPT_WRITE | EPT_EXEC },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t page = BASE + 0x200000 + i * 4096;
		struct ept_translation t;
		assert_int_equal(hypercall(HC_PROTECT, page, cases[i].perm, HC_FAULT_KEEP), 0);
		t = translate(page + 0x123);
		assert_int_equal(t.mapped, cases[i].ept != 0);
		if (t.mapped) {
			assert_int_equal(t.perm, cases[i].ept);
			assert_int_equal(t.hpa, page + 0x123);   /* still GPA == HPA */
			assert_int_equal(t.memtype, EPT_MT_WB);
		}
		/* The neighbours keep full access. */
		assert_int_equal(translate(page + 4096 * 8).perm, EPT_READ | EPT_WRITE | EPT_EXEC);
		assert_int_equal(fake_hw.invept_type, EPT_FLUSH_SINGLE);
		assert_int_equal(fake_hw.invept_eptp, fv.vm.eptp);
	}
	assert_int_equal(fv.vm.nprotected, 6);
	assert_int_equal(fake_hw.invept_calls, 5);   /* the last (rwx) changed nothing */
	/* Protecting a page again changes it in place. */
	assert_int_equal(hypercall(HC_PROTECT, BASE + 0x200000, HC_PERM_R, HC_FAULT_REGRANT), 0);
	assert_int_equal(fv.vm.nprotected, 6);
	assert_int_equal(translate(BASE + 0x200000).perm, EPT_READ);
	assert_log_empty();
}

static void test_hc_protect_exec_only_needs_the_cap(void **state)
{
	(void)state;
	assert_int_equal(hypercall(HC_PROTECT, BASE + 0x200000, HC_PERM_X, 0), HC_E_INVAL);
	assert_int_equal(hypercall(HC_PROTECT, BASE + 0x200000, HC_PERM_R | HC_PERM_X, 0), 0);
	/* This CPU has only all-context INVEPT. */
	assert_int_equal(fake_hw.invept_type, EPT_FLUSH_GLOBAL);
}

/* Every page of guest memory may be protected: no table fills up (issue 15 item 5). */
static void test_hc_protect_every_page(void **state)
{
	uint64_t pages = fv.vm.mem_size / 4096;

	(void)state;
	for (uint64_t i = 0; i < pages; i++)
		assert_int_equal(hypercall(HC_PROTECT, BASE + i * 4096, HC_PERM_R, HC_FAULT_KEEP), 0);
	assert_int_equal(fv.vm.nprotected, pages);
	for (uint64_t i = 0; i < pages; i += 97) {
		assert_int_equal(translate(BASE + i * 4096).perm, EPT_READ);
		assert_non_null(protect_find(&fv.vm, BASE + i * 4096 + 0x123));
		assert_int_equal(protect_gpa(&fv.vm, protect_find(&fv.vm, BASE + i * 4096)), BASE + i * 4096);
	}
	assert_null(protect_find(&fv.vm, LAST + 1));
	assert_null(protect_find(&fv.vm, BASE - 1));
	/* Protecting one again changes it in place, not the count. */
	assert_int_equal(hypercall(HC_PROTECT, BASE, HC_PERM_R | HC_PERM_W, 0), 0);
	assert_int_equal(fv.vm.nprotected, pages);
	assert_int_equal(translate(BASE).perm, EPT_READ | EPT_WRITE);
}

/* The record's chunk comes from the page pool: with the pool empty HC_PROTECT fails whole. */
static void test_hc_protect_pool_empty(void **state)
{
	(void)state;
	while (pool_alloc_page())
		;
	assert_int_equal(hypercall(HC_PROTECT, BASE + 0x200000, HC_PERM_R, 0), HC_E_NOMEM);
	assert_int_equal(translate(BASE + 0x200000).perm, EPT_READ | EPT_WRITE | EPT_EXEC);
	assert_int_equal(fv.vm.nprotected, 0);
	assert_int_equal(fake_hw.invept_calls, 0);
}

static void test_hc_protect_no_memory(void **state)
{
	(void)state;
	/* The 2 MiB page must be split into a page table: no page for it. */
	fv.arena.fail_after = 0;
	assert_int_equal(hypercall(HC_PROTECT, BASE + 0x200000, HC_PERM_R, 0), HC_E_NOMEM);
	assert_int_equal(translate(BASE + 0x200000).perm, EPT_READ | EPT_WRITE | EPT_EXEC);
	fv.arena.fail_after = -1;
	assert_int_equal(hypercall(HC_PROTECT, BASE + 0x200000, HC_PERM_R, 0), 0);
}

static void test_hc_misconfig_demo_errors(void **state)
{
	(void)state;
	assert_int_equal(hypercall(HC_EPT_MISCONFIG_DEMO, BASE + 0x200010, 0, 0), HC_E_ALIGN);
	assert_int_equal(hypercall(HC_EPT_MISCONFIG_DEMO, LAST + 1, 0, 0), HC_E_RANGE);
	assert_int_equal(hypercall(HC_PROTECT, BASE + 0x201000, HC_PERM_R, 0), 0);
	assert_int_equal(hypercall(HC_EPT_MISCONFIG_DEMO, BASE + 0x201000, 0, 0), HC_E_INVAL);   /* protected */
	assert_int_equal(hypercall(HC_EPT_MISCONFIG_DEMO, BASE + 0x202000, 0, 0), 0);
	assert_int_equal(hypercall(HC_EPT_MISCONFIG_DEMO, BASE + 0x203000, 0, 0), HC_E_INVAL);   /* one at a time */
	assert_int_equal(fv.vcpu.misconfig_gpa, BASE + 0x202000);
}

/* ------------------------------------------------------------------ issue 6: resume address, new hypercalls */

static void test_hc_set_resume(void **state)
{
	const uint64_t bad[] = { BASE - 1, LAST + 1, ~0ull, 1 };

	(void)state;
	assert_int_equal(hypercall(HC_SET_RESUME, BASE + 0x10100, 0, 0), 0);
	assert_int_equal(fv.vm.resume_rip, BASE + 0x10100);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(hypercall(HC_SET_RESUME, bad[i], 0, 0), HC_E_RANGE);
		assert_int_equal(fv.vm.resume_rip, BASE + 0x10100);   /* a refused one changes nothing */
	}
	assert_int_equal(hypercall(HC_SET_RESUME, LAST, 0, 0), 0);
	assert_int_equal(hypercall(HC_SET_RESUME, 0, 0, 0), 0);
	assert_int_equal(fv.vm.resume_rip, 0);
	assert_log_empty();
}

static void test_hc_write(void **state)
{
	char *p = (char *)fv.mem + 0x20000;

	(void)state;
	memcpy(p, "hello, no NUL here", 18);
	assert_int_equal(hypercall(HC_WRITE, BASE + 0x20000, 5, 0), 5);
	assert_log_lines(1, "[guest] hello");
	memset(p, 'w', 200);
	assert_int_equal(hypercall(HC_WRITE, BASE + 0x20000, 200, 0), 200);
	assert_int_equal(fake_log_nlines(), 3);   /* 120 + 80 bytes, like the serial port */
	/* The count first (over 200, whatever the address), then the range, wrap-around included. */
	assert_int_equal(hypercall(HC_WRITE, BASE + 0x20000, 201, 0), HC_E_LENGTH);
	assert_int_equal(hypercall(HC_WRITE, ~0ull, ~0ull, 0), HC_E_LENGTH);
	fv.mem[fv.mem_size - 1] = 'L';
	assert_int_equal(hypercall(HC_WRITE, LAST, 1, 0), 1);
	assert_line(3, "[guest] L");
	assert_int_equal(hypercall(HC_WRITE, LAST, 2, 0), HC_E_RANGE);
	assert_int_equal(hypercall(HC_WRITE, LAST - 198, 200, 0), HC_E_RANGE);
	assert_int_equal(hypercall(HC_WRITE, BASE - 1, 2, 0), HC_E_RANGE);
	assert_int_equal(hypercall(HC_WRITE, ~0ull, 2, 0), HC_E_RANGE);   /* wraps to 0 */
	assert_int_equal(hypercall(HC_WRITE, 0, 0, 0), HC_E_RANGE);
	assert_int_equal(hypercall(HC_WRITE, BASE + 0x20000, 0, 0), 0);
	assert_int_equal(fake_log_count("[guest] w"), 2);   /* the 200 bytes, on two lines */
}

static void test_hc_bench_reference(void **state)
{
	(void)state;
	assert_int_equal(hypercall(HC_BENCH_REFERENCE, 0, 0, 0), 0);
	assert_int_equal(fake_vmcs_get(HOST_RIP), (uint64_t)(uintptr_t)vmx_exit_reference);
	/* CPUID exits now only advance RIP: no answer, not counted. */
	for (int i = 0; i < 5; i++) {
		regs.gpr[GPR_RAX] = 0x40000000;
		regs.gpr[GPR_RBX] = 0x1234;
		run_resumed(EXIT_REASON_CPUID, 0, LEN_CPUID);
		assert_int_equal(regs.gpr[GPR_RAX], 0x40000000);
		assert_int_equal(regs.gpr[GPR_RBX], 0x1234);
	}
	assert_int_equal(rip(), RIP0 + LEN_VMCALL + 5 * LEN_CPUID);
	assert_int_equal(vcpu_exits_total(&fv.vcpu), 1);
	assert_int_equal(fake_hw.reference_exits, 5);
	/* The first other exit goes through the dispatcher and puts the full path back. */
	fake_vmcs_set(GUEST_RFLAGS, RFLAGS_RESERVED1 | RFLAGS_IF);   /* a HLT that resumes */
	run_resumed(EXIT_REASON_HLT, 0, 1);
	assert_int_equal(fake_vmcs_get(HOST_RIP), (uint64_t)(uintptr_t)vmx_exit_entry);
	assert_int_equal(fv.vcpu.exit_counts[EXIT_REASON_HLT], 1);
	run_resumed(EXIT_REASON_CPUID, 0, LEN_CPUID);
	assert_int_equal(regs.gpr[GPR_RAX], 0x40000001);
	assert_int_equal(fv.vcpu.exit_counts[EXIT_REASON_CPUID], 1);
	assert_log_empty();
}

/* ------------------------------------------------------------------ fixes from the hostile-guest suite */

static void test_hc_print_write_text_like_the_serial_port(void **state)
{
	static const char tail[] = "tail\x1b[2J\n[hv] forged by HC_PRINT";
	static const char w200[] = "write200\n[hv] forged by HC_WRITE\0\x1b[2J ";
	char *p = (char *)fv.mem + 0x21000;

	(void)state;
	memcpy(p, tail, sizeof(tail));
	assert_int_equal(hypercall(HC_PRINT, BASE + 0x21000, 0, 0), (int64_t)strlen(tail));
	memcpy(p + 0x100, w200, sizeof(w200) - 1);
	assert_int_equal(hypercall(HC_WRITE, BASE + 0x21100, sizeof(w200) - 1, 0), (int64_t)sizeof(w200) - 1);
	/* One line each, non-printable bytes as '?': no line break, no forged [hv] line, no escape. */
	assert_log_lines(2, "[guest] tail?[2J?[hv] forged by HC_PRINT", "[guest] write200?[hv] forged by HC_WRITE??[2J ");
}

static void test_hc_set_resume_cannot_clear_under_resume_page(void **state)
{
	uint64_t page = BASE + 0x207000;

	(void)state;
	assert_int_equal(hypercall(HC_SET_RESUME, BASE + 0x10600, 0, 0), 0);
	assert_int_equal(hypercall(HC_PROTECT, page, 0, HC_FAULT_RESUME), 0);
	assert_int_equal(hypercall(HC_SET_RESUME, 0, 0, 0), HC_E_NORESUME);
	assert_int_equal(fv.vm.resume_rip, BASE + 0x10600);
	/* Moving it is fine. */
	assert_int_equal(hypercall(HC_SET_RESUME, BASE + 0x10700, 0, 0), 0);
	set_violation(page, 0);
	run_resumed(EXIT_REASON_EPT_VIOLATION, 1, 3);
	assert_int_equal(rip(), BASE + 0x10700);
	/* Once the page gives up RESUME (re-protected with KEEP), clearing is allowed again. */
	assert_int_equal(hypercall(HC_PROTECT, page, 0, HC_FAULT_KEEP), 0);
	assert_int_equal(hypercall(HC_SET_RESUME, 0, 0, 0), 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_hc_nop_and_unknown),
		T(test_hc_print),
		T(test_hc_print_lengths),
		T(test_hc_print_at_end_of_memory),
		T(test_hc_print_outside),
		T(test_hc_done_ok),
		T(test_hc_done_nonzero),
		T(test_hc_protect_errors),
		T(test_hc_protect_sets_ept),
		cmocka_unit_test_setup_teardown(test_hc_protect_exec_only_needs_the_cap, setup_no_exec_only, teardown),
		T(test_hc_protect_every_page), T(test_hc_protect_pool_empty),
		T(test_hc_protect_no_memory),
		T(test_hc_misconfig_demo_errors),
		T(test_hc_set_resume),
		T(test_hc_write),
		T(test_hc_bench_reference),
		T(test_hc_print_write_text_like_the_serial_port),
		T(test_hc_set_resume_cannot_clear_under_resume_page),
	};
#undef T
	return cmocka_run_group_tests_name("exit_hypercall", tests, NULL, NULL);
}
