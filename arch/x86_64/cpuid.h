/* CPUID leaves and feature bits the hypervisor reads or changes (SDM Vol. 2A §3.3 "Instructions
 * (A-L)", "CPUID—CPU Identification", Tables 3-8 "Information Returned by CPUID Instruction" and
 * 3-10 "Feature Information Returned in the ECX Register"). */
#ifndef ARCH_X86_64_CPUID_H
#define ARCH_X86_64_CPUID_H

#define CPUID_FEATURES           1u           /* leaf 1: feature information */
#define CPUID_1_ECX_MONITOR      (1u << 3)    /* MONITOR/MWAIT */
#define CPUID_1_ECX_VMX          (1u << 5)    /* Virtual Machine Extensions */
#define CPUID_1_ECX_SMX          (1u << 6)    /* Safer Mode Extensions */
#define CPUID_1_ECX_XSAVE        (1u << 26)   /* XSAVE/XRSTOR, XSETBV/XGETBV, XCR0 */
#define CPUID_1_ECX_OSXSAVE      (1u << 27)   /* a copy of CR4.OSXSAVE */
#define CPUID_1_ECX_HYPERVISOR   (1u << 31)   /* reserved for hypervisors: set for a guest */
#define CPUID_1_EDX_MTRR         (1u << 12)   /* memory type range registers */

#define CPUID_STRUCT_EXT         7u           /* leaf 7 subleaf 0: structured extended features */
#define CPUID_7_EBX_SGX          (1u << 2)    /* Software Guard Extensions */
#define CPUID_7_EBX_INVPCID      (1u << 10)   /* INVPCID */
#define CPUID_7_EBX_RTM          (1u << 11)   /* Restricted Transactional Memory */
#define CPUID_7_ECX_WAITPKG      (1u << 5)    /* TPAUSE, UMONITOR, UMWAIT */
#define CPUID_7_ECX_RDPID        (1u << 22)   /* RDPID */
#define CPUID_7_EDX_PCONFIG      (1u << 18)   /* PCONFIG */

#define CPUID_EXT_MAX            0x80000000u  /* EAX = the highest extended leaf */
#define CPUID_EXT_FEATURES       0x80000001u
#define CPUID_80000001_EDX_PAGE1GB (1u << 26) /* 1-GByte pages */
#define CPUID_80000001_EDX_RDTSCP  (1u << 27) /* RDTSCP */
#define CPUID_EXT_ADDR_SIZES     0x80000008u  /* EAX[7:0] = MAXPHYADDR, EAX[15:8] = linear width */
#define CPUID_80000008_EAX_LINEAR_SHIFT 8

#define CPUID_XSAVE_LEAF         0xdu         /* subleaf 0: EDX:EAX = XCR0 bits the CPU supports */
#define CPUID_D1_EAX_XSAVES      (1u << 3)    /* subleaf 1: XSAVES/XRSTORS and IA32_XSS */

#endif
