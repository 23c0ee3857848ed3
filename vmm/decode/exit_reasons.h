/* Basic exit reasons (SDM Vol. 3D Appendix C "VMX Basic Exit Reasons", Table C-1 "Basic Exit Reasons"). */
#ifndef VMM_DECODE_EXIT_REASONS_H
#define VMM_DECODE_EXIT_REASONS_H

#include <stdint.h>

enum exit_reason {
	EXIT_REASON_EXCEPTION_NMI = 0,
	EXIT_REASON_EXTERNAL_INTERRUPT = 1,
	EXIT_REASON_TRIPLE_FAULT = 2,
	EXIT_REASON_INIT_SIGNAL = 3,
	EXIT_REASON_CPUID = 10,
	EXIT_REASON_HLT = 12,
	EXIT_REASON_INVD = 13,
	EXIT_REASON_VMCALL = 18,
	EXIT_REASON_CR_ACCESS = 28,
	EXIT_REASON_IO_INSTRUCTION = 30,
	EXIT_REASON_RDMSR = 31,
	EXIT_REASON_WRMSR = 32,
	EXIT_REASON_INVALID_GUEST_STATE = 33,
	EXIT_REASON_MSR_LOAD_FAIL = 34,
	EXIT_REASON_MWAIT = 36,
	EXIT_REASON_MONITOR = 39,
	EXIT_REASON_MCE_DURING_VMENTRY = 41,
	EXIT_REASON_EPT_VIOLATION = 48,
	EXIT_REASON_EPT_MISCONFIG = 49,
	EXIT_REASON_PREEMPTION_TIMER = 52,
	EXIT_REASON_WBINVD = 54,
	EXIT_REASON_XSETBV = 55,
};

#define EXIT_REASON_COUNT 86                  /* 0..85 */
#define EXIT_REASON_BASIC_MASK 0xffffu         /* bits 15:0 of the exit-reason field */
#define EXIT_REASON_ENTRY_FAILURE (1u << 31)   /* VM-entry failure (SDM Vol. 3C §27.8) */

/* Exit qualification of a VM-entry failure due to invalid guest state (SDM Vol. 3C §27.8
 * "VM-Entry Failures During or After Loading Guest State"); 0 = any other guest-state check. */
enum entry_failure_qual {
	ENTRY_FAIL_QUAL_PDPTE = 2,         /* loading the PDPTEs failed */
	ENTRY_FAIL_QUAL_NMI_BLOCKED = 3,   /* NMI injection blocked by STI */
	ENTRY_FAIL_QUAL_VMCS_LINK = 4,     /* invalid VMCS link pointer */
};

/* "EPT_VIOLATION" (reference-table spelling) and "EPT violation" (SDM wording);
 * "RESERVED_n" / "(reserved/unused)" for undefined numbers, "UNKNOWN" beyond the table. */
const char *exit_reason_name(uint32_t basic);
const char *exit_reason_sdm_name(uint32_t basic);

#endif
