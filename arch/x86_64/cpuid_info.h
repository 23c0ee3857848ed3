/* Facts read from CPUID that more than one layer needs. */
#ifndef ARCH_X86_64_CPUID_INFO_H
#define ARCH_X86_64_CPUID_INFO_H

#include "arch/x86_64/cpu_ops.h"

/* MAXPHYADDR: CPUID.80000008H:EAX[7:0] when that leaf exists, else 36 (SDM Vol. 3A §4.1.4
 * "Enumeration of Paging Features by CPUID"). */
#define MAXPHYADDR_DEFAULT 36u

unsigned cpuid_maxphyaddr(const struct cpu_ops *ops);

/* The linear-address width: CPUID.80000008H:EAX[15:8] when that leaf exists, else 48. */
unsigned cpuid_linear_width(const struct cpu_ops *ops);

#endif
