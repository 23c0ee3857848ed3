/* The screen: find a linear framebuffer through the UEFI Graphics Output Protocol before
 * ExitBootServices, for the screen console (arch/x86_64/fbcon.c) to draw on afterwards. */
#include "boot/efi_boot.h"

#include "vmm/log.h"

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
