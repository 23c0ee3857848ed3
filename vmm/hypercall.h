/* The guest's hypercalls: VMCALL with the number in RAX, arguments in RDI, RSI, RDX, the result
 * in RAX (0 or a positive value on success, a negative HC_E_* on error). docs/guest-abi.md is the
 * interface; guest/abi.inc holds the same numbers for NASM guests. */
#ifndef VMM_HYPERCALL_H
#define VMM_HYPERCALL_H

#include <stdint.h>

enum hypercall {
	HC_NOP = 0,                /* -> 0; the cheapest round trip (benchmarks) */
	HC_PRINT = 1,              /* RDI = GPA of a NUL-terminated string (< 200 bytes) -> its length */
	HC_DONE = 2,               /* RDI = exit code; does not return */
	HC_PROTECT = 3,            /* RDI = GPA of a page of guest memory, RSI = HC_PERM_* bits (0 = not
	                              present), RDX = HC_FAULT_* policy on a violation -> 0 */
	HC_EPT_MISCONFIG_DEMO = 4, /* RDI = GPA of a page: make its EPT entry write-only (a misconfiguration)
	                              until the guest touches it -> 0 */
	HC_SET_RESUME = 5,         /* RDI = GPA (== GVA) in guest memory where the guest continues after a
	                              refused EPT access (outside its memory, or a HC_FAULT_RESUME page);
	                              0 = none: a refused access ends the guest -> 0 */
	HC_BENCH_REFERENCE = 6,    /* -> 0; the following CPUID exits take the minimal reference path
	                              (RIP advanced, nothing else) until an exit of another reason */
	HC_WRITE = 7,              /* RDI = GPA of bytes, RSI = their count (<= HC_PRINT_MAX) -> the count;
	                              prints them as one [guest] line */
};

enum { HC_PERM_R = 1, HC_PERM_W = 2, HC_PERM_X = 4 };
enum { HC_FAULT_REGRANT = 0, HC_FAULT_KEEP = 1, HC_FAULT_RESUME = 2 };

#define HC_PRINT_MAX 200

enum hypercall_error {
	HC_E_UNKNOWN = -1,         /* unknown hypercall number */
	HC_E_RANGE = -2,           /* address outside the guest's memory */
	HC_E_ALIGN = -3,           /* address not 4 KiB aligned */
	HC_E_LENGTH = -4,          /* no NUL within HC_PRINT_MAX bytes, or a length over HC_PRINT_MAX */
	HC_E_INVAL = -5,           /* bad permission or policy bits (e.g. write without read) */
	HC_E_NOSPACE = -6,         /* too many protected pages */
	HC_E_NOMEM = -7,           /* no memory for EPT tables */
	HC_E_NORESUME = -8,        /* HC_FAULT_RESUME without a resume address (HC_SET_RESUME first) */
};

struct vm;
struct guest_regs;
/* Run the hypercall in regs (RAX = number); sets RAX. HC_DONE ends the guest. */
void hypercall_dispatch(struct vm *vm, struct guest_regs *regs);
/* For the EPT-violation policy: the protected page holding gpa, or 0; and the REGRANT action. */
struct protected_page *hypercall_find_protected(struct vm *vm, uint64_t gpa);
int hypercall_regrant(struct vm *vm, struct protected_page *p);

#endif
