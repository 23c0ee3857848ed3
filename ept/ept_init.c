// SPDX-License-Identifier: MIT
/*
 * ept/ept_init.c - EPT page-table library (SDM Vol. 3C §29.3 "The Extended
 * Page Table Mechanism (EPT)"): init and destroy, the EPTP, caps from
 * IA32_VMX_EPT_VPID_CAP, error strings.
 * The design (levels, canonical form, two passes) is in ept/ept_internal.h.
 */
#include "ept/ept_internal.h"

/* ------------------------------------------------------------ public API */

static const char *const ept_errstr[EPT_E_COUNT_] = {
	[EPT_OK] = "EPT_OK: success",
	[EPT_E_UNALIGNED] = "EPT_E_UNALIGNED: address or size not 4 KiB aligned",
	[EPT_E_RANGE] = "EPT_E_RANGE: range wraps or exceeds the physical-address width",
	[EPT_E_WRITE_NO_READ] = "EPT_E_WRITE_NO_READ: write without read is an EPT misconfiguration",
	[EPT_E_EXEC_ONLY] = "EPT_E_EXEC_ONLY: execute-only not supported by this CPU",
	[EPT_E_MEMTYPE] = "EPT_E_MEMTYPE: memory type not one of UC, WC, WT, WP, WB",
	[EPT_E_PERM] = "EPT_E_PERM: no, unknown, or unsupported (user-execute without MBEC) permission bits",
	[EPT_E_NOMEM] = "EPT_E_NOMEM: out of pages for EPT tables",
	[EPT_E_EXISTS] = "EPT_E_EXISTS: range already mapped (use EPT_MAP_REPLACE)",
	[EPT_E_NOT_MAPPED] = "EPT_E_NOT_MAPPED: page in range not mapped",
	[EPT_E_INVAL] = "EPT_E_INVAL: invalid argument",
};

const char *ept_strerror(int err)
{
	if (err < 0 || err >= EPT_E_COUNT_)
		return "EPT_E_UNKNOWN: unknown error code";
	return ept_errstr[err];
}

void ept_caps_from_msr(uint64_t cap, unsigned maxphyaddr, bool mode_based_exec, struct ept_caps *out)
{
	bool invept = cap & VMX_EPT_CAP_INVEPT;

	out->exec_only = cap & VMX_EPT_CAP_EXECUTE_ONLY;
	out->page_2m = cap & VMX_EPT_CAP_PDE_2MB;
	out->page_1g = cap & VMX_EPT_CAP_PDPTE_1GB;
	out->ad = cap & VMX_EPT_CAP_EPT_AD;
	out->invept_single = invept && (cap & VMX_EPT_CAP_INVEPT_SINGLE_CONTEXT);
	out->invept_all = invept && (cap & VMX_EPT_CAP_INVEPT_ALL_CONTEXT);
	out->mode_based_exec = mode_based_exec;
	out->phys_addr_bits = maxphyaddr;
}

int ept_init(struct ept *e, const struct ept_allocator *a, const struct ept_caps *caps, bool want_ad)
{
	hpa_t root;

	if (!e || !a || !caps || !a->alloc_page || !a->free_page || !a->phys_to_virt)
		return EPT_E_INVAL;
	if (caps->phys_addr_bits < 32 || caps->phys_addr_bits > 52)
		return EPT_E_INVAL;
	if (want_ad && !caps->ad)
		return EPT_E_INVAL;
	root = a->alloc_page(a->ctx);
	if (!root)
		return EPT_E_NOMEM;
	if (root & (EPT_PAGE_SIZE_4K - 1)) {
		a->free_page(a->ctx, root);
		return EPT_E_NOMEM;
	}
	e->root = root;
	e->alloc = *a;
	e->caps = *caps;
	e->ad_enabled = want_ad;
	e->stats.tables = 1;
	e->stats.bytes_4k = 0;
	e->stats.bytes_2m = 0;
	e->stats.bytes_1g = 0;
	ept_zero_table(tbl(e, root));
	return EPT_OK;
}

void ept_destroy(struct ept *e)
{
	uint64_t *t;

	if (!ept_ready(e))
		return;
	t = tbl(e, e->root);
	for (unsigned i = 0; i < EPT_ENTRIES_PER_TABLE; i++)
		if (t[i])
			ept_free_subtree(e, t[i], 4);
	ept_free_table(e, e->root);
	e->root = 0;
}

/* EPTP format: SDM Vol. 3C §25.6.11 "Extended-Page-Table Pointer (EPTP)", Table 25-9. */
uint64_t ept_eptp(const struct ept *e)
{
	uint64_t eptp = EPTP_MEMTYPE_WB | EPTP_WALK_LENGTH_4;

	if (!ept_ready(e))
		return 0;
	if (e->ad_enabled)
		eptp |= EPTP_AD_ENABLE;
	return eptp | (e->root & EPTP_ADDR_MASK);
}
