// SPDX-License-Identifier: MIT
/*
 * tests/host/test_madt.c - the ACPI MADT reader (arch/x86_64/madt.c): enabled local APIC and
 * x2APIC entries, disabled ones skipped, duplicates once, more than 64 CPUs counted, and the
 * malformed tables: short buffer, wrong signature, bad Length, bad checksum, truncated entry.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86_64/madt.h"

static uint8_t t[4096];
static size_t tlen;

static void put32(size_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		t[off + i] = (uint8_t)(v >> (8 * i));
}

static void start(void)
{
	memset(t, 0, sizeof(t));
	memcpy(t, "APIC", 4);
	t[8] = 5;                        /* revision */
	put32(36, 0xfee00000);           /* local APIC address */
	tlen = MADT_ENTRIES_OFF;
}

static void lapic_entry(uint8_t id, uint32_t flags)
{
	t[tlen] = MADT_LOCAL_APIC;
	t[tlen + 1] = MADT_LOCAL_APIC_LEN;
	t[tlen + 2] = id;                /* processor UID */
	t[tlen + 3] = id;
	put32(tlen + 4, flags);
	tlen += MADT_LOCAL_APIC_LEN;
}

static void x2apic_entry(uint32_t id, uint32_t flags)
{
	t[tlen] = MADT_LOCAL_X2APIC;
	t[tlen + 1] = MADT_LOCAL_X2APIC_LEN;
	put32(tlen + 4, id);
	put32(tlen + 8, flags);
	put32(tlen + 12, id);
	tlen += MADT_LOCAL_X2APIC_LEN;
}

static void other_entry(uint8_t type, uint8_t len)   /* an I/O APIC, an override: skipped */
{
	t[tlen] = type;
	t[tlen + 1] = len;
	tlen += len;
}

/* Length and checksum set as a firmware does. */
static void finish(void)
{
	uint8_t sum = 0;

	put32(ACPI_HEADER_LENGTH_OFF, (uint32_t)tlen);
	t[9] = 0;
	for (size_t i = 0; i < tlen; i++)
		sum = (uint8_t)(sum + t[i]);
	t[9] = (uint8_t)-sum;
}

static void expect_fail(size_t buf_len, const char *want)
{
	struct madt_cpus c;
	char why[160] = "";

	assert_false(madt_parse(t, buf_len, &c, why, sizeof(why)));
	assert_string_equal(why, want);
	assert_int_equal(c.count, 0);
	assert_int_equal(c.total, 0);
}

static void test_enabled_cpus(void **state)
{
	struct madt_cpus c;
	char why[160] = "";

	(void)state;
	start();
	lapic_entry(0, MADT_CPU_ENABLED);
	other_entry(1, 12);              /* I/O APIC */
	lapic_entry(2, MADT_CPU_ENABLED);
	lapic_entry(4, 0);               /* not enabled */
	lapic_entry(6, 2);               /* online capable, not enabled: not running now */
	x2apic_entry(300, MADT_CPU_ENABLED);
	x2apic_entry(2, MADT_CPU_ENABLED);   /* the same CPU again */
	other_entry(2, 10);              /* interrupt source override */
	finish();
	assert_true(madt_parse(t, tlen, &c, why, sizeof(why)));
	assert_string_equal(why, "");
	assert_int_equal(c.count, 3);
	assert_int_equal(c.total, 3);
	assert_int_equal(c.apic_id[0], 0);
	assert_int_equal(c.apic_id[1], 2);
	assert_int_equal(c.apic_id[2], 300);
}

static void test_more_than_max(void **state)
{
	struct madt_cpus c;
	char why[160];

	(void)state;
	start();
	for (unsigned i = 0; i < MADT_CPUS_MAX + 6; i++)
		x2apic_entry(i * 2, MADT_CPU_ENABLED);
	finish();
	assert_true(madt_parse(t, tlen, &c, why, sizeof(why)));
	assert_int_equal(c.count, MADT_CPUS_MAX);
	assert_int_equal(c.total, MADT_CPUS_MAX + 6);
	assert_int_equal(c.apic_id[MADT_CPUS_MAX - 1], (MADT_CPUS_MAX - 1) * 2);
}

static void test_buffer_longer_than_table(void **state)
{
	struct madt_cpus c;
	char why[160];

	(void)state;
	start();
	lapic_entry(0, MADT_CPU_ENABLED);
	finish();
	t[tlen] = MADT_LOCAL_APIC;       /* past Length: not read */
	t[tlen + 1] = 1;
	assert_true(madt_parse(t, tlen + 64, &c, why, sizeof(why)));
	assert_int_equal(c.count, 1);
}

static void test_malformed(void **state)
{
	(void)state;
	start();
	lapic_entry(0, MADT_CPU_ENABLED);
	finish();
	expect_fail(40, "MADT: 40 bytes, shorter than its 44-byte header");
	expect_fail(tlen - 1, "MADT: Length 52 outside 44..51");
	t[9]++;
	expect_fail(tlen, "MADT: checksum does not add up to 0");
	t[9]--;
	t[0] = 'X';
	expect_fail(tlen, "MADT: signature is not APIC");
	t[0] = 'A';
	put32(ACPI_HEADER_LENGTH_OFF, 20);
	expect_fail(tlen, "MADT: Length 20 outside 44..52");

	/* An entry whose length runs past the table, one of length 0, one too short for its type. */
	start();
	lapic_entry(0, MADT_CPU_ENABLED);
	t[tlen] = MADT_LOCAL_X2APIC;
	t[tlen + 1] = MADT_LOCAL_X2APIC_LEN;
	tlen += 8;                       /* half of it */
	finish();
	expect_fail(tlen, "MADT: entry at offset 52 runs past the table's 60 bytes");
	start();
	other_entry(1, 0);
	tlen = 60;
	finish();
	expect_fail(tlen, "MADT: entry at offset 44 runs past the table's 60 bytes");
	start();
	lapic_entry(0, MADT_CPU_ENABLED);
	t[tlen] = MADT_LOCAL_X2APIC;
	t[tlen + 1] = 8;
	tlen += 8;
	finish();
	expect_fail(tlen, "MADT: local x2APIC entry of 8 bytes, expected 16");
	start();
	other_entry(MADT_LOCAL_APIC, 4);
	finish();
	expect_fail(tlen, "MADT: local APIC entry of 4 bytes, expected 8");
	start();
	t[tlen] = MADT_LOCAL_APIC;       /* a lone type byte at the very end */
	tlen += 1;
	finish();
	expect_fail(tlen, "MADT: entry at offset 44 runs past the table's 45 bytes");
}

static void test_checksum(void **state)
{
	static const uint8_t ok[] = { 1, 2, 0xfd };
	static const uint8_t bad[] = { 1, 2, 3 };

	(void)state;
	assert_true(acpi_checksum_ok(ok, sizeof(ok)));
	assert_false(acpi_checksum_ok(bad, sizeof(bad)));
	assert_true(acpi_checksum_ok(bad, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_enabled_cpus),
		cmocka_unit_test(test_more_than_max),
		cmocka_unit_test(test_buffer_longer_than_table),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_checksum),
	};

	return cmocka_run_group_tests_name("madt", tests, NULL, NULL);
}
