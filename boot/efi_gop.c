/* The screen: find a linear framebuffer through the UEFI Graphics Output Protocol before
 * ExitBootServices, for the screen console (arch/x86_64/fbcon.c) to draw on afterwards.
 * Mode: the firmware's current one when it is at least 800x600 with a linear framebuffer;
 * otherwise the largest linear-framebuffer mode up to 1920x1080, set with SetMode. */
#include "boot/efi_boot.h"

#include "arch/lib/log.h"

#define MIN_W 800
#define MIN_H 600
#define MAX_W 1920
#define MAX_H 1080

static bool linear(EFI_GRAPHICS_PIXEL_FORMAT f)
{
	return f == PixelRedGreenBlueReserved8BitPerColor || f == PixelBlueGreenRedReserved8BitPerColor ||
	       f == PixelBitMask;
}

/* The largest (by area) linear mode up to MAX_W x MAX_H, or -1. */
static INT64 best_mode(EFI_GRAPHICS_OUTPUT_PROTOCOL *gop, UINT32 *w, UINT32 *h)
{
	INT64 best = -1;
	UINT64 best_area = 0;

	for (UINT32 m = 0; m < gop->Mode->MaxMode; m++) {
		EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *info = NULL;
		UINTN size = 0;
		EFI_STATUS st = uefi_call_wrapper(gop->QueryMode, 4, gop, m, &size, &info);
		if (EFI_ERROR(st) || !info)
			continue;
		UINT64 area = (UINT64)info->HorizontalResolution * info->VerticalResolution;
		if (linear(info->PixelFormat) && info->HorizontalResolution <= MAX_W &&
		    info->VerticalResolution <= MAX_H && area > best_area) {
			best = m;
			best_area = area;
			*w = info->HorizontalResolution;
			*h = info->VerticalResolution;
		}
		FreePool(info);
	}
	return best;
}

static void pick_mode(EFI_GRAPHICS_OUTPUT_PROTOCOL *gop)
{
	EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *cur = gop->Mode->Info;
	UINT32 w = 0, h = 0, old_w = cur->HorizontalResolution, old_h = cur->VerticalResolution;

	if (linear(cur->PixelFormat) && cur->HorizontalResolution >= MIN_W && cur->VerticalResolution >= MIN_H) {
		hv_log("screen: keeping GOP mode %u (%ux%u) of %u", gop->Mode->Mode, cur->HorizontalResolution,
		       cur->VerticalResolution, gop->Mode->MaxMode);
		return;
	}
	INT64 m = best_mode(gop, &w, &h);
	if (m < 0) {
		hv_log("screen: current GOP mode %ux%u is small or not linear, and no better mode exists",
		       cur->HorizontalResolution, cur->VerticalResolution);
		return;
	}
	if ((UINT32)m == gop->Mode->Mode)
		return;
	EFI_STATUS st = uefi_call_wrapper(gop->SetMode, 2, gop, (UINT32)m);
	/* SetMode rewrites gop->Mode->Info: the old resolution is in old_w x old_h */
	if (EFI_ERROR(st))
		hv_log("screen: SetMode(%u: %ux%u) failed (status 0x%llx); keeping %ux%u", (UINT32)m, w, h,
		       (unsigned long long)st, old_w, old_h);
	else
		hv_log("screen: GOP mode %u set (%ux%u; was %ux%u)", (UINT32)m, w, h, old_w, old_h);
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
	pick_mode(gop);
	EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *info = gop->Mode->Info;   /* SetMode may replace it */
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
