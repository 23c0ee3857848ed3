// SPDX-License-Identifier: MIT
/*
 * tests/host/entry_check_cpus.h - VMX capability MSRs of real Intel CPUs, as facts from public
 * dumps (each entry names its source), for the VM-entry checker's baseline test.
 */
#ifndef TESTS_HOST_ENTRY_CHECK_CPUS_H
#define TESTS_HOST_ENTRY_CHECK_CPUS_H

#include <stddef.h>
#include <stdint.h>

#include "tests/host/fake_cpu.h"

struct ec_real_cpu {
	struct fake_cpu_model m;   /* name, CPUID.1:EAX, CPUID.80000008H:EAX, the IA32_VMX_* MSRs */
	uint64_t vmfunc;           /* IA32_VMX_VMFUNC, 0 if the source has none */
	const char *source;        /* where the values come from */
};

extern const struct ec_real_cpu ec_real_cpus[];
extern const size_t ec_real_cpu_count;

#endif
