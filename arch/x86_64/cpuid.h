/* CPUID leaves and feature bits the hypervisor reads or changes (SDM Vol. 2A, "CPUID",
 * Tables 3-8 "Information Returned by CPUID Instruction" and 3-10 "Feature Information"). */
#ifndef ARCH_X86_64_CPUID_H
#define ARCH_X86_64_CPUID_H

#define CPUID_1_ECX_VMX          (1u << 5)    /* Virtual Machine Extensions */
#define CPUID_1_ECX_SMX          (1u << 6)    /* Safer Mode Extensions */
#define CPUID_1_ECX_HYPERVISOR   (1u << 31)   /* reserved for hypervisors: set for a guest */

#define CPUID_EXT_MAX            0x80000000u  /* EAX = the highest extended leaf */
#define CPUID_EXT_FEATURES       0x80000001u
#define CPUID_80000001_EDX_PAGE1GB (1u << 26) /* 1-GByte pages */
#define CPUID_EXT_ADDR_SIZES     0x80000008u  /* EAX[7:0] = MAXPHYADDR */
#define CPUID_ADDR_SIZES_LINEAR_SHIFT 8       /* EAX[15:8] = linear-address width */

#define CPUID_XSAVE_LEAF         0xdu         /* subleaf 0: EDX:EAX = XCR0 bits the CPU supports */

#endif
