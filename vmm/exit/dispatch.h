/* The VM-exit dispatcher, called by the exit stub (vmm/vmx/entry.asm) on every VM exit. */
#ifndef VMM_EXIT_DISPATCH_H
#define VMM_EXIT_DISPATCH_H

#include <stdint.h>

#include "vmm/vmx/entry.h"

/* Handle the exit of current_vm; returns when the guest may resume. */
void vmx_exit_dispatch(struct guest_regs *regs);
/* VMRESUME failed with these RFLAGS (called by the stub): explain it and end the guest. */
__attribute__((noreturn)) void vmx_resume_failed(uint64_t rflags);

#endif
