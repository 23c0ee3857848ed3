/* The screen console: mirrors the log on the UEFI GOP framebuffer after ExitBootServices.
 * Freestanding (no libc, no floating point); also built on the host for tests/host/test_fbcon.c
 * and tests/boot/screen_render.c. docs/screen-console.md describes it. */
#ifndef ARCH_X86_64_FBCON_H
#define ARCH_X86_64_FBCON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A linear framebuffer found through UEFI GOP before ExitBootServices. */
enum fb_format { FB_RGBX32 = 0, FB_BGRX32 = 1, FB_BITMASK = 2 };
struct fb_info {
	bool present;
	uint64_t base;                 /* physical address of pixel (0,0) */
	uint64_t size;                 /* bytes */
	uint32_t width, height;        /* visible pixels */
	uint32_t pixels_per_scan_line; /* stride in pixels (>= width) */
	enum fb_format format;
	uint32_t red_mask, green_mask, blue_mask; /* FB_BITMASK only */
};

/* A bitmap font generated from a PSF file by tools/psf2c.py: FBCON_GLYPHS glyphs, U+0020..U+007E
 * then a replacement glyph; each glyph is height rows of row_bytes bytes, MSB = leftmost pixel. */
#define FBCON_FIRST 0x20
#define FBCON_LAST 0x7e
#define FBCON_GLYPHS (FBCON_LAST - FBCON_FIRST + 2)
#define FBCON_REPLACEMENT_GLYPH (FBCON_GLYPHS - 1)
#define FBCON_MAX_SCALE 8
#define FBCON_TAB 8

struct fbcon_font {
	const char *name;
	const char *source;            /* the PSF file it was generated from */
	uint32_t width, height, row_bytes;
	uint32_t replacement;          /* code point of the last glyph (U+FFFD or '?') */
	const uint8_t *glyphs;
};

extern const struct fbcon_font fbcon_font_terminus16;        /* 8x16 */
extern const struct fbcon_font fbcon_font_terminus_bold32;   /* 16x32 */

/* Colours (8-bit per channel) the console draws with. */
#define FBCON_FG_R 0xcc
#define FBCON_FG_G 0xcc
#define FBCON_FG_B 0xcc
#define FBCON_BG_R 0x00
#define FBCON_BG_G 0x00
#define FBCON_BG_B 0x00

struct fbcon {
	volatile uint32_t *base;       /* pixel (0,0); 4-byte pixels */
	uint32_t width, height, stride;  /* visible pixels; stride in pixels */
	enum fb_format format;
	uint32_t fg, bg;               /* packed pixel values */
	const struct fbcon_font *font;
	uint32_t scale;
	uint32_t cell_w, cell_h;       /* pixels per text cell */
	uint32_t cols, rows;           /* text grid */
	uint32_t col, row;             /* cursor */
	int pending_wrap;              /* a character filled the last column: wrap before the next one */
	uint32_t utf8_left;            /* continuation bytes still expected after a UTF-8 lead byte */
};

/* Packs an 8-bit-per-channel colour into a pixel of format fmt (masks for FB_BITMASK only):
 * each channel is scaled to its mask's width with rounding, bits outside the masks are 0. */
uint32_t fbcon_pack(enum fb_format fmt, uint32_t rmask, uint32_t gmask, uint32_t bmask,
		    uint8_t r, uint8_t g, uint8_t b);

/* Picks the font and integer scale for a screen of w x h pixels: the smallest cell with at most
 * 60 text rows and at least 100 columns; 8x16 at scale 1 when no cell meets both. */
void fbcon_pick_font(uint32_t w, uint32_t h, const struct fbcon_font **font, uint32_t *scale);

/* Sets up c for fb with font (NULL: fbcon_pick_font) and scale (0: picked) and clears the screen.
 * Returns 0, or -1 with *why set when the framebuffer cannot be used. */
int fbcon_init(struct fbcon *c, const struct fb_info *fb, const struct fbcon_font *font, uint32_t scale,
	       const char **why);
void fbcon_write(struct fbcon *c, const char *s, size_t n);
const char *fbcon_format_name(enum fb_format f);

/* The hypervisor's console: init on boot->fb (usable only below mapped_top), log one
 * "screen: console ..." line or the reason it is off, then mirror the log (a log sink). */
void fbcon_start(const struct fb_info *fb, uint64_t mapped_top);

#endif
