/* A Multiboot guest's mode switches: its MOV to CR0, LMSW and MOV to CR4 of host-owned bits, and
 * MOV to CR3 where that exits (vmm/exit/cr_mode.c; cr_access.c calls in). */
#ifndef VMM_EXIT_CR_MODE_H
#define VMM_EXIT_CR_MODE_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/decode/exit_qual_cr.h"
#include "vmm/vm/vm.h"

/* MOV to CR0 (value: the source register), LMSW, MOV to CR4: emulated or #GP(0); false for any
 * other access (the caller's to handle). */
bool cr_mode_access(struct vm *vm, const struct cr_qual *q, uint64_t value);
/* MOV to CR3 of value. */
void cr_mode_write_cr3(struct vm *vm, uint64_t value);

#endif
