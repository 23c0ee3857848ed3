// SPDX-License-Identifier: MIT
/*
 * tests/host/test_ept_violation.c - the EPT-violation qualification decoder
 * and its log line.  Bit positions come from
 * tests/reference/vmx/ept_violation_qualification.tsv at run time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ept/ept_violation.h"
#include "tests/host/ref_tsv.h"

#define FIELD(f) offsetof(struct ept_violation, f)

/* TSV name -> our constant and the struct field it decodes to. */
static const struct {
	const char *name;
	uint64_t mask;
	size_t field;
	uint64_t needs;   /* other bits that must be set for this one to be defined */
} fields[] = {
	{ "ACC_READ", EPT_VIOL_ACC_READ, FIELD(read), 0 },
	{ "ACC_WRITE", EPT_VIOL_ACC_WRITE, FIELD(write), 0 },
	{ "ACC_INSTR", EPT_VIOL_ACC_INSTR, FIELD(fetch), 0 },
	{ "GPA_READABLE", EPT_VIOL_GPA_READABLE, FIELD(gpa_readable), 0 },
	{ "GPA_WRITABLE", EPT_VIOL_GPA_WRITABLE, FIELD(gpa_writable), 0 },
	{ "GPA_EXECUTABLE", EPT_VIOL_GPA_EXECUTABLE, FIELD(gpa_executable), 0 },
	{ "GPA_USER_EXECUTABLE", EPT_VIOL_GPA_USER_EXECUTABLE, FIELD(gpa_user_executable), 0 },
	{ "GLA_VALID", EPT_VIOL_GLA_VALID, FIELD(gla_valid), 0 },
	{ "GLA_TRANSLATED", EPT_VIOL_GLA_TRANSLATED, FIELD(translated), EPT_VIOL_GLA_VALID },
	{ "GLA_USER", EPT_VIOL_GLA_USER, FIELD(lin_user),
	  EPT_VIOL_GLA_VALID | EPT_VIOL_GLA_TRANSLATED },
	{ "GLA_WRITABLE", EPT_VIOL_GLA_WRITABLE, FIELD(lin_writable),
	  EPT_VIOL_GLA_VALID | EPT_VIOL_GLA_TRANSLATED },
	{ "GLA_EXECUTE_DISABLE", EPT_VIOL_GLA_EXECUTE_DISABLE, FIELD(lin_nx),
	  EPT_VIOL_GLA_VALID | EPT_VIOL_GLA_TRANSLATED },
	{ "NMI_UNBLOCKING_IRET", EPT_VIOL_NMI_UNBLOCKING_IRET, FIELD(nmi_unblocking), 0 },
	{ "SHADOW_STACK_ACCESS", EPT_VIOL_SHADOW_STACK_ACCESS, FIELD(shadow_stack), 0 },
	{ "SUPERVISOR_SHADOW_STACK", EPT_VIOL_SUPERVISOR_SHADOW_STACK,
	  FIELD(supervisor_shadow_stack), 0 },
	{ "GUEST_PAGING_VERIFICATION", EPT_VIOL_GUEST_PAGING_VERIFICATION,
	  FIELD(paging_verification), 0 },
	{ "ASYNC_TO_INSTRUCTION", EPT_VIOL_ASYNC_TO_INSTRUCTION, FIELD(async), 0 },
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

/* Every bool of struct ept_violation that is decoded from one bit. */
static const size_t bool_fields[] = {
	FIELD(read), FIELD(write), FIELD(fetch), FIELD(gpa_readable), FIELD(gpa_writable),
	FIELD(gpa_executable), FIELD(gpa_user_executable), FIELD(gla_valid), FIELD(translated),
	FIELD(lin_user), FIELD(lin_writable), FIELD(lin_nx), FIELD(nmi_unblocking),
	FIELD(shadow_stack), FIELD(supervisor_shadow_stack), FIELD(paging_verification),
	FIELD(async),
};
#define NBOOLS (sizeof(bool_fields) / sizeof(bool_fields[0]))

static const struct ept_violation_ctx ctx_all = { true, true, true, true };

static bool get(const struct ept_violation *v, size_t off)
{
	return *(const bool *)((const char *)v + off);
}

static int find_field(const char *name)
{
	for (size_t i = 0; i < NFIELDS; i++)
		if (!strcmp(fields[i].name, name))
			return (int)i;
	return -1;
}

/* Only the fields of the bits in `bits` are true. */
static void assert_only(const struct ept_violation *v, uint64_t bits, const char *what)
{
	for (size_t b = 0; b < NBOOLS; b++) {
		bool want = false;

		for (size_t i = 0; i < NFIELDS; i++)
			if (fields[i].field == bool_fields[b] && (bits & fields[i].mask))
				want = true;
		if (get(v, bool_fields[b]) != want)
			fail_msg("%s: field at offset %zu is %d, want %d", what, bool_fields[b],
				 get(v, bool_fields[b]), want);
	}
}

static void test_tsv_bits_decode_alone(void **state)
{
	struct ref_tsv *t = ref_tsv_open("ept_violation_qualification.tsv");
	bool seen[NFIELDS] = { 0 };

	(void)state;
	assert_non_null(t);
	assert_true(ref_tsv_rows(t) >= NFIELDS);
	for (size_t r = 0; r < ref_tsv_rows(t); r++) {
		const char *name = ref_tsv_get(t, r, "name");
		uint64_t bit;
		struct ept_violation v;
		int i = find_field(name);

		assert_true(ref_tsv_parse_u64(ref_tsv_get(t, r, "bit"), &bit));
		if (i < 0)
			fail_msg("TSV bit %llu %s has no decoder field", (unsigned long long)bit, name);
		seen[i] = true;
		/* Our constant sits at the TSV's bit. */
		if (fields[i].mask != 1ull << bit)
			fail_msg("%s: constant 0x%llx, TSV bit %llu", name,
				 (unsigned long long)fields[i].mask, (unsigned long long)bit);
		/* With the bits it depends on, it decodes to exactly its field. */
		ept_violation_decode(fields[i].needs | (1ull << bit), &ctx_all, &v);
		assert_only(&v, fields[i].needs | (1ull << bit), name);
		assert_int_equal(v.qual, fields[i].needs | (1ull << bit));
		/* Truly alone: its field, unless it is undefined without the others. */
		ept_violation_decode(1ull << bit, &ctx_all, &v);
		assert_only(&v, fields[i].needs ? 0 : 1ull << bit, name);
	}
	for (size_t i = 0; i < NFIELDS; i++)
		if (!seen[i])
			fail_msg("decoder field %s not in the TSV", fields[i].name);
	ref_tsv_close(t);
}

/* Bits whose valid_when the ctx does not satisfy decode as false. */
static void test_tsv_valid_when(void **state)
{
	struct ref_tsv *t = ref_tsv_open("ept_violation_qualification.tsv");
	struct ept_violation v;
	struct ept_violation_ctx none = { 0 };

	(void)state;
	assert_non_null(t);
	for (size_t r = 0; r < ref_tsv_rows(t); r++) {
		const char *when = ref_tsv_get(t, r, "valid_when");
		const char *name = ref_tsv_get(t, r, "name");
		int i = find_field(name);
		uint64_t q;

		assert_true(i >= 0);
		q = fields[i].needs | fields[i].mask;
		ept_violation_decode(q, &none, &v);
		/* The conditions that depend on VM-execution controls or caps. */
		bool cond = strstr(when, "mode-based") || strstr(when, "EPT_VPID_CAP[22]") ||
			    strstr(when, "EPTP bit 7") || strstr(when, "NMI exiting");
		if (get(&v, fields[i].field) == cond)
			fail_msg("%s (valid_when: %s) decodes to %d without ctx", name, when,
				 get(&v, fields[i].field));
	}
	ref_tsv_close(t);
	ept_violation_decode(~0ull, NULL, &v);   /* NULL ctx == no conditions */
	assert_false(v.gpa_user_executable || v.lin_info_valid || v.nmi_unblocking ||
		     v.supervisor_shadow_stack || v.ctx_mode_based_exec);
	assert_true(v.read && v.translated && v.async);
	ept_violation_decode(0, NULL, NULL);     /* no crash */
}

static void test_decode_lin_info(void **state)
{
	struct ept_violation v;
	struct ept_violation_ctx c = ctx_all;

	(void)state;
	ept_violation_decode(0x780, &c, &v);
	assert_true(v.lin_info_valid && v.lin_user && v.lin_writable && !v.lin_nx);
	c.advanced_info = false;
	ept_violation_decode(0x780, &c, &v);
	assert_false(v.lin_info_valid || v.lin_user || v.lin_writable);
	ept_violation_decode(0xe80, &ctx_all, &v);   /* bit 8 clear: paging-structure */
	assert_false(v.lin_info_valid || v.translated);
	assert_true(v.gla_valid);
}

/* ------------------------------------------------------------ format */

static void expect_line(uint64_t qual, const struct ept_violation_ctx *c, gpa_t gpa,
			uint64_t gla, const char *want)
{
	struct ept_violation v;
	char buf[256];
	size_t n;

	ept_violation_decode(qual, c, &v);
	n = ept_violation_format(&v, gpa, gla, buf, sizeof(buf));
	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}

static void test_format_exact(void **state)
{
	const struct ept_violation_ctx none = { 0 };
	const struct ept_violation_ctx mbec = { .mode_based_exec = true };
	const struct ept_violation_ctx adv = { .advanced_info = true };

	(void)state;
	expect_line(0, &none, 0, 0xdead, "gpa=0x0000000000000000 access=--- ept=--- no-gla qual=0x0");
	expect_line(0x181, &none, 0x1000, 0x7fff0000,
		    "gpa=0x0000000000001000 gla=0x000000007fff0000 access=r-- ept=--- translated qual=0x181");
	expect_line(0x9a, &none, 0xfee00000, 0xffffffffabcdef00ull,
		    "gpa=0x00000000fee00000 gla=0xffffffffabcdef00 access=-w- ept=rw- "
		    "paging-structure qual=0x9a");
	expect_line(0xfc, &mbec, 0x123456789000ull, 0,
		    "gpa=0x0000123456789000 gla=0x0000000000000000 access=--x ept=rwxu "
		    "paging-structure qual=0xfc");
	expect_line(0xbc, &mbec, 0x1000, 0x2000,
		    "gpa=0x0000000000001000 gla=0x0000000000002000 access=--x ept=rwx- "
		    "paging-structure qual=0xbc");
	/* Bit 6 is not printed (nor decoded) without MBEC. */
	expect_line(0x44, &none, 0x1000, 0,
		    "gpa=0x0000000000001000 access=--x ept=--- no-gla qual=0x44");
	expect_line(0xb82, &adv, 0x5000, 0x400000,
		    "gpa=0x0000000000005000 gla=0x0000000000400000 access=-w- ept=--- translated "
		    "lin=urn qual=0xb82");
	expect_line(0x582, &adv, 0x5000, 0x400000,
		    "gpa=0x0000000000005000 gla=0x0000000000400000 access=-w- ept=--- translated "
		    "lin=swx qual=0x582");
	/* Advanced info bits without the capability: no lin=. */
	expect_line(0xf82, &none, 0x5000, 0x400000,
		    "gpa=0x0000000000005000 gla=0x0000000000400000 access=-w- ept=--- translated "
		    "qual=0xf82");
	expect_line(0x1f001, &ctx_all, 0x1000, 0,
		    "gpa=0x0000000000001000 access=r-- ept=---- no-gla "
		    "flags=nmi-unblock,shadow-stack,sss,paging-verify,async qual=0x1f001");
	expect_line(0x1f001, &none, 0x1000, 0,
		    "gpa=0x0000000000001000 access=r-- ept=--- no-gla "
		    "flags=shadow-stack,paging-verify,async qual=0x1f001");
	expect_line(0x10000, &none, 0, 0,
		    "gpa=0x0000000000000000 access=--- ept=--- no-gla flags=async qual=0x10000");
	/* Undefined high bits are still shown in the raw value. */
	expect_line(0xffffffffffffffffull, &ctx_all, 0xffffffffffffffffull, 0x1,
		    "gpa=0xffffffffffffffff gla=0x0000000000000001 access=rwx ept=rwxu translated "
		    "lin=uwn flags=nmi-unblock,shadow-stack,sss,paging-verify,async "
		    "qual=0xffffffffffffffff");
}

static void test_format_truncates(void **state)
{
	struct ept_violation v;
	char full[256], buf[256];
	size_t n;

	(void)state;
	ept_violation_decode(0x1ffff, &ctx_all, &v);
	n = ept_violation_format(&v, 0xabc000, 0x7fff1234, full, sizeof(full));
	assert_int_equal(n, strlen(full));
	for (size_t len = 0; len <= n + 2; len++) {
		size_t k;

		memset(buf, 'Z', sizeof(buf));
		k = ept_violation_format(&v, 0xabc000, 0x7fff1234, len ? buf : NULL, len);
		if (!len) {
			assert_int_equal(k, 0);
			continue;
		}
		assert_int_equal(k, len - 1 < n ? len - 1 : n);
		assert_int_equal(buf[k], '\0');
		assert_memory_equal(buf, full, k);
		if (k + 1 < sizeof(buf))
			assert_int_equal(buf[k + 1], 'Z');   /* nothing written past the NUL */
	}
	assert_int_equal(ept_violation_format(NULL, 0, 0, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tsv_bits_decode_alone),
		cmocka_unit_test(test_tsv_valid_when),
		cmocka_unit_test(test_decode_lin_info),
		cmocka_unit_test(test_format_exact),
		cmocka_unit_test(test_format_truncates),
	};

	return cmocka_run_group_tests_name("ept_violation", tests, NULL, NULL);
}
