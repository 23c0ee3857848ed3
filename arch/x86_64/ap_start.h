/* The APs' start-up code (arch/x86_64/ap_start.asm): copied to a page below 1 MiB, where a
 * START-UP IPI with that page's number starts an AP in real mode at its first byte. It goes to
 * protected mode, checks that its APIC ID is the one the BSP is starting (a late AP parks there),
 * loads CR4, CR3 and EFER from the parameters, enables paging into long mode, and calls
 * entry(arg) on stack_top (SDM Vol. 3A §9.4.4.2 "Typical AP Initialization Sequence", §10.8.5
 * "Initializing IA-32e Mode"). */
#ifndef ARCH_X86_64_AP_START_H
#define ARCH_X86_64_AP_START_H

#include <stdint.h>

/* Where the parameters sit in the page; ap_start.asm has the same offsets (AP_P_*), checked by
 * tests/host/test_smp_start.c. */
#define AP_START_PARAMS_OFF 16

struct ap_start_params {
	uint64_t cr3;         /* a top-level page table below 4 GiB (the 32-bit MOV to CR3) */
	uint64_t efer;        /* LME and NXE as the BSP has them */
	uint64_t cr4;         /* PAE, and LA57 as the BSP has it */
	uint64_t stack_top;
	uint64_t entry;       /* void entry(void *arg), never returns */
	uint64_t arg;
	uint32_t apic_id;     /* the AP being started; any other parks in the page */
	uint32_t reserved;
};

extern const char ap_start_code[];
extern const uint32_t ap_start_code_size;   /* bytes to copy from ap_start_code */

#endif
