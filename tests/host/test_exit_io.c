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

/* ------------------------------------------------------------------ the platform (docs/guest-abi.md) */

/* The ports a PC kernel touches first, which minihv does not emulate: each read is all ones
 * (an empty bus; port 0x92 bit 1 then says A20 is on, as it is), each write is dropped and the
 * guest goes on. */
static void test_platform_ports(void **state)
{
	static const uint16_t ports[] = {
		0x20, 0x21, 0xa0, 0xa1,         /* 8259 PICs: command and mask */
		0x40, 0x41, 0x42, 0x43,         /* 8254 PIT */
		0x70, 0x71,                     /* CMOS/RTC index and data */
		0x80,                           /* POST codes */
		0x92,                           /* fast A20 */
		0x60, 0x64,                     /* keyboard controller */
	};
	size_t n = sizeof(ports) / sizeof(ports[0]);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		out_byte(ports[i], (char)0x11);
		regs.gpr[GPR_RAX] = 0x1122334455667700ull;
		run_resumed(EXIT_REASON_IO_INSTRUCTION, io_q(ports[i], 1, true, false), LEN_IN_IMM);
		if (regs.gpr[GPR_RAX] != 0x11223344556677ffull)
			fail_msg("IN port 0x%x: rax=0x%llx, want 0x11223344556677ff", ports[i], ULL(regs.gpr[GPR_RAX]));
	}
	assert_int_equal(rip(), RIP0 + n * (LEN_OUT_DX + LEN_IN_IMM));
	assert_int_equal(fv.vcpu.exit_counts[EXIT_REASON_IO_INSTRUCTION], 2 * n);
	assert_log_empty();
}

/* Port 0xF4 (QEMU's isa-debug-exit): a write of v ends the guest with exit code v, of the access's
 * size; status OK for 0, E_GUEST otherwise, as HC_DONE. */
static void test_exit_port(void **state)
{
	static const struct {
		unsigned size;
		uint64_t rax, code;
		enum hv_status status;
	} cases[] = {
		{ 1, 0xffffffffffffff00ull, 0, HV_OK },
		{ 4, 0, 0, HV_OK },
		{ 1, 0x1234ull, 0x34, HV_E_GUEST },
		{ 2, 0xabcd1234ull, 0x1234, HV_E_GUEST },
		{ 4, 0xffffffff00000007ull, 7, HV_E_GUEST },
		{ 4, 0x80000000ull, 0x80000000ull, HV_E_GUEST },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (i)
			assert_true(fake_vm_reset(&fv));
		fake_regs_init(&fv, &regs);
		out_str("bye");                            /* a last line without its newline */
		regs.gpr[GPR_RAX] = cases[i].rax;
		assert_true(run(EXIT_REASON_IO_INSTRUCTION, io_q(0xf4, cases[i].size, false, false), LEN_OUT_DX));
		assert_line(0, "[guest] bye");
		assert_ended(cases[i].status, "done exit_code=%llu (port 0xf4)", ULL(cases[i].code));
	}
}

/* Reading port 0xF4 ends nothing: it is an empty bus like any other port. */
static void test_exit_port_read(void **state)
{
	(void)state;
	regs.gpr[GPR_RAX] = 0;
	run_resumed(EXIT_REASON_IO_INSTRUCTION, io_q(0xf4, 4, true, false), LEN_IN_IMM);
	assert_int_equal(regs.gpr[GPR_RAX], 0xffffffffull);
	assert_log_empty();
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
		T(test_platform_ports),
		T(test_exit_port),
		T(test_exit_port_read),
		T(test_serial_newline_after_cut),
		T(test_serial_last_line_printed_at_end),
	};
#undef T
	return cmocka_run_group_tests_name("exit_io", tests, NULL, NULL);
}
