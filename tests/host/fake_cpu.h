// SPDX-License-Identifier: MIT
/*
 * tests/host/fake_cpu.h - a fake struct cpu_ops for vmx_probe() tests.
 *
 * A model gives CPUID and the VMX capability MSRs of one CPU.  MSR existence
 * follows the SDM (Vol. 3D Appendix A): no VMX MSR without CPUID.1:ECX.VMX;
 * IA32_FEATURE_CONTROL with VMX or SMX; IA32_VMX_PROCBASED_CTLS2 only if
 * IA32_VMX_PROCBASED_CTLS[63]; IA32_VMX_EPT_VPID_CAP only if the secondary
 * controls allow "enable EPT" (bit 33) or "enable VPID" (bit 37); the TRUE_
 * MSRs only if IA32_VMX_BASIC[55].  Every RDMSR is recorded; in strict mode a
 * read of an MSR the model does not have fails the running cmocka test (real
 * hardware and Bochs raise #GP there).
 */
#ifndef TESTS_HOST_FAKE_CPU_H
#define TESTS_HOST_FAKE_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/vmx/caps.h"

struct fake_cpu_model {
	const char *name;
	const char *vendor;             /* 12 characters */
	uint32_t signature;             /* CPUID.1:EAX */
	uint32_t cpuid1_ecx;
	uint32_t max_ext_leaf;          /* CPUID.80000000H:EAX */
	uint32_t ext8_eax;              /* CPUID.80000008H:EAX (returned even when absent) */
	uint64_t feature_control;
	uint64_t basic;
	uint64_t pinbased, procbased, exit, entry;
	uint64_t true_pinbased, true_procbased, true_exit, true_entry;
	uint64_t misc;
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	uint64_t procbased2;
	uint64_t ept_vpid_cap;
};

#define FAKE_CPU_MAX_READS 64

struct fake_cpu {
	const struct fake_cpu_model *m;
	bool strict;                    /* fail the test on a read of a missing MSR */
	uint32_t reads[FAKE_CPU_MAX_READS];
	size_t nreads;
	size_t bad_reads;               /* reads of MSRs the model does not have */
	size_t cpuid_calls;
};

#define CPUID1_ECX_VMX (1u << 5)
#define CPUID1_ECX_SMX (1u << 6)

/* The CPU models (tests/host/fake_cpu.c), NULL-terminated. */
extern const struct fake_cpu_model *const fake_cpu_models[];
const struct fake_cpu_model *fake_cpu_model(const char *name);

struct cpu_ops fake_cpu_ops(struct fake_cpu *cpu, const struct fake_cpu_model *m, bool strict);
bool fake_cpu_msr_exists(const struct fake_cpu_model *m, uint32_t msr);
/* How many times msr was read. */
size_t fake_cpu_read_count(const struct fake_cpu *cpu, uint32_t msr);

#endif /* TESTS_HOST_FAKE_CPU_H */
