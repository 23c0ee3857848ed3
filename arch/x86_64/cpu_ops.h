/* The privileged CPU operations code that must be host-testable reaches the CPU through: the
 * real ones (hw_cpu_ops) in the image, a fake CPU in host tests (tests/host/fake_cpu.c). */
#ifndef ARCH_X86_64_CPU_OPS_H
#define ARCH_X86_64_CPU_OPS_H

#include <stdint.h>

#include "arch/x86_64/cpu.h"

struct cpu_ops {
	void *ctx;
	void (*cpuid)(void *ctx, uint32_t leaf, uint32_t subleaf, struct cpuid_regs *out);
	uint64_t (*rdmsr)(void *ctx, uint32_t msr);
	void (*wrmsr)(void *ctx, uint32_t msr, uint64_t value);
	uint64_t (*read_cr4)(void *ctx);
	void (*write_cr4)(void *ctx, uint64_t value);
};

/* This CPU (arch/x86_64/cpu_ops.c; not in host tests). */
extern const struct cpu_ops hw_cpu_ops;

#endif
