/* Memory map, ExitBootServices, framebuffer discovery and power-off: the firmware services the
 * loader needs, kept apart from efi_main's sequence. */
#include "boot/efi_boot.h"

#include "vmm/log.h"

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

void efi_find_framebuffer(struct fb_info *fb)
{
	EFI_GRAPHICS_OUTPUT_PROTOCOL *gop = NULL;
	EFI_STATUS st = LibLocateProtocol(&GraphicsOutputProtocol, (void **)&gop);

	fb->present = false;
	if (EFI_ERROR(st) || !gop || !gop->Mode || !gop->Mode->Info) {
		hv_log("screen: no UEFI Graphics Output Protocol: screen console off, serial only");
		return;
	}
	EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *info = gop->Mode->Info;
	switch (info->PixelFormat) {
	case PixelRedGreenBlueReserved8BitPerColor: fb->format = FB_RGBX32; break;
	case PixelBlueGreenRedReserved8BitPerColor: fb->format = FB_BGRX32; break;
	case PixelBitMask: fb->format = FB_BITMASK; break;
	default:
		hv_log("screen: GOP mode is PixelBltOnly (no linear framebuffer): screen console off, serial only");
		return;
	}
	fb->base = gop->Mode->FrameBufferBase;
	fb->size = gop->Mode->FrameBufferSize;
	fb->width = info->HorizontalResolution;
	fb->height = info->VerticalResolution;
	fb->pixels_per_scan_line = info->PixelsPerScanLine;
	fb->red_mask = info->PixelInformation.RedMask;
	fb->green_mask = info->PixelInformation.GreenMask;
	fb->blue_mask = info->PixelInformation.BlueMask;
	fb->present = fb->base != 0 && fb->width && fb->height;
}

void efi_reset(enum hv_poweroff how)
{
	EFI_RESET_TYPE t = how == HV_POWEROFF_REBOOT ? EfiResetCold : EfiResetShutdown;
	uefi_call_wrapper(RT->ResetSystem, 4, t, EFI_SUCCESS, 0, NULL);
}
