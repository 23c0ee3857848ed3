// SPDX-License-Identifier: MIT
/*
 * tests/host/exit_harness.c - the harness the VM-exit host tests share (tests/host/exit_harness.h):
 * one fake guest (tests/host/fake_vmcs.c) made and destroyed around each test, exits raised the
 * way the CPU would raise them and handed to the real vmx_exit_dispatch, and checks of what the
 * guest and the log would see, with the exact log lines where docs/log-format.md and
 * docs/guest-abi.md fix their format.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "tests/host/exit_harness.h"
#include "vmm/exit/exit.h"
#include "vmm/vmx/controls.h"

struct fake_vm fv;
struct guest_regs regs;

/* ------------------------------------------------------------------ cmocka setups */

static int setup_opts(const struct fake_vm_opts *o)
{
	if (!fake_vm_create(&fv, o))
		return -1;
	cpuid_masks_init(PROC_ACTIVATE_SECONDARY_CONTROLS, 0);   /* CPUID as with no enabling control on */
	fake_regs_init(&fv, &regs);
	fake_log_reset();
	return 0;
}

int setup(void **state)
{
	(void)state;
	return setup_opts(0);
}

/* A CPU without execute-only EPT pages and with all-context INVEPT only (Penryn-like). */
int setup_no_exec_only(void **state)
{
	struct fake_vm_opts o = { .ept_vpid_cap = 0x00000f0104114140ull };

	(void)state;
	return setup_opts(&o);
}

int setup_exit_log_off(void **state)
{
	struct fake_vm_opts o = { .exit_log_off = true };

	(void)state;
	return setup_opts(&o);
}

/* A Multiboot guest: GPA 0 at the mmap'd memory, its entry state, unrestricted guest. */
int setup_multiboot(void **state)
{
	struct fake_vm_opts o = { .multiboot = true };

	(void)state;
	return setup_opts(&o);
}

int teardown(void **state)
{
	(void)state;
	fake_vm_destroy(&fv);
	return 0;
}

/* ------------------------------------------------------------------ raising exits */

uint64_t rip(void) { return fake_vmcs_get(GUEST_RIP); }

/* One exit; true when it ended the guest. After a resumed exit, what it logged is pumped out of
 * the ring now (the next exit would do it first thing). */
bool run(uint32_t reason, uint64_t qual, uint64_t len)
{
	bool ended;

	fake_set_exit(reason, qual, len);
	fake_vmcs_clear_writes();
	ended = fake_exit(&regs);
	if (!ended)
		log_pump();
	return ended;
}

void run_resumed(uint32_t reason, uint64_t qual, uint64_t len)
{
	assert_false(run(reason, qual, len));
}

int64_t hypercall(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3)
{
	regs.gpr[GPR_RAX] = nr;
	regs.gpr[GPR_RDI] = a1;
	regs.gpr[GPR_RSI] = a2;
	regs.gpr[GPR_RDX] = a3;
	run_resumed(EXIT_REASON_VMCALL, 0, LEN_VMCALL);
	return (int64_t)regs.gpr[GPR_RAX];
}

uint64_t io_q(uint16_t port, unsigned size, bool in, bool string)
{
	return ((uint64_t)port << 16) | (size - 1) | ((uint64_t)in << 3) | ((uint64_t)string << 4);
}

uint64_t cr_q(unsigned cr, unsigned type, unsigned gpr)
{
	return cr | (type << 4) | (gpr << 8);
}

void done(uint64_t code)
{
	regs.gpr[GPR_RAX] = HC_DONE;
	regs.gpr[GPR_RDI] = code;
	assert_true(run(EXIT_REASON_VMCALL, 0, LEN_VMCALL));
}

void set_violation(uint64_t gpa, uint64_t gla)
{
	fake_vmcs_set(GUEST_PHYSICAL_ADDRESS, gpa);
	fake_vmcs_set(GUEST_LINEAR_ADDRESS, gla);
}

void out_byte(uint16_t port, char c)
{
	regs.gpr[GPR_RAX] = (regs.gpr[GPR_RAX] & ~0xffull) | (uint8_t)c;
	run_resumed(EXIT_REASON_IO_INSTRUCTION, io_q(port, 1, false, false), LEN_OUT_DX);
}

void out_str(const char *s)
{
	while (*s)
		out_byte(0x3f8, *s++);
}

/* ------------------------------------------------------------------ checks */

void assert_line(size_t i, const char *fmt, ...)
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
void assert_log_lines(size_t n, ...)
{
	va_list ap;

	va_start(ap, n);
	for (size_t i = 0; i < n; i++)
		assert_line(i, "%s", va_arg(ap, const char *));
	va_end(ap);
	if (fake_log_nlines() != n)
		fail_msg("want %zu log lines, got %zu:\n%s", n, fake_log_nlines(), fake_log_text());
}

void assert_log_empty(void)
{
	if (fake_log_len())
		fail_msg("want no log output, got:\n%s", fake_log_text());
}

/* The guest ended with this status and "[hv] guest: <what>", and the lines around it came in the
 * documented order: ratelimit reports, guest:, summary: (guest-regs lines before or after guest:),
 * log:, ept-audit:, then the end line (from the fake hv_end). log: counts the lines written. */
void assert_ended(enum hv_status s, const char *what_fmt, ...)
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
void log_counts(unsigned long long *suppressed, unsigned long long *dropped)
{
	char got[256];
	unsigned long long lines;
	long lg = fake_log_find("[hv] log: lines=", 0);

	assert_true(lg >= 0);
	fake_log_line((size_t)lg, got, sizeof(got));
	assert_int_equal(sscanf(got, "[hv] log: lines=%llu suppressed=%llu dropped=%llu", &lines, suppressed, dropped), 3);
}

/* The summary lines joined (without "[hv] summary: " prefixes), or "" when there is none. */
void summary(char *buf, size_t len)
{
	char line[512];
	size_t n = 0;

	buf[0] = '\0';
	for (long i = fake_log_find("[hv] summary: ", 0); i >= 0; i = fake_log_find("[hv] summary: ", (size_t)i + 1)) {
		fake_log_line((size_t)i, line, sizeof(line));
		n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? " " : "", line + 14);
	}
}

struct ept_translation translate(uint64_t gpa)
{
	struct ept_translation t;

	assert_int_equal(ept_translate(&fv.vm.ept, gpa, &t), EPT_OK);
	return t;
}

void assert_gp_injected(void)
{
	assert_int_equal(fake_vmcs_get(VM_ENTRY_INTR_INFO_FIELD), 0x80000b0d);   /* valid, hw exception, #GP, error code */
	assert_int_equal(fake_vmcs_get(VM_ENTRY_EXCEPTION_ERROR_CODE), 0);
	assert_int_equal(fake_vmcs_writes_to(GUEST_RIP), 0);                      /* the fault is at the instruction */
}
