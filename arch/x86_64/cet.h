/* Control-flow enforcement left on by firmware: switched off before the hypervisor's first far
 * return (gdt_install) and indirect calls, which it would fault with #CP. */
#ifndef ARCH_X86_64_CET_H
#define ARCH_X86_64_CET_H

#include <stdbool.h>

#include "arch/x86_64/cpu_ops.h"

/* If CR4.CET is set: IA32_S_CET = 0 (no supervisor shadow stack, no IBT), then CR4.CET = 0.
 * Returns true if it was on. */
bool cet_disable(const struct cpu_ops *ops);

#endif
