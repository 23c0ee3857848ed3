/* Loading a checked Multiboot kernel (a plan from mb_plan, vmm/vm/multiboot.h) into guest memory,
 * and the Multiboot information structure a kernel finds at EBX (Multiboot §3.3 "Boot information
 * format"), built in the information area [MB_INFO_GPA, MB_INFO_GPA + MB_INFO_SIZE). At entry:
 * EAX = MULTIBOOT_BOOTLOADER_MAGIC, EBX = the information structure's GPA, EIP = plan->entry. */
#ifndef VMM_VM_MULTIBOOT_INFO_H
#define VMM_VM_MULTIBOOT_INFO_H

#include <stddef.h>
#include <stdint.h>

#include "vmm/vm/multiboot.h"

/* Copies each segment's file bytes to guest_mem + gpa and zeroes the rest of its memory size.
 * guest_mem is the host pointer to GPA 0; plan comes from mb_plan over the same data, whose checks
 * it trusts (every segment inside guest memory, every file range inside data). */
void mb_load(const struct mb_plan *plan, const uint8_t *data, uint8_t *guest_mem);

/* Writes the information area of a guest of mem_size bytes: the structure with mem_lower/mem_upper,
 * the memory map, the command line (cmdline; NULL: none, flags bit 2 clear) and the boot loader's
 * name (loader_name; NULL: none, bit 9 clear). MB_OK with the structure's GPA in *info_gpa, or an
 * error with a one-line reason in why and nothing written. */
enum mb_err mb_build_info(uint8_t *guest_mem, uint64_t mem_size, const char *cmdline, const char *loader_name,
			  uint32_t *info_gpa, char *why, size_t why_len);

#endif
