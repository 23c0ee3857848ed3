// SPDX-License-Identifier: MIT
/*
 * tests/host/test_exit_dispatch.c - the VM-exit dispatcher (vmm/vmx_exit.c) and the hypercalls
 * (vmm/hypercall.c), the hypervisor's own code, run on the host over a fake VMCS and CPU
 * (tests/host/fake_vmcs.c). Each test sets up one exit the way the CPU would, calls the real
 * vmx_exit_dispatch and checks what the guest and the log would see: registers, RIP, injected
 * events, EPT permissions, and the exact log lines where docs/log-format.md and
 * docs/guest-abi.md fix their format.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86_64/cr.h"
#include "tests/host/fake_vmcs.h"
#include "vmm/vm/hypercall.h"
#include "vmm/decode/interruption_info.h"
#include "arch/lib/log.h"
#include "vmm/vmx/vmcs_fields.h"

static struct fake_vm fv;
static struct guest_regs regs;

#define BASE (fv.vm.mem_base)
#define LAST (fv.vm.mem_base + fv.vm.mem_size - 1)
#define RIP0 (BASE + FAKE_ENTRY_OFFSET)
#define ULL(x) ((unsigned long long)(x))

#define LEN_CPUID  2
#define LEN_VMCALL 3
#define LEN_OUT_DX 1
#define LEN_IN_IMM 2

static int setup_opts(const struct fake_vm_opts *o)
{
	if (!fake_vm_create(&fv, o))
		return -1;
	fake_regs_init(&fv, &regs);
	fake_log_reset();
	return 0;
}

static int setup(void **state)
{
	(void)state;
	return setup_opts(0);
}

/* A CPU without execute-only EPT pages and with all-context INVEPT only (Penryn-like). */
static int setup_no_exec_only(void **state)
{
	struct fake_vm_opts o = { .ept_vpid_cap = 0x00000f0104114140ull };

	(void)state;
	return setup_opts(&o);
}

static int setup_exit_log_off(void **state)
{
	struct fake_vm_opts o = { .exit_log_off = true };

	(void)state;
	return setup_opts(&o);
}

static int teardown(void **state)
{
	(void)state;
	fake_vm_destroy(&fv);
	return 0;
}

/* ------------------------------------------------------------------ helpers */

static uint64_t rip(void) { return fake_vmcs_get(GUEST_RIP); }

/* One exit; true when it ended the guest. After a resumed exit, what it logged is pumped out of
 * the ring now (the next exit would do it first thing). */
static bool run(uint32_t reason, uint64_t qual, uint64_t len)
{
	bool ended;

	fake_set_exit(reason, qual, len);
	fake_vmcs_clear_writes();
	ended = fake_exit(&regs);
	if (!ended)
		log_pump();
	return ended;
}

static void run_resumed(uint32_t reason, uint64_t qual, uint64_t len)
{
	assert_false(run(reason, qual, len));
}

static int64_t hypercall(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3)
{
	regs.gpr[GPR_RAX] = nr;
	regs.gpr[GPR_RDI] = a1;
	regs.gpr[GPR_RSI] = a2;
	regs.gpr[GPR_RDX] = a3;
	run_resumed(EXIT_REASON_VMCALL, 0, LEN_VMCALL);
	return (int64_t)regs.gpr[GPR_RAX];
}

static uint64_t io_q(uint16_t port, unsigned size, bool in, bool string)
{
	return ((uint64_t)port << 16) | (size - 1) | ((uint64_t)in << 3) | ((uint64_t)string << 4);
}

static uint64_t cr_q(unsigned cr, unsigned type, unsigned gpr)
{
	return cr | (type << 4) | (gpr << 8);
}

static void out_byte(uint16_t port, char c)
{
	regs.gpr[GPR_RAX] = (regs.gpr[GPR_RAX] & ~0xffull) | (uint8_t)c;
	run_resumed(EXIT_REASON_IO_INSTRUCTION, io_q(port, 1, false, false), LEN_OUT_DX);
}

static void out_str(const char *s)
{
	while (*s)
		out_byte(0x3f8, *s++);
}

static void assert_line(size_t i, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void assert_line(size_t i, const char *fmt, ...)
{
	char want[512], got[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(want, sizeof(want), fmt, ap);
	va_end(ap);
	if (!fake_log_line(i, got, sizeof(got)))
		fail_msg("log line %zu missing, want \"%s\"; log:\n%s", i, want, fake_log_text());
	assert_string_equal(got, want);
}

/* The log holds exactly these lines (each given without its newline). */
static void assert_log_lines(size_t n, ...)
{
	va_list ap;

	va_start(ap, n);
	for (size_t i = 0; i < n; i++)
		assert_line(i, "%s", va_arg(ap, const char *));
	va_end(ap);
	if (fake_log_nlines() != n)
		fail_msg("want %zu log lines, got %zu:\n%s", n, fake_log_nlines(), fake_log_text());
}

static void assert_log_empty(void)
{
	if (fake_log_len())
		fail_msg("want no log output, got:\n%s", fake_log_text());
}

/* The guest ended with this status and "[hv] guest: <what>", and the lines around it came in the
 * documented order: ratelimit reports, guest:, summary: (guest-regs lines before or after guest:),
 * log:, ept-audit:, then the end line (from the fake hv_end). log: counts the lines written. */
static void assert_ended(enum hv_status s, const char *what_fmt, ...) __attribute__((format(printf, 2, 3)));
static void assert_ended(enum hv_status s, const char *what_fmt, ...)
{
	char what[400], want[420], got[512], end[64];
	unsigned long long lines, suppressed, dropped;
	va_list ap;
	long g, sum, lg, audit, e, i;

	va_start(ap, what_fmt);
	vsnprintf(what, sizeof(what), what_fmt, ap);
	va_end(ap);
	snprintf(want, sizeof(want), "[hv] guest: %s", what);
	g = fake_log_find("[hv] guest: ", 0);
	if (g < 0)
		fail_msg("no \"[hv] guest:\" line, want \"%s\"; log:\n%s", want, fake_log_text());
	fake_log_line((size_t)g, got, sizeof(got));
	assert_string_equal(got, want);
	assert_int_equal(fake_log_find("[hv] ratelimit: ", (size_t)g), -1);
	for (sum = g + 1; fake_log_find("[hv] guest-regs ", (size_t)sum) == sum; sum++)
		;
	snprintf(end, sizeof(end), "[hv] end: status=%s code=%d", hv_status_name(s), (int)s);
	lg = fake_log_find("[hv] log: lines=", (size_t)g);
	audit = fake_log_find("[hv] ept-audit: ", (size_t)g);
	e = fake_log_find(end, (size_t)g);
	if (fake_log_find("[hv] summary: ", (size_t)g) != sum || lg < 0 || audit != lg + 1 || e != audit + 1 ||
	    (size_t)e + 1 != fake_log_nlines())
		fail_msg("want guest:, summary:, log:, ept-audit:, \"%s\" in that order; log:\n%s", end, fake_log_text());
	for (i = sum; i < lg; i++)
		assert_int_equal(fake_log_find("[hv] summary: ", (size_t)i), i);
	fake_log_line((size_t)lg, got, sizeof(got));
	assert_int_equal(sscanf(got, "[hv] log: lines=%llu suppressed=%llu dropped=%llu", &lines, &suppressed, &dropped), 3);
	assert_int_equal(lines + 3, fake_hw.sink_calls);  /* every line before log:, since the VM started */
	assert_int_equal(fake_end_status, s);
}

/* "[hv] log: lines=.. suppressed=S dropped=D" of the guest's end. */
static void log_counts(unsigned long long *suppressed, unsigned long long *dropped)
{
	char got[256];
	unsigned long long lines;
	long lg = fake_log_find("[hv] log: lines=", 0);

	assert_true(lg >= 0);
	fake_log_line((size_t)lg, got, sizeof(got));
	assert_int_equal(sscanf(got, "[hv] log: lines=%llu suppressed=%llu dropped=%llu", &lines, suppressed, dropped), 3);
}

static void done(uint64_t code)
{
	regs.gpr[GPR_RAX] = HC_DONE;
	regs.gpr[GPR_RDI] = code;
	assert_true(run(EXIT_REASON_VMCALL, 0, LEN_VMCALL));
}

/* The summary lines joined (without "[hv] summary: " prefixes), or "" when there is none. */
static void summary(char *buf, size_t len)
{
	char line[512];
	size_t n = 0;

	buf[0] = '\0';
	for (long i = fake_log_find("[hv] summary: ", 0); i >= 0; i = fake_log_find("[hv] summary: ", (size_t)i + 1)) {
		fake_log_line((size_t)i, line, sizeof(line));
		n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? " " : "", line + 14);
	}
}

static struct ept_translation translate(uint64_t gpa)
{
	struct ept_translation t;

	assert_int_equal(ept_translate(&fv.vm.ept, gpa, &t), EPT_OK);
	return t;
}

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
	assert_int_equal(fv.vm.exits_total, 6 * 15);
	assert_int_equal(fv.vm.exit_counts[EXIT_REASON_HLT], 15);
}

/* ------------------------------------------------------------------ the guest's serial port */

static void test_serial_line_on_newline(void **state)
{
	(void)state;
	out_str("hello, world");
	assert_log_empty();                              /* nothing until the newline */
	assert_int_equal(rip(), RIP0 + 12 * LEN_OUT_DX);
	out_byte(0x3f8, '\n');
	assert_log_lines(1, "[guest] hello, world");
	out_str("second\r\n");                           /* CR is dropped */
	assert_log_lines(2, "[guest] hello, world", "[guest] second");
}

static void test_serial_nonprintable_and_empty_lines(void **state)
{
	(void)state;
	out_str("a\x01\x7f\xff" "b\tc\n\n");
	assert_log_lines(2, "[guest] a???b?c", "[guest] ");
}

static void test_serial_line_cut_at_120(void **state)
{
	char want[140];

	(void)state;
	for (int i = 0; i < 125; i++)
		out_byte(0x3f8, (char)('A' + i % 26));
	/* 120 bytes make a line by themselves; the other 5 wait for the newline. */
	memset(want, 0, sizeof(want));
	memcpy(want, "[guest] ", 8);
	for (int i = 0; i < 120; i++)
		want[8 + i] = (char)('A' + i % 26);
	assert_log_lines(1, want);
	out_byte(0x3f8, '\n');
	assert_line(1, "[guest] QRSTU");
	assert_int_equal(fake_log_nlines(), 2);
}

static void test_serial_only_com1_data_register(void **state)
{
	(void)state;
	/* Other COM1 registers, the debug port, any port: written bytes are dropped. */
	out_byte(0x3f9, 'x');
	out_byte(0x3fd, '\n');
	out_byte(0x80, '\n');
	out_byte(0x2f8, '\n');
	regs.gpr[GPR_RAX] = 'y';
	run_resumed(EXIT_REASON_IO_INSTRUCTION, io_q(0x3f8, 2, false, false), LEN_OUT_DX);   /* OUT DX, AX */
	assert_log_empty();
	out_byte(0x3f8, '\n');
	assert_log_lines(1, "[guest] y");
	assert_int_equal(rip(), RIP0 + 6 * LEN_OUT_DX);
}

static void test_in_port_values(void **state)
{
	static const struct {
		uint16_t port;
		unsigned size;
		uint64_t rax_before, rax_after;
	} cases[] = {
		{ 0x3fd, 1, 0x1122334455667788ull, 0x1122334455667760ull },   /* LSR: THRE | TEMT */
		{ 0x3f8, 1, 0x1122334455667788ull, 0x1122334455667700ull },   /* other COM1 registers: 0 */
		{ 0x3f9, 1, 0xffull, 0 },
		{ 0x3ff, 1, 0xabull, 0 },
		{ 0x3fd, 2, 0x1122334455667788ull, 0x1122334455660060ull },
		{ 0x3f7, 1, 0x1122334455667788ull, 0x11223344556677ffull },   /* not COM1: all ones */
		{ 0x400, 1, 0, 0xff },
		{ 0x60, 2, 0x1122334455667788ull, 0x112233445566ffffull },
		{ 0xcf8, 4, 0, 0xffffffffull },
		{ 0x80, 4, 0x1122334455667788ull, 0xffffffffull },   /* EAX (RAX[63:32]: see below) */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		regs.gpr[GPR_RAX] = cases[i].rax_before;
		run_resumed(EXIT_REASON_IO_INSTRUCTION, io_q(cases[i].port, cases[i].size, true, false), LEN_IN_IMM);
		/* IN EAX writes EAX, which on a CPU clears RAX[63:32]; the emulation keeps them today, so
		 * only EAX is compared for 4-byte reads. */
		if (cases[i].size == 4)
			regs.gpr[GPR_RAX] &= 0xffffffffull;
		if (regs.gpr[GPR_RAX] != cases[i].rax_after)
			fail_msg("IN port 0x%x size %u: rax=0x%llx, want 0x%llx", cases[i].port, cases[i].size,
				 ULL(regs.gpr[GPR_RAX]), ULL(cases[i].rax_after));
	}
	assert_int_equal(rip(), RIP0 + sizeof(cases) / sizeof(cases[0]) * LEN_IN_IMM);
	assert_log_empty();
}

static void test_string_io_ends_guest(void **state)
{
	(void)state;
	assert_true(run(EXIT_REASON_IO_INSTRUCTION, io_q(0x3f8, 1, false, true), 2));
	assert_ended(HV_E_GUEST, "ended: string I/O (INS/OUTS) on port 0x3f8 is not supported, rip=0x%llx",
		     ULL(RIP0));
	assert_int_equal(rip(), RIP0);
}

/* ------------------------------------------------------------------ hypercalls */

static void test_hc_nop_and_unknown(void **state)
{
	static const uint64_t unknown[] = { 8, 9, 0x100, 0x7fffffffffffffffull, 0x8000000000000000ull, ~0ull,
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
	assert_int_equal(fake_log_nlines(), 1);
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

static void test_hc_protect_64_pages(void **state)
{
	(void)state;
	for (unsigned i = 0; i < VM_MAX_PROTECTED; i++)
		assert_int_equal(hypercall(HC_PROTECT, BASE + 0x100000 + i * 4096ull, HC_PERM_R, 0), 0);
	assert_int_equal(hypercall(HC_PROTECT, BASE + 0x300000, HC_PERM_R, 0), HC_E_NOSPACE);
	assert_int_equal(translate(BASE + 0x300000).perm, EPT_READ | EPT_WRITE | EPT_EXEC);
	/* One already protected still can be changed. */
	assert_int_equal(hypercall(HC_PROTECT, BASE + 0x100000, HC_PERM_R | HC_PERM_W, 0), 0);
	assert_int_equal(fv.vm.nprotected, VM_MAX_PROTECTED);
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
	assert_int_equal(fv.vm.misconfig_gpa, BASE + 0x202000);
}

/* ------------------------------------------------------------------ EPT violations and misconfigurations */

static void set_violation(uint64_t gpa, uint64_t gla)
{
	fake_vmcs_set(GUEST_PHYSICAL_ADDRESS, gpa);
	fake_vmcs_set(GUEST_LINEAR_ADDRESS, gla);
}

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
	assert_int_equal(fv.vm.misconfig_gpa, 0);
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

/* ------------------------------------------------------------------ the summary */

static void test_summary_counts(void **state)
{
	char sum[1024], want[1024];

	(void)state;
	for (int i = 0; i < 3; i++)
		run_resumed(EXIT_REASON_CPUID, 0, LEN_CPUID);
	out_str("hi\n");
	run_resumed(EXIT_REASON_HLT, 0, 1);
	run_resumed(EXIT_REASON_WBINVD, 0, 2);
	assert_int_equal(hypercall(HC_NOP, 0, 0, 0), 0);
	regs.gpr[GPR_RCX] = 0x10;
	run_resumed(EXIT_REASON_RDMSR, 0, 2);
	regs.gpr[GPR_RAX] = HC_DONE;
	regs.gpr[GPR_RDI] = 0;
	assert_true(run(EXIT_REASON_VMCALL, 0, LEN_VMCALL));
	summary(sum, sizeof(sum));
	snprintf(want, sizeof(want), "guest=test exits=11 CPUID=3 HLT=1 VMCALL=2 IO_INSTRUCTION=3 RDMSR=1 WBINVD=1");
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
		fv.vm.exit_counts[reasons[k]] = 1234567890123ull + k;
	fv.vm.exits_total = 99;
	regs.gpr[GPR_RAX] = 0x40000000;
	regs.gpr[GPR_RCX] = 0;
	set_violation(0, 0);
	assert_true(run(EXIT_REASON_TRIPLE_FAULT, 0, 0));
	summary(sum, sizeof(sum));
	assert_string_equal(sum, "guest=test exits=100 TRIPLE_FAULT=1 CPUID=1234567890123 HLT=1234567890124 "
				 "INVD=1234567890125 VMCALL=1234567890126 IO_INSTRUCTION=1234567890127 RDMSR=1234567890128 "
				 "WRMSR=1234567890129 WBINVD=1234567890130");
	assert_true(fake_log_count("[hv] summary: ") >= 2);
	for (i = fake_log_find("[hv] summary: ", 0); i >= 0; i = fake_log_find("[hv] summary: ", (size_t)i + 1)) {
		fake_log_line((size_t)i, line, sizeof(line));
		assert_true(strlen(line) < 14 + 180 + 40);
	}
}

/* ------------------------------------------------------------------ exits that end the guest */

static void test_unhandled_exits_end_guest(void **state)
{
	static const uint32_t reasons[] = { 1, 3, 7, 9, 16, 29, 36, 50, 56, 71, 85, 86, 200, 0xffff };

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
	/* Beyond the table: counted in the total only. */
	assert_int_equal(fv.vm.exits_total, sizeof(reasons) / sizeof(reasons[0]));
	assert_int_equal(rip(), RIP0);
}

static void test_unhandled_exit_names(void **state)
{
	(void)state;
	assert_true(run(EXIT_REASON_EXTERNAL_INTERRUPT, 0, 0));
	assert_ended(HV_E_GUEST, "ended: unhandled exit 1 (External interrupt) qualification=0x0 rip=0x%llx", ULL(RIP0));
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

static void test_exception_nmi(void **state)
{
	(void)state;
	fake_vmcs_set(VM_EXIT_INTR_INFO, INTR_INFO_VALID | (3u << 8) | INTR_INFO_ERROR_CODE | 14);
	fake_vmcs_set(VM_EXIT_INTR_ERROR_CODE, 2);
	assert_true(run(EXIT_REASON_EXCEPTION_NMI, 0x1000, 0));
	assert_ended(HV_E_GUEST, "ended: hardware-exception vector=14 error_code=0x2 rip=0x%llx", ULL(RIP0));
	fake_log_reset();
	fake_vmcs_set(VM_EXIT_INTR_INFO, INTR_INFO_VALID | (2u << 8) | 2);
	assert_true(run(EXIT_REASON_EXCEPTION_NMI, 0, 0));
	assert_ended(HV_E_GUEST, "ended: nmi vector=2 error_code=0x0 rip=0x%llx", ULL(RIP0));
}

static void test_preemption_timer(void **state)
{
	(void)state;
	assert_true(run(EXIT_REASON_PREEMPTION_TIMER, 0, 0));
	assert_ended(HV_E_GUEST, "ended: time budget used up (VMX-preemption timer)");
}

/* ------------------------------------------------------------------ MSRs, XSETBV, CR access */

static void assert_gp_injected(void)
{
	assert_int_equal(fake_vmcs_get(VM_ENTRY_INTR_INFO_FIELD), 0x80000b0d);   /* valid, hw exception, #GP, error code */
	assert_int_equal(fake_vmcs_get(VM_ENTRY_EXCEPTION_ERROR_CODE), 0);
	assert_int_equal(fake_vmcs_writes_to(GUEST_RIP), 0);                      /* the fault is at the instruction */
}

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
	regs.gpr[GPR_RCX] = 0xc0000080;
	run_resumed(EXIT_REASON_WRMSR, 0, 2);
	assert_gp_injected();
	snprintf(want, sizeof(want), "[hv] msr: guest WRMSR 0xc0000080 refused: #GP injected (rip=0x%llx)", ULL(RIP0));
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

/* vmm/vmx_exit.c, called only from vmm/vmx_entry.asm (so no header declares it). */
void vmx_resume_failed(uint64_t rflags);

static void call_resume_failed(void *rflags)
{
	vmx_resume_failed(*(uint64_t *)rflags);
}

static void test_vmresume_failure(void **state)
{
	uint64_t zf = 1u << 6, cf = 1;

	(void)state;
	/* What vmm/vmx_entry.asm calls when VMRESUME falls through: ZF = VMfailValid. */
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
		assert_int_equal(fv.vm.protected[0].faults, i);
		assert_line(2 * i - 1, "[hv] ept-policy: gpa=0x%llx protected by the guest: kept, resumed at 0x%llx",
			    ULL(page), ULL(resume));
	}
	assert_int_equal(translate(page).perm, EPT_READ);          /* still protected */
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
	assert_int_equal(fake_log_nlines(), 2);
	/* The count first (over 200, whatever the address), then the range, wrap-around included. */
	assert_int_equal(hypercall(HC_WRITE, BASE + 0x20000, 201, 0), HC_E_LENGTH);
	assert_int_equal(hypercall(HC_WRITE, ~0ull, ~0ull, 0), HC_E_LENGTH);
	fv.mem[fv.mem_size - 1] = 'L';
	assert_int_equal(hypercall(HC_WRITE, LAST, 1, 0), 1);
	assert_line(2, "[guest] L");
	assert_int_equal(hypercall(HC_WRITE, LAST, 2, 0), HC_E_RANGE);
	assert_int_equal(hypercall(HC_WRITE, LAST - 198, 200, 0), HC_E_RANGE);
	assert_int_equal(hypercall(HC_WRITE, BASE - 1, 2, 0), HC_E_RANGE);
	assert_int_equal(hypercall(HC_WRITE, ~0ull, 2, 0), HC_E_RANGE);   /* wraps to 0 */
	assert_int_equal(hypercall(HC_WRITE, 0, 0, 0), HC_E_RANGE);
	assert_int_equal(hypercall(HC_WRITE, BASE + 0x20000, 0, 0), 0);
	assert_int_equal(fake_log_count("[guest] w"), 1);
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
	assert_int_equal(fv.vm.exits_total, 1);
	assert_int_equal(fake_hw.reference_exits, 5);
	/* The first other exit goes through the dispatcher and puts the full path back. */
	run_resumed(EXIT_REASON_HLT, 0, 1);
	assert_int_equal(fake_vmcs_get(HOST_RIP), (uint64_t)(uintptr_t)vmx_exit_entry);
	assert_int_equal(fv.vm.exit_counts[EXIT_REASON_HLT], 1);
	run_resumed(EXIT_REASON_CPUID, 0, LEN_CPUID);
	assert_int_equal(regs.gpr[GPR_RAX], 0x40000001);
	assert_int_equal(fv.vm.exit_counts[EXIT_REASON_CPUID], 1);
	assert_log_empty();
}

/* ------------------------------------------------------------------ the log: rate limit, ring, exit_log */

static void test_ratelimit_msr_burst(void **state)
{
	unsigned long long suppressed, dropped;
	char want[128];

	(void)state;
	regs.gpr[GPR_RCX] = 0x1d9;
	for (int i = 0; i < 40; i++)
		run_resumed(i & 1 ? EXIT_REASON_WRMSR : EXIT_REASON_RDMSR, 0, 2);
	assert_int_equal(fake_log_count("[hv] msr: "), 32);
	/* Every exit still injected #GP, and the summary counts them all. */
	assert_int_equal(fv.vm.exit_counts[EXIT_REASON_RDMSR] + fv.vm.exit_counts[EXIT_REASON_WRMSR], 40);
	done(0);
	assert_ended(HV_OK, "done exit_code=0");
	snprintf(want, sizeof(want), "[hv] ratelimit: msr: 8 lines suppressed");
	assert_int_equal(fake_log_find(want, 0), fake_log_find("[hv] guest: ", 0) - 1);
	log_counts(&suppressed, &dropped);
	assert_int_equal(suppressed, 8);
	assert_int_equal(dropped, 0);
}

static void test_ratelimit_interval(void **state)
{
	long r;

	(void)state;
	regs.gpr[GPR_RCX] = 0x10;
	for (int i = 0; i < 35; i++)
		run_resumed(EXIT_REASON_RDMSR, 0, 2);
	assert_int_equal(fake_log_count("[hv] msr: "), 32);
	fake_hw.tsc += LOG_RATELIMIT_INTERVAL - 1;
	run_resumed(EXIT_REASON_RDMSR, 0, 2);
	assert_int_equal(fake_log_count("[hv] msr: "), 32);
	fake_hw.tsc += 1;                                  /* the interval is over: a new burst */
	run_resumed(EXIT_REASON_RDMSR, 0, 2);
	r = fake_log_find("[hv] ratelimit: msr: 4 lines suppressed", 0);
	assert_true(r > 0);
	assert_int_equal(fake_log_find("[hv] msr: ", (size_t)r), r + 1);
	assert_int_equal(fake_log_count("[hv] msr: "), 33);
	/* Other tags have their own burst. */
	regs.gpr[GPR_RCX] = 1;
	regs.gpr[GPR_RAX] = 7;
	run_resumed(EXIT_REASON_XSETBV, 0, 3);
	assert_int_equal(fake_log_count("[hv] xsetbv: "), 1);
}

static void test_ring_full_drops_lines(void **state)
{
	unsigned long long suppressed, dropped, notices = 0, n;
	size_t printed;
	char line[256];

	(void)state;
	fake_hw.uart_room = 0;                             /* a UART that takes nothing */
	fake_hw.uart_patience = ~0u;
	regs.gpr[GPR_RCX] = 0x10;
	for (int i = 0; i < 32; i++)
		run_resumed(EXIT_REASON_RDMSR, 0, 2);
	for (int i = 0; i < 32; i++)
		out_str("line\n");
	regs.gpr[GPR_RCX] = 1;
	for (int i = 0; i < 32; i++)
		run_resumed(EXIT_REASON_XSETBV, 0, 3);
	assert_true(fake_log_nlines() <= 1);              /* nothing left the ring but what was in flight */
	fake_hw.uart_room = FAKE_UART_ROOM_DEFAULT;
	done(0);
	assert_ended(HV_OK, "done exit_code=0");
	log_counts(&suppressed, &dropped);
	assert_int_equal(suppressed, 0);
	assert_true(dropped > 0);
	for (size_t i = 0; fake_log_line(i, line, sizeof(line)); i++)
		if (sscanf(line, "[hv] log: %llu lines dropped (ring buffer full)", &n) == 1)
			notices += n;
	assert_int_equal(notices, dropped);
	printed = fake_log_count("[hv] msr: ") + fake_log_count("[guest] line") + fake_log_count("[hv] xsetbv: ");
	assert_int_equal(printed + dropped, 96);            /* every line printed or counted */
	assert_true(printed >= LOG_RING_SLOTS);
}

static void test_exit_log_off(void **state)
{
	uint64_t page = BASE + 0x206000;

	(void)state;
	assert_int_equal(hypercall(HC_PROTECT, page, 0, HC_FAULT_KEEP), 0);
	assert_int_equal(hypercall(HC_PROTECT, page + 4096, 0, HC_FAULT_REGRANT), 0);
	assert_int_equal(hypercall(HC_SET_RESUME, BASE + 0x10500, 0, 0), 0);
	set_violation(page, 0);
	run_resumed(EXIT_REASON_EPT_VIOLATION, 1, 3);
	set_violation(page + 4096, 0);
	run_resumed(EXIT_REASON_EPT_VIOLATION, 1, 3);
	set_violation(LAST + 1, 0);
	run_resumed(EXIT_REASON_EPT_VIOLATION, 1, 3);
	assert_int_equal(rip(), BASE + 0x10500);
	assert_log_empty();
	done(0);
	assert_ended(HV_OK, "done exit_code=0");
	assert_int_equal(fake_log_count("[hv] ept-"), 1);   /* only ept-audit */
	assert_line(1, "[hv] summary: guest=test exits=7 VMCALL=4 EPT_VIOLATION=3");
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

static void test_serial_newline_after_cut(void **state)
{
	(void)state;
	for (int i = 0; i < 120; i++)
		out_byte(0x3f8, 'c');
	assert_int_equal(fake_log_nlines(), 1);
	out_byte(0x3f8, '\n');                             /* ends nothing more: no empty line */
	assert_int_equal(fake_log_nlines(), 1);
	out_byte(0x3f8, '\n');                             /* a real empty line */
	assert_int_equal(fake_log_nlines(), 2);
	assert_line(1, "[guest] ");
}

static void test_serial_last_line_printed_at_end(void **state)
{
	(void)state;
	out_str("no newline");
	assert_log_empty();
	done(0);
	assert_line(0, "[guest] no newline");
	assert_ended(HV_OK, "done exit_code=0");
}

static void test_preemption_timer_rounds(void **state)
{
	(void)state;
	/* A budget over 2^32 timer counts is served in rounds: each expiry re-arms the timer. */
	fv.vm.budget_left = 0x123456789ull;
	run_resumed(EXIT_REASON_PREEMPTION_TIMER, 0, 0);
	assert_int_equal(fake_vmcs_get(VMX_PREEMPTION_TIMER_VALUE), 0xffffffffull);
	assert_int_equal(fv.vm.budget_left, 0x123456789ull - 0xffffffffull);
	run_resumed(EXIT_REASON_PREEMPTION_TIMER, 0, 0);
	assert_int_equal(fake_vmcs_get(VMX_PREEMPTION_TIMER_VALUE), 0x123456789ull - 0xffffffffull);
	assert_int_equal(fv.vm.budget_left, 0);
	assert_int_equal(rip(), RIP0);
	assert_log_empty();
	assert_true(run(EXIT_REASON_PREEMPTION_TIMER, 0, 0));
	assert_ended(HV_E_GUEST, "ended: time budget used up (VMX-preemption timer)");
	{
		char sum[256];
		summary(sum, sizeof(sum));
		assert_string_equal(sum, "guest=test exits=3 PREEMPTION_TIMER=3");
	}
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
		T(test_serial_line_on_newline),
		T(test_serial_nonprintable_and_empty_lines),
		T(test_serial_line_cut_at_120),
		T(test_serial_only_com1_data_register),
		T(test_in_port_values),
		T(test_string_io_ends_guest),
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
		T(test_hc_protect_64_pages),
		T(test_hc_protect_no_memory),
		T(test_hc_misconfig_demo_errors),
		T(test_ept_violation_outside_ends),
		T(test_ept_violation_below_memory_ends),
		T(test_ept_violation_unprotected_page_ends),
		T(test_ept_violation_keep),
		T(test_ept_violation_regrant),
		T(test_ept_misconfig_planted_is_repaired),
		T(test_ept_misconfig_not_planted_ends),
		T(test_summary_counts),
		T(test_summary_wraps_long_lines),
		T(test_unhandled_exits_end_guest),
		T(test_unhandled_exit_names),
		T(test_entry_failure),
		T(test_triple_fault),
		T(test_exception_nmi),
		T(test_preemption_timer),
		T(test_rdmsr_wrmsr_inject_gp),
		T(test_wrmsr_injects_gp),
		T(test_xsetbv_valid),
		T(test_xsetbv_invalid_injects_gp),
		T(test_cr3_access),
		T(test_cr_access_ends_guest),
		T(test_vmread_failure_is_logged),
		T(test_vmresume_failure),
		T(test_hc_set_resume),
		T(test_ept_violation_outside_resumes),
		T(test_hc_protect_resume_policy),
		T(test_hc_write),
		T(test_hc_bench_reference),
		T(test_ratelimit_msr_burst),
		T(test_ratelimit_interval),
		T(test_ring_full_drops_lines),
		cmocka_unit_test_setup_teardown(test_exit_log_off, setup_exit_log_off, teardown),
		T(test_ept_audit),
		T(test_ept_audit_after_protect),
		T(test_ept_audit_failure),
		T(test_hc_print_write_text_like_the_serial_port),
		T(test_hc_set_resume_cannot_clear_under_resume_page),
		T(test_serial_newline_after_cut),
		T(test_serial_last_line_printed_at_end),
		T(test_preemption_timer_rounds),
	};
#undef T
	return cmocka_run_group_tests(tests, 0, 0);
}
