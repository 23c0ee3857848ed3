/* Exit qualification for control-register accesses (SDM Vol. 3C §28.2.1 "Basic VM-Exit Information",
 * Table 28-3). */
#ifndef VMM_DECODE_EXIT_QUAL_CR_H
#define VMM_DECODE_EXIT_QUAL_CR_H

#include <stdint.h>

enum cr_access_type { CR_ACCESS_MOV_TO = 0, CR_ACCESS_MOV_FROM = 1, CR_ACCESS_CLTS = 2, CR_ACCESS_LMSW = 3 };

struct cr_qual {
	unsigned cr;                 /* bits 3:0 (0 for CLTS and LMSW) */
	enum cr_access_type type;    /* bits 5:4 */
	unsigned lmsw_memory;        /* bit 6: LMSW operand is memory */
	unsigned gpr;                /* bits 11:8: 0 RAX, 1 RCX, ... 15 R15 (SDM register order) */
	uint16_t lmsw_source;        /* bits 31:16 */
};

static inline void cr_qual_decode(uint64_t q, struct cr_qual *out)
{
	out->cr = (unsigned)(q & 0xf);
	out->type = (enum cr_access_type)((q >> 4) & 3);
	out->lmsw_memory = (unsigned)((q >> 6) & 1);
	out->gpr = (unsigned)((q >> 8) & 0xf);
	out->lmsw_source = (uint16_t)(q >> 16);
}

static inline const char *cr_access_type_name(enum cr_access_type t)
{
	static const char *const names[] = { "mov-to-cr", "mov-from-cr", "clts", "lmsw" };
	return names[t & 3];
}

#endif
