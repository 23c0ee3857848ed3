/* SPDX-License-Identifier: MIT */
/*
 * ept/ept_violation.h - exit qualification for EPT violations (exit reason
 * 48), SDM Vol. 3C §28.2.1 "Basic VM-Exit Information", Table 28-7 "Exit
 * Qualification for EPT Violations".  The same layout is written to the #VE
 * information area.
 */
#ifndef EPT_EPT_VIOLATION_H
#define EPT_EPT_VIOLATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/lib/types.h"

/* SDM Vol. 3C §28.2.1 "Basic VM-Exit Information", Table 28-7, bit by bit. */
#define EPT_VIOL_ACC_READ              (1ull << 0)   /* data read */
#define EPT_VIOL_ACC_WRITE             (1ull << 1)   /* data write */
#define EPT_VIOL_ACC_INSTR             (1ull << 2)   /* instruction fetch */
#define EPT_VIOL_GPA_READABLE          (1ull << 3)   /* AND of bit 0 along the walk */
#define EPT_VIOL_GPA_WRITABLE          (1ull << 4)   /* AND of bit 1 */
#define EPT_VIOL_GPA_EXECUTABLE        (1ull << 5)   /* AND of bit 2 (supervisor with MBEC) */
#define EPT_VIOL_GPA_USER_EXECUTABLE   (1ull << 6)   /* AND of bit 10; only with MBEC */
#define EPT_VIOL_GLA_VALID             (1ull << 7)   /* guest linear address field valid */
#define EPT_VIOL_GLA_TRANSLATED        (1ull << 8)   /* 1: final translation, 0: paging structure */
#define EPT_VIOL_GLA_USER              (1ull << 9)   /* advanced info (EPT_VPID_CAP bit 22) */
#define EPT_VIOL_GLA_WRITABLE          (1ull << 10)  /* advanced info */
#define EPT_VIOL_GLA_EXECUTE_DISABLE   (1ull << 11)  /* advanced info */
#define EPT_VIOL_NMI_UNBLOCKING_IRET   (1ull << 12)
#define EPT_VIOL_SHADOW_STACK_ACCESS   (1ull << 13)
#define EPT_VIOL_SUPERVISOR_SHADOW_STACK (1ull << 14) /* only if EPTP bit 7 */
#define EPT_VIOL_GUEST_PAGING_VERIFICATION (1ull << 15)
#define EPT_VIOL_ASYNC_TO_INSTRUCTION  (1ull << 16)

/* Conditions under which some bits are defined (the TSV's valid_when). */
struct ept_violation_ctx {
	bool mode_based_exec;   /* secondary control bit 22: bit 6 defined */
	bool advanced_info;     /* EPT_VPID_CAP bit 22: bits 9-11 defined */
	bool sss;               /* EPTP bit 7 set: bit 14 defined */
	bool nmi_bit_defined;   /* bit 12 defined (see SDM Vol. 3C §28.2.3 "Information About NMI
				 * Unblocking Due to IRET") */
};

struct ept_violation {
	uint64_t qual;
	bool read, write, fetch;                         /* bits 0-2 */
	bool gpa_readable, gpa_writable, gpa_executable; /* bits 3-5 */
	bool gpa_user_executable;                        /* bit 6 (false unless MBEC) */
	bool gla_valid;                                  /* bit 7 */
	bool translated;                                 /* bit 8 (vs paging-structure access) */
	bool lin_user, lin_writable, lin_nx;             /* bits 9-11 */
	bool lin_info_valid;                             /* bits 7, 8 and advanced_info */
	bool nmi_unblocking;                             /* bit 12 (false unless defined) */
	bool shadow_stack;                               /* bit 13 */
	bool supervisor_shadow_stack;                    /* bit 14 (false unless sss) */
	bool paging_verification;                        /* bit 15 */
	bool async;                                      /* bit 16 */
	/* Added: ctx->mode_based_exec at decode time, so that the formatter
	 * knows whether to print the user-execute column. */
	bool ctx_mode_based_exec;
};

/*
 * Decode qual.  Bits the SDM leaves undefined under ctx decode as false:
 * bit 6 without MBEC; 9-11 without advanced info or unless bits 7 and 8 are
 * both set; bit 8 without bit 7; bit 12 unless nmi_bit_defined; bit 14
 * without sss.  ctx may be NULL (all conditions false).
 */
void ept_violation_decode(uint64_t qual, const struct ept_violation_ctx *ctx,
			  struct ept_violation *out);

/*
 * One log line (no newline, no prefix), stable format, see docs/ept.md:
 *   gpa=0x%016llx[ gla=0x%016llx] access=<r|-><w|-><x|-> ept=<r|-><w|-><x|->[<u|->]
 *   <translated|paging-structure|no-gla>[ lin=<u|s><w|r><x|n>][ flags=<list>] qual=0x%llx
 * gla= only when gla_valid; the 4th ept character only when decoded with
 * ctx->mode_based_exec; lin= only when lin_info_valid; flags= only when one
 * of nmi-unblock,shadow-stack,sss,paging-verify,async is set (that order).
 * NUL-terminated, truncates safely, returns the length written (without
 * the NUL); buf may be NULL when len is 0.
 */
size_t ept_violation_format(const struct ept_violation *v, gpa_t gpa, uint64_t gla,
			    char *buf, size_t len);

#endif /* EPT_EPT_VIOLATION_H */
