/* guest/lib/multiboot.h: the Multiboot v1 information structure, as the loader hands it over in EBX
 * (Multiboot Specification version 0.6.96, §3.3 "Boot information format"). Only the fields up to
 * the boot loader name; a field is valid when its flag bit is set. */
#ifndef GUEST_LIB_MULTIBOOT_H
#define GUEST_LIB_MULTIBOOT_H

#include <stdint.h>

#define MULTIBOOT_HEADER_MAGIC 0x1BADB002u /* in the kernel image (crt32.asm, crt64.asm) */
#define MULTIBOOT_BOOT_MAGIC   0x2BADB002u /* in EAX at entry */

/* flags: which fields below are valid */
#define MBI_MEM      (1u << 0)  /* mem_lower, mem_upper */
#define MBI_BOOTDEV  (1u << 1)
#define MBI_CMDLINE  (1u << 2)
#define MBI_MODS     (1u << 3)
#define MBI_MMAP     (1u << 6)  /* mmap_length, mmap_addr */
#define MBI_LOADER   (1u << 9)  /* boot_loader_name */

struct multiboot_info {
	uint32_t flags;
	uint32_t mem_lower; /* KiB of memory from 0, at most 640 */
	uint32_t mem_upper; /* KiB of memory from 1 MiB to the first hole */
	uint32_t boot_device;
	uint32_t cmdline; /* physical address of a NUL-terminated string */
	uint32_t mods_count;
	uint32_t mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length; /* bytes */
	uint32_t mmap_addr;   /* physical address of the first entry */
	uint32_t drives_length;
	uint32_t drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name; /* physical address of a NUL-terminated string */
} __attribute__((packed));

/* One memory-map entry. `size` is the size of the rest of the entry (20 or more): the next entry
 * starts at (char *)&entry->addr + entry->size, i.e. size + 4 bytes after this one. */
struct multiboot_mmap_entry {
	uint32_t size;
	uint64_t addr;
	uint64_t len;
	uint32_t type;
} __attribute__((packed));

#define MULTIBOOT_MEMORY_AVAILABLE 1 /* RAM; every other type is reserved in some way */

#endif
