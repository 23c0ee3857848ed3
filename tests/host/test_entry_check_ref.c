// SPDX-License-Identifier: MIT
/*
 * tests/host/test_entry_check_ref.c - the VM-entry checker's facts and interfaces against their
 * references:
 *
 *   vmm/vmx/vmcs_fields.h       no encoding twice; entry_check_field_name() names every field
 *                               (test_exit_reasons checks the values against vmcs_fields.tsv)
 *   vmm/vmx/vmx_bits.h          the MSR-list unit, the EPTP page-walk length and the reserved
 *                               interruption type (vmx_msrs.tsv, ept_entry_format.tsv,
 *                               io_and_cr_qualifications.tsv); the IA32_VMX_* bits in msr.h are
 *                               test_vmx_reference's
 *   docs/vm-entry-checks.md     lists every check id of entry_check_defs(), with its section and
 *                               verdict, and no other id
 *
 * Tables come from $HV_REFERENCE_DIR or tests/reference/vmx; sources from $HV_SOURCE_DIR or ".".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arch/lib/array.h"
#include "tests/host/ref_check.h"
#include "vmm/decode/interruption_info.h"
#include "vmm/vmx/entry_check.h"
#include "vmm/vmx/vmcs_fields.h"
#include "vmm/vmx/vmx_bits.h"

/* ------------------------------------------------------------------ VMCS encodings */

/* "#define NAME 0x...." lines of a header: calls fn for each; returns how many. */
static size_t scan_encodings(const char *rel, void (*fn)(const char *name, uint64_t enc, void *ctx), void *ctx)
{
	FILE *f = ref_source(rel);
	char line[512], name[128], value[32];
	size_t n = 0;

	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " #define %127[A-Za-z0-9_] %31[0-9A-Fa-fx]", name, value) != 2 || strncmp(value, "0x", 2))
			continue;
		fn(name, ref_number(value, name), ctx);
		n++;
	}
	fclose(f);
	return n;
}

struct seen {
	char name[160][64];
	uint64_t enc[160];
	size_t n;
};

static void remember(const char *name, uint64_t enc, void *ctx)
{
	struct seen *s = ctx;

	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->name[i], name) || s->enc[i] == enc)
			fail_msg("%s = 0x%04llx is defined twice (also %s = 0x%04llx)", name, (unsigned long long)enc,
				 s->name[i], (unsigned long long)s->enc[i]);
	assert_true(s->n < ARRAY_SIZE(s->enc));
	snprintf(s->name[s->n], sizeof(s->name[0]), "%s", name);
	s->enc[s->n++] = enc;
	/* and the log names it */
	assert_string_equal(entry_check_field_name((uint32_t)enc), name);
}

static void test_vmcs_fields(void **state)
{
	static struct seen seen;

	(void)state;
	seen.n = 0;
	assert_int_equal(scan_encodings("vmm/vmx/vmcs_fields.h", remember, &seen), 146);
	/* compiled values agree with the text read */
	assert_int_equal(TPR_THRESHOLD, 0x401C);
	assert_int_equal(GUEST_PDPTR3, 0x2810);
}

/* ------------------------------------------------------------------ VMX MSR fields and formats */

static long row_of(const struct ref_tsv *t, const char *key_col, const char *key, const char *name)
{
	for (size_t r = 0; r < ref_tsv_rows(t); r++)
		if (!strcmp(ref_tsv_get(t, r, key_col), key) && !strcmp(ref_tsv_get(t, r, "name"), name))
			return (long)r;
	fail_msg("no row %s %s", key, name);
	return -1;
}

static void test_vmx_bits(void **state)
{
	struct ref_tsv *msrs = ref_table("vmx_msrs.tsv"), *ept = ref_table("ept_entry_format.tsv");
	struct ref_tsv *qual = ref_table("io_and_cr_qualifications.tsv");
	long r;

	(void)state;
	/* "512 * (N + 1)" entries */
	r = row_of(msrs, "msr", "0x485", "MAX_MSR_LIST");
	assert_non_null(strstr(ref_tsv_get(msrs, (size_t)r, "meaning"), "512 * (N + 1)"));
	assert_int_equal(VMX_MSR_LIST_UNIT, 512);
	/* EPTP bits 5:3 = 4: a 5-level walk */
	r = row_of(ept, "level", "EPTP", "PAGE_WALK_LENGTH_MINUS_1");
	assert_int_equal(ref_bits_mask(ref_tsv_get(ept, (size_t)r, "bit_range")), EPTP_WALK_LENGTH_MASK);
	assert_non_null(strstr(ref_tsv_get(ept, (size_t)r, "meaning"), "4 = 5-level"));
	assert_int_equal(EPTP_WALK_LENGTH_5 >> EPTP_WALK_LENGTH_SHIFT, 4);
	/* interruption type 1 is reserved; the valid bit is 31 */
	r = ref_tsv_find(qual, "bits", "10:8=1", 0);
	assert_true(r >= 0);
	assert_string_equal(ref_tsv_get(qual, (size_t)r, "meaning"), "reserved");
	assert_int_equal(ENTRY_INTR_TYPE_RESERVED, 1);
	assert_int_equal(INTR_INFO_VALID, 1u << 31);
	assert_int_equal(ENTRY_INTR_INFO_RESERVED & (INTR_INFO_VALID | INTR_INFO_ERROR_CODE | 0x7ffu), 0);
	ref_tsv_close(msrs);
	ref_tsv_close(ept);
	ref_tsv_close(qual);
}

/* ------------------------------------------------------------------ docs/vm-entry-checks.md */

/* Table rows of the doc: "| `id` | section | ... | verdict | ...". */
static void test_doc_lists_every_check(void **state)
{
	FILE *f = ref_source("docs/vm-entry-checks.md");
	size_t n, rows = 0;
	const struct entry_check_def *d = entry_check_defs(&n);
	static bool in_doc[512];
	char line[1024];

	(void)state;
	assert_true(n <= ARRAY_SIZE(in_doc));
	memset(in_doc, 0, sizeof(in_doc));
	while (fgets(line, sizeof(line), f)) {
		char id[96], section[32];
		const struct entry_check_def *c;
		char verdict[48];

		if (sscanf(line, "| `%95[a-z0-9.-]` | %31[0-9.] |", id, section) != 2)
			continue;
		c = entry_check_find(id);
		if (!c)
			fail_msg("docs/vm-entry-checks.md lists %s, which is not a check", id);
		if (in_doc[c - d])
			fail_msg("docs/vm-entry-checks.md lists %s twice", id);
		in_doc[c - d] = true;
		if (strcmp(section, c->section))
			fail_msg("docs/vm-entry-checks.md: %s in %s, the checker says %s", id, section, c->section);
		entry_check_format_verdict(c->verdict, c->qual, verdict, sizeof(verdict));
		if (!strstr(line, verdict))
			fail_msg("docs/vm-entry-checks.md: %s without its verdict \"%s\"", id, verdict);
		rows++;
	}
	fclose(f);
	for (size_t i = 0; i < n; i++)
		if (!in_doc[i])
			fail_msg("docs/vm-entry-checks.md does not list %s", d[i].id);
	assert_int_equal(rows, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vmcs_fields),
		cmocka_unit_test(test_vmx_bits),
		cmocka_unit_test(test_doc_lists_every_check),
	};

	return cmocka_run_group_tests_name("entry_check_ref", tests, NULL, NULL);
}
