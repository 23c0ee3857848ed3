/* The real CPU behind struct cpu_ops. */
#include "arch/x86_64/cpu_ops.h"

static void hw_cpuid(void *ctx, uint32_t leaf, uint32_t sub, struct cpuid_regs *out)
{
	(void)ctx;
	cpuid(leaf, sub, out);
}

static uint64_t hw_rdmsr(void *ctx, uint32_t msr)
{
	(void)ctx;
	return rdmsr(msr);
}

static void hw_wrmsr(void *ctx, uint32_t msr, uint64_t value)
{
	(void)ctx;
	wrmsr(msr, value);
}

static uint64_t hw_read_cr4(void *ctx)
{
	(void)ctx;
	return read_cr4();
}

static void hw_write_cr4(void *ctx, uint64_t value)
{
	(void)ctx;
	write_cr4(value);
}

const struct cpu_ops hw_cpu_ops = { 0, hw_cpuid, hw_rdmsr, hw_wrmsr, hw_read_cr4, hw_write_cr4 };
