/* Memory map, ExitBootServices and power-off: the firmware services the
 * loader needs, kept apart from efi_main's sequence. */
#include "boot/efi_boot.h"

#include "arch/lib/log.h"

#define EBS_MAX_ATTEMPTS 8
#define MMAP_SLACK_DESCRIPTORS 16

EFI_STATUS efi_exit_boot_services(EFI_HANDLE image, struct boot_info *bi)
{
	UINTN size = 0, key = 0, dsize = 0, cap;
	UINT32 dver = 0;
	EFI_MEMORY_DESCRIPTOR *map = NULL;
	EFI_STATUS st;

	/* Size the buffer once, with slack: after a failed ExitBootServices only GetMemoryMap and
	 * ExitBootServices may be called, so the retries must not allocate. */
	st = uefi_call_wrapper(BS->GetMemoryMap, 5, &size, map, &key, &dsize, &dver);
	if (st != EFI_BUFFER_TOO_SMALL)
		return st;
	cap = size + MMAP_SLACK_DESCRIPTORS * dsize;
	map = AllocatePool(cap);
	if (!map)
		return EFI_OUT_OF_RESOURCES;
	for (bi->ebs_attempts = 1; bi->ebs_attempts <= EBS_MAX_ATTEMPTS; bi->ebs_attempts++) {
		size = cap;
		st = uefi_call_wrapper(BS->GetMemoryMap, 5, &size, map, &key, &dsize, &dver);
		if (EFI_ERROR(st))
			return st;
		bi->mmap_entries = size / dsize;
		bi->phys_top = 0;
		for (UINTN off = 0; off < size; off += dsize) {
			EFI_MEMORY_DESCRIPTOR *d = (EFI_MEMORY_DESCRIPTOR *)((UINT8 *)map + off);
			UINT64 end = d->PhysicalStart + d->NumberOfPages * 4096;
			if (end > bi->phys_top)
				bi->phys_top = end;
		}
		st = uefi_call_wrapper(BS->ExitBootServices, 2, image, key);
		if (!EFI_ERROR(st))
			return EFI_SUCCESS;
		if (st != EFI_INVALID_PARAMETER)   /* only a stale key is worth a retry */
			return st;
	}
	bi->ebs_attempts = EBS_MAX_ATTEMPTS;
	return st;
}

void efi_reset(enum hv_poweroff how)
{
	EFI_RESET_TYPE t = how == HV_POWEROFF_REBOOT ? EfiResetCold : EfiResetShutdown;
	uefi_call_wrapper(RT->ResetSystem, 4, t, EFI_SUCCESS, 0, NULL);
}
