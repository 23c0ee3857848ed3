// SPDX-License-Identifier: MIT
/*
 * tests/host/test_multiboot.c - the Multiboot v1 loader module (vmm/vm/multiboot.c,
 * vmm/vm/multiboot_info.c) on kernels built here in memory: ELF32 with one and several PT_LOAD
 * segments, ELF64 (linked high, loaded low), the a.out kludge, bss.  Format detection; every way a
 * kernel can be refused, with the exact error and one-line reason; the loaded memory byte by byte;
 * the information structure field by field at the offsets of the Multiboot Specification 0.6.96
 * (§3.3 "Boot information format", written here as numbers, not with the module's names), and the
 * memory map.  vmm/vm/elf.h is checked against the host's <elf.h> (tests/host/elf_ref.c).
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
#include "tests/host/elf_ref.h"
#include "vmm/vm/elf.h"
#include "vmm/vm/multiboot.h"
#include "vmm/vm/multiboot_info.h"

#define MEM      0x400000ull     /* 4 MiB: the guest memory minihv gives (vmm/vm/image.h) */
#define SCRATCH  0x10000u        /* kernels are built here, then copied to a buffer of their exact size */
#define MAGIC    0x1BADB002u     /* Multiboot §3.1.2 */
#define NOT_LOADED 4u            /* PT_NOTE: a program header that is not loaded */

enum kind { ELF32, ELF64, AOUT };

struct phdr {
	uint32_t type;
	uint64_t offset, vaddr, paddr, filesz, memsz;
};

/* A kernel file to build: an ELF header and program headers (ELF32/ELF64) or none (AOUT), the
 * Multiboot header at hdr_off, a byte pattern everywhere else. */
struct kernel {
	enum kind kind;
	uint32_t flags, hdr_off, checksum_delta;
	uint64_t entry, phoff, size;
	uint8_t class, data;               /* e_ident; 0: the kind's own */
	uint16_t type, machine, phentsize; /* 0: ET_EXEC, the kind's machine, the right size */
	int phnum;                         /* -1: nph */
	unsigned nph;
	struct phdr ph[20];
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;   /* AOUT */
};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

static uint8_t pattern(uint64_t i)
{
	return (uint8_t)(i * 31 + 7);   /* never forms the Multiboot magic */
}

static void write_elf(const struct kernel *k, uint8_t *f)
{
	int is64 = k->kind == ELF64;
	uint64_t phoff = k->phoff ? k->phoff : (is64 ? 64 : 52);
	uint16_t phsize = k->phentsize ? k->phentsize : (is64 ? 56 : 32);

	memcpy(f, "\x7f" "ELF", 4);
	f[4] = k->class ? k->class : (is64 ? 2 : 1);
	f[5] = k->data ? k->data : 1;
	f[6] = 1;
	put16(f + 16, k->type ? k->type : 2);
	put16(f + 18, k->machine ? k->machine : (is64 ? 62 : 3));
	put32(f + 20, 1);
	if (is64) {
		put64(f + 24, k->entry);
		put64(f + 32, phoff);
		put16(f + 52, 64);
		put16(f + 54, phsize);
		put16(f + 56, (uint16_t)(k->phnum >= 0 ? (unsigned)k->phnum : k->nph));
	} else {
		put32(f + 24, (uint32_t)k->entry);
		put32(f + 28, (uint32_t)phoff);
		put16(f + 40, 52);
		put16(f + 42, phsize);
		put16(f + 44, (uint16_t)(k->phnum >= 0 ? (unsigned)k->phnum : k->nph));
	}
	for (unsigned i = 0; i < k->nph; i++) {
		uint8_t *p = f + phoff + (uint64_t)i * (is64 ? 56 : 32);
		const struct phdr *h = &k->ph[i];

		if (phoff > SCRATCH || (i + 1) * (is64 ? 56u : 32u) > SCRATCH - phoff)
			break;     /* past the scratch buffer (a table the test puts out of the file) */
		put32(p, h->type);
		if (is64) {
			put64(p + 8, h->offset);
			put64(p + 16, h->vaddr);
			put64(p + 24, h->paddr);
			put64(p + 32, h->filesz);
			put64(p + 40, h->memsz);
		} else {
			put32(p + 4, (uint32_t)h->offset);
			put32(p + 8, (uint32_t)h->vaddr);
			put32(p + 12, (uint32_t)h->paddr);
			put32(p + 16, (uint32_t)h->filesz);
			put32(p + 20, (uint32_t)h->memsz);
		}
	}
}

/* The kernel's file, k->size bytes in a buffer of exactly that size (ASan sees any over-read). */
static uint8_t *build(const struct kernel *k)
{
	uint8_t *scratch = malloc(SCRATCH), *file = malloc(k->size ? k->size : 1);
	uint8_t *h;

	assert_non_null(scratch);
	assert_non_null(file);
	for (uint64_t i = 0; i < SCRATCH; i++)
		scratch[i] = pattern(i);
	if (k->kind != AOUT)
		write_elf(k, scratch);
	h = scratch + k->hdr_off;
	put32(h, MAGIC);
	put32(h + 4, k->flags);
	put32(h + 8, (uint32_t)(0u - MAGIC - k->flags + k->checksum_delta));
	if (k->flags & 0x10000) {
		put32(h + 12, k->header_addr);
		put32(h + 16, k->load_addr);
		put32(h + 20, k->load_end_addr);
		put32(h + 24, k->bss_end_addr);
		put32(h + 28, k->entry_addr);
	}
	assert_true(k->size <= SCRATCH);
	memcpy(file, scratch, k->size);
	free(scratch);
	return file;
}

/* ---------------------------------------------------------------- the kernels */

/* One PT_LOAD: 0x1800 bytes from file offset 0x1000 to 1 MiB, the Multiboot header at its start. */
static struct kernel elf32_one(void)
{
	struct kernel k = { .kind = ELF32, .flags = 0x3, .hdr_off = 0x1000, .entry = 0x10000c, .size = 0x2800,
			    .phnum = -1, .nph = 1 };

	k.ph[0] = (struct phdr){ 1, 0x1000, 0x100000, 0x100000, 0x1800, 0x1800 };
	return k;
}

/* Text, a note, data with bss, a zero-sized PT_LOAD (ignored), a bss-only PT_LOAD at 2 MiB. */
static struct kernel elf32_several(void)
{
	struct kernel k = { .kind = ELF32, .flags = 0x1, .hdr_off = 0x1000, .entry = 0x100010, .size = 0x2800,
			    .phnum = -1, .nph = 5 };

	k.ph[0] = (struct phdr){ 1, 0x1000, 0x100000, 0x100000, 0x1000, 0x1000 };
	k.ph[1] = (struct phdr){ NOT_LOADED, 0x1100, 0x100100, 0x100100, 0x20, 0x20 };
	k.ph[2] = (struct phdr){ 1, 0x2000, 0x101000, 0x101000, 0x800, 0x1800 };
	k.ph[3] = (struct phdr){ 1, 0x9999999, 0x300000, 0x300000, 0, 0 };
	k.ph[4] = (struct phdr){ 1, 0x2800, 0x200000, 0x200000, 0, 0x3000 };
	return k;
}

/* ELF64 linked at -2 GiB, loaded at 1 MiB; e_entry virtual. */
static struct kernel elf64_high(void)
{
	struct kernel k = { .kind = ELF64, .flags = 0x2, .hdr_off = 0x1000, .entry = 0xffffffff80100020ull,
			    .size = 0x2400, .phnum = -1, .nph = 2 };

	k.ph[0] = (struct phdr){ 1, 0x1000, 0xffffffff80100000ull, 0x100000, 0x1000, 0x1000 };
	k.ph[1] = (struct phdr){ 1, 0x2000, 0xffffffff80101000ull, 0x101000, 0x400, 0x2000 };
	return k;
}

/* The a.out kludge: header at file offset 0x40, loaded from offset 0 to 1 MiB, bss to 0x103000. */
static struct kernel aout_bss(void)
{
	struct kernel k = { .kind = AOUT, .flags = 0x10003, .hdr_off = 0x40, .size = 0x1200,
			    .header_addr = 0x100040, .load_addr = 0x100000, .load_end_addr = 0x101000,
			    .bss_end_addr = 0x103000, .entry_addr = 0x100060 };
	return k;
}

/* Segment i of a kernel of many: 0x100 file bytes from 0x1000 + i * 0x100, 0x200 in memory from
 * 1 MiB + i * 0x200. */
static struct phdr small_segment(unsigned i)
{
	return (struct phdr){ 1, 0x1000 + i * 0x100, 0x100000 + i * 0x200, 0x100000 + i * 0x200, 0x100, 0x200 };
}

/* ---------------------------------------------------------------- checking a plan */

static enum mb_err plan(const struct kernel *k, uint64_t mem, struct mb_plan *p, char *why, size_t why_len)
{
	uint8_t *file = build(k);
	enum mb_err err;

	memset(why, 'x', why_len);
	err = mb_plan(file, k->size, mem, p, why, why_len);
	free(file);
	return err;
}

static void expect_err(const char *what, const struct kernel *k, uint64_t mem, enum mb_err want, const char *name,
		       const char *want_why)
{
	struct mb_plan p;
	char why[256];
	enum mb_err got = plan(k, mem, &p, why, sizeof(why));

	if (got != want)
		fail_msg("%s: mb_plan = %s (\"%s\"), want %s", what, mb_err_name(got), why, mb_err_name(want));
	assert_string_equal(mb_err_name(got), name);
	if (strcmp(why, want_why))
		fail_msg("%s: why\n  \"%s\", want\n  \"%s\"", what, why, want_why);
}

static void expect_ok(const char *what, const struct kernel *k, uint64_t mem, struct mb_plan *p)
{
	char why[256];
	enum mb_err got = plan(k, mem, p, why, sizeof(why));

	if (got != MB_OK)
		fail_msg("%s: mb_plan = %s (\"%s\"), want OK", what, mb_err_name(got), why);
	assert_string_equal(why, "");
}

static void expect_segment(const struct mb_segment *s, uint64_t gpa, uint64_t vaddr, uint64_t off, uint64_t filesz,
			   uint64_t memsz, uint32_t index)
{
	assert_int_equal(s->gpa, gpa);
	assert_int_equal(s->vaddr, vaddr);
	assert_int_equal(s->file_offset, off);
	assert_int_equal(s->file_size, filesz);
	assert_int_equal(s->mem_size, memsz);
	assert_int_equal(s->phdr_index, index);
}

/* Loads k through mb_plan + mb_load into 4 MiB of 0xaa and compares every byte with what the test
 * itself expects: each PT_LOAD (or the a.out segment) copied from the file, zeros to its memory
 * size, 0xaa everywhere else. */
static void expect_loaded(const char *what, const struct kernel *k, struct mb_plan *p)
{
	uint8_t *file = build(k), *mem = malloc(MEM), *want = malloc(MEM);
	char why[256];

	assert_non_null(mem);
	assert_non_null(want);
	if (mb_plan(file, k->size, MEM, p, why, sizeof(why)) != MB_OK)
		fail_msg("%s: %s", what, why);
	memset(mem, 0xaa, MEM);
	memset(want, 0xaa, MEM);
	mb_load(p, file, mem);
	if (k->flags & 0x10000) {
		uint64_t off = k->hdr_off - (k->header_addr - k->load_addr);
		uint64_t filesz = k->load_end_addr ? k->load_end_addr - k->load_addr : k->size - off;
		uint64_t memsz = k->bss_end_addr ? k->bss_end_addr - k->load_addr : filesz;

		memcpy(want + k->load_addr, file + off, filesz);
		memset(want + k->load_addr + filesz, 0, memsz - filesz);
	} else {
		for (unsigned i = 0; i < k->nph; i++) {
			const struct phdr *h = &k->ph[i];

			if (h->type != 1 || h->memsz == 0)
				continue;
			memcpy(want + h->paddr, file + h->offset, h->filesz);
			memset(want + h->paddr + h->filesz, 0, h->memsz - h->filesz);
		}
	}
	for (uint64_t i = 0; i < MEM; i++)
		if (mem[i] != want[i])
			fail_msg("%s: guest byte 0x%llx is 0x%02x, want 0x%02x", what, (unsigned long long)i, mem[i],
				 want[i]);
	free(want);
	free(mem);
	free(file);
}

/* ---------------------------------------------------------------- detection */

static void test_detect(void **state)
{
	uint8_t buf[0x2100];
	struct guest_format_info f;

	(void)state;
	memset(buf, 0, sizeof(buf));
	f = guest_format_detect(buf, sizeof(buf));
	assert_int_equal(f.format, GUEST_FORMAT_UNKNOWN);
	assert_string_equal(guest_format_name(f.format), "UNKNOWN");
	assert_int_equal(guest_format_detect(buf, 0).format, GUEST_FORMAT_UNKNOWN);

	memcpy(buf, "MHVGUEST", 8);
	put32(buf + 0x100, MAGIC);     /* a Multiboot header in an MHVGUEST file does not matter */
	put32(buf + 0x104, 0);
	put32(buf + 0x108, 0u - MAGIC);
	f = guest_format_detect(buf, sizeof(buf));
	assert_int_equal(f.format, GUEST_FORMAT_MHVGUEST);
	assert_string_equal(guest_format_name(f.format), "MHVGUEST");
	assert_int_equal(guest_format_detect(buf, 7).format, GUEST_FORMAT_UNKNOWN);   /* "MHVGUES" */

	memcpy(buf, "MHVGUESS", 8);
	f = guest_format_detect(buf, sizeof(buf));
	assert_int_equal(f.format, GUEST_FORMAT_MULTIBOOT1);
	assert_string_equal(guest_format_name(f.format), "MULTIBOOT1");
	assert_int_equal(f.mb_status, MB_OK);
	assert_int_equal(f.mb_offset, 0x100);
	assert_int_equal(f.mb_flags, 0);
	assert_int_equal(f.mb_checksum, 0u - MAGIC);
	assert_string_equal(guest_format_name((enum guest_format)7), "UNKNOWN");
}

/* Where a header may be: 4-byte aligned, its 12 bytes within the first 8192 and within the file. */
static void test_detect_placement(void **state)
{
	static const struct {
		uint32_t off;
		uint64_t size;
		enum guest_format format;
		enum mb_err status;
	} cases[] = {
		{ 0, 12, GUEST_FORMAT_MULTIBOOT1, MB_OK },
		{ 0x1ff4, 0x2100, GUEST_FORMAT_MULTIBOOT1, MB_OK },        /* ends at 8192 exactly */
		{ 0x1ff8, 0x2100, GUEST_FORMAT_UNKNOWN, MB_OK },           /* would end at 8196 */
		{ 0x2000, 0x2100, GUEST_FORMAT_UNKNOWN, MB_OK },           /* past 8 KiB */
		{ 0x102, 0x2100, GUEST_FORMAT_UNKNOWN, MB_OK },            /* not 4-byte aligned */
		{ 0x100, 0x108, GUEST_FORMAT_MULTIBOOT1, MB_ERR_TRUNCATED }, /* the file ends inside it */
		{ 0x100, 0x103, GUEST_FORMAT_UNKNOWN, MB_OK },             /* not even the magic is there */
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint8_t *buf = calloc(1, 0x2100), *file = malloc(cases[i].size);
		struct guest_format_info f;

		assert_non_null(buf);
		assert_non_null(file);
		put32(buf + cases[i].off, MAGIC);
		put32(buf + cases[i].off + 4, 0);
		put32(buf + cases[i].off + 8, 0u - MAGIC);
		memcpy(file, buf, cases[i].size);
		f = guest_format_detect(file, cases[i].size);
		if (f.format != cases[i].format || f.mb_status != cases[i].status)
			fail_msg("case %zu (magic at 0x%x, %llu bytes): %s %s", i, cases[i].off,
				 (unsigned long long)cases[i].size, guest_format_name(f.format),
				 mb_err_name(f.mb_status));
		if (f.format == GUEST_FORMAT_MULTIBOOT1)
			assert_int_equal(f.mb_offset, cases[i].off);
		free(file);
		free(buf);
	}
}

/* A magic with a bad checksum is reported, unless a later one is a good header. */
static void test_detect_checksum(void **state)
{
	uint8_t buf[0x400];
	struct guest_format_info f;

	(void)state;
	memset(buf, 0, sizeof(buf));
	put32(buf + 0x40, MAGIC);
	put32(buf + 0x44, 0x3);
	put32(buf + 0x48, 0x12345678);
	put32(buf + 0x80, MAGIC);      /* a second bad one: the first is reported */
	f = guest_format_detect(buf, sizeof(buf));
	assert_int_equal(f.format, GUEST_FORMAT_MULTIBOOT1);
	assert_int_equal(f.mb_status, MB_ERR_BAD_CHECKSUM);
	assert_int_equal(f.mb_offset, 0x40);
	assert_int_equal(f.mb_flags, 0x3);
	assert_int_equal(f.mb_checksum, 0x12345678);

	put32(buf + 0x84, 0x10000);
	put32(buf + 0x88, 0u - MAGIC - 0x10000);
	f = guest_format_detect(buf, sizeof(buf));
	assert_int_equal(f.mb_status, MB_OK);
	assert_int_equal(f.mb_offset, 0x80);
	assert_int_equal(f.mb_flags, 0x10000);
}

/* The built-in default guest (build/guest/default.bin) is an MHVGUEST file. */
static void test_detect_default_guest(void **state)
{
	const char *dir = getenv("HV_SOURCE_DIR");
	static uint8_t data[0x100000];
	char path[4096];
	size_t n;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/build/guest/default.bin", dir && *dir ? dir : ".");
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot read %s (run make first, from the repository root)", path);
	n = fread(data, 1, sizeof(data), f);
	fclose(f);
	assert_int_equal(guest_format_detect(data, n).format, GUEST_FORMAT_MHVGUEST);
}

/* ---------------------------------------------------------------- good kernels, loaded */

static void test_load_elf32_one(void **state)
{
	struct kernel k = elf32_one();
	struct mb_plan p;

	(void)state;
	expect_loaded("ELF32, one PT_LOAD", &k, &p);
	assert_int_equal(p.kind, MB_KIND_ELF32);
	assert_int_equal(p.header_offset, 0x1000);
	assert_int_equal(p.header_flags, 0x3);
	assert_int_equal(p.entry, 0x10000c);
	assert_int_equal(p.segment_count, 1);
	expect_segment(&p.segments[0], 0x100000, 0x100000, 0x1000, 0x1800, 0x1800, 0);
}

static void test_load_elf32_several(void **state)
{
	struct kernel k = elf32_several();
	struct mb_plan p;

	(void)state;
	expect_loaded("ELF32, several PT_LOAD", &k, &p);
	assert_int_equal(p.kind, MB_KIND_ELF32);
	assert_int_equal(p.entry, 0x100010);
	assert_int_equal(p.segment_count, 3);    /* the note and the zero-sized PT_LOAD are not loaded */
	expect_segment(&p.segments[0], 0x100000, 0x100000, 0x1000, 0x1000, 0x1000, 0);
	expect_segment(&p.segments[1], 0x101000, 0x101000, 0x2000, 0x800, 0x1800, 2);
	expect_segment(&p.segments[2], 0x200000, 0x200000, 0x2800, 0, 0x3000, 4);

	/* Linked high, loaded low: e_entry virtual moves to the physical address; a physical e_entry
	 * (as Linux's vmlinux has it) stays. */
	k = elf32_one();
	k.ph[0].vaddr = 0xc0100000;
	k.entry = 0xc010000c;
	expect_ok("ELF32 linked at 3 GiB, virtual e_entry", &k, MEM, &p);
	assert_int_equal(p.entry, 0x10000c);
	k.entry = 0x10000c;
	expect_ok("ELF32 linked at 3 GiB, physical e_entry", &k, MEM, &p);
	assert_int_equal(p.entry, 0x10000c);
	k.entry = 0x1017ff;      /* the last byte */
	expect_ok("entry at the segment's last byte", &k, MEM, &p);
	assert_int_equal(p.entry, 0x1017ff);
	k.type = 3;              /* ET_DYN, loaded where its program headers say */
	expect_ok("ET_DYN", &k, MEM, &p);
}

static void test_load_elf64(void **state)
{
	struct kernel k = elf64_high();
	struct mb_plan p;

	(void)state;
	expect_loaded("ELF64 linked at -2 GiB", &k, &p);
	assert_int_equal(p.kind, MB_KIND_ELF64);
	assert_int_equal(p.entry, 0x100020);
	assert_int_equal(p.segment_count, 2);
	expect_segment(&p.segments[0], 0x100000, 0xffffffff80100000ull, 0x1000, 0x1000, 0x1000, 0);
	expect_segment(&p.segments[1], 0x101000, 0xffffffff80101000ull, 0x2000, 0x400, 0x2000, 1);
	k.entry = 0x102fff;      /* physical, in the second segment's bss */
	expect_ok("ELF64, physical entry in bss", &k, MEM, &p);
	assert_int_equal(p.entry, 0x102fff);
}

static void test_load_aout(void **state)
{
	struct kernel k = aout_bss();
	struct mb_plan p;

	(void)state;
	expect_loaded("a.out kludge with bss", &k, &p);
	assert_int_equal(p.kind, MB_KIND_AOUT_KLUDGE);
	assert_int_equal(p.header_offset, 0x40);
	assert_int_equal(p.header_flags, 0x10003);
	assert_int_equal(p.entry, 0x100060);
	assert_int_equal(p.segment_count, 1);
	expect_segment(&p.segments[0], 0x100000, 0x100000, 0, 0x1000, 0x3000, 0);

	/* An a.out header of 0x20 bytes before the text: loading starts at file offset 0x20;
	 * load_end_addr 0 = to the end of the file, bss_end_addr 0 = no bss. */
	k.hdr_off = 0x60;
	k.load_end_addr = 0;
	k.bss_end_addr = 0;
	expect_loaded("a.out kludge from file offset 0x20, to the end of the file", &k, &p);
	expect_segment(&p.segments[0], 0x100000, 0x100000, 0x20, 0x11e0, 0x11e0, 0);

	/* The kludge wins over an ELF's own headers, and over an ELF64 entry above 4 GiB. */
	k = elf64_high();
	k.flags = 0x10000;
	k.header_addr = 0x200000;
	k.load_addr = 0x200000 - 0x1000;
	k.entry_addr = 0x1ff000;
	expect_loaded("ELF64 file with the a.out kludge", &k, &p);
	assert_int_equal(p.kind, MB_KIND_AOUT_KLUDGE);
	expect_segment(&p.segments[0], 0x1ff000, 0x1ff000, 0, 0x2400, 0x2400, 0);
}

/* Exactly MB_MAX_SEGMENTS segments are loaded; the flags Multiboot leaves optional are ignored. */
static void test_load_limits(void **state)
{
	struct kernel k = elf32_one();
	struct mb_plan p;

	(void)state;
	k.nph = 16;
	for (unsigned i = 0; i < 16; i++)
		k.ph[i] = small_segment(i);
	expect_loaded("16 PT_LOAD segments", &k, &p);
	assert_int_equal(p.segment_count, 16);
	expect_segment(&p.segments[15], 0x101e00, 0x101e00, 0x1f00, 0x100, 0x200, 15);

	k = elf32_one();
	k.flags = 0xfffe0003;
	expect_ok("optional flags 17-31", &k, MEM, &p);
	/* Up to the information area and from its end, up to the hole and from 1 MiB to the last byte. */
	k.ph[0] = (struct phdr){ 1, 0x1000, 0x6800, 0x6800, 0x1800, 0x1800 };
	k.entry = 0x6800;
	expect_loaded("a segment ending at 0x8000", &k, &p);
	k.ph[0].vaddr = k.ph[0].paddr = 0x10000;
	k.entry = 0x10000;
	expect_loaded("a segment starting at 0x10000", &k, &p);
	k.ph[0].vaddr = k.ph[0].paddr = 0x9e800;
	k.entry = 0x9e800;
	expect_loaded("a segment ending at 640 KiB", &k, &p);
	k.ph[0].vaddr = k.ph[0].paddr = MEM - 0x1800;
	k.entry = MEM - 1;
	expect_loaded("a segment ending at the end of guest memory", &k, &p);
	expect_ok("guest memory of 4 GiB", &k, 0x100000000ull, &p);
}

/* ---------------------------------------------------------------- refusals */

static void test_no_header(void **state)
{
	struct kernel k = elf32_one();

	(void)state;
	k.hdr_off = 0x2000;
	k.size = 0x2100;
	expect_err("magic at 8 KiB", &k, MEM, MB_ERR_NO_HEADER, "NO_HEADER",
		   "no Multiboot header: no magic 0x1badb002 at a 4-byte aligned offset in the first 8192 bytes");
	k.hdr_off = 0x1ff8;
	expect_err("header would end at 8196", &k, MEM, MB_ERR_NO_HEADER, "NO_HEADER",
		   "no Multiboot header: no magic 0x1badb002 at a 4-byte aligned offset in the first 8192 bytes");
	k.hdr_off = 0x1002;
	expect_err("magic not aligned", &k, MEM, MB_ERR_NO_HEADER, "NO_HEADER",
		   "no Multiboot header: no magic 0x1badb002 at a 4-byte aligned offset in the first 8192 bytes");
}

static void test_bad_checksum(void **state)
{
	struct kernel k = elf32_one();

	(void)state;
	k.checksum_delta = 1;
	expect_err("checksum off by one", &k, MEM, MB_ERR_BAD_CHECKSUM, "BAD_CHECKSUM",
		   "Multiboot header at offset 0x1000 has a bad checksum: magic 0x1badb002 + flags 0x00000003 + "
		   "checksum 0xe4524ffc = 0x00000001, not 0");
	k = aout_bss();
	k.checksum_delta = 0x10000;     /* as if flags bit 16 had been left out of the sum */
	expect_err("checksum without bit 16", &k, MEM, MB_ERR_BAD_CHECKSUM, "BAD_CHECKSUM",
		   "Multiboot header at offset 0x40 has a bad checksum: magic 0x1badb002 + flags 0x00010003 + "
		   "checksum 0xe4524ffb = 0x00010000, not 0");
}

static void test_unsupported_flags(void **state)
{
	struct kernel k = elf32_one();
	char want[160], what[32];

	(void)state;
	k.flags = 0x7;
	expect_err("bit 2", &k, MEM, MB_ERR_UNSUPPORTED_FLAG, "UNSUPPORTED_FLAG",
		   "flags 0x00000007: required bit 2 (video mode) is not supported: minihv sets no video mode");
	k.flags = 0x10007;
	expect_err("bit 2 with the a.out kludge", &k, MEM, MB_ERR_UNSUPPORTED_FLAG, "UNSUPPORTED_FLAG",
		   "flags 0x00010007: required bit 2 (video mode) is not supported: minihv sets no video mode");
	for (unsigned bit = 3; bit < 16; bit++) {
		k.flags = 0x3 | 1u << bit;
		snprintf(what, sizeof(what), "bit %u", bit);
		snprintf(want, sizeof(want),
			 "flags 0x%08x: required bit %u is not defined by Multiboot 0.6.96, so it cannot be met",
			 k.flags, bit);
		expect_err(what, &k, MEM, MB_ERR_UNSUPPORTED_FLAG, "UNSUPPORTED_FLAG", want);
	}
	k.flags = 0xfff8;          /* the lowest is named */
	expect_err("bits 3-15", &k, MEM, MB_ERR_UNSUPPORTED_FLAG, "UNSUPPORTED_FLAG",
		   "flags 0x0000fff8: required bit 3 is not defined by Multiboot 0.6.96, so it cannot be met");
}

static void test_truncated(void **state)
{
	struct kernel k = elf32_one();

	(void)state;
	k.size = 0x1008;
	expect_err("header cut", &k, MEM, MB_ERR_TRUNCATED, "TRUNCATED",
		   "the file (4104 bytes) ends inside the Multiboot header at offset 0x1000");
	k = aout_bss();
	k.size = 0x50;
	expect_err("address fields cut", &k, MEM, MB_ERR_TRUNCATED, "TRUNCATED",
		   "the file (80 bytes) ends inside the Multiboot header's address fields (offset 0x40, 32 bytes)");
	k = elf32_one();
	k.hdr_off = 0x20;          /* inside the ELF header, which the file does not hold whole */
	k.size = 0x30;
	expect_err("ELF32 header cut", &k, MEM, MB_ERR_TRUNCATED, "TRUNCATED",
		   "the file (48 bytes) ends inside the 52-byte ELF32 header");
	k = elf64_high();
	k.hdr_off = 0x30;
	k.size = 0x3c;
	expect_err("ELF64 header cut", &k, MEM, MB_ERR_TRUNCATED, "TRUNCATED",
		   "the file (60 bytes) ends inside the 64-byte ELF64 header");
	k = elf32_several();
	k.phoff = 0x2800 - 0x40;   /* 5 x 32 bytes from there */
	expect_err("program headers cut", &k, MEM, MB_ERR_TRUNCATED, "TRUNCATED",
		   "program headers at file offset 0x27c0 (5 x 32 bytes) pass the end of the file (10240 bytes)");
	k = elf64_high();
	k.phoff = 0xfffffffffffffff0ull;
	expect_err("program headers at 2^64 - 16", &k, MEM, MB_ERR_TRUNCATED, "TRUNCATED",
		   "program headers at file offset 0xfffffffffffffff0 (2 x 56 bytes) pass the end of the file "
		   "(9216 bytes)");
	k = elf32_one();
	k.size = 0x2000;
	expect_err("segment bytes cut", &k, MEM, MB_ERR_TRUNCATED, "TRUNCATED",
		   "program header 0: 0x1800 bytes at file offset 0x1000 pass the end of the file (8192 bytes)");
	k = elf64_high();
	k.ph[1].offset = 0xffffffffffffff00ull;
	expect_err("segment offset near 2^64", &k, MEM, MB_ERR_TRUNCATED, "TRUNCATED",
		   "program header 1: 0x400 bytes at file offset 0xffffffffffffff00 pass the end of the file "
		   "(9216 bytes)");
	k = aout_bss();
	k.load_end_addr = 0x101201;
	k.bss_end_addr = 0;
	expect_err("a.out load_end_addr past the file", &k, MEM, MB_ERR_TRUNCATED, "TRUNCATED",
		   "load_addr to load_end_addr is 0x1201 bytes from file offset 0x0, past the end of the file "
		   "(4608 bytes)");
}

static void test_header_too_far(void **state)
{
	struct kernel k = aout_bss();

	(void)state;
	k.hdr_off = 0x1ff0;
	k.size = 0x3000;
	k.header_addr = 0x101ff0;
	k.load_end_addr = 0x103000;
	k.bss_end_addr = 0;
	expect_err("address fields past 8 KiB", &k, MEM, MB_ERR_HEADER_TOO_FAR, "HEADER_TOO_FAR",
		   "the Multiboot header at offset 0x1ff0 with its address fields (32 bytes) ends past the first "
		   "8192 bytes");
	k.hdr_off = 0x1fe0;
	k.header_addr = 0x101fe0;
	expect_ok("address fields end at 8 KiB", &k, MEM, &(struct mb_plan){ 0 });
}

static void test_not_elf(void **state)
{
	struct kernel k = aout_bss();

	(void)state;
	k.flags = 0x3;             /* bit 16 clear, no ELF */
	expect_err("raw binary without bit 16", &k, MEM, MB_ERR_NOT_ELF, "NOT_ELF",
		   "not an ELF file (no \\x7fELF magic) and flags bit 16 is clear: the header gives no load addresses");
	k.hdr_off = 0;
	expect_err("header at offset 0", &k, MEM, MB_ERR_NOT_ELF, "NOT_ELF",
		   "not an ELF file (no \\x7fELF magic) and flags bit 16 is clear: the header gives no load addresses");
}

static void test_bad_elf(void **state)
{
	struct kernel k;

	(void)state;
	k = elf32_one();
	k.class = 3;
	expect_err("class 3", &k, MEM, MB_ERR_BAD_ELF, "BAD_ELF",
		   "ELF class 3 is neither ELFCLASS32 (1) nor ELFCLASS64 (2)");
	k = elf32_one();
	k.data = 2;
	expect_err("big-endian", &k, MEM, MB_ERR_BAD_ELF, "BAD_ELF",
		   "ELF data encoding 2 is not ELFDATA2LSB (1, little-endian)");
	k = elf32_one();
	k.type = 1;
	expect_err("ET_REL", &k, MEM, MB_ERR_BAD_ELF, "BAD_ELF", "ELF e_type 1 is neither ET_EXEC (2) nor ET_DYN (3)");
	k = elf32_one();
	k.machine = 62;
	expect_err("ELF32 for x86-64", &k, MEM, MB_ERR_BAD_ELF, "BAD_ELF", "ELF32 e_machine 62 is not EM_386 (3)");
	k = elf64_high();
	k.machine = 3;
	expect_err("ELF64 for i386", &k, MEM, MB_ERR_BAD_ELF, "BAD_ELF", "ELF64 e_machine 3 is not EM_X86_64 (62)");
	k = elf32_one();
	k.phnum = 0;
	expect_err("e_phnum 0", &k, MEM, MB_ERR_BAD_ELF, "BAD_ELF", "no program headers (e_phnum 0)");
	k = elf64_high();
	k.phentsize = 64;
	expect_err("e_phentsize 64", &k, MEM, MB_ERR_BAD_ELF, "BAD_ELF", "e_phentsize 64, expected 56 for ELF64");
	k = elf32_several();
	k.ph[0].type = NOT_LOADED;
	k.ph[2].type = NOT_LOADED;
	k.ph[4].memsz = 0;
	expect_err("only a zero-sized PT_LOAD", &k, MEM, MB_ERR_BAD_ELF, "BAD_ELF",
		   "no PT_LOAD program header with bytes to load");
}

static void test_bad_segment(void **state)
{
	struct kernel k = elf32_several();

	(void)state;
	k.ph[2].memsz = 0x7ff;
	expect_err("p_memsz < p_filesz", &k, MEM, MB_ERR_BAD_SEGMENT, "BAD_SEGMENT",
		   "program header 2: p_memsz 0x7ff is below p_filesz 0x800");
	k = elf32_several();
	k.ph[3].filesz = 1;        /* zero-sized in memory, but with file bytes */
	expect_err("p_memsz 0, p_filesz 1", &k, MEM, MB_ERR_BAD_SEGMENT, "BAD_SEGMENT",
		   "program header 3: p_memsz 0x0 is below p_filesz 0x1");
}

static void test_bad_aout(void **state)
{
	struct kernel k;

	(void)state;
	k = aout_bss();
	k.load_addr = 0x100080;
	expect_err("load_addr above header_addr", &k, MEM, MB_ERR_BAD_ADDRESS, "BAD_ADDRESS",
		   "load_addr 0x100080 is above header_addr 0x100040 (load_addr <= header_addr)");
	k = aout_bss();
	k.header_addr = 0x100080;  /* the header would be 0x80 into the text, but it is 0x40 into the file */
	expect_err("header_addr against the header's offset", &k, MEM, MB_ERR_BAD_ADDRESS, "BAD_ADDRESS",
		   "header_addr - load_addr is 0x80 but the header is at file offset 0x40: loading would start "
		   "before the file");
	k = aout_bss();
	k.load_end_addr = 0xff000;
	expect_err("load_end_addr below load_addr", &k, MEM, MB_ERR_BAD_ADDRESS, "BAD_ADDRESS",
		   "load_end_addr 0xff000 is below load_addr 0x100000");
	k = aout_bss();
	k.load_end_addr = 0x100050;
	expect_err("header not loaded", &k, MEM, MB_ERR_BAD_ADDRESS, "BAD_ADDRESS",
		   "the header at header_addr 0x100040 (32 bytes) is not inside the loaded bytes [0x100000, 0x100050)");
	k = aout_bss();
	k.bss_end_addr = 0x100800;
	expect_err("bss_end_addr below load_end_addr", &k, MEM, MB_ERR_BAD_ADDRESS, "BAD_ADDRESS",
		   "bss_end_addr 0x100800 is below the end of the loaded bytes 0x101000");
	k = aout_bss();
	k.load_end_addr = 0;
	k.bss_end_addr = 0x101000; /* the file's 0x1200 bytes end at 0x101200 */
	expect_err("bss_end_addr below the end of the file", &k, MEM, MB_ERR_BAD_ADDRESS, "BAD_ADDRESS",
		   "bss_end_addr 0x101000 is below the end of the loaded bytes 0x101200");
}

static void test_too_many_segments(void **state)
{
	struct kernel k = elf32_one();

	(void)state;
	k.nph = 17;
	for (unsigned i = 0; i < 17; i++)
		k.ph[i] = small_segment(i);
	expect_err("17 PT_LOAD", &k, MEM, MB_ERR_TOO_MANY_SEGMENTS, "TOO_MANY_SEGMENTS",
		   "program header 16: more than 16 segments to load");
	k.ph[3].memsz = k.ph[3].filesz = 0;   /* a zero-sized one does not count */
	expect_ok("17 PT_LOAD, one zero-sized", &k, MEM, &(struct mb_plan){ 0 });
}

static void test_outside_memory(void **state)
{
	struct kernel k = elf32_one();

	(void)state;
	k.ph[0].paddr = 0x500000;
	expect_err("beyond memory", &k, MEM, MB_ERR_OUTSIDE_MEMORY, "OUTSIDE_MEMORY",
		   "program header 0: [0x500000, 0x501800) is outside guest memory [0, 0x400000)");
	k.ph[0].paddr = MEM;
	expect_err("at the end of memory", &k, MEM, MB_ERR_OUTSIDE_MEMORY, "OUTSIDE_MEMORY",
		   "program header 0: [0x400000, 0x401800) is outside guest memory [0, 0x400000)");
	k.ph[0].paddr = 0x3ff000;
	expect_err("crossing the end", &k, MEM, MB_ERR_OUTSIDE_MEMORY, "OUTSIDE_MEMORY",
		   "program header 0: [0x3ff000, 0x400800) crosses the end of guest memory at 0x400000");
	k.ph[0].paddr = 0xfffff000;
	expect_err("ELF32 wrapping around 4 GiB", &k, MEM, MB_ERR_OUTSIDE_MEMORY, "OUTSIDE_MEMORY",
		   "program header 0: 0x1800 bytes at 0xfffff000 wrap around the 32-bit address space");
	k = elf64_high();
	k.ph[1].paddr = 0xfffffffffffff000ull;
	expect_err("ELF64 wrapping around 2^64", &k, MEM, MB_ERR_OUTSIDE_MEMORY, "OUTSIDE_MEMORY",
		   "program header 1: 0x2000 bytes at 0xfffffffffffff000 wrap around the 64-bit address space");
	k.ph[1].paddr = 0x100000000ull;
	expect_err("ELF64 at 4 GiB", &k, MEM, MB_ERR_OUTSIDE_MEMORY, "OUTSIDE_MEMORY",
		   "program header 1: [0x100000000, 0x100002000) is outside guest memory [0, 0x400000)");
	k = aout_bss();
	k.header_addr = 0xffffff40;
	k.load_addr = 0xffffff00;
	k.load_end_addr = 0;
	k.bss_end_addr = 0;
	k.entry_addr = 0xffffff60;
	expect_err("a.out wrapping around 4 GiB", &k, MEM, MB_ERR_OUTSIDE_MEMORY, "OUTSIDE_MEMORY",
		   "the a.out kludge segment: 0x1200 bytes at 0xffffff00 wrap around the 32-bit address space");
	k = aout_bss();
	k.bss_end_addr = 0x500000;
	expect_err("a.out bss past memory", &k, MEM, MB_ERR_OUTSIDE_MEMORY, "OUTSIDE_MEMORY",
		   "the a.out kludge segment: [0x100000, 0x500000) crosses the end of guest memory at 0x400000");
}

static void test_reserved_areas(void **state)
{
	struct kernel k = elf32_one();

	(void)state;
	k.ph[0].paddr = 0x9000;
	expect_err("over the information area", &k, MEM, MB_ERR_OVER_INFO_AREA, "OVER_INFO_AREA",
		   "program header 0: [0x9000, 0xa800) overlaps the Multiboot information area [0x8000, 0x10000)");
	k.ph[0].paddr = 0x6801;
	expect_err("one byte into the information area", &k, MEM, MB_ERR_OVER_INFO_AREA, "OVER_INFO_AREA",
		   "program header 0: [0x6801, 0x8001) overlaps the Multiboot information area [0x8000, 0x10000)");
	k.ph[0].paddr = 0xffff;
	expect_err("its last byte", &k, MEM, MB_ERR_OVER_INFO_AREA, "OVER_INFO_AREA",
		   "program header 0: [0xffff, 0x117ff) overlaps the Multiboot information area [0x8000, 0x10000)");
	k.ph[0].paddr = 0x0;
	k.ph[0].memsz = 0x200000;
	expect_err("all of low memory", &k, MEM, MB_ERR_OVER_INFO_AREA, "OVER_INFO_AREA",
		   "program header 0: [0x0, 0x200000) overlaps the Multiboot information area [0x8000, 0x10000)");
	k = elf32_one();
	k.ph[0].paddr = 0x9e801;
	expect_err("into the hole", &k, MEM, MB_ERR_RESERVED_MEMORY, "RESERVED_MEMORY",
		   "program header 0: [0x9e801, 0xa0001) overlaps [0xa0000, 0x100000), reserved in the memory map "
		   "(VGA and BIOS)");
	k.ph[0].paddr = 0xff000;
	expect_err("out of the hole", &k, MEM, MB_ERR_RESERVED_MEMORY, "RESERVED_MEMORY",
		   "program header 0: [0xff000, 0x100800) overlaps [0xa0000, 0x100000), reserved in the memory map "
		   "(VGA and BIOS)");
}

static void test_overlap(void **state)
{
	struct kernel k = elf32_several();

	(void)state;
	k.ph[2].paddr = 0x100fff;
	expect_err("text and data by a byte", &k, MEM, MB_ERR_OVERLAP, "OVERLAP",
		   "program header 0 [0x100000, 0x101000) overlaps program header 2 [0x100fff, 0x1027ff)");
	k = elf32_several();
	k.ph[4].paddr = 0x102000;  /* the bss-only segment over data's bss */
	expect_err("bss over bss", &k, MEM, MB_ERR_OVERLAP, "OVERLAP",
		   "program header 2 [0x101000, 0x102800) overlaps program header 4 [0x102000, 0x105000)");
	k = elf32_several();
	k.ph[2].paddr = 0x100400;  /* inside */
	k.ph[2].memsz = 0x800;
	expect_err("one inside the other", &k, MEM, MB_ERR_OVERLAP, "OVERLAP",
		   "program header 0 [0x100000, 0x101000) overlaps program header 2 [0x100400, 0x100c00)");
	k = elf64_high();
	k.ph[1].paddr = 0x101000;  /* touching: fine */
	k.ph[1].vaddr = 0x101000;
	expect_ok("adjacent segments", &k, MEM, &(struct mb_plan){ 0 });
}

static void test_bad_entry(void **state)
{
	struct kernel k = elf32_several();

	(void)state;
	k.entry = 0x200000 + 0x3000;      /* one past the bss-only segment */
	expect_err("past a segment", &k, MEM, MB_ERR_BAD_ENTRY, "BAD_ENTRY",
		   "entry point 0x203000 is in no loaded segment");
	k.entry = 0x100100;               /* inside the note, which is inside text: fine */
	expect_ok("entry in text", &k, MEM, &(struct mb_plan){ 0 });
	k.entry = 0x300000;               /* where the zero-sized PT_LOAD would be */
	expect_err("in a zero-sized segment", &k, MEM, MB_ERR_BAD_ENTRY, "BAD_ENTRY",
		   "entry point 0x300000 is in no loaded segment");
	k.entry = 0;
	expect_err("entry 0", &k, MEM, MB_ERR_BAD_ENTRY, "BAD_ENTRY", "entry point 0x0 is in no loaded segment");
	k = elf64_high();
	k.entry = 0x100100020ull;        /* neither virtual nor physical in a segment, above 4 GiB */
	expect_err("ELF64 entry above 4 GiB", &k, MEM, MB_ERR_ENTRY_ABOVE_4G, "ENTRY_ABOVE_4G",
		   "entry point 0x100100020 is above 4 GiB: a Multiboot kernel starts in 32-bit protected mode");
	k.entry = 0xffffffff80200000ull; /* past the virtual range */
	expect_err("ELF64 virtual entry past the segments", &k, MEM, MB_ERR_ENTRY_ABOVE_4G, "ENTRY_ABOVE_4G",
		   "entry point 0xffffffff80200000 is above 4 GiB: a Multiboot kernel starts in 32-bit protected mode");
	k = aout_bss();
	k.entry_addr = 0x103000;
	expect_err("a.out entry at bss_end_addr", &k, MEM, MB_ERR_BAD_ENTRY, "BAD_ENTRY",
		   "entry point 0x103000 is in no loaded segment");
	k.entry_addr = 0xfffff;
	expect_err("a.out entry below load_addr", &k, MEM, MB_ERR_BAD_ENTRY, "BAD_ENTRY",
		   "entry point 0xfffff is in no loaded segment");
}

static void test_mem_size(void **state)
{
	struct kernel k = elf32_one();

	(void)state;
	expect_err("1 MiB", &k, 0x100000, MB_ERR_MEM_SIZE, "MEM_SIZE",
		   "guest memory is 0x100000 bytes: a Multiboot kernel needs more than 1 MiB, at most 4 GiB");
	expect_err("4 GiB + 1", &k, 0x100000001ull, MB_ERR_MEM_SIZE, "MEM_SIZE",
		   "guest memory is 0x100000001 bytes: a Multiboot kernel needs more than 1 MiB, at most 4 GiB");
	expect_err("0", &k, 0, MB_ERR_MEM_SIZE, "MEM_SIZE",
		   "guest memory is 0x0 bytes: a Multiboot kernel needs more than 1 MiB, at most 4 GiB");
}

/* A short why buffer gets a cut, terminated reason; a zero-length one is not touched. */
static void test_short_why(void **state)
{
	struct kernel k = elf32_one();
	struct mb_plan p;
	char why[9];

	(void)state;
	k.checksum_delta = 1;
	assert_int_equal(plan(&k, MEM, &p, why, sizeof(why)), MB_ERR_BAD_CHECKSUM);
	assert_string_equal(why, "Multiboo");
	assert_int_equal(plan(&k, MEM, &p, why, 0), MB_ERR_BAD_CHECKSUM);
}

static void test_err_names(void **state)
{
	static const char *const names[] = {
		"OK", "NO_HEADER", "TRUNCATED", "BAD_CHECKSUM", "HEADER_TOO_FAR", "UNSUPPORTED_FLAG", "NOT_ELF",
		"BAD_ELF", "BAD_SEGMENT", "BAD_ADDRESS", "TOO_MANY_SEGMENTS", "OUTSIDE_MEMORY", "RESERVED_MEMORY",
		"OVER_INFO_AREA", "OVERLAP", "ENTRY_ABOVE_4G", "BAD_ENTRY", "MEM_SIZE", "CMDLINE_TOO_LONG",
		"NAME_TOO_LONG",
	};

	(void)state;
	assert_int_equal(ARRAY_SIZE(names), MB_ERR_LAST + 1);
	for (int i = 0; i < (int)ARRAY_SIZE(names); i++)
		assert_string_equal(mb_err_name(i), names[i]);
	assert_string_equal(mb_err_name(-1), "UNKNOWN");
	assert_string_equal(mb_err_name(MB_ERR_LAST + 1), "UNKNOWN");
}

/* ---------------------------------------------------------------- the information structure */

#define AREA_END 0x10000u

/* Builds the information area in 64 KiB of 0xaa (enough: nothing is written past 0xffff). */
static enum mb_err build_info(uint8_t *mem, uint64_t mem_size, const char *cmdline, const char *name, uint32_t *gpa,
			      char *why, size_t why_len)
{
	memset(mem, 0xaa, AREA_END + 0x100);
	memset(why, 'x', why_len);
	*gpa = 0x5a5a5a5a;
	return mb_build_info(mem, mem_size, cmdline, name, gpa, why, why_len);
}

/* Every byte of [0x8000, 0x10000) that is not a field, the map or a string is 0; around it, 0xaa. */
static void expect_rest_zero(const uint8_t *mem, uint32_t cmdline_len, uint32_t name_len)
{
	for (uint32_t a = 0x7f00; a < AREA_END + 0x100; a++) {
		int in_area = a >= 0x8000 && a < AREA_END;
		int field = a >= 0x8000 && a < 0x8000 + 116;   /* checked field by field */
		int map = a >= 0x8080 && a < 0x8080 + 72;
		int name = a >= 0x8100 && a < 0x8100 + name_len;
		int cmd = a >= 0x8200 && a < 0x8200 + cmdline_len;

		if (field || map || name || cmd)
			continue;
		if (mem[a] != (in_area ? 0 : 0xaa))
			fail_msg("byte 0x%x is 0x%02x, want 0x%02x", a, mem[a], in_area ? 0 : 0xaa);
	}
}

static void expect_mmap_entry(const uint8_t *e, uint64_t base, uint64_t length, uint32_t type)
{
	assert_int_equal(get32(e), 20);          /* size: the bytes after it */
	assert_int_equal(get64(e + 4), base);
	assert_int_equal(get64(e + 12), length);
	assert_int_equal(get32(e + 20), type);
}

static void test_info(void **state)
{
	uint8_t *mem = malloc(AREA_END + 0x100);
	const uint8_t *info = mem + 0x8000;
	char why[160];
	uint32_t gpa;

	(void)state;
	assert_non_null(mem);
	assert_int_equal(build_info(mem, MEM, "console=ttyS0 root=/dev/ram0", "minihv 0.1.0", &gpa, why, sizeof(why)),
			 MB_OK);
	assert_string_equal(why, "");
	assert_int_equal(gpa, 0x8000);
	assert_int_equal(MULTIBOOT_BOOTLOADER_MAGIC, 0x2BADB002u);   /* EAX at entry, Multiboot §3.2 */
	/* flags: mem_* (bit 0), cmdline (2), mmap_* (6), boot_loader_name (9); no boot_device (1), no
	 * modules (3), no symbols (4, 5), drives (7), config table (8), APM (10), VBE (11), framebuffer (12). */
	assert_int_equal(get32(info + 0), 0x245);
	assert_int_equal(get32(info + 4), 640);                  /* mem_lower, KiB */
	assert_int_equal(get32(info + 8), (MEM - 0x100000) / 1024); /* mem_upper, KiB: 3072 */
	assert_int_equal(get32(info + 8), 3072);
	assert_int_equal(get32(info + 12), 0);                   /* boot_device */
	assert_int_equal(get32(info + 16), 0x8200);              /* cmdline */
	assert_int_equal(get32(info + 20), 0);                   /* mods_count */
	assert_int_equal(get32(info + 24), 0);                   /* mods_addr */
	for (int off = 28; off <= 40; off += 4)                  /* syms */
		assert_int_equal(get32(info + off), 0);
	assert_int_equal(get32(info + 44), 72);                  /* mmap_length: 3 entries of 24 bytes */
	assert_int_equal(get32(info + 48), 0x8080);              /* mmap_addr */
	assert_int_equal(get32(info + 52), 0);                   /* drives_length */
	assert_int_equal(get32(info + 56), 0);                   /* drives_addr */
	assert_int_equal(get32(info + 60), 0);                   /* config_table */
	assert_int_equal(get32(info + 64), 0x8100);              /* boot_loader_name */
	for (int off = 68; off < 116; off++)                     /* apm_table, vbe_*, framebuffer_* */
		assert_int_equal(info[off], 0);
	expect_mmap_entry(mem + 0x8080, 0, 0xa0000, 1);
	expect_mmap_entry(mem + 0x8080 + 24, 0xa0000, 0x60000, 2);
	expect_mmap_entry(mem + 0x8080 + 48, 0x100000, MEM - 0x100000, 1);
	assert_string_equal((const char *)mem + 0x8200, "console=ttyS0 root=/dev/ram0");
	assert_string_equal((const char *)mem + 0x8100, "minihv 0.1.0");
	expect_rest_zero(mem, 29, 13);
	free(mem);
}

/* Without a command line or a name their bits stay clear; an empty command line is given. */
static void test_info_optional(void **state)
{
	uint8_t *mem = malloc(AREA_END + 0x100);
	char why[160];
	uint32_t gpa;

	(void)state;
	assert_non_null(mem);
	assert_int_equal(build_info(mem, MEM, NULL, NULL, &gpa, why, sizeof(why)), MB_OK);
	assert_int_equal(get32(mem + 0x8000), 0x41);
	assert_int_equal(get32(mem + 0x8000 + 16), 0);
	assert_int_equal(get32(mem + 0x8000 + 64), 0);
	expect_rest_zero(mem, 0, 0);
	assert_int_equal(build_info(mem, MEM, "", NULL, &gpa, why, sizeof(why)), MB_OK);
	assert_int_equal(get32(mem + 0x8000), 0x45);
	assert_int_equal(get32(mem + 0x8000 + 16), 0x8200);
	assert_int_equal(mem[0x8200], 0);
	expect_rest_zero(mem, 1, 0);
	/* 4 GiB of guest memory: mem_upper 4 GiB - 1 MiB in KiB, the last map entry to 4 GiB. */
	assert_int_equal(build_info(mem, 0x100000000ull, NULL, "x", &gpa, why, sizeof(why)), MB_OK);
	assert_int_equal(get32(mem + 0x8000), 0x241);
	assert_int_equal(get32(mem + 0x8000 + 8), 4193280);
	expect_mmap_entry(mem + 0x8080 + 48, 0x100000, 0xfff00000ull, 1);
	free(mem);
}

/* The longest command line and name fit exactly; one byte more is refused, nothing written. */
static void test_info_limits(void **state)
{
	uint8_t *mem = malloc(AREA_END + 0x100);
	char *cmd = malloc(0x7e01), name[0x101], why[160];
	uint32_t gpa;

	(void)state;
	assert_non_null(mem);
	assert_non_null(cmd);
	memset(cmd, 'c', 0x7dff);
	cmd[0x7dff] = '\0';
	memset(name, 'n', 0xff);
	name[0xff] = '\0';
	assert_int_equal(build_info(mem, MEM, cmd, name, &gpa, why, sizeof(why)), MB_OK);
	assert_int_equal(mem[0xfffe], 'c');
	assert_int_equal(mem[0xffff], 0);
	assert_int_equal(mem[0x10000], 0xaa);
	assert_int_equal(mem[0x81fe], 'n');
	assert_int_equal(mem[0x81ff], 0);
	expect_rest_zero(mem, 0x7e00, 0x100);

	cmd[0x7dff] = 'c';
	cmd[0x7e00] = '\0';
	assert_int_equal(build_info(mem, MEM, cmd, name, &gpa, why, sizeof(why)), MB_ERR_CMDLINE_TOO_LONG);
	assert_string_equal(mb_err_name(MB_ERR_CMDLINE_TOO_LONG), "CMDLINE_TOO_LONG");
	assert_string_equal(why, "command line is 32256 bytes; at most 32255 fit in the information area "
				 "(0x8200-0xffff with the NUL)");
	assert_int_equal(gpa, 0x5a5a5a5a);
	for (uint32_t a = 0x8000; a < AREA_END; a++)
		assert_int_equal(mem[a], 0xaa);

	name[0xff] = 'n';
	name[0x100] = '\0';
	assert_int_equal(build_info(mem, MEM, "", name, &gpa, why, sizeof(why)), MB_ERR_NAME_TOO_LONG);
	assert_string_equal(why, "boot loader name is 256 bytes; at most 255 fit in the information area "
				 "(0x8100-0x81ff with the NUL)");
	assert_int_equal(build_info(mem, 0x100000, "", "", &gpa, why, sizeof(why)), MB_ERR_MEM_SIZE);
	assert_string_equal(why,
			    "guest memory is 0x100000 bytes: a Multiboot kernel needs more than 1 MiB, at most 4 GiB");
	for (uint32_t a = 0x8000; a < AREA_END; a++)
		assert_int_equal(mem[a], 0xaa);
	free(cmd);
	free(mem);
}

/* The information area's places, as docs/guest-abi.md gives them. */
static void test_info_layout(void **state)
{
	(void)state;
	assert_int_equal(MB_INFO_GPA, 0x8000);
	assert_int_equal(MB_INFO_GPA + MB_INFO_SIZE, 0x10000);
	assert_true(MB_INFO_GPA + MB_INFO_SIZE <= 0xa0000);              /* below 640 KiB */
	assert_true(MB_INFO_GPA + MULTIBOOT_INFO_STRUCT_SIZE <= MB_MMAP_GPA);
	assert_true(MB_MMAP_GPA + MB_MMAP_ENTRIES * MULTIBOOT_MMAP_ENTRY_SIZE <= MB_LOADER_NAME_GPA);
	assert_true(MB_LOADER_NAME_GPA + MB_LOADER_NAME_MAX <= MB_CMDLINE_GPA);
	assert_int_equal(MB_CMDLINE_GPA + MB_CMDLINE_MAX, 0x10000);
	assert_int_equal(MB_MAX_SEGMENTS, 16);
}

/* ---------------------------------------------------------------- numbers against their sources */

static void test_elf_numbers(void **state)
{
#define OURS(name) { #name, name }
	static const struct elf_ref ours[] = {
		OURS(EI_NIDENT), OURS(EI_MAG0), OURS(EI_CLASS), OURS(EI_DATA), OURS(ELFMAG0), OURS(ELFMAG1),
		OURS(ELFMAG2), OURS(ELFMAG3), OURS(ELFCLASS32), OURS(ELFCLASS64), OURS(ELFDATA2LSB), OURS(ET_EXEC),
		OURS(ET_DYN), OURS(EM_386), OURS(EM_X86_64), OURS(PT_LOAD),
		OURS(ELF_E_TYPE), { "ELF_E_TYPE (Elf64_Ehdr)", ELF_E_TYPE },
		OURS(ELF_E_MACHINE), { "ELF_E_MACHINE (Elf64_Ehdr)", ELF_E_MACHINE },
		OURS(ELF32_E_ENTRY), OURS(ELF32_E_PHOFF), OURS(ELF32_E_PHENTSIZE), OURS(ELF32_E_PHNUM),
		OURS(ELF32_EHDR_SIZE), OURS(ELF64_E_ENTRY), OURS(ELF64_E_PHOFF), OURS(ELF64_E_PHENTSIZE),
		OURS(ELF64_E_PHNUM), OURS(ELF64_EHDR_SIZE),
		OURS(ELF_P_TYPE), { "ELF_P_TYPE (Elf64_Phdr)", ELF_P_TYPE },
		OURS(ELF32_P_OFFSET), OURS(ELF32_P_VADDR), OURS(ELF32_P_PADDR), OURS(ELF32_P_FILESZ),
		OURS(ELF32_P_MEMSZ), OURS(ELF32_PHDR_SIZE), OURS(ELF64_P_OFFSET), OURS(ELF64_P_VADDR),
		OURS(ELF64_P_PADDR), OURS(ELF64_P_FILESZ), OURS(ELF64_P_MEMSZ), OURS(ELF64_PHDR_SIZE),
	};
#undef OURS

	(void)state;
	assert_int_equal(ARRAY_SIZE(ours), elf_ref_count);
	for (size_t i = 0; i < ARRAY_SIZE(ours); i++) {
		size_t j = 0;

		while (j < elf_ref_count && strcmp(elf_ref[j].name, ours[i].name))
			j++;
		if (j == elf_ref_count)
			fail_msg("%s: not in tests/host/elf_ref.c", ours[i].name);
		if (ours[i].value != elf_ref[j].value)
			fail_msg("%s: vmm/vm/elf.h says %llu, <elf.h> %llu", ours[i].name, ours[i].value,
				 elf_ref[j].value);
	}
}

/* The Multiboot numbers as the spec prints them (§3.1.1-§3.1.3, §3.2, §3.3, and its multiboot.h in
 * §4.3.1), against the module's names. */
static void test_multiboot_numbers(void **state)
{
	(void)state;
	assert_int_equal(MULTIBOOT_HEADER_MAGIC, 0x1BADB002u);
	assert_int_equal(MULTIBOOT_BOOTLOADER_MAGIC, 0x2BADB002u);
	assert_int_equal(MULTIBOOT_SEARCH, 8192);
	assert_int_equal(MULTIBOOT_HEADER_ALIGN, 4);
	assert_int_equal(MULTIBOOT_PAGE_ALIGN, 0x1);
	assert_int_equal(MULTIBOOT_MEMORY_INFO, 0x2);
	assert_int_equal(MULTIBOOT_VIDEO_MODE, 0x4);
	assert_int_equal(MULTIBOOT_AOUT_KLUDGE, 0x10000);
	assert_int_equal(MULTIBOOT_HDR_HEADER_ADDR, 12);
	assert_int_equal(MULTIBOOT_HDR_ENTRY_ADDR, 28);
	assert_int_equal(MULTIBOOT_INFO_OFF_MMAP_LENGTH, 44);
	assert_int_equal(MULTIBOOT_INFO_OFF_MMAP_ADDR, 48);
	assert_int_equal(MULTIBOOT_INFO_OFF_BOOT_LOADER_NAME, 64);
	assert_int_equal(MULTIBOOT_INFO_CMDLINE, 1u << 2);
	assert_int_equal(MULTIBOOT_INFO_MEM_MAP, 1u << 6);
	assert_int_equal(MULTIBOOT_INFO_BOOT_LOADER_NAME, 1u << 9);
	assert_int_equal(MULTIBOOT_MEMORY_AVAILABLE, 1);
	assert_int_equal(MULTIBOOT_MEMORY_RESERVED, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_detect_placement),
		cmocka_unit_test(test_detect_checksum),
		cmocka_unit_test(test_detect_default_guest),
		cmocka_unit_test(test_load_elf32_one),
		cmocka_unit_test(test_load_elf32_several),
		cmocka_unit_test(test_load_elf64),
		cmocka_unit_test(test_load_aout),
		cmocka_unit_test(test_load_limits),
		cmocka_unit_test(test_no_header),
		cmocka_unit_test(test_bad_checksum),
		cmocka_unit_test(test_unsupported_flags),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_header_too_far),
		cmocka_unit_test(test_not_elf),
		cmocka_unit_test(test_bad_elf),
		cmocka_unit_test(test_bad_segment),
		cmocka_unit_test(test_bad_aout),
		cmocka_unit_test(test_too_many_segments),
		cmocka_unit_test(test_outside_memory),
		cmocka_unit_test(test_reserved_areas),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_bad_entry),
		cmocka_unit_test(test_mem_size),
		cmocka_unit_test(test_short_why),
		cmocka_unit_test(test_err_names),
		cmocka_unit_test(test_info),
		cmocka_unit_test(test_info_optional),
		cmocka_unit_test(test_info_limits),
		cmocka_unit_test(test_info_layout),
		cmocka_unit_test(test_elf_numbers),
		cmocka_unit_test(test_multiboot_numbers),
	};

	return cmocka_run_group_tests_name("multiboot", tests, NULL, NULL);
}
