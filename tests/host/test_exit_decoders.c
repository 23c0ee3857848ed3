// SPDX-License-Identifier: MIT
/*
 * tests/host/test_exit_decoders.c - the inline exit-information decoders
 * against io_and_cr_qualifications.tsv (tests/reference/vmx, read at run
 * time through tests/host/ref_tsv.c):
 *
 *   vmm/decode/exit_qual_io.h       io_qual_decode       (IO_INSTRUCTION rows)
 *   vmm/decode/exit_qual_cr.h       cr_qual_decode       (CR_ACCESS rows)
 *   vmm/decode/interruption_info.h  intr_info_decode/encode, intr_type_name (INTERRUPTION_INFO rows)
 *
 * Qualifications are built from the bit positions in the table, not from the
 * code's own shifts, so a decoder reading the wrong bits fails here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arch/lib/array.h"
#include "tests/host/ref_tsv.h"
#include "vmm/decode/exit_qual_cr.h"
#include "vmm/decode/exit_qual_io.h"
#include "vmm/decode/interruption_info.h"


static struct ref_tsv *qual_table;

static int setup(void **state)
{
	(void)state;
	qual_table = ref_tsv_open("io_and_cr_qualifications.tsv");
	if (!qual_table)
		fprintf(stderr, "cannot open %s/io_and_cr_qualifications.tsv (set HV_REFERENCE_DIR)\n",
			ref_tsv_dir());
	return qual_table ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	ref_tsv_close(qual_table);
	return 0;
}

/* A bit field of one qualification, located by its exit and the start of its meaning. */
struct field {
	unsigned hi, lo;
};

static struct field field_of(const char *exit, const char *meaning)
{
	struct field f = { 0, 0 };
	size_t len = strlen(meaning);

	for (size_t r = 0; r < ref_tsv_rows(qual_table); r++) {
		const char *m = ref_tsv_get(qual_table, r, "meaning");

		if (strcmp(ref_tsv_get(qual_table, r, "exit"), exit) || strncmp(m, meaning, len))
			continue;
		if (!ref_tsv_parse_bits(ref_tsv_get(qual_table, r, "bits"), &f.hi, &f.lo))
			fail_msg("%s \"%s\": bad bits \"%s\"", exit, m, ref_tsv_get(qual_table, r, "bits"));
		return f;
	}
	fail_msg("io_and_cr_qualifications.tsv: no %s row \"%s...\"", exit, meaning);
	return f;
}

/* The meaning of the row exit/bits. */
static const char *meaning_at(const char *exit, const char *bits)
{
	for (size_t r = 0; r < ref_tsv_rows(qual_table); r++)
		if (!strcmp(ref_tsv_get(qual_table, r, "exit"), exit) &&
		    !strcmp(ref_tsv_get(qual_table, r, "bits"), bits))
			return ref_tsv_get(qual_table, r, "meaning");
	fail_msg("io_and_cr_qualifications.tsv: no %s row for bits %s", exit, bits);
	return "";
}

static unsigned width(struct field f)
{
	return f.hi - f.lo + 1;
}

/* v placed in field f; v must fit. */
static uint64_t put(struct field f, uint64_t v)
{
	if (width(f) < 64 && v >> width(f))
		fail_msg("value 0x%llx does not fit in bits %u:%u", (unsigned long long)v, f.hi, f.lo);
	return v << f.lo;
}

/* ------------------------------------------------------------------ I/O instructions */

struct io_fields {
	struct field size, dir, string, rep, imm, port;
};

static struct io_fields io_fields(void)
{
	struct io_fields f = {
		.size = field_of("IO_INSTRUCTION", "size of access"),
		.dir = field_of("IO_INSTRUCTION", "direction"),
		.string = field_of("IO_INSTRUCTION", "string instruction"),
		.rep = field_of("IO_INSTRUCTION", "REP prefixed"),
		.imm = field_of("IO_INSTRUCTION", "operand encoding"),
		.port = field_of("IO_INSTRUCTION", "port number"),
	};

	assert_int_equal(width(f.size), 3);
	assert_int_equal(width(f.port), 16);
	return f;
}

static void expect_io(uint64_t q, unsigned size, int in, int string, int rep, int imm, unsigned port)
{
	struct io_qual d;

	memset(&d, 0xa5, sizeof(d));
	io_qual_decode(q, &d);
	if (d.size != size || d.in != in || d.string != string || d.rep != rep || d.immediate != imm ||
	    d.port != port)
		fail_msg("io 0x%llx: got size %u in %d string %d rep %d imm %d port 0x%x, want %u %d %d %d %d 0x%x",
			 (unsigned long long)q, d.size, d.in, d.string, d.rep, d.immediate, d.port, size, in,
			 string, rep, imm, port);
}

static void test_io_size(void **state)
{
	/* The table's "0 = 1 byte, 1 = 2 bytes, 3 = 4 bytes". */
	static const struct { unsigned enc, bytes; } sizes[] = { { 0, 1 }, { 1, 2 }, { 3, 4 } };
	struct io_fields f = io_fields();

	(void)state;
	assert_non_null(strstr(meaning_at("IO_INSTRUCTION", "2:0"), "0 = 1 byte, 1 = 2 bytes, 3 = 4 bytes"));
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		expect_io(put(f.size, sizes[i].enc), sizes[i].bytes, 0, 0, 0, 0, 0);
		expect_io(put(f.size, sizes[i].enc) | put(f.port, 0x3f8) | put(f.dir, 1), sizes[i].bytes, 1, 0, 0,
			  0, 0x3f8);
	}
}

static void test_io_flags(void **state)
{
	struct io_fields f = io_fields();
	const struct { struct field at; int in, string, rep, imm; } flags[] = {
		{ f.dir, 1, 0, 0, 0 },
		{ f.string, 0, 1, 0, 0 },
		{ f.rep, 0, 0, 1, 0 },
		{ f.imm, 0, 0, 0, 1 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
		assert_int_equal(width(flags[i].at), 1);
		expect_io(put(flags[i].at, 1), 1, flags[i].in, flags[i].string, flags[i].rep, flags[i].imm, 0);
		/* everything else set: only this flag clears */
		uint64_t all = put(f.size, 3) | put(f.dir, 1) | put(f.string, 1) | put(f.rep, 1) | put(f.imm, 1) |
			       put(f.port, 0xffff);
		expect_io(all & ~put(flags[i].at, 1), 4, !flags[i].in, !flags[i].string, !flags[i].rep,
			  !flags[i].imm, 0xffff);
	}
}

static void test_io_port(void **state)
{
	static const unsigned ports[] = { 0, 1, 0x20, 0x60, 0x80, 0x3f8, 0xcf8, 0xcfc, 0x8000, 0xffff };
	struct io_fields f = io_fields();

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(ports); i++) {
		expect_io(put(f.port, ports[i]), 1, 0, 0, 0, 0, ports[i]);
		/* reserved 15:7 and the upper half do not leak into the port */
		expect_io(put(f.port, ports[i]) | 0xff80 | 0xffffffff00000000ull, 1, 0, 0, 0, 0, ports[i]);
	}
	/* "rep outsb" to port 0x3f8 from DX; "in eax, 0x60" with an immediate */
	expect_io(put(f.size, 0) | put(f.string, 1) | put(f.rep, 1) | put(f.port, 0x3f8), 1, 0, 1, 1, 0, 0x3f8);
	expect_io(put(f.size, 3) | put(f.dir, 1) | put(f.imm, 1) | put(f.port, 0x60), 4, 1, 0, 0, 1, 0x60);
}

/* ------------------------------------------------------------------ control-register accesses */

struct cr_fields {
	struct field cr, type, lmsw_mem, gpr, lmsw_src;
};

static struct cr_fields cr_fields(void)
{
	struct cr_fields f = {
		.cr = field_of("CR_ACCESS", "control register number"),
		.type = field_of("CR_ACCESS", "access type"),
		.lmsw_mem = field_of("CR_ACCESS", "LMSW operand type"),
		.gpr = field_of("CR_ACCESS", "general-purpose register"),
		.lmsw_src = field_of("CR_ACCESS", "LMSW source data"),
	};

	/* 3:0, not Linux's 2:0: CR8 must be encodable */
	assert_int_equal(width(f.cr), 4);
	assert_int_equal(width(f.gpr), 4);
	assert_int_equal(width(f.lmsw_src), 16);
	return f;
}

static void expect_cr(uint64_t q, unsigned cr, unsigned type, unsigned mem, unsigned gpr, unsigned src)
{
	struct cr_qual d;

	memset(&d, 0xa5, sizeof(d));
	cr_qual_decode(q, &d);
	if (d.cr != cr || (unsigned)d.type != type || d.lmsw_memory != mem || d.gpr != gpr || d.lmsw_source != src)
		fail_msg("cr 0x%llx: got cr %u type %u mem %u gpr %u src 0x%x, want %u %u %u %u 0x%x",
			 (unsigned long long)q, d.cr, (unsigned)d.type, d.lmsw_memory, d.gpr, d.lmsw_source, cr,
			 type, mem, gpr, src);
}

static void test_cr_number_and_gpr(void **state)
{
	struct cr_fields f = cr_fields();

	(void)state;
	for (unsigned n = 0; n < 16; n++) {
		expect_cr(put(f.cr, n), n, 0, 0, 0, 0);
		expect_cr(put(f.gpr, n), 0, 0, 0, n, 0);
		/* "mov crN, r(15-N)" and "mov r(N), crN" */
		expect_cr(put(f.cr, n) | put(f.gpr, 15 - n), n, CR_ACCESS_MOV_TO, 0, 15 - n, 0);
		expect_cr(put(f.cr, n) | put(f.type, CR_ACCESS_MOV_FROM) | put(f.gpr, n), n, 1, 0, n, 0);
	}
	/* mov cr8, r12 */
	expect_cr(put(f.cr, 8) | put(f.gpr, 12), 8, 0, 0, 12, 0);
	/* reserved 7, 15:12 and 63:32 do not leak */
	expect_cr(0xffffffff0000f080ull | put(f.cr, 3) | put(f.gpr, 5), 3, 0, 0, 5, 0);
}

static void test_cr_access_types(void **state)
{
	static const struct { unsigned v; enum cr_access_type e; const char *name, *tsv; } types[] = {
		{ 0, CR_ACCESS_MOV_TO, "mov-to-cr", "0 = MOV to CR" },
		{ 1, CR_ACCESS_MOV_FROM, "mov-from-cr", "1 = MOV from CR" },
		{ 2, CR_ACCESS_CLTS, "clts", "2 = CLTS" },
		{ 3, CR_ACCESS_LMSW, "lmsw", "3 = LMSW" },
	};
	struct cr_fields f = cr_fields();
	const char *meaning = meaning_at("CR_ACCESS", "5:4");

	(void)state;
	assert_int_equal(width(f.type), 2);
	for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
		if (!strstr(meaning, types[i].tsv))
			fail_msg("CR_ACCESS 5:4 \"%s\" lacks \"%s\"", meaning, types[i].tsv);
		assert_int_equal(types[i].e, types[i].v);
		expect_cr(put(f.type, types[i].v), 0, types[i].v, 0, 0, 0);
		assert_string_equal(cr_access_type_name(types[i].e), types[i].name);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(cr_access_type_name(types[j].e), cr_access_type_name(types[i].e));
	}
}

static void test_cr_lmsw(void **state)
{
	static const unsigned sources[] = { 0, 1, 0x0011, 0x8000, 0xfff1, 0xffff };
	struct cr_fields f = cr_fields();

	(void)state;
	assert_int_equal(width(f.lmsw_mem), 1);
	expect_cr(put(f.type, CR_ACCESS_LMSW) | put(f.lmsw_mem, 1), 0, 3, 1, 0, 0);
	for (size_t i = 0; i < ARRAY_SIZE(sources); i++) {
		expect_cr(put(f.type, CR_ACCESS_LMSW) | put(f.lmsw_src, sources[i]), 0, 3, 0, 0, sources[i]);
		expect_cr(put(f.type, CR_ACCESS_LMSW) | put(f.lmsw_mem, 1) | put(f.lmsw_src, sources[i]), 0, 3, 1, 0,
			  sources[i]);
	}
	/* clts: everything but the type is 0 */
	expect_cr(put(f.type, CR_ACCESS_CLTS), 0, 2, 0, 0, 0);
}

/* ------------------------------------------------------------------ interruption information */

struct intr_fields {
	struct field vector, type, error_code, nmi_unblocking, valid;
};

static struct intr_fields intr_fields(void)
{
	struct intr_fields f = {
		.vector = field_of("INTERRUPTION_INFO", "vector of"),
		.type = field_of("INTERRUPTION_INFO", "interruption type"),
		.error_code = field_of("INTERRUPTION_INFO", "error code valid"),
		.nmi_unblocking = field_of("INTERRUPTION_INFO", "NMI unblocking"),
		.valid = field_of("INTERRUPTION_INFO", "valid"),
	};

	assert_int_equal(width(f.vector), 8);
	assert_int_equal(width(f.type), 3);
	return f;
}

/* The code's enum per table meaning; "reserved" (1) has no enum. */
static const struct {
	const char *meaning;
	int type;
	const char *name;
} intr_types[] = {
	{ "external interrupt", INTR_TYPE_EXTERNAL, "external-interrupt" },
	{ "reserved", 1, "reserved" },
	{ "non-maskable interrupt", INTR_TYPE_NMI, "nmi" },
	{ "hardware exception", INTR_TYPE_HW_EXCEPTION, "hardware-exception" },
	{ "software interrupt", INTR_TYPE_SW_INTERRUPT, "software-interrupt" },
	{ "privileged software exception", INTR_TYPE_PRIV_SW_EXCEPTION, "privileged-software-exception" },
	{ "software exception", INTR_TYPE_SW_EXCEPTION, "software-exception" },
	{ "other event", INTR_TYPE_OTHER, "other-event" },
};

static void expect_intr(uint32_t v, int valid, unsigned vector, unsigned type, int ec, int nmi)
{
	struct intr_info d;

	memset(&d, 0xa5, sizeof(d));
	intr_info_decode(v, &d);
	if (d.valid != valid || d.vector != vector || (unsigned)d.type != type || d.has_error_code != ec ||
	    d.nmi_unblocking != nmi)
		fail_msg("intr 0x%08x: got valid %d vector %u type %u ec %d nmi %d, want %d %u %u %d %d", v, d.valid,
			 d.vector, (unsigned)d.type, d.has_error_code, d.nmi_unblocking, valid, vector, type, ec, nmi);
}

/* Every "10:8=N" row: the enum, the decoder and a distinct name. */
static void test_intr_types(void **state)
{
	struct intr_fields f = intr_fields();
	const char *seen[8] = { 0 };
	size_t rows = 0;

	(void)state;
	for (size_t r = 0; r < ref_tsv_rows(qual_table); r++) {
		const char *bits = ref_tsv_get(qual_table, r, "bits");
		const char *meaning = ref_tsv_get(qual_table, r, "meaning");
		unsigned n;
		size_t i;

		if (strcmp(ref_tsv_get(qual_table, r, "exit"), "INTERRUPTION_INFO") || strncmp(bits, "10:8=", 5))
			continue;
		rows++;
		assert_int_equal(sscanf(bits + 5, "%u", &n), 1);
		assert_in_range(n, 0, 7);
		for (i = 0; i < ARRAY_SIZE(intr_types); i++)
			if (!strncmp(meaning, intr_types[i].meaning, strlen(intr_types[i].meaning)))
				break;
		if (i == ARRAY_SIZE(intr_types))
			fail_msg("10:8=%u \"%s\": no such type in this test", n, meaning);
		if ((unsigned)intr_types[i].type != n)
			fail_msg("10:8=%u is \"%s\", but the code's enum says %d", n, meaning, intr_types[i].type);
		expect_intr((uint32_t)put(f.type, n), 0, 0, n, 0, 0);
		expect_intr((uint32_t)(put(f.type, n) | put(f.valid, 1) | put(f.vector, 0xff)), 1, 0xff, n, 0, 0);
		assert_string_equal(intr_type_name((enum intr_type)n), intr_types[i].name);
		assert_null(seen[n]);
		seen[n] = intr_type_name((enum intr_type)n);
		for (unsigned j = 0; j < 8; j++)
			if (j != n && seen[j])
				assert_string_not_equal(seen[j], seen[n]);
	}
	assert_int_equal(rows, 8);
}

static void test_intr_bits(void **state)
{
	struct intr_fields f = intr_fields();
	static const unsigned vectors[] = { 0, 1, 2, 3, 6, 8, 13, 14, 17, 31, 32, 0x80, 0xfe, 0xff };

	(void)state;
	assert_int_equal(width(f.error_code), 1);
	assert_int_equal(width(f.nmi_unblocking), 1);
	assert_int_equal(f.valid.lo, 31);
	expect_intr((uint32_t)put(f.valid, 1), 1, 0, 0, 0, 0);
	expect_intr((uint32_t)put(f.error_code, 1), 0, 0, 0, 1, 0);
	expect_intr((uint32_t)put(f.nmi_unblocking, 1), 0, 0, 0, 0, 1);
	for (size_t i = 0; i < ARRAY_SIZE(vectors); i++)
		expect_intr((uint32_t)put(f.vector, vectors[i]), 0, vectors[i], 0, 0, 0);
	/* reserved 30:13 do not leak; #PF with error code and NMI unblocking */
	expect_intr(0x7fffe000u | (uint32_t)(put(f.vector, 14) | put(f.type, 3) | put(f.error_code, 1) |
					     put(f.nmi_unblocking, 1)),
		    0, 14, 3, 1, 1);
	/* the masks the header exports sit where the table says */
	assert_int_equal(INTR_INFO_VECTOR_MASK, put(f.vector, 0xff));
	assert_int_equal(INTR_INFO_TYPE_SHIFT, f.type.lo);
	assert_int_equal(INTR_INFO_ERROR_CODE, put(f.error_code, 1));
	assert_int_equal(INTR_INFO_NMI_UNBLOCKING, put(f.nmi_unblocking, 1));
	assert_int_equal(INTR_INFO_VALID, put(f.valid, 1));
}

/* encode -> exact bits from the table -> decode gives the inputs back, for every vector and type. */
static void test_intr_round_trip(void **state)
{
	struct intr_fields f = intr_fields();

	(void)state;
	for (unsigned type = 0; type < 8; type++) {
		for (unsigned vector = 0; vector < 256; vector++) {
			for (int ec = 0; ec < 2; ec++) {
				uint32_t v = intr_info_encode((uint8_t)vector, (enum intr_type)type, ec);
				uint32_t want = (uint32_t)(put(f.valid, 1) | put(f.type, type) |
							   put(f.vector, vector) | put(f.error_code, (unsigned)ec));

				if (v != want)
					fail_msg("intr_info_encode(%u, %u, %d) = 0x%08x, want 0x%08x", vector, type,
						 ec, v, want);
				expect_intr(v, 1, vector, type, ec, 0);
			}
		}
	}
	/* inject #GP(0), #PF, NMI, INT3 */
	assert_int_equal(intr_info_encode(13, INTR_TYPE_HW_EXCEPTION, 1), 0x80000b0du);
	assert_int_equal(intr_info_encode(14, INTR_TYPE_HW_EXCEPTION, 1), 0x80000b0eu);
	assert_int_equal(intr_info_encode(2, INTR_TYPE_NMI, 0), 0x80000202u);
	assert_int_equal(intr_info_encode(3, INTR_TYPE_SW_EXCEPTION, 0), 0x80000603u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_io_size),
		cmocka_unit_test(test_io_flags),
		cmocka_unit_test(test_io_port),
		cmocka_unit_test(test_cr_number_and_gpr),
		cmocka_unit_test(test_cr_access_types),
		cmocka_unit_test(test_cr_lmsw),
		cmocka_unit_test(test_intr_types),
		cmocka_unit_test(test_intr_bits),
		cmocka_unit_test(test_intr_round_trip),
	};

	return cmocka_run_group_tests_name("exit_decoders", tests, setup, teardown);
}
