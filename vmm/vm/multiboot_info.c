/* A Multiboot kernel's plan loaded into guest memory, and the information structure it gets at EBX
 * (Multiboot Specification 0.6.96 §3.3 "Boot information format"), in the information area. */
#include "vmm/vm/multiboot_info.h"

#include "arch/lib/fmt.h"
#include "arch/lib/str.h"

void mb_load(const struct mb_plan *plan, const uint8_t *data, uint8_t *guest_mem)
{
	for (uint32_t i = 0; i < plan->segment_count; i++) {
		const struct mb_segment *s = &plan->segments[i];

		mem_copy(guest_mem + s->gpa, data + s->file_offset, (size_t)s->file_size);
		mem_zero(guest_mem + s->gpa + s->file_size, (size_t)(s->mem_size - s->file_size));
	}
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* One memory map entry: size (the 20 bytes after it), base_addr, length, type. */
static void put_mmap_entry(uint8_t *e, uint64_t base, uint64_t length, uint32_t type)
{
	put32(e + MULTIBOOT_MMAP_OFF_SIZE, MULTIBOOT_MMAP_ENTRY_SIZE - MULTIBOOT_MMAP_OFF_BASE_ADDR);
	put64(e + MULTIBOOT_MMAP_OFF_BASE_ADDR, base);
	put64(e + MULTIBOOT_MMAP_OFF_LENGTH, length);
	put32(e + MULTIBOOT_MMAP_OFF_TYPE, type);
}

/* A NUL-terminated string into the area at gpa; the caller checked its length. */
static void put_string(uint8_t *guest_mem, uint32_t gpa, const char *s)
{
	mem_copy(guest_mem + gpa, s, str_len(s) + 1);
}

enum mb_err mb_build_info(uint8_t *guest_mem, uint64_t mem_size, const char *cmdline, const char *loader_name,
			  uint32_t *info_gpa, char *why, size_t why_len)
{
	uint8_t *info = guest_mem + MB_INFO_GPA, *entry = guest_mem + MB_MMAP_GPA;
	uint32_t flags = MULTIBOOT_INFO_MEMORY | MULTIBOOT_INFO_MEM_MAP;
	enum mb_err err;

	if (why_len)
		why[0] = '\0';
	err = mb_check_mem_size(mem_size, why, why_len);
	if (err)
		return err;
	if (cmdline && str_len(cmdline) >= MB_CMDLINE_MAX) {
		hv_snprintf(why, why_len,
			    "command line is %zu bytes; at most %u fit in the information area (0x%x-0x%x with "
			    "the NUL)",
			    str_len(cmdline), MB_CMDLINE_MAX - 1, MB_CMDLINE_GPA, MB_CMDLINE_GPA + MB_CMDLINE_MAX - 1);
		return MB_ERR_CMDLINE_TOO_LONG;
	}
	if (loader_name && str_len(loader_name) >= MB_LOADER_NAME_MAX) {
		hv_snprintf(why, why_len,
			    "boot loader name is %zu bytes; at most %u fit in the information area (0x%x-0x%x "
			    "with the NUL)",
			    str_len(loader_name), MB_LOADER_NAME_MAX - 1, MB_LOADER_NAME_GPA,
			    MB_LOADER_NAME_GPA + MB_LOADER_NAME_MAX - 1);
		return MB_ERR_NAME_TOO_LONG;
	}
	mem_zero(info, MB_INFO_SIZE);
	/* mem_lower: all 640 KiB of low memory; mem_upper: from 1 MiB to the end of guest memory (KiB). */
	put32(info + MULTIBOOT_INFO_OFF_MEM_LOWER, (uint32_t)(MB_LOWER_MEM_END / 1024));
	put32(info + MULTIBOOT_INFO_OFF_MEM_UPPER, (uint32_t)((mem_size - MB_UPPER_MEM_START) / 1024));
	/* The memory map (MB_MMAP_ENTRIES): low RAM, the VGA/BIOS hole, RAM from 1 MiB. */
	put_mmap_entry(entry, 0, MB_LOWER_MEM_END, MULTIBOOT_MEMORY_AVAILABLE);
	entry += MULTIBOOT_MMAP_ENTRY_SIZE;
	put_mmap_entry(entry, MB_LOWER_MEM_END, MB_UPPER_MEM_START - MB_LOWER_MEM_END, MULTIBOOT_MEMORY_RESERVED);
	entry += MULTIBOOT_MMAP_ENTRY_SIZE;
	put_mmap_entry(entry, MB_UPPER_MEM_START, mem_size - MB_UPPER_MEM_START, MULTIBOOT_MEMORY_AVAILABLE);
	put32(info + MULTIBOOT_INFO_OFF_MMAP_LENGTH, MB_MMAP_ENTRIES * MULTIBOOT_MMAP_ENTRY_SIZE);
	put32(info + MULTIBOOT_INFO_OFF_MMAP_ADDR, MB_MMAP_GPA);
	if (cmdline) {
		put_string(guest_mem, MB_CMDLINE_GPA, cmdline);
		put32(info + MULTIBOOT_INFO_OFF_CMDLINE, MB_CMDLINE_GPA);
		flags |= MULTIBOOT_INFO_CMDLINE;
	}
	if (loader_name) {
		put_string(guest_mem, MB_LOADER_NAME_GPA, loader_name);
		put32(info + MULTIBOOT_INFO_OFF_BOOT_LOADER_NAME, MB_LOADER_NAME_GPA);
		flags |= MULTIBOOT_INFO_BOOT_LOADER_NAME;
	}
	put32(info + MULTIBOOT_INFO_OFF_FLAGS, flags);
	*info_gpa = MB_INFO_GPA;
	return MB_OK;
}
