/* The screen console (docs/screen-console.md): draws log text on the GOP framebuffer with a
 * Terminus PSF font converted at build time (tools/psf2c.py). Drawing a character touches only
 * its cell; scrolling is one bulk move of the text rows (per pixel row when the stride is wider
 * than the visible width) and a clear of the last text row. No shadow of the text grid is kept.
 * Fed from the log path only (a log sink), never from VM exits. */
#include "arch/x86_64/fbcon.h"

#ifndef HV_HOST_TEST
#include "arch/lib/log.h"
#endif

static uint32_t low_bit(uint32_t m)
{
	uint32_t s = 0;
	while (s < 32 && !(m & (1u << s)))
		s++;
	return s;
}

static uint32_t bit_count(uint32_t m)
{
	uint32_t n = 0;
	for (; m; m &= m - 1)
		n++;
	return n;
}

/* c (0..255) scaled to the field of mask, rounded, in place. */
static uint32_t channel(uint32_t mask, uint8_t c)
{
	if (!mask)
		return 0;
	uint32_t shift = low_bit(mask), width = bit_count(mask);
	uint64_t max = (width >= 32 ? 0xffffffffull : (1ull << width) - 1);
	uint64_t v = ((uint64_t)c * max + 127) / 255;
	return (uint32_t)(v << shift) & mask;
}

uint32_t fbcon_pack(enum fb_format fmt, uint32_t rmask, uint32_t gmask, uint32_t bmask,
		    uint8_t r, uint8_t g, uint8_t b)
{
	switch (fmt) {
	case FB_RGBX32: return (uint32_t)r | (uint32_t)g << 8 | (uint32_t)b << 16;
	case FB_BGRX32: return (uint32_t)b | (uint32_t)g << 8 | (uint32_t)r << 16;
	default: return channel(rmask, r) | channel(gmask, g) | channel(bmask, b);
	}
}

const char *fbcon_format_name(enum fb_format f)
{
	return f == FB_RGBX32 ? "RGBX32" : f == FB_BGRX32 ? "BGRX32" : f == FB_BITMASK ? "BITMASK" : "unknown";
}

void fbcon_pick_font(uint32_t w, uint32_t h, const struct fbcon_font **font, uint32_t *scale)
{
	const struct fbcon_font *fonts[2] = { &fbcon_font_terminus16, &fbcon_font_terminus_bold32 };
	uint32_t best_h = 0;

	*font = fonts[0];
	*scale = 1;
	for (int f = 0; f < 2; f++) {
		for (uint32_t s = 1; s <= FBCON_MAX_SCALE; s++) {
			uint32_t cw = fonts[f]->width * s, ch = fonts[f]->height * s;
			uint32_t cols = w / cw, rows = h / ch;
			if (cols < 100 || rows < 1 || rows > 60)
				continue;
			/* smallest cell; on a tie the bigger native font (less scaling) */
			if (!best_h || ch < best_h || (ch == best_h && fonts[f]->height > (*font)->height)) {
				best_h = ch;
				*font = fonts[f];
				*scale = s;
			}
		}
	}
}

/* Fills n pixels from p with the pixel value v, 8 bytes at a time where aligned. */
static void fill_pixels(volatile uint32_t *p, uint32_t n, uint32_t v)
{
	if (n && ((uintptr_t)p & 7)) {
		*p++ = v;
		n--;
	}
	volatile uint64_t *q = (volatile uint64_t *)p;
	uint64_t vv = (uint64_t)v << 32 | v;
	for (uint32_t i = 0; i < n / 2; i++)
		q[i] = vv;
	if (n & 1)
		p[n - 1] = v;
}

/* Copies n pixels from src to dst (dst below src: forward copy is safe), 8 bytes at a time. */
static void move_pixels(volatile uint32_t *dst, const volatile uint32_t *src, uint64_t n)
{
	if (((uintptr_t)dst & 7) != ((uintptr_t)src & 7)) {
		for (uint64_t i = 0; i < n; i++)
			dst[i] = src[i];
		return;
	}
	if (n && ((uintptr_t)dst & 7)) {
		*dst++ = *src++;
		n--;
	}
	volatile uint64_t *d = (volatile uint64_t *)dst;
	const volatile uint64_t *s = (const volatile uint64_t *)src;
	for (uint64_t i = 0; i < n / 2; i++)
		d[i] = s[i];
	if (n & 1)
		dst[n - 1] = src[n - 1];
}

static void fill_rows(struct fbcon *c, uint32_t y0, uint32_t y1)
{
	for (uint32_t y = y0; y < y1; y++)
		fill_pixels(c->base + (uint64_t)y * c->stride, c->width, c->bg);
}

static void scroll(struct fbcon *c)
{
	uint64_t text_h = (uint64_t)c->rows * c->cell_h;

	if (c->stride == c->width) {
		move_pixels(c->base, c->base + (uint64_t)c->cell_h * c->stride, (text_h - c->cell_h) * c->stride);
	} else {
		for (uint64_t y = 0; y + c->cell_h < text_h; y++)
			move_pixels(c->base + y * c->stride, c->base + (y + c->cell_h) * c->stride, c->width);
	}
	fill_rows(c, (uint32_t)(text_h - c->cell_h), (uint32_t)text_h);
}

static void newline(struct fbcon *c)
{
	c->col = 0;
	if (c->row + 1 < c->rows)
		c->row++;
	else
		scroll(c);
}

static void draw_glyph(struct fbcon *c, uint32_t glyph)
{
	const struct fbcon_font *f = c->font;
	const uint8_t *bits = f->glyphs + (uint64_t)glyph * f->height * f->row_bytes;
	volatile uint32_t *line = c->base + (uint64_t)c->row * c->cell_h * c->stride + (uint64_t)c->col * c->cell_w;

	for (uint32_t gy = 0; gy < f->height; gy++, bits += f->row_bytes) {
		for (uint32_t sy = 0; sy < c->scale; sy++, line += c->stride) {
			volatile uint32_t *p = line;
			for (uint32_t gx = 0; gx < f->width; gx++) {
				uint32_t v = (bits[gx >> 3] & (0x80u >> (gx & 7))) ? c->fg : c->bg;
				for (uint32_t sx = 0; sx < c->scale; sx++)
					*p++ = v;
			}
		}
	}
}

static void put_glyph(struct fbcon *c, uint32_t glyph)
{
	if (c->col >= c->cols)
		newline(c);     /* the previous character filled the last column */
	draw_glyph(c, glyph);
	c->col++;
}

static void putc_byte(struct fbcon *c, uint8_t ch)
{
	if (c->utf8_left) {
		if ((ch & 0xc0) == 0x80) {
			c->utf8_left--;
			return;     /* the whole sequence was drawn as one replacement glyph */
		}
		c->utf8_left = 0;
	}
	if (ch >= FBCON_FIRST && ch <= FBCON_LAST) {
		put_glyph(c, ch - FBCON_FIRST);
		return;
	}
	switch (ch) {
	case '\n':
		newline(c);
		return;
	case '\r':
		c->col = 0;
		return;
	case '\t':
		do
			put_glyph(c, ' ' - FBCON_FIRST);
		while (c->col % FBCON_TAB && c->col < c->cols);
		return;
	case '\b':
		if (c->col)
			c->col--;
		return;
	default:
		/* other control characters, DEL, and any UTF-8 sequence: the replacement glyph */
		if (ch >= 0xc0 && ch < 0xf8)
			c->utf8_left = ch >= 0xf0 ? 3 : ch >= 0xe0 ? 2 : 1;
		put_glyph(c, FBCON_REPLACEMENT_GLYPH);
	}
}

void fbcon_write(struct fbcon *c, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		putc_byte(c, (uint8_t)s[i]);
}

int fbcon_init(struct fbcon *c, const struct fb_info *fb, const struct fbcon_font *font, uint32_t scale,
	       const char **why)
{
	uint64_t need;

	if (!fb->present || !fb->base || !fb->width || !fb->height) {
		*why = "no linear framebuffer";
		return -1;
	}
	if (fb->pixels_per_scan_line < fb->width) {
		*why = "pixels per scan line below the visible width";
		return -1;
	}
	if (fb->format != FB_RGBX32 && fb->format != FB_BGRX32 && fb->format != FB_BITMASK) {
		*why = "unknown pixel format";
		return -1;
	}
	if (fb->format == FB_BITMASK &&
	    (!fb->red_mask || !fb->green_mask || !fb->blue_mask || (fb->red_mask & fb->green_mask) ||
	     (fb->red_mask & fb->blue_mask) || (fb->green_mask & fb->blue_mask))) {
		*why = "pixel bit masks empty or overlapping";
		return -1;
	}
	need = ((uint64_t)fb->pixels_per_scan_line * (fb->height - 1) + fb->width) * 4;
	if (fb->size < need) {
		*why = "framebuffer smaller than its resolution at 4 bytes a pixel";
		return -1;
	}
	if (!font)
		fbcon_pick_font(fb->width, fb->height, &font, &scale);
	if (!scale)
		scale = 1;
	c->base = (volatile uint32_t *)(uintptr_t)fb->base;
	c->width = fb->width;
	c->height = fb->height;
	c->stride = fb->pixels_per_scan_line;
	c->format = fb->format;
	c->fg = fbcon_pack(fb->format, fb->red_mask, fb->green_mask, fb->blue_mask, FBCON_FG_R, FBCON_FG_G, FBCON_FG_B);
	c->bg = fbcon_pack(fb->format, fb->red_mask, fb->green_mask, fb->blue_mask, FBCON_BG_R, FBCON_BG_G, FBCON_BG_B);
	c->font = font;
	c->scale = scale;
	c->cell_w = font->width * scale;
	c->cell_h = font->height * scale;
	c->cols = fb->width / c->cell_w;
	c->rows = fb->height / c->cell_h;
	c->col = c->row = 0;
	c->utf8_left = 0;
	if (!c->cols || !c->rows) {
		*why = "screen smaller than one text cell";
		return -1;
	}
	fill_rows(c, 0, c->height);
	*why = "";
	return 0;
}

#ifndef HV_HOST_TEST
static struct fbcon console;

static void console_sink(const char *s, size_t n)
{
	fbcon_write(&console, s, n);
}

void fbcon_start(const struct fb_info *fb, uint64_t mapped_top)
{
	const char *why;

	if (!fb->present) {
		hv_log("screen: console off: no linear framebuffer from GOP (serial only)");
		return;
	}
	if (fb->base + fb->size > mapped_top || fb->base + fb->size < fb->base) {
		hv_log("screen: console off: framebuffer 0x%llx+0x%llx is above the identity map (0x%llx)",
		       (unsigned long long)fb->base, (unsigned long long)fb->size, (unsigned long long)mapped_top);
		return;
	}
	if (fbcon_init(&console, fb, 0, 0, &why) != 0) {
		hv_log("screen: console off: %s", why);
		return;
	}
	log_add_sink(console_sink);
	if (fb->format == FB_BITMASK)
		hv_log("screen: console %ux%u stride=%u format=BITMASK(r=0x%x,g=0x%x,b=0x%x) font=%s scale=%u "
		       "text=%ux%u", fb->width, fb->height, fb->pixels_per_scan_line, fb->red_mask, fb->green_mask,
		       fb->blue_mask, console.font->name, console.scale, console.cols, console.rows);
	else
		hv_log("screen: console %ux%u stride=%u format=%s font=%s scale=%u text=%ux%u", fb->width, fb->height,
		       fb->pixels_per_scan_line, fbcon_format_name(fb->format), console.font->name, console.scale,
		       console.cols, console.rows);
}
#endif
