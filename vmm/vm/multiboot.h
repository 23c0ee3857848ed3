/* Multiboot v1 kernels, after the Multiboot Specification version 0.6.96 (cited as "Multiboot
 * §n"): which format a guest file is (guest_format_detect), and for a Multiboot kernel every field
 * checked against the file and the guest's memory into a load plan (mb_plan). Loading the plan and
 * building the information structure are vmm/vm/multiboot_info.h. Nothing here writes guest memory.
 * docs/guest-abi.md, "Multiboot kernels", is the interface. */
#ifndef VMM_VM_MULTIBOOT_H
#define VMM_VM_MULTIBOOT_H

#include <stddef.h>
#include <stdint.h>

#include "arch/lib/types.h"

/* Multiboot §3.1 "OS image format": the header lies completely within the first 8192 bytes of the
 * file, at a 4-byte (longword) aligned offset. §3.1.1 "The layout of Multiboot header": */
#define MULTIBOOT_SEARCH            8192
#define MULTIBOOT_HEADER_ALIGN      4
#define MULTIBOOT_HDR_MAGIC         0     /* u32 field offsets */
#define MULTIBOOT_HDR_FLAGS         4
#define MULTIBOOT_HDR_CHECKSUM      8
#define MULTIBOOT_HDR_HEADER_ADDR   12    /* 12-28: valid if flags bit 16 is set */
#define MULTIBOOT_HDR_LOAD_ADDR     16
#define MULTIBOOT_HDR_LOAD_END_ADDR 20
#define MULTIBOOT_HDR_BSS_END_ADDR  24
#define MULTIBOOT_HDR_ENTRY_ADDR    28
#define MULTIBOOT_HEADER_SIZE       12    /* magic, flags, checksum */
#define MULTIBOOT_HEADER_AOUT_SIZE  32    /* ... and the address fields */

/* Multiboot §3.1.2 "The magic fields of Multiboot header": magic + flags + checksum == 0 mod 2^32.
 * Flags bits 0-15 are requirements (a loader that cannot meet one must refuse the kernel), bits
 * 16-31 optional features (a loader may ignore those it does not know). */
#define MULTIBOOT_HEADER_MAGIC      0x1BADB002u
#define MULTIBOOT_PAGE_ALIGN        0x00000001u   /* bit 0: modules on 4 KiB boundaries */
#define MULTIBOOT_MEMORY_INFO       0x00000002u   /* bit 1: pass mem_lower/mem_upper */
#define MULTIBOOT_VIDEO_MODE        0x00000004u   /* bit 2: pass the video mode table */
#define MULTIBOOT_AOUT_KLUDGE       0x00010000u   /* bit 16: load from the header's address fields */
#define MULTIBOOT_REQUIRED_BITS     0x0000FFFFu
/* The requirements minihv meets: it loads no modules (so they are aligned) and always passes the
 * memory fields. */
#define MB_SUPPORTED_REQUIRED       (MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO)

/* Multiboot §3.2 "Machine state": EAX at entry; EBX holds the information structure's address. */
#define MULTIBOOT_BOOTLOADER_MAGIC  0x2BADB002u

/* Multiboot §3.3 "Boot information format": the flags minihv sets, the field offsets (u32 unless
 * said), the structure's size (fields up to color_info, 110-115). */
#define MULTIBOOT_INFO_MEMORY            0x00000001u   /* bit 0: mem_lower, mem_upper */
#define MULTIBOOT_INFO_BOOTDEV           0x00000002u   /* bit 1: boot_device (never: no BIOS disk) */
#define MULTIBOOT_INFO_CMDLINE           0x00000004u   /* bit 2: cmdline */
#define MULTIBOOT_INFO_MODS              0x00000008u   /* bit 3: mods_count, mods_addr (never: no modules) */
#define MULTIBOOT_INFO_MEM_MAP           0x00000040u   /* bit 6: mmap_length, mmap_addr */
#define MULTIBOOT_INFO_BOOT_LOADER_NAME  0x00000200u   /* bit 9: boot_loader_name */
#define MULTIBOOT_INFO_OFF_FLAGS             0
#define MULTIBOOT_INFO_OFF_MEM_LOWER         4
#define MULTIBOOT_INFO_OFF_MEM_UPPER         8
#define MULTIBOOT_INFO_OFF_BOOT_DEVICE       12
#define MULTIBOOT_INFO_OFF_CMDLINE           16
#define MULTIBOOT_INFO_OFF_MODS_COUNT        20
#define MULTIBOOT_INFO_OFF_MODS_ADDR         24
#define MULTIBOOT_INFO_OFF_MMAP_LENGTH       44
#define MULTIBOOT_INFO_OFF_MMAP_ADDR         48
#define MULTIBOOT_INFO_OFF_BOOT_LOADER_NAME  64
#define MULTIBOOT_INFO_STRUCT_SIZE           116
/* A memory map entry: size (u32, the bytes after it: 20), base_addr (u64), length (u64), type (u32).
 * The spec draws size at offset -4 of the entry; mmap_addr points at size, as the spec's example
 * kernel reads it (Multiboot §4.3.3 "kernel.c"). */
#define MULTIBOOT_MMAP_OFF_SIZE          0
#define MULTIBOOT_MMAP_OFF_BASE_ADDR     4
#define MULTIBOOT_MMAP_OFF_LENGTH        12
#define MULTIBOOT_MMAP_OFF_TYPE          20
#define MULTIBOOT_MMAP_ENTRY_SIZE        24
#define MULTIBOOT_MEMORY_AVAILABLE       1   /* type 1: RAM */
#define MULTIBOOT_MEMORY_RESERVED        2   /* any other value except 3-5: reserved */

/* The guest's physical memory as a Multiboot kernel is told of it: RAM from 0 to 640 KiB, the
 * VGA/BIOS hole (reserved) to 1 MiB, RAM from 1 MiB to the end of guest memory. */
#define MB_LOWER_MEM_END    0x000A0000ull   /* 640 KiB */
#define MB_UPPER_MEM_START  0x00100000ull   /* 1 MiB */
#define MB_MEM_SIZE_MAX     0x100000000ull  /* 4 GiB: a 32-bit kernel, 32-bit addresses */

/* The information area minihv reserves for the structure, the memory map and the strings: 32 KiB of
 * low RAM, below 640 KiB and below the 1 MiB where kernels load. No kernel segment may overlap it.
 * Fixed places inside it: */
#define MB_INFO_GPA         0x8000u     /* the information structure (EBX at entry) */
#define MB_INFO_SIZE        0x8000u     /* to 0xFFFF */
#define MB_MMAP_GPA         0x8080u     /* the memory map: 3 entries, 72 bytes */
#define MB_MMAP_ENTRIES     3
#define MB_LOADER_NAME_GPA  0x8100u     /* boot_loader_name, NUL included */
#define MB_LOADER_NAME_MAX  0x100u
#define MB_CMDLINE_GPA      0x8200u     /* cmdline, NUL included, to the end of the area */
#define MB_CMDLINE_MAX      (MB_INFO_GPA + MB_INFO_SIZE - MB_CMDLINE_GPA)

#define MB_MAX_SEGMENTS     16          /* loaded segments (zero-sized ones are not counted) */

enum mb_err {
	MB_OK = 0,
	MB_ERR_NO_HEADER,          /* no magic at an aligned offset in the first 8192 bytes */
	MB_ERR_TRUNCATED,          /* the header, ELF header, program headers or a segment pass the file's end */
	MB_ERR_BAD_CHECKSUM,       /* magic + flags + checksum != 0 */
	MB_ERR_HEADER_TOO_FAR,     /* with the address fields, the header ends past the first 8192 bytes */
	MB_ERR_UNSUPPORTED_FLAG,   /* a required flag (bits 0-15) minihv cannot meet, or undefined */
	MB_ERR_NOT_ELF,            /* flags bit 16 clear and no ELF magic: no load addresses */
	MB_ERR_BAD_ELF,            /* class, byte order, type, machine, e_phentsize, no PT_LOAD */
	MB_ERR_BAD_SEGMENT,        /* p_memsz < p_filesz */
	MB_ERR_BAD_ADDRESS,        /* a.out kludge fields that contradict each other or the header's offset */
	MB_ERR_TOO_MANY_SEGMENTS,  /* more than MB_MAX_SEGMENTS */
	MB_ERR_OUTSIDE_MEMORY,     /* a segment outside [0, mem_size), across its end, or wrapping around */
	MB_ERR_RESERVED_MEMORY,    /* a segment in the VGA/BIOS hole the memory map calls reserved */
	MB_ERR_OVER_INFO_AREA,     /* a segment over [MB_INFO_GPA, MB_INFO_GPA + MB_INFO_SIZE) */
	MB_ERR_OVERLAP,            /* two segments overlap */
	MB_ERR_ENTRY_ABOVE_4G,     /* the entry point is not a 32-bit address */
	MB_ERR_BAD_ENTRY,          /* the entry point is in no loaded segment */
	MB_ERR_MEM_SIZE,           /* guest memory not over 1 MiB or over 4 GiB */
	MB_ERR_CMDLINE_TOO_LONG,   /* more than MB_CMDLINE_MAX bytes with its NUL */
	MB_ERR_NAME_TOO_LONG,      /* boot loader name over MB_LOADER_NAME_MAX bytes with its NUL */
};
#define MB_ERR_LAST MB_ERR_NAME_TOO_LONG

const char *mb_err_name(int err);   /* "OK", "BAD_CHECKSUM", ...; "UNKNOWN" outside the enum */

enum guest_format {
	GUEST_FORMAT_UNKNOWN = 0,
	GUEST_FORMAT_MHVGUEST,     /* "MHVGUEST" at offset 0 (vmm/vm/image.h) */
	GUEST_FORMAT_MULTIBOOT1,   /* a Multiboot header magic: check it with mb_plan */
};

struct guest_format_info {
	enum guest_format format;
	/* MULTIBOOT1 only: MB_OK for a header with a good checksum; MB_ERR_BAD_CHECKSUM if every magic
	 * found has a bad one (the first is reported); MB_ERR_TRUNCATED if the file ends inside it. */
	enum mb_err mb_status;
	uint32_t mb_offset;        /* the header's offset in the file */
	uint32_t mb_flags;
	uint32_t mb_checksum;
};

const char *guest_format_name(enum guest_format f);   /* "MHVGUEST", "MULTIBOOT1", "UNKNOWN" */
/* The first aligned magic with a good checksum is the header; if there is none, the first magic. */
struct guest_format_info guest_format_detect(const uint8_t *data, uint64_t size);

enum mb_kind { MB_KIND_ELF32 = 1, MB_KIND_ELF64, MB_KIND_AOUT_KLUDGE };

/* One loaded segment: file_size bytes from file_offset to gpa, then zeros up to mem_size. */
struct mb_segment {
	uint64_t gpa;              /* physical address (p_paddr, or load_addr) */
	uint64_t vaddr;            /* p_vaddr (the entry point may be given in it); gpa for the a.out kludge */
	uint64_t file_offset;
	uint64_t file_size;
	uint64_t mem_size;         /* > 0, >= file_size */
	uint32_t phdr_index;       /* its ELF program header; 0 for the a.out kludge */
};

struct mb_plan {
	enum mb_kind kind;
	uint32_t header_offset;    /* of the Multiboot header in the file */
	uint32_t header_flags;
	uint32_t entry;            /* physical: EIP at entry */
	uint32_t segment_count;
	struct mb_segment segments[MB_MAX_SEGMENTS];
};

/* Checks a Multiboot kernel file against itself and a guest memory of mem_size bytes from GPA 0.
 * MB_OK with *out filled, or an error with a one-line reason in why (then *out means nothing).
 * Reads data[0, size) only; writes nothing but *out and why. */
enum mb_err mb_plan(const uint8_t *data, uint64_t size, uint64_t mem_size, struct mb_plan *out, char *why,
		    size_t why_len);
/* MB_OK if a Multiboot guest can have mem_size bytes: over 1 MiB (the upper RAM), at most 4 GiB. */
enum mb_err mb_check_mem_size(uint64_t mem_size, char *why, size_t why_len);

#endif
