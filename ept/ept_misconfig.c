// SPDX-License-Identifier: MIT
/*
 * ept/ept_misconfig.c - find the entry behind an EPT misconfiguration
 * (exit reason 49).  Rules: SDM Vol. 3C §29.3.3.1 "EPT Misconfigurations",
 * entry formats §29.3.2 "EPT Translation Mechanism", Tables 29-1..29-6.
 */
#include "ept/ept_misconfig.h"
#include "ept/ept_bits.h"
#include "ept/ept_entry.h"
#include "ept/ept_fmt.h"

static const char *const reason_names[EPT_MC_COUNT_] = {
	[EPT_MC_NONE] = "none",
	[EPT_MC_WRITE_NO_READ] = "write-without-read",
	[EPT_MC_EXEC_ONLY] = "exec-only-unsupported",
	[EPT_MC_RESERVED_MEMTYPE] = "reserved-memtype",
	[EPT_MC_RESERVED_ADDR] = "reserved-address-bits",
	[EPT_MC_RESERVED_NONLEAF] = "reserved-nonleaf-bits",
	[EPT_MC_BAD_PAGE_SIZE] = "bad-page-size",
	[EPT_MC_LARGE_PAGE_RESERVED] = "large-page-reserved",
};

const char *ept_misconfig_reason_name(int reason)
{
	if (reason < 0 || reason >= EPT_MC_COUNT_)
		return "unknown";
	return reason_names[reason];
}

/* An entry is present if any of bits 2:0 is set, or bit 10 with MBEC. */
static bool mc_present(const struct ept *e, uint64_t v)
{
	uint64_t m = EPT_PTE_RWX;

	if (e->caps.mode_based_exec)
		m |= EPT_PTE_USER_EXEC;
	return (v & m) != 0;
}

static bool mc_leaf(int level, uint64_t v)
{
	return level == 1 || ((level == 2 || level == 3) && (v & EPT_PTE_LARGE));
}

static bool mc_fail(struct ept_misconfig *m, enum ept_misconfig_reason r, uint64_t bits)
{
	m->found = true;
	m->reason = r;
	m->bad_bits = bits;
	return true;
}

/* Checks that apply to every present entry. */
static bool check_common(const struct ept *e, uint64_t v, struct ept_misconfig *m)
{
	uint64_t rsvd = EPT_PTE_ADDR_MASK & ~((1ull << e->caps.phys_addr_bits) - 1);
	bool no_read = !(v & EPT_PTE_READ);

	if ((v & EPT_PTE_WRITE) && no_read)
		return mc_fail(m, EPT_MC_WRITE_NO_READ, EPT_PTE_READ | EPT_PTE_WRITE);
	if (no_read && !e->caps.exec_only &&
	    ((v & EPT_PTE_EXEC) || (e->caps.mode_based_exec && (v & EPT_PTE_USER_EXEC))))
		return mc_fail(m, EPT_MC_EXEC_ONLY, v & (EPT_PTE_RWX | EPT_PTE_USER_EXEC));
	if (v & rsvd)
		return mc_fail(m, EPT_MC_RESERVED_ADDR, v & rsvd);
	return false;
}

/* Bit 7: never in a PML4E; in a PDPTE/PDE only if 1G/2M pages exist. */
static bool check_page_size(const struct ept *e, int level, uint64_t v, struct ept_misconfig *m)
{
	if (!(v & EPT_PTE_LARGE) || level == 1)
		return false;
	if (level == 4 || (level == 3 && !e->caps.page_1g) || (level == 2 && !e->caps.page_2m))
		return mc_fail(m, EPT_MC_BAD_PAGE_SIZE, EPT_PTE_LARGE);
	return false;
}

static bool check_leaf(int level, uint64_t v, struct ept_misconfig *m)
{
	unsigned mt = (unsigned)((v & EPT_PTE_MEMTYPE_MASK) >> EPT_PTE_MEMTYPE_SHIFT);
	uint64_t low = 0;

	if (mt == 2 || mt == 3 || mt == 7)
		return mc_fail(m, EPT_MC_RESERVED_MEMTYPE, v & EPT_PTE_MEMTYPE_MASK);
	if (level == 3)
		low = v & EPT_PDPTE_1G_RSVD_MASK;
	else if (level == 2)
		low = v & EPT_PDE_2M_RSVD_MASK;
	if (low)
		return mc_fail(m, EPT_MC_LARGE_PAGE_RESERVED, low);
	return false;
}

int ept_misconfig_diagnose(const struct ept *e, gpa_t gpa, struct ept_misconfig *out)
{
	const uint64_t *t;

	if (!e || !e->root || !out)
		return EPT_E_INVAL;
	out->gpa = gpa;
	out->found = false;
	out->present = false;
	out->level = 4;
	out->entry = 0;
	out->bad_bits = 0;
	out->reason = EPT_MC_NONE;
	if (gpa >> EPT_GPA_BITS_4LEVEL)
		return EPT_E_RANGE;
	t = e->alloc.phys_to_virt(e->alloc.ctx, e->root);
	for (int level = 4; level >= 1; level--) {
		uint64_t v = entry_read(&t[(gpa >> (EPT_PAGE_SHIFT + 9 * (level - 1))) & 511]);

		out->level = level;
		out->entry = v;
		if (!mc_present(e, v))
			return EPT_OK; /* not present: a violation, not a misconfig */
		if (check_common(e, v, out) || check_page_size(e, level, v, out))
			return EPT_OK;
		if (mc_leaf(level, v)) {
			out->present = true;
			check_leaf(level, v, out);
			return EPT_OK;
		}
		if (v & EPT_NONLEAF_RSVD_MASK) {
			mc_fail(out, EPT_MC_RESERVED_NONLEAF, v & EPT_NONLEAF_RSVD_MASK);
			return EPT_OK;
		}
		t = e->alloc.phys_to_virt(e->alloc.ctx, v & EPT_PTE_ADDR_MASK);
	}
	return EPT_OK;
}

size_t ept_misconfig_format(const struct ept_misconfig *m, char *buf, size_t len)
{
	struct ept_fmt f;

	ept_fmt_init(&f, buf, len);
	if (!m)
		return 0;
	ept_fmt_str(&f, "gpa=0x");
	ept_fmt_hex(&f, m->gpa, 16);
	ept_fmt_str(&f, " level=");
	ept_fmt_udec(&f, (uint64_t)(m->level < 0 ? 0 : m->level));
	ept_fmt_str(&f, " entry=0x");
	ept_fmt_hex(&f, m->entry, 16);
	ept_fmt_str(&f, " reason=");
	ept_fmt_str(&f, ept_misconfig_reason_name(m->reason));
	if (m->found) {
		ept_fmt_str(&f, " bits=0x");
		ept_fmt_hex(&f, m->bad_bits, 0);
	}
	return f.pos;
}
