/* Host renderer for the screen test (tests/boot/cases_screen.py): renders stdin with the
 * hypervisor's own console code (arch/x86_64/fbcon.c, same generated fonts) into a PPM, so a QEMU
 * screendump can be compared with what the console should have drawn.
 *   screen_render WIDTH HEIGHT STRIDE rgbx|bgrx OUT.ppm < text
 * The font and scale are picked as the hypervisor picks them (fbcon_pick_font). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86_64/fbcon.h"

int main(int argc, char **argv)
{
	struct fb_info fb = { 0 };
	struct fbcon c;
	const char *why;
	char buf[4096];
	size_t n;

	if (argc != 6) {
		fprintf(stderr, "usage: %s WIDTH HEIGHT STRIDE rgbx|bgrx OUT.ppm < text\n", argv[0]);
		return 2;
	}
	fb.present = true;
	fb.width = (uint32_t)atoi(argv[1]);
	fb.height = (uint32_t)atoi(argv[2]);
	fb.pixels_per_scan_line = (uint32_t)atoi(argv[3]);
	fb.format = strcmp(argv[4], "rgbx") == 0 ? FB_RGBX32 : FB_BGRX32;
	fb.size = (uint64_t)fb.pixels_per_scan_line * fb.height * 4;
	uint32_t *pix = calloc(fb.size / 4, 4);
	if (!pix)
		return 1;
	fb.base = (uint64_t)(uintptr_t)pix;
	if (fbcon_init(&c, &fb, NULL, 0, &why) != 0) {
		fprintf(stderr, "fbcon_init: %s\n", why);
		return 1;
	}
	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0)
		fbcon_write(&c, buf, n);
	FILE *out = fopen(argv[5], "wb");
	if (!out)
		return 1;
	fprintf(out, "P6\n%u %u\n255\n", fb.width, fb.height);
	for (uint32_t y = 0; y < fb.height; y++)
		for (uint32_t x = 0; x < fb.width; x++) {
			uint32_t p = pix[(uint64_t)y * fb.pixels_per_scan_line + x];
			unsigned char rgb[3];
			if (fb.format == FB_RGBX32)
				rgb[0] = p & 0xff, rgb[1] = (p >> 8) & 0xff, rgb[2] = (p >> 16) & 0xff;
			else
				rgb[2] = p & 0xff, rgb[1] = (p >> 8) & 0xff, rgb[0] = (p >> 16) & 0xff;
			fwrite(rgb, 1, 3, out);
		}
	fclose(out);
	printf("font=%s scale=%u text=%ux%u\n", c.font->name, c.scale, c.cols, c.rows);
	free(pix);
	return 0;
}
