/* Shared between the files of the UEFI loader (boot/ only). */
#ifndef BOOT_EFI_BOOT_H
#define BOOT_EFI_BOOT_H

#include <efi.h>
#include <efilib.h>

#include "vmm/boot_info.h"

/* The UEFI entry point, called by GNU-EFI's crt0 (boot/efi_main.c). */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);

/* Read \EFI\BOOT\<name> next to BOOTX64.EFI into pool memory. Returns EFI_NOT_FOUND when absent;
 * on other failures, a reason in err. max: the largest size accepted. */
EFI_STATUS efi_read_boot_file(EFI_LOADED_IMAGE *li, const CHAR16 *name, UINTN max, UINT8 **data, UINTN *size,
			      char *err, UINTN err_len);
void efi_find_framebuffer(struct fb_info *fb);
/* Memory map, phys_top, ExitBootServices with retries (UEFI spec 2.10 §7.4.6). */
EFI_STATUS efi_exit_boot_services(EFI_HANDLE image, struct boot_info *bi);
void efi_reset(enum hv_poweroff how);
/* HV.CFG mem_mib MiB for a Multiboot guest (boot/efi_guest_mem.c): bi->mb_mem_hpa/size, or
 * bi->mb_mem_error says why not and what the firmware could give. */
void efi_alloc_multiboot_memory(struct boot_info *bi);
/* The processors (MP services, else the ACPI MADT, else the BSP alone) into bi->cpus, the cpus:
 * line, and the APs' start-up pages when HV.CFG cpus= asks for more than one (boot/efi_mp.c). */
void efi_find_cpus(struct boot_info *bi);

#endif
