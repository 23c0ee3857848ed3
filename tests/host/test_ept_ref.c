// SPDX-License-Identifier: MIT
/*
 * tests/host/test_ept_ref.c - the constants in ept/ept_bits.h and ept/ept.h
 * against tests/reference/vmx/ept_entry_format.tsv and the 0x48C rows of
 * vmx_msrs.tsv, read at run time; then the library's behaviour where it
 * depends on those facts (memory types, misconfiguration rules, caps).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ept/ept.h"
#include "ept/ept_bits.h"
#include "ept/ept_misconfig.h"
#include "tests/host/ept_test_arena.h"
#include "tests/host/ref_tsv.h"

static uint64_t mask_of(unsigned hi, unsigned lo)
{
	uint64_t top = hi >= 63 ? ~0ull : (1ull << (hi + 1)) - 1;

	return top & ~((1ull << lo) - 1);
}

static uint64_t row_mask(const struct ref_tsv *t, size_t r, const char *col)
{
	unsigned hi, lo;
	const char *s = ref_tsv_get(t, r, col);

	if (!ref_tsv_parse_bits(s, &hi, &lo))
		fail_msg("row %zu: cannot parse bits '%s'", r, s ? s : "(null)");
	return mask_of(hi, lo);
}

static bool is_leaf_level(const char *level)
{
	return !strcmp(level, "PDPTE_1G") || !strcmp(level, "PDE_2M") || !strcmp(level, "PTE_4K");
}

static bool is_entry_level(const char *level)
{
	return is_leaf_level(level) || !strcmp(level, "PML4E") || !strcmp(level, "PDPTE") ||
	       !strcmp(level, "PDE");
}

/* Our constant for (level, name); *known = false if we have none. */
static uint64_t entry_constant(const char *level, const char *name, bool *known)
{
	static const struct { const char *name; uint64_t mask; } common[] = {
		{ "READ", EPT_PTE_READ }, { "WRITE", EPT_PTE_WRITE }, { "EXECUTE", EPT_PTE_EXEC },
		{ "ACCESSED", EPT_PTE_ACCESSED }, { "DIRTY", EPT_PTE_DIRTY },
		{ "USER_EXECUTE", EPT_PTE_USER_EXEC }, { "MEMORY_TYPE", EPT_PTE_MEMTYPE_MASK },
		{ "IGNORE_PAT", EPT_PTE_IGNORE_PAT }, { "PAGE_SIZE", EPT_PTE_LARGE },
		{ "VERIFY_GUEST_PAGING", EPT_PTE_VERIFY_GUEST_PAGING },
		{ "PAGING_WRITE_ACCESS", EPT_PTE_PAGING_WRITE },
		{ "SUPERVISOR_SHADOW_STACK", EPT_PTE_SSS }, { "SUPPRESS_VE", EPT_PTE_SUPPRESS_VE },
	};

	*known = true;
	if (!strcmp(name, "ADDRESS")) {
		if (!strcmp(level, "PDPTE_1G"))
			return EPT_PTE_ADDR_MASK & ~EPT_PDPTE_1G_RSVD_MASK & ~(EPT_PAGE_SIZE_4K - 1);
		if (!strcmp(level, "PDE_2M"))
			return EPT_PTE_ADDR_MASK & ~EPT_PDE_2M_RSVD_MASK & ~(EPT_PAGE_SIZE_4K - 1);
		return EPT_PTE_ADDR_MASK;
	}
	if (!strcmp(name, "RESERVED") && !is_leaf_level(level)) {
		/* 6:3 in non-leaf entries; PML4E bit 7 listed separately. */
		return 0;
	}
	for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++)
		if (!strcmp(common[i].name, name))
			return common[i].mask;
	*known = false;
	return 0;
}

static void test_entry_bits_match_tsv(void **state)
{
	struct ref_tsv *t = ref_tsv_open("ept_entry_format.tsv");
	unsigned checked = 0, levels_with_rwx = 0;

	(void)state;
	assert_non_null(t);
	for (size_t r = 0; r < ref_tsv_rows(t); r++) {
		const char *level = ref_tsv_get(t, r, "level");
		const char *name = ref_tsv_get(t, r, "name");
		uint64_t m, c;
		bool known;

		if (!is_entry_level(level))
			continue;
		m = row_mask(t, r, "bit_range");
		c = entry_constant(level, name, &known);
		if (!strcmp(name, "RESERVED")) {
			if (m == (0xfull << 3))
				c = EPT_NONLEAF_RSVD_MASK;
			else if (m == EPT_PTE_LARGE && !strcmp(level, "PML4E"))
				c = EPT_PTE_LARGE;    /* bit 7 reserved in a PML4E */
			else
				fail_msg("%s RESERVED %llx: unexpected", level, (unsigned long long)m);
		} else if (!known) {
			continue;     /* IGNORED, SUB_PAGE_WRITE_PERMISSIONS: not used */
		}
		if (c != m)
			fail_msg("%s.%s: ours 0x%llx, TSV 0x%llx", level, name, (unsigned long long)c,
				 (unsigned long long)m);
		if (!strcmp(name, "READ"))
			levels_with_rwx++;
		checked++;
	}
	assert_int_equal(levels_with_rwx, 6);
	assert_true(checked >= 50);
	ref_tsv_close(t);
}

static void test_large_page_reserved_bits_match_tsv(void **state)
{
	struct ref_tsv *t = ref_tsv_open("ept_entry_format.tsv");
	long r;

	(void)state;
	assert_non_null(t);
	/* "physical address of the 1-GByte page (bits 29:12 reserved ...)" */
	r = ref_tsv_find(t, "level", "PDPTE_1G", 0);
	assert_true(r >= 0);
	while (strcmp(ref_tsv_get(t, (size_t)r, "name"), "ADDRESS"))
		r++;
	assert_non_null(strstr(ref_tsv_get(t, (size_t)r, "meaning"), "bits 29:12 reserved"));
	assert_int_equal(EPT_PDPTE_1G_RSVD_MASK, mask_of(29, 12));
	r = ref_tsv_find(t, "level", "PDE_2M", 0);
	while (strcmp(ref_tsv_get(t, (size_t)r, "name"), "ADDRESS"))
		r++;
	assert_non_null(strstr(ref_tsv_get(t, (size_t)r, "meaning"), "bits 20:12 reserved"));
	assert_int_equal(EPT_PDE_2M_RSVD_MASK, mask_of(20, 12));
	ref_tsv_close(t);
}

static void test_eptp_matches_tsv(void **state)
{
	struct ref_tsv *t = ref_tsv_open("ept_entry_format.tsv");
	static const struct { const char *name; uint64_t mask; } eptp[] = {
		{ "MEMORY_TYPE", EPTP_MEMTYPE_MASK },
		{ "PAGE_WALK_LENGTH_MINUS_1", EPTP_WALK_LENGTH_MASK },
		{ "ENABLE_ACCESSED_DIRTY", EPTP_AD_ENABLE },
		{ "ENABLE_SUPERVISOR_SHADOW_STACK", EPTP_SSS_ENABLE },
		{ "RESERVED", EPTP_RESERVED_MASK },
		{ "PML4_ADDRESS", EPTP_ADDR_MASK },
	};
	unsigned seen = 0;

	(void)state;
	assert_non_null(t);
	for (long r = ref_tsv_find(t, "level", "EPTP", 0); r >= 0;
	     r = ref_tsv_find(t, "level", "EPTP", (size_t)r + 1)) {
		const char *name = ref_tsv_get(t, (size_t)r, "name");
		const char *meaning = ref_tsv_get(t, (size_t)r, "meaning");
		uint64_t m = row_mask(t, (size_t)r, "bit_range");
		size_t i;

		for (i = 0; i < sizeof(eptp) / sizeof(eptp[0]); i++)
			if (!strcmp(eptp[i].name, name))
				break;
		if (i == sizeof(eptp) / sizeof(eptp[0]))
			fail_msg("EPTP field %s unknown to ept_bits.h", name);
		if (eptp[i].mask != m)
			fail_msg("EPTP.%s: ours 0x%llx, TSV 0x%llx", name,
				 (unsigned long long)eptp[i].mask, (unsigned long long)m);
		seen++;
		/* Values named in the meaning text: "6 = WB", "3 = 4-level". */
		if (!strcmp(name, "MEMORY_TYPE"))
			assert_non_null(strstr(meaning, "6 = WB"));
		if (!strcmp(name, "PAGE_WALK_LENGTH_MINUS_1"))
			assert_non_null(strstr(meaning, "3 = 4-level"));
	}
	assert_int_equal(seen, sizeof(eptp) / sizeof(eptp[0]));
	assert_int_equal(EPTP_MEMTYPE_WB, 6);
	assert_int_equal(EPTP_WALK_LENGTH_4 >> EPTP_WALK_LENGTH_SHIFT, 3);
	ref_tsv_close(t);
}

/* "0 UC, 1 WC, 4 WT, 5 WP, 6 WB; 2, 3, 7 reserved" -> the enum, the checks. */
static void test_memtypes_match_tsv(void **state)
{
	struct ref_tsv *t = ref_tsv_open("ept_entry_format.tsv");
	static const struct { const char *name; unsigned value; } ours[] = {
		{ "UC", EPT_MT_UC }, { "WC", EPT_MT_WC }, { "WT", EPT_MT_WT },
		{ "WP", EPT_MT_WP }, { "WB", EPT_MT_WB },
	};
	bool valid[8] = { 0 };
	const char *meaning, *p;
	long r;
	struct ept_arena a;
	struct ept e;
	struct ept_allocator al;
	struct ept_caps caps = { .page_2m = true, .page_1g = true, .phys_addr_bits = 39 };

	(void)state;
	assert_non_null(t);
	r = ref_tsv_find(t, "level", "PTE_4K", 0);
	assert_true(r >= 0);
	while (strcmp(ref_tsv_get(t, (size_t)r, "name"), "MEMORY_TYPE"))
		r++;
	meaning = ref_tsv_get(t, (size_t)r, "meaning");
	for (size_t i = 0; i < sizeof(ours) / sizeof(ours[0]); i++) {
		char pat[8];

		snprintf(pat, sizeof(pat), "%u %s", ours[i].value, ours[i].name);
		if (!strstr(meaning, pat))
			fail_msg("memory type '%s' not in TSV meaning '%s'", pat, meaning);
		valid[ours[i].value] = true;
	}
	p = strstr(meaning, "; ");
	assert_non_null(p);
	assert_non_null(strstr(p, "2, 3, 7 reserved"));
	assert_true(!valid[2] && !valid[3] && !valid[7]);
	/* ept_map accepts exactly the valid ones; diagnose flags the others. */
	assert_true(arena_init(&a, 16));
	al = arena_allocator(&a);
	assert_int_equal(ept_init(&e, &al, &caps, false), EPT_OK);
	for (unsigned mt = 0; mt < 8; mt++) {
		struct ept_attr at = { EPT_READ, mt, false };
		struct ept_misconfig m;
		int err = ept_map(&e, 0, 0, 4096, at, EPT_MAP_REPLACE, NULL);

		assert_int_equal(err, valid[mt] ? EPT_OK : EPT_E_MEMTYPE);
		assert_int_equal(ept_debug_set_raw_leaf(&e, 0, 1 | (mt << 3)), EPT_OK);
		assert_int_equal(ept_misconfig_diagnose(&e, 0, &m), EPT_OK);
		assert_int_equal(m.found, !valid[mt]);
	}
	ept_destroy(&e);
	arena_fini(&a);
	ref_tsv_close(t);
}

/* MISCONFIG rows: write-without-read (1:0) and execute-only (2:0). */
static void test_misconfig_rows(void **state)
{
	struct ref_tsv *t = ref_tsv_open("ept_entry_format.tsv");
	long r;

	(void)state;
	assert_non_null(t);
	r = ref_tsv_find(t, "name", "WRITE_WITHOUT_READ", 0);
	assert_true(r >= 0);
	assert_int_equal(row_mask(t, (size_t)r, "bit_range"), EPT_PTE_READ | EPT_PTE_WRITE);
	r = ref_tsv_find(t, "name", "EXECUTE_ONLY_UNSUPPORTED", 0);
	assert_true(r >= 0);
	assert_int_equal(row_mask(t, (size_t)r, "bit_range"), EPT_PTE_RWX);
	assert_non_null(strstr(ref_tsv_get(t, (size_t)r, "meaning"), "bit 0 = 1"));
	r = ref_tsv_find(t, "name", "RESERVED_NONLEAF_BITS", 0);
	assert_true(r >= 0);
	assert_int_equal(row_mask(t, (size_t)r, "bit_range"), EPT_NONLEAF_RSVD_MASK);
	r = ref_tsv_find(t, "name", "BAD_PAGE_SIZE", 0);
	assert_true(r >= 0);
	assert_int_equal(row_mask(t, (size_t)r, "bit_range"), EPT_PTE_LARGE);
	ref_tsv_close(t);
}

/* IA32_VMX_EPT_VPID_CAP (0x48C) rows against VMX_EPT_CAP_* and caps_from_msr. */
static void test_ept_vpid_cap_matches_tsv(void **state)
{
	static const struct { const char *name; uint64_t mask; } caps[] = {
		{ "EXECUTE_ONLY", VMX_EPT_CAP_EXECUTE_ONLY },
		{ "PAGE_WALK_LENGTH_4", VMX_EPT_CAP_PAGE_WALK_LENGTH_4 },
		{ "PAGE_WALK_LENGTH_5", VMX_EPT_CAP_PAGE_WALK_LENGTH_5 },
		{ "MEMTYPE_UC", VMX_EPT_CAP_MEMTYPE_UC },
		{ "MEMTYPE_WB", VMX_EPT_CAP_MEMTYPE_WB },
		{ "PDE_2MB", VMX_EPT_CAP_PDE_2MB },
		{ "PDPTE_1GB", VMX_EPT_CAP_PDPTE_1GB },
		{ "INVEPT", VMX_EPT_CAP_INVEPT },
		{ "EPT_AD", VMX_EPT_CAP_EPT_AD },
		{ "ADVANCED_EXIT_INFO", VMX_EPT_CAP_ADVANCED_EXIT_INFO },
		{ "SUPERVISOR_SHADOW_STACK", VMX_EPT_CAP_SUPERVISOR_SHADOW_STACK },
		{ "INVEPT_SINGLE_CONTEXT", VMX_EPT_CAP_INVEPT_SINGLE_CONTEXT },
		{ "INVEPT_ALL_CONTEXT", VMX_EPT_CAP_INVEPT_ALL_CONTEXT },
		{ "INVVPID", VMX_VPID_CAP_INVVPID },
		{ "INVVPID_INDIVIDUAL_ADDR", VMX_VPID_CAP_INVVPID_INDIVIDUAL_ADDR },
		{ "INVVPID_SINGLE_CONTEXT", VMX_VPID_CAP_INVVPID_SINGLE_CONTEXT },
		{ "INVVPID_ALL_CONTEXT", VMX_VPID_CAP_INVVPID_ALL_CONTEXT },
		{ "INVVPID_SINGLE_CONTEXT_RETAIN_GLOBALS",
		  VMX_VPID_CAP_INVVPID_SINGLE_CONTEXT_RETAIN_GLOBALS },
	};
	struct ref_tsv *t = ref_tsv_open("vmx_msrs.tsv");
	uint64_t tsv[sizeof(caps) / sizeof(caps[0])] = { 0 };
	unsigned seen = 0;

	(void)state;
	assert_non_null(t);
	for (long r = ref_tsv_find(t, "msr", "0x48C", 0); r >= 0;
	     r = ref_tsv_find(t, "msr", "0x48C", (size_t)r + 1)) {
		const char *name = ref_tsv_get(t, (size_t)r, "name");
		uint64_t m = row_mask(t, (size_t)r, "bits");
		size_t i;

		if (m == ~0ull || !strcmp(name, "MAX_HLAT_PREFIX_SIZE"))
			continue;        /* the MSR itself; a field we do not use */
		for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
			if (!strcmp(caps[i].name, name))
				break;
		if (i == sizeof(caps) / sizeof(caps[0]))
			fail_msg("0x48C bit %s unknown to ept_bits.h", name);
		if (caps[i].mask != m)
			fail_msg("0x48C %s: ours 0x%llx, TSV 0x%llx", name,
				 (unsigned long long)caps[i].mask, (unsigned long long)m);
		tsv[i] = m;
		seen++;
	}
	assert_int_equal(seen, sizeof(caps) / sizeof(caps[0]));
	ref_tsv_close(t);

	/* ept_caps_from_msr, driven by the TSV's bit positions. */
	struct ept_caps c;
	uint64_t invept = tsv[7];

	ept_caps_from_msr(tsv[0], 39, false, &c);
	assert_true(c.exec_only && !c.page_2m && !c.page_1g && !c.ad && !c.invept_single);
	ept_caps_from_msr(tsv[5], 39, false, &c);
	assert_true(c.page_2m && !c.page_1g && !c.exec_only);
	ept_caps_from_msr(tsv[6], 39, false, &c);
	assert_true(c.page_1g && !c.page_2m);
	ept_caps_from_msr(tsv[8], 39, false, &c);
	assert_true(c.ad && !c.page_1g);
	ept_caps_from_msr(invept | tsv[11], 39, false, &c);
	assert_true(c.invept_single && !c.invept_all);
	ept_caps_from_msr(invept | tsv[12], 39, false, &c);
	assert_true(c.invept_all && !c.invept_single);
	ept_caps_from_msr(tsv[11] | tsv[12], 39, false, &c);
	assert_false(c.invept_all || c.invept_single);
}

/* INVEPT type numbers (enum ept_flush) against the TSV's "single-context
 * INVEPT type (1)" / "all-context INVEPT type (2)". */
static void test_invept_types_match_tsv(void **state)
{
	struct ref_tsv *t = ref_tsv_open("vmx_msrs.tsv");
	long r;

	(void)state;
	assert_non_null(t);
	r = ref_tsv_find(t, "name", "INVEPT_SINGLE_CONTEXT", 0);
	assert_true(r >= 0);
	assert_non_null(strstr(ref_tsv_get(t, (size_t)r, "meaning"), "type (1)"));
	assert_int_equal(EPT_FLUSH_SINGLE, 1);
	r = ref_tsv_find(t, "name", "INVEPT_ALL_CONTEXT", 0);
	assert_true(r >= 0);
	assert_non_null(strstr(ref_tsv_get(t, (size_t)r, "meaning"), "type (2)"));
	assert_int_equal(EPT_FLUSH_GLOBAL, 2);
	ref_tsv_close(t);
}

/* The generic reader itself. */
static void test_ref_tsv_reader(void **state)
{
	struct ref_tsv *t = ref_tsv_open("ept_violation_qualification.tsv");
	unsigned hi, lo;
	uint64_t v;

	(void)state;
	assert_non_null(t);
	assert_int_equal(ref_tsv_cols(t), 5);
	assert_string_equal(ref_tsv_header(t, 0), "bit");
	assert_int_equal(ref_tsv_col(t, "name"), 1);
	assert_int_equal(ref_tsv_col(t, "nope"), -1);
	assert_null(ref_tsv_get(t, 0, "nope"));
	assert_null(ref_tsv_cell(t, ref_tsv_rows(t), 0));
	assert_string_equal(ref_tsv_get(t, 0, "bit"), "0");
	assert_int_equal(ref_tsv_find(t, "name", "GLA_VALID", 0), 7);
	assert_int_equal(ref_tsv_find(t, "name", "NO_SUCH", 0), -1);
	ref_tsv_close(t);
	assert_null(ref_tsv_open("no-such-table.tsv"));
	assert_true(ref_tsv_parse_bits("51:12", &hi, &lo) && hi == 51 && lo == 12);
	assert_true(ref_tsv_parse_bits("7", &hi, &lo) && hi == 7 && lo == 7);
	assert_false(ref_tsv_parse_bits("29:12 / 20:12", &hi, &lo));
	assert_false(ref_tsv_parse_bits("3:5", &hi, &lo));
	assert_true(ref_tsv_parse_u64("0x48C", &v) && v == 0x48c);
	assert_false(ref_tsv_parse_u64("12x", &v));
	ref_tsv_close(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entry_bits_match_tsv),
		cmocka_unit_test(test_large_page_reserved_bits_match_tsv),
		cmocka_unit_test(test_eptp_matches_tsv),
		cmocka_unit_test(test_memtypes_match_tsv),
		cmocka_unit_test(test_misconfig_rows),
		cmocka_unit_test(test_ept_vpid_cap_matches_tsv),
		cmocka_unit_test(test_invept_types_match_tsv),
		cmocka_unit_test(test_ref_tsv_reader),
	};

	return cmocka_run_group_tests_name("ept_ref", tests, NULL, NULL);
}
