/* The TSC's rate, for delays and timeouts before anything else keeps time: measured against the
 * 8254 PIT's channel 2 (gated through port 0x61, no interrupt), else CPUID leaf 0x16. */
#ifndef ARCH_X86_64_TSC_H
#define ARCH_X86_64_TSC_H

#include <stdint.h>

/* TSC ticks per millisecond, or 0 when neither the PIT nor CPUID gives it. *how: "pit" or
 * "cpuid-0x16". Takes about 10 ms with the PIT. */
uint64_t tsc_ticks_per_ms(const char **how);

#endif
