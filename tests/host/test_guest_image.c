// SPDX-License-Identifier: MIT
/*
 * tests/host/test_guest_image.c - guest_image_check (vmm/vm/image.c) on
 * images built here, one table row per way a file can be wrong: the exact
 * error, its guest_image_err_name and the exact one-line reason.  Then the
 * real default guest, build/guest/default.bin (from guest/default.asm, built
 * by make; found under $HV_SOURCE_DIR or ".").
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
#include "vmm/vm/image.h"


#define HDR       32u      /* the header, guest/abi.inc GUEST_HEADER */
#define IMG       64u      /* header + 32 bytes of code */
#define MAX       GUEST_FILE_MAX
#define BUF_SIZE  256u

/* Header field offsets. */
enum { OFF_VERSION = 8, OFF_HEADER_SIZE = 12, OFF_IMAGE_SIZE = 16, OFF_ENTRY = 20, OFF_FLAGS = 24, OFF_RESERVED = 28 };

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* A valid IMG-byte image: entry at HDR, code "hlt; jmp $-1" then int3 padding. */
static void build_valid(uint8_t *buf)
{
	memset(buf, 0xcc, BUF_SIZE);
	memcpy(buf, "MHVGUEST", 8);
	put32(buf + OFF_VERSION, 1);
	put32(buf + OFF_HEADER_SIZE, HDR);
	put32(buf + OFF_IMAGE_SIZE, IMG);
	put32(buf + OFF_ENTRY, HDR);
	put32(buf + OFF_FLAGS, 0);
	put32(buf + OFF_RESERVED, 0);
	buf[HDR] = 0xf4;
	buf[HDR + 1] = 0xeb;
	buf[HDR + 2] = 0xfd;
}

struct patch {
	int off;          /* 0 = none */
	uint32_t val;
};

struct image_case {
	const char *what;
	const char *magic;          /* 8 bytes over the magic, or NULL */
	struct patch p[2];
	uint64_t size, max;
	int err;
	const char *err_name, *why;
};

#define BAD_MAGIC_WHY "no \"MHVGUEST\" magic: not a minihv guest image (build it with guest/abi.inc)"

static const struct image_case cases[] = {
	{ "valid", NULL, { { 0 } }, IMG, MAX, GUEST_IMAGE_OK, "OK", "" },
	{ "valid, entry at the last byte", NULL, { { OFF_ENTRY, IMG - 1 } }, IMG, MAX, GUEST_IMAGE_OK, "OK", "" },
	{ "valid, exactly the limit", NULL, { { 0 } }, IMG, IMG, GUEST_IMAGE_OK, "OK", "" },
	{ "empty", NULL, { { 0 } }, 0, MAX, GUEST_IMAGE_EMPTY, "EMPTY", "file is empty" },
	{ "ELF", "\x7f" "ELF\x02\x01\x01\x00", { { 0 } }, IMG, MAX, GUEST_IMAGE_BAD_MAGIC, "BAD_MAGIC",
	  BAD_MAGIC_WHY },
	{ "raw binary", "\xfa\xfc\x31\xc0\x8e\xd8\x8e\xc0", { { 0 } }, IMG, MAX, GUEST_IMAGE_BAD_MAGIC,
	  "BAD_MAGIC", BAD_MAGIC_WHY },
	{ "near miss", "MHVGUESS", { { 0 } }, IMG, MAX, GUEST_IMAGE_BAD_MAGIC, "BAD_MAGIC", BAD_MAGIC_WHY },
	{ "lower case", "mhvguest", { { 0 } }, IMG, MAX, GUEST_IMAGE_BAD_MAGIC, "BAD_MAGIC", BAD_MAGIC_WHY },
	{ "version 2", NULL, { { OFF_VERSION, 2 } }, IMG, MAX, GUEST_IMAGE_BAD_VERSION, "BAD_VERSION",
	  "format version 2, expected 1" },
	{ "version 0", NULL, { { OFF_VERSION, 0 } }, IMG, MAX, GUEST_IMAGE_BAD_VERSION, "BAD_VERSION",
	  "format version 0, expected 1" },
	{ "header_size 64", NULL, { { OFF_HEADER_SIZE, 64 } }, IMG, MAX, GUEST_IMAGE_BAD_HEADER, "BAD_HEADER",
	  "header_size is 64, expected 32" },
	{ "header_size 16", NULL, { { OFF_HEADER_SIZE, 16 } }, IMG, MAX, GUEST_IMAGE_BAD_HEADER, "BAD_HEADER",
	  "header_size is 16, expected 32" },
	{ "flags 1", NULL, { { OFF_FLAGS, 1 } }, IMG, MAX, GUEST_IMAGE_BAD_HEADER, "BAD_HEADER",
	  "flags is 0x1, must be 0" },
	{ "flags bit 31", NULL, { { OFF_FLAGS, 0x80000000u } }, IMG, MAX, GUEST_IMAGE_BAD_HEADER, "BAD_HEADER",
	  "flags is 0x80000000, must be 0" },
	{ "reserved", NULL, { { OFF_RESERVED, 0x100 } }, IMG, MAX, GUEST_IMAGE_BAD_HEADER, "BAD_HEADER",
	  "reserved is 0x100, must be 0" },
	{ "truncated by a byte", NULL, { { 0 } }, IMG - 1, MAX, GUEST_IMAGE_TRUNCATED, "TRUNCATED",
	  "truncated: header says 64 bytes, file has 63" },
	{ "truncated to the header", NULL, { { 0 } }, HDR, MAX, GUEST_IMAGE_TRUNCATED, "TRUNCATED",
	  "truncated: header says 64 bytes, file has 32" },
	{ "image_size huge", NULL, { { OFF_IMAGE_SIZE, 0xffffffffu } }, IMG, MAX, GUEST_IMAGE_TRUNCATED,
	  "TRUNCATED", "truncated: header says 4294967295 bytes, file has 64" },
	{ "trailing byte", NULL, { { 0 } }, IMG + 1, MAX, GUEST_IMAGE_TRAILING, "TRAILING",
	  "header says 64 bytes, file has 65 (trailing data)" },
	{ "image_size 0", NULL, { { OFF_IMAGE_SIZE, 0 } }, IMG, MAX, GUEST_IMAGE_TRAILING, "TRAILING",
	  "header says 0 bytes, file has 64 (trailing data)" },
	{ "over a small limit", NULL, { { 0 } }, IMG, IMG - 1, GUEST_IMAGE_TOO_LARGE, "TOO_LARGE",
	  "file is 64 bytes, more than the limit of 63" },
	{ "entry 0", NULL, { { OFF_ENTRY, 0 } }, IMG, MAX, GUEST_IMAGE_BAD_ENTRY, "BAD_ENTRY",
	  "entry offset 0x0 outside the code (image 64 bytes)" },
	{ "entry in the header", NULL, { { OFF_ENTRY, HDR - 1 } }, IMG, MAX, GUEST_IMAGE_BAD_ENTRY, "BAD_ENTRY",
	  "entry offset 0x1f outside the code (image 64 bytes)" },
	{ "entry == image_size", NULL, { { OFF_ENTRY, IMG } }, IMG, MAX, GUEST_IMAGE_BAD_ENTRY, "BAD_ENTRY",
	  "entry offset 0x40 outside the code (image 64 bytes)" },
	{ "entry beyond", NULL, { { OFF_ENTRY, 0x10000 } }, IMG, MAX, GUEST_IMAGE_BAD_ENTRY, "BAD_ENTRY",
	  "entry offset 0x10000 outside the code (image 64 bytes)" },
	{ "header only, entry at its end", NULL, { { OFF_IMAGE_SIZE, HDR } }, HDR, MAX, GUEST_IMAGE_BAD_ENTRY,
	  "BAD_ENTRY", "entry offset 0x20 outside the code (image 32 bytes)" },
};

static int check(const uint8_t *data, uint64_t size, uint64_t max, struct guest_header *h, char *why,
		 size_t why_len)
{
	memset(why, 'x', why_len);
	return guest_image_check(data, size, max, h, why, why_len);
}

static void expect(const char *what, int got, const char *why, int err, const char *err_name, const char *want_why)
{
	if (got != err)
		fail_msg("%s: guest_image_check = %d (%s, \"%s\"), want %d (%s)", what, got, guest_image_err_name(got),
			 why, err, err_name);
	assert_string_equal(guest_image_err_name(got), err_name);
	if (strcmp(why, want_why))
		fail_msg("%s: why \"%s\", want \"%s\"", what, why, want_why);
}

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct image_case *c = &cases[i];
		uint8_t *buf = malloc(BUF_SIZE);     /* exactly sized copy below: ASan sees over-reads */
		uint8_t *file = malloc(c->size ? c->size : 1);
		struct guest_header h;
		char why[160];

		assert_non_null(buf);
		assert_non_null(file);
		build_valid(buf);
		if (c->magic)
			memcpy(buf, c->magic, 8);
		for (size_t j = 0; j < ARRAY_SIZE(c->p); j++)
			if (c->p[j].off)
				put32(buf + c->p[j].off, c->p[j].val);
		memcpy(file, buf, c->size);
		memset(&h, 0x5a, sizeof(h));
		expect(c->what, check(file, c->size, c->max, &h, why, sizeof(why)), why, c->err, c->err_name, c->why);
		if (c->err == GUEST_IMAGE_OK) {
			assert_memory_equal(h.magic, "MHVGUEST", 8);
			assert_int_equal(h.version, 1);
			assert_int_equal(h.header_size, HDR);
			assert_int_equal(h.image_size, IMG);
			assert_int_equal(h.entry_offset, c->p[0].off ? c->p[0].val : HDR);
			assert_int_equal(h.flags, 0);
			assert_int_equal(h.reserved, 0);
		}
		free(file);
		free(buf);
	}
}

/* Every length from 1 to 31 bytes is TOO_SMALL, whatever the bytes are. */
static void test_too_small(void **state)
{
	uint8_t buf[BUF_SIZE];
	struct guest_header h;
	char why[160], want[160], what[32];

	(void)state;
	build_valid(buf);
	for (uint64_t n = 1; n < HDR; n++) {
		uint8_t *file = malloc(n);

		assert_non_null(file);
		memcpy(file, buf, n);
		snprintf(want, sizeof(want), "file is %llu bytes, shorter than the 32-byte header",
			 (unsigned long long)n);
		snprintf(what, sizeof(what), "%llu bytes", (unsigned long long)n);
		expect(what, check(file, n, MAX, &h, why, sizeof(why)), why, GUEST_IMAGE_TOO_SMALL, "TOO_SMALL", want);
		free(file);
	}
	assert_int_equal(sizeof(struct guest_header), HDR);
}

/* A file over GUEST_FILE_MAX is refused before it is read. */
static void test_too_large(void **state)
{
	uint64_t size = GUEST_FILE_MAX + 1;
	uint8_t *file = calloc(1, size);
	struct guest_header h;
	char why[160];

	(void)state;
	assert_non_null(file);
	build_valid(file);
	put32(file + OFF_IMAGE_SIZE, (uint32_t)size);
	expect("1 MiB + 1", check(file, size, GUEST_FILE_MAX, &h, why, sizeof(why)), why, GUEST_IMAGE_TOO_LARGE,
	       "TOO_LARGE", "file is 1048577 bytes, more than the limit of 1048576");
	/* exactly the limit is fine */
	put32(file + OFF_IMAGE_SIZE, (uint32_t)GUEST_FILE_MAX);
	expect("1 MiB", check(file, GUEST_FILE_MAX, GUEST_FILE_MAX, &h, why, sizeof(why)), why, GUEST_IMAGE_OK, "OK",
	       "");
	assert_int_equal(h.image_size, GUEST_FILE_MAX);
	free(file);
}

/* A short why buffer gets a truncated, terminated reason. */
static void test_short_why(void **state)
{
	uint8_t buf[BUF_SIZE];
	struct guest_header h;
	char why[8];

	(void)state;
	build_valid(buf);
	assert_int_equal(check(buf, 0, MAX, &h, why, sizeof(why)), GUEST_IMAGE_EMPTY);
	assert_string_equal(why, "file is");
}

static void test_err_names(void **state)
{
	static const char *const names[] = { "OK", "EMPTY", "TOO_SMALL", "BAD_MAGIC", "BAD_VERSION",
					     "BAD_HEADER", "TRUNCATED", "TRAILING", "TOO_LARGE", "BAD_ENTRY" };
	static const int outside[] = { -1, GUEST_IMAGE_BAD_ENTRY + 1, 100, -2147483647 - 1 };

	(void)state;
	assert_int_equal(ARRAY_SIZE(names), GUEST_IMAGE_BAD_ENTRY + 1);
	for (int i = 0; i < (int)ARRAY_SIZE(names); i++)
		assert_string_equal(guest_image_err_name(i), names[i]);
	for (size_t i = 0; i < ARRAY_SIZE(outside); i++)
		assert_string_equal(guest_image_err_name(outside[i]), "UNKNOWN");
}

/* The default guest the hypervisor embeds passes, with its entry right after the header. */
static void test_default_guest(void **state)
{
	const char *dir = getenv("HV_SOURCE_DIR");
	char path[4096], why[160];
	struct guest_header h;
	static uint8_t data[GUEST_FILE_MAX + 1];
	size_t n;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/build/guest/default.bin", dir && *dir ? dir : ".");
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot read %s (run make first, from the repository root)", path);
	n = fread(data, 1, sizeof(data), f);
	fclose(f);
	assert_in_range(n, HDR + 1, GUEST_FILE_MAX);
	expect(path, check(data, n, GUEST_FILE_MAX, &h, why, sizeof(why)), why, GUEST_IMAGE_OK, "OK", "");
	assert_memory_equal(h.magic, "MHVGUEST", 8);
	assert_int_equal(h.version, GUEST_FORMAT_VERSION);
	assert_int_equal(h.header_size, HDR);
	assert_int_equal(h.image_size, n);
	assert_int_equal(h.entry_offset, 0x20);
	assert_int_equal(h.flags, 0);
	assert_int_equal(h.reserved, 0);
	/* it fits the guest's memory */
	assert_true(h.image_size < GUEST_MEM_SIZE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_too_small),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_short_why),
		cmocka_unit_test(test_err_names),
		cmocka_unit_test(test_default_guest),
	};

	return cmocka_run_group_tests_name("guest_image", tests, NULL, NULL);
}
