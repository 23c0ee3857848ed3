/* Multiboot v1 kernels (Multiboot Specification 0.6.96): which format a guest file is, and every
 * field of a Multiboot kernel checked against its file and the guest's memory into a load plan.
 * Nothing is written but the plan and the reason; vmm/vm/multiboot_info.c loads the plan. */
#include "vmm/vm/multiboot.h"

#include <stdarg.h>
#include <stdbool.h>

#include "arch/lib/bytes.h"
#include "arch/lib/fmt.h"
#include "arch/lib/str.h"
#include "vmm/vm/elf.h"
#include "vmm/vm/image.h"

#define FOUR_GIB 0x100000000ull

const char *mb_err_name(int err)
{
	static const char *const names[] = {
		"OK",          "NO_HEADER",         "TRUNCATED",      "BAD_CHECKSUM",    "HEADER_TOO_FAR",
		"UNSUPPORTED_FLAG", "NOT_ELF",      "BAD_ELF",        "BAD_SEGMENT",     "BAD_ADDRESS",
		"TOO_MANY_SEGMENTS", "OUTSIDE_MEMORY", "RESERVED_MEMORY", "OVER_INFO_AREA", "OVERLAP",
		"ENTRY_ABOVE_4G", "BAD_ENTRY",      "MEM_SIZE",       "CMDLINE_TOO_LONG", "NAME_TOO_LONG",
	};
	_Static_assert(sizeof(names) / sizeof(names[0]) == MB_ERR_LAST + 1, "one name per enum mb_err");
	return err >= 0 && err <= MB_ERR_LAST ? names[err] : "UNKNOWN";
}

const char *guest_format_name(enum guest_format f)
{
	switch (f) {
	case GUEST_FORMAT_MHVGUEST:
		return "MHVGUEST";
	case GUEST_FORMAT_MULTIBOOT1:
		return "MULTIBOOT1";
	default:
		return "UNKNOWN";
	}
}

/* One check of one file: the input, the plan being built, the reason on failure. */
struct ctx {
	const uint8_t *d;
	uint64_t size;
	uint64_t mem_size;
	struct mb_plan *p;
	char *why;
	size_t why_len;
	unsigned addr_bits;   /* 32 (ELF32, a.out kludge) or 64 (ELF64): where an address range wraps */
};

static __attribute__((format(printf, 3, 4))) enum mb_err fail(struct ctx *c, enum mb_err err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hv_vsnprintf(c->why, c->why_len, fmt, ap);
	va_end(ap);
	return err;
}

/* Multiboot §3.1: the header is at a 4-byte aligned offset, completely within the first 8192 bytes.
 * The first magic whose checksum holds is the header; without one, the first magic is reported. */
static struct guest_format_info scan(const uint8_t *d, uint64_t size)
{
	struct guest_format_info first = { .format = GUEST_FORMAT_UNKNOWN, .mb_status = MB_OK };

	for (uint64_t off = 0; off + 4 <= size && off + MULTIBOOT_HEADER_SIZE <= MULTIBOOT_SEARCH;
	     off += MULTIBOOT_HEADER_ALIGN) {
		struct guest_format_info h = { .format = GUEST_FORMAT_MULTIBOOT1, .mb_offset = (uint32_t)off };

		if (le32(d + off) != MULTIBOOT_HEADER_MAGIC)
			continue;
		if (off + MULTIBOOT_HEADER_SIZE > size) {
			h.mb_status = MB_ERR_TRUNCATED;
		} else {
			h.mb_flags = le32(d + off + MULTIBOOT_HDR_FLAGS);
			h.mb_checksum = le32(d + off + MULTIBOOT_HDR_CHECKSUM);
			if ((uint32_t)(MULTIBOOT_HEADER_MAGIC + h.mb_flags + h.mb_checksum) != 0)
				h.mb_status = MB_ERR_BAD_CHECKSUM;
		}
		if (h.mb_status == MB_OK)
			return h;
		if (first.format == GUEST_FORMAT_UNKNOWN)
			first = h;
	}
	return first;
}

struct guest_format_info guest_format_detect(const uint8_t *data, uint64_t size)
{
	const size_t magic_len = sizeof(GUEST_MAGIC) - 1;

	if (size >= magic_len && mem_eq(data, GUEST_MAGIC, magic_len)) {
		struct guest_format_info mhv = { .format = GUEST_FORMAT_MHVGUEST, .mb_status = MB_OK };

		return mhv;
	}
	return scan(data, size);
}

enum mb_err mb_check_mem_size(uint64_t mem_size, char *why, size_t why_len)
{
	if (mem_size > MB_UPPER_MEM_START && mem_size <= MB_MEM_SIZE_MAX)
		return MB_OK;
	hv_snprintf(why, why_len,
		    "guest memory is 0x%llx bytes: a Multiboot kernel needs more than 1 MiB, at most 4 GiB",
		    ULL(mem_size));
	return MB_ERR_MEM_SIZE;
}

/* Multiboot §3.1.2: the checksum, the required flags (bits 0-15), the header's length. */
static enum mb_err check_header(struct ctx *c, const struct guest_format_info *h)
{
	uint32_t unmet = h->mb_flags & MULTIBOOT_REQUIRED_BITS & ~MB_SUPPORTED_REQUIRED;

	if (h->format != GUEST_FORMAT_MULTIBOOT1)
		return fail(c, MB_ERR_NO_HEADER,
			    "no Multiboot header: no magic 0x1badb002 at a 4-byte aligned offset in the first "
			    "8192 bytes");
	if (h->mb_status == MB_ERR_TRUNCATED)
		return fail(c, MB_ERR_TRUNCATED,
			    "the file (%llu bytes) ends inside the Multiboot header at offset 0x%x", ULL(c->size),
			    h->mb_offset);
	if (h->mb_status == MB_ERR_BAD_CHECKSUM)
		return fail(c, MB_ERR_BAD_CHECKSUM,
			    "Multiboot header at offset 0x%x has a bad checksum: magic 0x1badb002 + flags 0x%08x + "
			    "checksum 0x%08x = 0x%08x, not 0",
			    h->mb_offset, h->mb_flags, h->mb_checksum,
			    (uint32_t)(MULTIBOOT_HEADER_MAGIC + h->mb_flags + h->mb_checksum));
	if (unmet) {
		unsigned bit = 0;

		while (!(unmet & (1u << bit)))
			bit++;
		if ((1u << bit) == MULTIBOOT_VIDEO_MODE)
			return fail(c, MB_ERR_UNSUPPORTED_FLAG,
				    "flags 0x%08x: required bit 2 (video mode) is not supported: minihv sets no "
				    "video mode",
				    h->mb_flags);
		return fail(c, MB_ERR_UNSUPPORTED_FLAG,
			    "flags 0x%08x: required bit %u is not defined by Multiboot 0.6.96, so it cannot be met",
			    h->mb_flags, bit);
	}
	if (!(h->mb_flags & MULTIBOOT_AOUT_KLUDGE))
		return MB_OK;
	if (h->mb_offset + MULTIBOOT_HEADER_AOUT_SIZE > c->size)
		return fail(c, MB_ERR_TRUNCATED,
			    "the file (%llu bytes) ends inside the Multiboot header's address fields (offset 0x%x, "
			    "32 bytes)",
			    ULL(c->size), h->mb_offset);
	if (h->mb_offset + MULTIBOOT_HEADER_AOUT_SIZE > MULTIBOOT_SEARCH)
		return fail(c, MB_ERR_HEADER_TOO_FAR,
			    "the Multiboot header at offset 0x%x with its address fields (32 bytes) ends past the "
			    "first 8192 bytes",
			    h->mb_offset);
	return MB_OK;
}

/* Multiboot §3.1.3 "The address fields of Multiboot header": one segment, the file from
 * header offset - (header_addr - load_addr), load_end_addr - load_addr bytes (0: to the end of the
 * file), zeros to bss_end_addr (0: none). */
static enum mb_err plan_aout(struct ctx *c, uint32_t off, uint64_t *entry)
{
	const uint8_t *h = c->d + off;
	uint32_t header_addr = le32(h + MULTIBOOT_HDR_HEADER_ADDR);
	uint32_t load_addr = le32(h + MULTIBOOT_HDR_LOAD_ADDR);
	uint32_t load_end_addr = le32(h + MULTIBOOT_HDR_LOAD_END_ADDR);
	uint32_t bss_end_addr = le32(h + MULTIBOOT_HDR_BSS_END_ADDR);
	struct mb_segment *s = &c->p->segments[0];
	uint64_t delta, load_end;

	if (load_addr > header_addr)
		return fail(c, MB_ERR_BAD_ADDRESS,
			    "load_addr 0x%x is above header_addr 0x%x (load_addr <= header_addr)", load_addr,
			    header_addr);
	delta = header_addr - load_addr;
	if (delta > off)
		return fail(c, MB_ERR_BAD_ADDRESS,
			    "header_addr - load_addr is 0x%llx but the header is at file offset 0x%x: loading would "
			    "start before the file",
			    ULL(delta), off);
	s->file_offset = off - delta;
	if (load_end_addr && load_end_addr < load_addr)
		return fail(c, MB_ERR_BAD_ADDRESS, "load_end_addr 0x%x is below load_addr 0x%x", load_end_addr,
			    load_addr);
	s->file_size = load_end_addr ? load_end_addr - load_addr : c->size - s->file_offset;
	if (s->file_size > c->size - s->file_offset)
		return fail(c, MB_ERR_TRUNCATED,
			    "load_addr to load_end_addr is 0x%llx bytes from file offset 0x%llx, past the end of the "
			    "file (%llu bytes)",
			    ULL(s->file_size), ULL(s->file_offset), ULL(c->size));
	load_end = load_addr + s->file_size;
	if (delta + MULTIBOOT_HEADER_AOUT_SIZE > s->file_size)
		return fail(c, MB_ERR_BAD_ADDRESS,
			    "the header at header_addr 0x%x (32 bytes) is not inside the loaded bytes [0x%x, 0x%llx)",
			    header_addr, load_addr, ULL(load_end));
	if (bss_end_addr && bss_end_addr < load_end)
		return fail(c, MB_ERR_BAD_ADDRESS, "bss_end_addr 0x%x is below the end of the loaded bytes 0x%llx",
			    bss_end_addr, ULL(load_end));
	s->gpa = s->vaddr = load_addr;
	s->mem_size = bss_end_addr ? bss_end_addr - load_addr : s->file_size;
	c->p->segment_count = 1;
	*entry = le32(h + MULTIBOOT_HDR_ENTRY_ADDR);
	return MB_OK;
}

/* One PT_LOAD program header: p_memsz >= p_filesz, the bytes in the file, room in the plan. */
static enum mb_err add_phdr(struct ctx *c, const struct mb_segment *s)
{
	uint32_t index = s->phdr_index;

	if (s->mem_size < s->file_size)
		return fail(c, MB_ERR_BAD_SEGMENT, "program header %u: p_memsz 0x%llx is below p_filesz 0x%llx", index,
			    ULL(s->mem_size), ULL(s->file_size));
	if (s->mem_size == 0)
		return MB_OK;   /* nothing to load */
	if (s->file_size && (s->file_offset > c->size || s->file_size > c->size - s->file_offset))
		return fail(c, MB_ERR_TRUNCATED,
			    "program header %u: 0x%llx bytes at file offset 0x%llx pass the end of the file "
			    "(%llu bytes)",
			    index, ULL(s->file_size), ULL(s->file_offset), ULL(c->size));
	if (c->p->segment_count == MB_MAX_SEGMENTS)
		return fail(c, MB_ERR_TOO_MANY_SEGMENTS, "program header %u: more than %u segments to load", index,
			    MB_MAX_SEGMENTS);
	c->p->segments[c->p->segment_count++] = *s;
	return MB_OK;
}

/* Reads the PT_LOAD program headers: p_offset, p_filesz, p_paddr (a Multiboot loader loads at the
 * physical address), p_memsz; p_vaddr only to place the entry point. */
static enum mb_err read_phdrs(struct ctx *c, bool is64, uint64_t phoff, uint32_t phnum)
{
	for (uint32_t i = 0; i < phnum; i++) {
		const uint8_t *ph = c->d + phoff + (uint64_t)i * (is64 ? ELF64_PHDR_SIZE : ELF32_PHDR_SIZE);
		struct mb_segment s = { .phdr_index = i };
		enum mb_err err;

		if (le32(ph + ELF_P_TYPE) != PT_LOAD)
			continue;
		if (is64) {
			s.file_offset = le64(ph + ELF64_P_OFFSET);
			s.vaddr = le64(ph + ELF64_P_VADDR);
			s.gpa = le64(ph + ELF64_P_PADDR);
			s.file_size = le64(ph + ELF64_P_FILESZ);
			s.mem_size = le64(ph + ELF64_P_MEMSZ);
		} else {
			s.file_offset = le32(ph + ELF32_P_OFFSET);
			s.vaddr = le32(ph + ELF32_P_VADDR);
			s.gpa = le32(ph + ELF32_P_PADDR);
			s.file_size = le32(ph + ELF32_P_FILESZ);
			s.mem_size = le32(ph + ELF32_P_MEMSZ);
		}
		err = add_phdr(c, &s);
		if (err)
			return err;
	}
	return MB_OK;
}

/* Flags bit 16 clear: the kernel is an ELF file, ELF32 for EM_386 or ELF64 for EM_X86_64. The file
 * holds at least the 12-byte Multiboot header, so e_ident's magic, class and data bytes are there. */
static enum mb_err plan_elf(struct ctx *c, uint64_t *entry)
{
	const uint8_t *d = c->d;
	bool is64 = d[EI_CLASS] == ELFCLASS64;
	unsigned bits = is64 ? 64 : 32, ehsize = is64 ? ELF64_EHDR_SIZE : ELF32_EHDR_SIZE;
	unsigned phsize = is64 ? ELF64_PHDR_SIZE : ELF32_PHDR_SIZE, machine = is64 ? EM_X86_64 : EM_386;
	unsigned type, phentsize, phnum;
	uint64_t phoff;
	enum mb_err err;

	if (d[EI_MAG0] != ELFMAG0 || d[EI_MAG0 + 1] != ELFMAG1 || d[EI_MAG0 + 2] != ELFMAG2 ||
	    d[EI_MAG0 + 3] != ELFMAG3)
		return fail(c, MB_ERR_NOT_ELF,
			    "not an ELF file (no \\x7fELF magic) and flags bit 16 is clear: the header gives no load "
			    "addresses");
	if (d[EI_CLASS] != ELFCLASS32 && d[EI_CLASS] != ELFCLASS64)
		return fail(c, MB_ERR_BAD_ELF, "ELF class %u is neither ELFCLASS32 (1) nor ELFCLASS64 (2)",
			    d[EI_CLASS]);
	if (d[EI_DATA] != ELFDATA2LSB)
		return fail(c, MB_ERR_BAD_ELF, "ELF data encoding %u is not ELFDATA2LSB (1, little-endian)",
			    d[EI_DATA]);
	if (c->size < ehsize)
		return fail(c, MB_ERR_TRUNCATED, "the file (%llu bytes) ends inside the %u-byte ELF%u header",
			    ULL(c->size), ehsize, bits);
	type = le16(d + ELF_E_TYPE);
	if (type != ET_EXEC && type != ET_DYN)
		return fail(c, MB_ERR_BAD_ELF, "ELF e_type %u is neither ET_EXEC (2) nor ET_DYN (3)", type);
	if (le16(d + ELF_E_MACHINE) != machine)
		return fail(c, MB_ERR_BAD_ELF, "ELF%u e_machine %u is not %s (%u)", bits, le16(d + ELF_E_MACHINE),
			    is64 ? "EM_X86_64" : "EM_386", machine);
	*entry = is64 ? le64(d + ELF64_E_ENTRY) : le32(d + ELF32_E_ENTRY);
	phoff = is64 ? le64(d + ELF64_E_PHOFF) : le32(d + ELF32_E_PHOFF);
	phentsize = le16(d + (is64 ? ELF64_E_PHENTSIZE : ELF32_E_PHENTSIZE));
	phnum = le16(d + (is64 ? ELF64_E_PHNUM : ELF32_E_PHNUM));
	if (phnum == 0)
		return fail(c, MB_ERR_BAD_ELF, "no program headers (e_phnum 0)");
	if (phentsize != phsize)
		return fail(c, MB_ERR_BAD_ELF, "e_phentsize %u, expected %u for ELF%u", phentsize, phsize, bits);
	if (phoff > c->size || (uint64_t)phnum * phsize > c->size - phoff)
		return fail(c, MB_ERR_TRUNCATED,
			    "program headers at file offset 0x%llx (%u x %u bytes) pass the end of the file "
			    "(%llu bytes)",
			    ULL(phoff), phnum, phsize, ULL(c->size));
	err = read_phdrs(c, is64, phoff, phnum);
	if (err)
		return err;
	if (c->p->segment_count == 0)
		return fail(c, MB_ERR_BAD_ELF, "no PT_LOAD program header with bytes to load");
	return MB_OK;
}

static void seg_name(const struct ctx *c, const struct mb_segment *s, char *buf, size_t len)
{
	if (c->p->kind == MB_KIND_AOUT_KLUDGE)
		hv_snprintf(buf, len, "the a.out kludge segment");
	else
		hv_snprintf(buf, len, "program header %u", s->phdr_index);
}

/* [a, a + alen) and [b, b + blen) share a byte (both ends below 2^64: checked before). */
static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* One segment: inside [0, mem_size) without wrapping, outside the information area and the hole. */
static enum mb_err check_memory(struct ctx *c, const struct mb_segment *s)
{
	bool wraps = c->addr_bits == 32 ? s->gpa + s->mem_size > FOUR_GIB : s->mem_size > UINT64_MAX - s->gpa;
	char name[32];

	seg_name(c, s, name, sizeof(name));
	if (wraps)
		return fail(c, MB_ERR_OUTSIDE_MEMORY, "%s: 0x%llx bytes at 0x%llx wrap around the %u-bit address space",
			    name, ULL(s->mem_size), ULL(s->gpa), c->addr_bits);
	if (s->gpa >= c->mem_size)
		return fail(c, MB_ERR_OUTSIDE_MEMORY, "%s: [0x%llx, 0x%llx) is outside guest memory [0, 0x%llx)", name,
			    ULL(s->gpa), ULL(s->gpa + s->mem_size), ULL(c->mem_size));
	if (s->gpa + s->mem_size > c->mem_size)
		return fail(c, MB_ERR_OUTSIDE_MEMORY, "%s: [0x%llx, 0x%llx) crosses the end of guest memory at 0x%llx",
			    name, ULL(s->gpa), ULL(s->gpa + s->mem_size), ULL(c->mem_size));
	if (overlaps(s->gpa, s->mem_size, MB_INFO_GPA, MB_INFO_SIZE))
		return fail(c, MB_ERR_OVER_INFO_AREA,
			    "%s: [0x%llx, 0x%llx) overlaps the Multiboot information area [0x%x, 0x%x)", name,
			    ULL(s->gpa), ULL(s->gpa + s->mem_size), MB_INFO_GPA, MB_INFO_GPA + MB_INFO_SIZE);
	if (overlaps(s->gpa, s->mem_size, MB_LOWER_MEM_END, MB_UPPER_MEM_START - MB_LOWER_MEM_END))
		return fail(c, MB_ERR_RESERVED_MEMORY,
			    "%s: [0x%llx, 0x%llx) overlaps [0x%llx, 0x%llx), reserved in the memory map (VGA and BIOS)",
			    name, ULL(s->gpa), ULL(s->gpa + s->mem_size), ULL(MB_LOWER_MEM_END),
			    ULL(MB_UPPER_MEM_START));
	return MB_OK;
}

static enum mb_err check_segments(struct ctx *c)
{
	const struct mb_plan *p = c->p;
	char a[32], b[32];

	for (uint32_t i = 0; i < p->segment_count; i++) {
		enum mb_err err = check_memory(c, &p->segments[i]);

		if (err)
			return err;
	}
	for (uint32_t i = 0; i < p->segment_count; i++)
		for (uint32_t j = i + 1; j < p->segment_count; j++) {
			const struct mb_segment *s = &p->segments[i], *t = &p->segments[j];

			if (!overlaps(s->gpa, s->mem_size, t->gpa, t->mem_size))
				continue;
			seg_name(c, s, a, sizeof(a));
			seg_name(c, t, b, sizeof(b));
			return fail(c, MB_ERR_OVERLAP, "%s [0x%llx, 0x%llx) overlaps %s [0x%llx, 0x%llx)", a,
				    ULL(s->gpa), ULL(s->gpa + s->mem_size), b, ULL(t->gpa), ULL(t->gpa + t->mem_size));
		}
	return MB_OK;
}

/* The entry point, physical and inside a loaded segment. An ELF e_entry is a virtual address: one
 * inside a segment's [p_vaddr, p_vaddr + p_memsz) moves with that segment to p_paddr (a kernel
 * linked high and loaded low); any other is taken as physical. Paging is off at entry. */
static enum mb_err check_entry(struct ctx *c, uint64_t entry)
{
	struct mb_plan *p = c->p;
	uint64_t phys = entry;

	for (uint32_t i = 0; i < p->segment_count; i++) {
		const struct mb_segment *s = &p->segments[i];

		if (entry >= s->vaddr && entry - s->vaddr < s->mem_size) {
			phys = s->gpa + (entry - s->vaddr);
			break;
		}
	}
	if (phys >= FOUR_GIB)
		return fail(c, MB_ERR_ENTRY_ABOVE_4G,
			    "entry point 0x%llx is above 4 GiB: a Multiboot kernel starts in 32-bit protected mode",
			    ULL(entry));
	for (uint32_t i = 0; i < p->segment_count; i++) {
		const struct mb_segment *s = &p->segments[i];

		if (phys >= s->gpa && phys - s->gpa < s->mem_size) {
			p->entry = (uint32_t)phys;
			return MB_OK;
		}
	}
	return fail(c, MB_ERR_BAD_ENTRY, "entry point 0x%llx is in no loaded segment", ULL(entry));
}

enum mb_err mb_plan(const uint8_t *data, uint64_t size, uint64_t mem_size, struct mb_plan *out, char *why,
		    size_t why_len)
{
	struct ctx c = { .d = data, .size = size, .mem_size = mem_size, .p = out, .why = why, .why_len = why_len };
	struct guest_format_info h;
	uint64_t entry = 0;
	enum mb_err err;

	if (why_len)
		why[0] = '\0';
	mem_zero(out, sizeof(*out));
	err = mb_check_mem_size(mem_size, why, why_len);
	if (err)
		return err;
	h = scan(data, size);
	err = check_header(&c, &h);
	if (err)
		return err;
	out->header_offset = h.mb_offset;
	out->header_flags = h.mb_flags;
	if (h.mb_flags & MULTIBOOT_AOUT_KLUDGE) {
		out->kind = MB_KIND_AOUT_KLUDGE;
		c.addr_bits = 32;
		err = plan_aout(&c, h.mb_offset, &entry);
	} else {
		out->kind = data[EI_CLASS] == ELFCLASS64 ? MB_KIND_ELF64 : MB_KIND_ELF32;
		c.addr_bits = out->kind == MB_KIND_ELF64 ? 64 : 32;
		err = plan_elf(&c, &entry);
	}
	if (!err)
		err = check_segments(&c);
	return err ? err : check_entry(&c, entry);
}
