/* SPDX-License-Identifier: MIT */
/*
 * ept/ept_misconfig.h - diagnose an EPT misconfiguration (exit reason 49).
 *
 * SDM Vol. 3C §29.3.3.1 "EPT Misconfigurations": the CPU reports only the
 * guest-physical address (VMCS 0x2400); this walks our tables for that
 * address and names the first entry that breaks a rule, and why.
 */
#ifndef EPT_EPT_MISCONFIG_H
#define EPT_EPT_MISCONFIG_H

#include "ept/ept.h"

enum ept_misconfig_reason {
	EPT_MC_NONE = 0,            /* walk ended (leaf or not present) without a fault */
	EPT_MC_WRITE_NO_READ,       /* bit 1 set, bit 0 clear */
	EPT_MC_EXEC_ONLY,           /* R=0 with X (or user-X) set, no exec-only cap */
	EPT_MC_RESERVED_MEMTYPE,    /* leaf memory type 2, 3 or 7 */
	EPT_MC_RESERVED_ADDR,       /* address bits at or above MAXPHYADDR */
	EPT_MC_RESERVED_NONLEAF,    /* bits 6:3 of a non-leaf entry */
	EPT_MC_BAD_PAGE_SIZE,       /* bit 7 in a PML4E, or a large page the caps forbid */
	EPT_MC_LARGE_PAGE_RESERVED, /* bits 29:12 (1G) / 20:12 (2M) of a large page */
	EPT_MC_COUNT_
};

struct ept_misconfig {
	gpa_t gpa;
	bool found;                 /* a misconfigured entry was found */
	bool present;               /* the walk reached a present leaf */
	int level;                  /* 4..1: level of the offending (or last) entry */
	uint64_t entry;             /* its raw value */
	uint64_t bad_bits;          /* the bits that break the rule */
	enum ept_misconfig_reason reason;
};

/* Short stable name, e.g. "write-without-read"; "unknown" when out of range. */
const char *ept_misconfig_reason_name(int reason);

/* EPT_OK (see out->found), EPT_E_INVAL on NULL, EPT_E_RANGE beyond 48 bits. */
int ept_misconfig_diagnose(const struct ept *e, gpa_t gpa, struct ept_misconfig *out);

/*
 * "gpa=0x%016llx level=%d entry=0x%016llx reason=<name>[ bits=0x%llx]"
 * (bits= only when found).  NUL-terminated, truncates safely, returns the
 * length written (excluding the NUL).
 */
size_t ept_misconfig_format(const struct ept_misconfig *m, char *buf, size_t len);

#endif /* EPT_EPT_MISCONFIG_H */
