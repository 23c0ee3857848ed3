// SPDX-License-Identifier: MIT
/*
 * tests/host/exit_harness.h - what the VM-exit host tests (tests/host/test_exit_*.c) share: one
 * fake guest over the fake VMCS and CPU (tests/host/fake_vmcs.c), the cmocka setups that make it,
 * and helpers that raise an exit the way the CPU would, then check what the guest and the log
 * would see. Defined in tests/host/exit_harness.c.
 *
 * A test file includes the cmocka headers (<setjmp.h>, <stdarg.h>, <stddef.h>, <stdint.h>,
 * <cmocka.h>) and then this one.
 */
#ifndef TESTS_HOST_EXIT_HARNESS_H
#define TESTS_HOST_EXIT_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/x86_64/cr.h"
#include "tests/host/fake_vmcs.h"
#include "vmm/vm/hypercall.h"
#include "vmm/decode/interruption_info.h"
#include "arch/lib/fmt.h"
#include "arch/lib/log.h"
#include "vmm/vmx/vmcs_fields.h"

/* The guest of the running test and its general registers (made by the setups below). */
extern struct fake_vm fv;
extern struct guest_regs regs;

#define BASE (fv.vm.mem_base)
#define LAST (fv.vm.mem_base + fv.vm.mem_size - 1)
#define RIP0 (BASE + FAKE_ENTRY_OFFSET)

#define LEN_CPUID  2
#define LEN_VMCALL 3
#define LEN_OUT_DX 1
#define LEN_IN_IMM 2

/* ------------------------------------------------------------------ cmocka setups */

/* A fresh guest on the default (Skylake-X-like) fake CPU, its registers set, an empty log. */
int setup(void **state);
/* The same on a CPU without execute-only EPT pages and with all-context INVEPT only (Penryn-like). */
int setup_no_exec_only(void **state);
/* The same with HV.CFG exit_log=off. */
int setup_exit_log_off(void **state);
/* A Multiboot guest (fake_vm_opts.multiboot): GPA 0 at fv.mem, GPA != HPA, 32-bit entry state. */
int setup_multiboot(void **state);
int teardown(void **state);

/* ------------------------------------------------------------------ raising exits */

/* The guest's RIP in the fake VMCS. */
uint64_t rip(void);
/* One exit; true when it ended the guest. After a resumed exit, what it logged is pumped out of
 * the ring now (the next exit would do it first thing). */
bool run(uint32_t reason, uint64_t qual, uint64_t len);
/* One exit that must resume the guest. */
void run_resumed(uint32_t reason, uint64_t qual, uint64_t len);
/* VMCALL nr(a1, a2, a3), which must resume the guest; returns the guest's RAX. */
int64_t hypercall(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3);
/* HC_DONE with this exit code, which must end the guest. */
void done(uint64_t code);
/* Exit qualifications: I/O instruction, control-register access. */
uint64_t io_q(uint16_t port, unsigned size, bool in, bool string);
uint64_t cr_q(unsigned cr, unsigned type, unsigned gpr);
/* OUT DX, AL of one byte; out_str writes each byte to COM1. */
void out_byte(uint16_t port, char c);
void out_str(const char *s);
/* The GPA and guest-linear address of the next EPT violation or misconfiguration. */
void set_violation(uint64_t gpa, uint64_t gla);

/* ------------------------------------------------------------------ checks */

/* Log line i (no newline) is exactly this. */
void assert_line(size_t i, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The log holds exactly these n lines (each given without its newline). */
void assert_log_lines(size_t n, ...);
void assert_log_empty(void);
/* The guest ended with this status and "[hv] guest: <what>", and the lines around it came in the
 * documented order: ratelimit reports, guest:, summary: (guest-regs lines before or after guest:),
 * log:, ept-audit:, then the end line (from the fake hv_end). log: counts the lines written. */
void assert_ended(enum hv_status s, const char *what_fmt, ...) __attribute__((format(printf, 2, 3)));
/* "[hv] log: lines=.. suppressed=S dropped=D" of the guest's end. */
void log_counts(unsigned long long *suppressed, unsigned long long *dropped);
/* The summary lines joined (without "[hv] summary: " prefixes), or "" when there is none. */
void summary(char *buf, size_t len);
/* The guest's EPT translation of gpa (which must succeed). */
struct ept_translation translate(uint64_t gpa);
/* #GP with error code 0 is injected and RIP left at the faulting instruction (MSR, XSETBV). */
void assert_gp_injected(void);

#endif
