/* Screen console tests: text rendered into in-memory framebuffers in every pixel format, with
 * strides wider than the width and guard bytes around the buffer, checked pixel by pixel against
 * an independent reference model (a text grid + the font's bitmaps); and the generated font
 * arrays (build/gen/font_*.c) checked against the PSF files they came from (read here with zlib). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <zlib.h>

#include "arch/x86_64/fbcon.h"

#define GUARD_BYTES 256
#define FILL 0xa5a5a5a5u      /* what the test puts everywhere first */

/* ------------------------------------------------------------------ PSF loader (independent) */
struct psf {
	uint8_t *data;
	size_t len;
	uint32_t width, height, row_bytes, count, charsize;
	const uint8_t *glyphs;
	int32_t map[0x10000];     /* code point (BMP) -> glyph, -1 if none */
};

static uint32_t le32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }

static struct psf *psf_load(const char *path)
{
	gzFile gz = gzopen(path, "rb");
	struct psf *f = calloc(1, sizeof(*f));
	size_t cap = 1 << 16;
	int n;

	assert_non_null(gz);
	assert_non_null(f);
	f->data = malloc(cap);
	while ((n = gzread(gz, f->data + f->len, (unsigned)(cap - f->len))) > 0) {
		f->len += (size_t)n;
		if (f->len == cap)
			f->data = realloc(f->data, cap *= 2);
	}
	gzclose(gz);
	for (int i = 0; i < 0x10000; i++)
		f->map[i] = -1;

	const uint8_t *d = f->data, *table = NULL;
	int has_table = 0, psf2 = 0;
	if (f->len >= 4 && d[0] == 0x36 && d[1] == 0x04) {
		f->count = (d[2] & 1) ? 512 : 256;
		f->width = 8, f->height = d[3], f->row_bytes = 1, f->charsize = d[3];
		f->glyphs = d + 4;
		has_table = (d[2] & 6) != 0;
	} else {
		assert_true(f->len >= 32 && le32(d) == 0x864ab572u);
		f->count = le32(d + 16), f->charsize = le32(d + 20);
		f->height = le32(d + 24), f->width = le32(d + 28), f->row_bytes = (f->width + 7) / 8;
		f->glyphs = d + le32(d + 8);
		has_table = le32(d + 12) & 1;
		psf2 = 1;
	}
	assert_int_equal(f->charsize, f->height * f->row_bytes);
	table = f->glyphs + (size_t)f->count * f->charsize;
	assert_true(table <= d + f->len);
	if (!has_table) {
		for (uint32_t i = 0; i < f->count; i++)
			f->map[i] = (int32_t)i;
		return f;
	}
	const uint8_t *p = table, *end = d + f->len;
	for (uint32_t g = 0; g < f->count; g++) {
		int seq = 0;
		for (;;) {
			uint32_t cp;
			assert_true(p < end);
			if (!psf2) {
				cp = p[0] | p[1] << 8;
				p += 2;
				if (cp == 0xffff)
					break;
				if (cp == 0xfffe) {
					seq = 1;
					continue;
				}
			} else {
				if (*p == 0xff) {
					p++;
					break;
				}
				if (*p == 0xfe) {
					seq = 1;
					p++;
					continue;
				}
				if (*p < 0x80)
					cp = *p++;
				else if ((*p & 0xe0) == 0xc0)
					cp = (p[0] & 0x1fu) << 6 | (p[1] & 0x3f), p += 2;
				else if ((*p & 0xf0) == 0xe0)
					cp = (p[0] & 0x0fu) << 12 | (p[1] & 0x3fu) << 6 | (p[2] & 0x3f), p += 3;
				else
					cp = 0x110000, p += 4;
			}
			if (!seq && cp < 0x10000 && f->map[cp] < 0)
				f->map[cp] = (int32_t)g;
		}
	}
	return f;
}

static void psf_free(struct psf *f)
{
	free(f->data);
	free(f);
}

static void check_font_against_psf(const struct fbcon_font *font)
{
	struct psf *f = psf_load(font->source);
	size_t gsize = (size_t)font->height * font->row_bytes;

	assert_int_equal(font->width, f->width);
	assert_int_equal(font->height, f->height);
	assert_int_equal(font->row_bytes, f->row_bytes);
	for (uint32_t cp = FBCON_FIRST; cp <= FBCON_LAST; cp++) {
		int32_t g = f->map[cp];
		assert_true(g >= 0);
		assert_memory_equal(font->glyphs + (cp - FBCON_FIRST) * gsize, f->glyphs + (size_t)g * f->charsize, gsize);
	}
	int32_t rep = f->map[0xfffd] >= 0 ? f->map[0xfffd] : f->map['?'];
	assert_int_equal(font->replacement, f->map[0xfffd] >= 0 ? 0xfffd : '?');
	assert_memory_equal(font->glyphs + FBCON_REPLACEMENT_GLYPH * gsize, f->glyphs + (size_t)rep * f->charsize, gsize);
	/* the space glyph is blank, and 'A' is not */
	int ink = 0;
	for (size_t i = 0; i < gsize; i++) {
		assert_int_equal(font->glyphs[(' ' - FBCON_FIRST) * gsize + i], 0);
		ink |= font->glyphs[('A' - FBCON_FIRST) * gsize + i];
	}
	assert_true(ink != 0);
	psf_free(f);
}

static void test_font16_matches_psf(void **state) { (void)state; check_font_against_psf(&fbcon_font_terminus16); }
static void test_font32_matches_psf(void **state) { (void)state; check_font_against_psf(&fbcon_font_terminus_bold32); }

/* ------------------------------------------------------------------ test framebuffers */
struct tfb {
	uint8_t *mem;              /* guard | pixels | guard */
	uint32_t *px;
	struct fb_info fb;
};

static void tfb_make(struct tfb *t, uint32_t w, uint32_t h, uint32_t stride, enum fb_format fmt,
		     uint32_t rm, uint32_t gm, uint32_t bm)
{
	size_t bytes = (size_t)stride * h * 4;
	t->mem = malloc(bytes + 2 * GUARD_BYTES);
	assert_non_null(t->mem);
	memset(t->mem, 0xa5, bytes + 2 * GUARD_BYTES);
	t->px = (uint32_t *)(t->mem + GUARD_BYTES);
	memset(&t->fb, 0, sizeof(t->fb));
	t->fb.present = true;
	t->fb.base = (uint64_t)(uintptr_t)t->px;
	t->fb.size = bytes;
	t->fb.width = w, t->fb.height = h, t->fb.pixels_per_scan_line = stride;
	t->fb.format = fmt;
	t->fb.red_mask = rm, t->fb.green_mask = gm, t->fb.blue_mask = bm;
}

static void tfb_free(struct tfb *t) { free(t->mem); }

/* Reference model of the console: a text grid of glyph indexes (-1 = never drawn). */
struct model {
	uint32_t cols, rows, col, row, utf8;
	int32_t cell[64][256];
};

static void m_newline(struct model *m)
{
	m->col = 0;
	if (m->row + 1 < m->rows) {
		m->row++;
		return;
	}
	memmove(m->cell[0], m->cell[1], sizeof(m->cell[0]) * (m->rows - 1));
	for (uint32_t x = 0; x < 256; x++)
		m->cell[m->rows - 1][x] = -1;
}

static void m_put(struct model *m, int32_t g)
{
	if (m->col == m->cols)
		m_newline(m);
	m->cell[m->row][m->col++] = g;
}

static void m_write(struct model *m, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t ch = (uint8_t)s[i];
		if (m->utf8 && (ch & 0xc0) == 0x80) {
			m->utf8--;
			continue;
		}
		m->utf8 = 0;
		if (ch >= 0x20 && ch <= 0x7e)
			m_put(m, ch - 0x20);
		else if (ch == '\n')
			m_newline(m);
		else if (ch == '\r')
			m->col = 0;
		else if (ch == '\t') {
			do
				m_put(m, 0);
			while (m->col % 8 && m->col < m->cols);
		} else if (ch == '\b') {
			if (m->col)
				m->col--;
		} else {
			if (ch >= 0xc0 && ch < 0xf8)
				m->utf8 = ch >= 0xf0 ? 3 : ch >= 0xe0 ? 2 : 1;
			m_put(m, 95);
		}
	}
}

static void m_init(struct model *m, uint32_t cols, uint32_t rows)
{
	memset(m, 0, sizeof(*m));
	assert_true(rows <= 64 && cols <= 256);
	m->cols = cols, m->rows = rows;
	for (uint32_t y = 0; y < 64; y++)
		for (uint32_t x = 0; x < 256; x++)
			m->cell[y][x] = -1;
}

/* Every pixel of the buffer, the padding beyond the width and the guards, against the model. */
static void check_screen(const struct tfb *t, const struct model *m, const struct fbcon_font *font, uint32_t scale,
			 uint32_t fg, uint32_t bg)
{
	uint32_t cw = font->width * scale, ch = font->height * scale;
	size_t gsize = (size_t)font->height * font->row_bytes;

	for (size_t i = 0; i < GUARD_BYTES; i++) {
		assert_int_equal(t->mem[i], 0xa5);
		assert_int_equal(t->mem[GUARD_BYTES + t->fb.size + i], 0xa5);
	}
	for (uint32_t y = 0; y < t->fb.height; y++) {
		for (uint32_t x = 0; x < t->fb.pixels_per_scan_line; x++) {
			uint32_t got = t->px[(size_t)y * t->fb.pixels_per_scan_line + x], want = bg;
			if (x >= t->fb.width) {
				want = FILL;    /* never written */
			} else if (x / cw < m->cols && y / ch < m->rows && m->cell[y / ch][x / cw] >= 0) {
				const uint8_t *gl = font->glyphs + (size_t)m->cell[y / ch][x / cw] * gsize;
				uint32_t gx = (x % cw) / scale, gy = (y % ch) / scale;
				want = (gl[gy * font->row_bytes + gx / 8] & (0x80 >> (gx % 8))) ? fg : bg;
			}
			if (got != want)
				fail_msg("pixel (%u,%u): got 0x%08x want 0x%08x (cell %u,%u)", x, y, got, want, x / cw, y / ch);
		}
	}
}

/* Renders s with font/scale into a w x h framebuffer (stride, format, masks) and checks it all. */
static void render_and_check(uint32_t w, uint32_t h, uint32_t stride, enum fb_format fmt, uint32_t rm, uint32_t gm,
			     uint32_t bm, const struct fbcon_font *font, uint32_t scale, const char *s, uint32_t fg)
{
	struct tfb t;
	struct fbcon c;
	struct model *m = malloc(sizeof(*m));
	const char *why = NULL;

	tfb_make(&t, w, h, stride, fmt, rm, gm, bm);
	assert_int_equal(fbcon_init(&c, &t.fb, font, scale, &why), 0);
	assert_int_equal(c.fg, fg);
	assert_int_equal(c.bg, 0);
	m_init(m, w / (font->width * scale), h / (font->height * scale));
	assert_int_equal(c.cols, m->cols);
	assert_int_equal(c.rows, m->rows);
	fbcon_write(&c, s, strlen(s));
	m_write(m, s, strlen(s));
	check_screen(&t, m, font, scale, fg, 0);
	free(m);
	tfb_free(&t);
}

static const char *TEXT =
	"[hv] FATAL E_NO_VTX (code 2): no VT-x\n"
	"a line long enough to wrap at the right edge of a narrow screen: 0123456789abcdefghijklmnopqrstuvwxyz\n"
	"overwritten\rOVER\n"
	"tab\tx ctl\x01 del\x7f utf8 \xe2\x94\x80 end\n";

/* ------------------------------------------------------------------ tests */
static void test_pack(void **state)
{
	(void)state;
	assert_int_equal(fbcon_pack(FB_RGBX32, 0, 0, 0, 0x11, 0x22, 0x33), 0x00332211);
	assert_int_equal(fbcon_pack(FB_BGRX32, 0, 0, 0, 0x11, 0x22, 0x33), 0x00112233);
	/* 5-6-5 in a 32-bit pixel: round(17*31/255)=2, round(34*63/255)=8, round(51*31/255)=6 */
	assert_int_equal(fbcon_pack(FB_BITMASK, 0xf800, 0x07e0, 0x001f, 0x11, 0x22, 0x33), 2u << 11 | 8u << 5 | 6u);
	assert_int_equal(fbcon_pack(FB_BITMASK, 0xf800, 0x07e0, 0x001f, 0xff, 0xff, 0xff), 0xffff);
	/* swapped, scattered byte channels */
	assert_int_equal(fbcon_pack(FB_BITMASK, 0x0000ff00, 0x000000ff, 0xff000000, 0x11, 0x22, 0x33), 0x33001122);
	/* 2-bit channels: round(204*3/255)=2 */
	assert_int_equal(fbcon_pack(FB_BITMASK, 0x30, 0x0c, 0x03, 0xcc, 0xcc, 0xcc), 0x2a);
	/* 10-bit channels: round(204*1023/255)=818=0x332 */
	assert_int_equal(fbcon_pack(FB_BITMASK, 0x3ff00000, 0x000ffc00, 0x3ff, 0xcc, 0xcc, 0xcc),
			 0x332u << 20 | 0x332u << 10 | 0x332u);
}

static void test_render_rgbx(void **state)
{
	(void)state;
	render_and_check(800, 600, 800, FB_RGBX32, 0, 0, 0, &fbcon_font_terminus16, 1, TEXT, 0x00cccccc);
}

static void test_render_bgrx_wide_stride(void **state)
{
	(void)state;
	render_and_check(403, 170, 421, FB_BGRX32, 0, 0, 0, &fbcon_font_terminus16, 1, TEXT, 0x00cccccc);
}

static void test_render_565(void **state)
{
	(void)state;
	/* fg 0xcc: 5 bits round(204*31/255)=25, 6 bits round(204*63/255)=50 */
	render_and_check(333, 250, 336, FB_BITMASK, 0xf800, 0x07e0, 0x001f, &fbcon_font_terminus16, 1, TEXT,
			 25u << 11 | 50u << 5 | 25u);
}

static void test_render_swapped_masks(void **state)
{
	(void)state;
	render_and_check(260, 200, 261, FB_BITMASK, 0x0000ff00, 0x000000ff, 0xff000000, &fbcon_font_terminus16, 1, TEXT,
			 0xcc00cccc);
}

static void test_render_narrow_masks(void **state)
{
	(void)state;
	render_and_check(250, 130, 250, FB_BITMASK, 0x30, 0x0c, 0x03, &fbcon_font_terminus16, 1, TEXT, 0x2a);
}

static void test_render_big_font_scaled(void **state)
{
	(void)state;
	render_and_check(700, 400, 703, FB_BGRX32, 0, 0, 0, &fbcon_font_terminus_bold32, 2, TEXT, 0x00cccccc);
	render_and_check(300, 200, 300, FB_RGBX32, 0, 0, 0, &fbcon_font_terminus16, 3, TEXT, 0x00cccccc);
}

/* 10 columns x 4 rows, with a margin right and below the text area and a wider stride. */
static void test_scroll(void **state)
{
	struct tfb t;
	struct fbcon c;
	const char *why;
	struct model *m = malloc(sizeof(*m));
	(void)state;

	tfb_make(&t, 85, 71, 97, FB_BGRX32, 0, 0, 0);
	assert_int_equal(fbcon_init(&c, &t.fb, &fbcon_font_terminus16, 1, &why), 0);
	assert_int_equal(c.cols, 10);
	assert_int_equal(c.rows, 4);
	m_init(m, 10, 4);
	const char *s = "row0\nrow1\nrow2\nrow3\n";
	fbcon_write(&c, s, strlen(s));
	m_write(m, s, strlen(s));
	check_screen(&t, m, &fbcon_font_terminus16, 1, 0xcccccc, 0);
	/* the first text row now holds "row1" (was row 2), the last row is clear */
	assert_int_equal(m->cell[0][3], '1' - 0x20);
	for (uint32_t y = 3 * 16; y < 4 * 16; y++)
		for (uint32_t x = 0; x < 85; x++)
			assert_int_equal(t.px[y * 97 + x], 0);
	/* many more lines, some wrapping, scroll many times */
	for (int i = 0; i < 30; i++) {
		char line[64];
		int n = snprintf(line, sizeof(line), "L%02d%s\n", i, i % 3 ? "" : "-wraps-past-ten");
		fbcon_write(&c, line, (size_t)n);
		m_write(m, line, (size_t)n);
	}
	check_screen(&t, m, &fbcon_font_terminus16, 1, 0xcccccc, 0);
	free(m);
	tfb_free(&t);
}

/* Text up to the right edge (width a whole number of cells) scrolled with stride > width, with
 * stride == width (one bulk move), and with an odd stride (rows not 8-byte aligned). */
/* Terminus leaves the last pixel column of ASCII glyphs blank, which would hide an off-by-one
 * at a row's end: these scroll tests use a synthetic 8x16 font with ink in every column. */
static uint8_t synth_glyphs[FBCON_GLYPHS * 16];
static const struct fbcon_font synth_font = { "synthetic", "", 8, 16, 1, '?', synth_glyphs };

static void scroll_full_rows(uint32_t w, uint32_t h, uint32_t stride)
{
	struct tfb t;
	struct fbcon c;
	const char *why;
	struct model *m = malloc(sizeof(*m));

	for (uint32_t i = 0; i < sizeof(synth_glyphs); i++)
		synth_glyphs[i] = (uint8_t)(i * 37u + 0x5b) | 0x81;
	tfb_make(&t, w, h, stride, FB_RGBX32, 0, 0, 0);
	assert_int_equal(fbcon_init(&c, &t.fb, &synth_font, 1, &why), 0);
	m_init(m, c.cols, c.rows);
	for (int i = 0; i < 25; i++) {
		char line[128];
		int n = snprintf(line, sizeof(line), "%02d#@WMmw%s\n", i, "Q@#0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ" + i % 7);
		fbcon_write(&c, line, (size_t)n);
		m_write(m, line, (size_t)n);
		check_screen(&t, m, &synth_font, 1, 0xcccccc, 0);
	}
	free(m);
	tfb_free(&t);
}

static void test_scroll_full_rows(void **state)
{
	(void)state;
	scroll_full_rows(80, 64, 83);
	scroll_full_rows(80, 64, 80);
	scroll_full_rows(88, 70, 89);
	scroll_full_rows(72, 50, 72);
}

/* A line of exactly `cols` characters then '\n' takes one row, not two. */
static void test_exact_width_line(void **state)
{
	struct tfb t;
	struct fbcon c;
	const char *why;
	(void)state;

	tfb_make(&t, 80, 64, 80, FB_RGBX32, 0, 0, 0);
	assert_int_equal(fbcon_init(&c, &t.fb, &fbcon_font_terminus16, 1, &why), 0);
	fbcon_write(&c, "0123456789\nX", 12);
	assert_int_equal(c.row, 1);
	assert_int_equal(c.col, 1);
	fbcon_write(&c, "\n0123456789A", 12);   /* wraps: A lands on the next row */
	assert_int_equal(c.row, 3);
	assert_int_equal(c.col, 1);
	tfb_free(&t);
}

static void test_init_rejects(void **state)
{
	struct tfb t;
	struct fbcon c;
	const char *why = NULL;
	(void)state;

	tfb_make(&t, 100, 50, 100, FB_BGRX32, 0, 0, 0);
	t.fb.size -= 4;
	assert_int_equal(fbcon_init(&c, &t.fb, NULL, 0, &why), -1);
	assert_non_null(strstr(why, "smaller"));
	t.fb.size += 4;
	t.fb.pixels_per_scan_line = 99;
	assert_int_equal(fbcon_init(&c, &t.fb, NULL, 0, &why), -1);
	t.fb.pixels_per_scan_line = 100;
	t.fb.format = FB_BITMASK, t.fb.red_mask = 0xff, t.fb.green_mask = 0x1f0, t.fb.blue_mask = 0xff0000;
	assert_int_equal(fbcon_init(&c, &t.fb, NULL, 0, &why), -1);
	t.fb.green_mask = 0;
	assert_int_equal(fbcon_init(&c, &t.fb, NULL, 0, &why), -1);
	t.fb.format = (enum fb_format)7;
	assert_int_equal(fbcon_init(&c, &t.fb, NULL, 0, &why), -1);
	t.fb.format = FB_BGRX32;
	t.fb.present = false;
	assert_int_equal(fbcon_init(&c, &t.fb, NULL, 0, &why), -1);
	t.fb.present = true;
	t.fb.width = 7;   /* narrower than one cell */
	assert_int_equal(fbcon_init(&c, &t.fb, &fbcon_font_terminus16, 1, &why), -1);
	/* nothing was written by the refusals except the last, which clears nothing */
	for (size_t i = 0; i < t.fb.size + 2 * GUARD_BYTES; i++)
		assert_int_equal(t.mem[i], 0xa5);
	tfb_free(&t);
}

static void test_pick_font(void **state)
{
	const struct fbcon_font *f;
	uint32_t s;
	(void)state;

	fbcon_pick_font(640, 480, &f, &s);
	assert_ptr_equal(f, &fbcon_font_terminus16);
	assert_int_equal(s, 1);
	fbcon_pick_font(800, 600, &f, &s);
	assert_ptr_equal(f, &fbcon_font_terminus16);
	assert_int_equal(s, 1);
	fbcon_pick_font(1280, 800, &f, &s);
	assert_ptr_equal(f, &fbcon_font_terminus16);
	fbcon_pick_font(1920, 1080, &f, &s);
	assert_ptr_equal(f, &fbcon_font_terminus_bold32);
	assert_int_equal(s, 1);
	/* 4K: cell height >= 2160/60 = 36 and >= 100 columns */
	fbcon_pick_font(3840, 2160, &f, &s);
	assert_true(f->height * s >= 36);
	assert_true(3840 / (f->width * s) >= 100);
	fbcon_pick_font(7680, 4320, &f, &s);
	assert_true(f->height * s >= 72);
	assert_true(7680 / (f->width * s) >= 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_font16_matches_psf),
		cmocka_unit_test(test_font32_matches_psf),
		cmocka_unit_test(test_pack),
		cmocka_unit_test(test_render_rgbx),
		cmocka_unit_test(test_render_bgrx_wide_stride),
		cmocka_unit_test(test_render_565),
		cmocka_unit_test(test_render_swapped_masks),
		cmocka_unit_test(test_render_narrow_masks),
		cmocka_unit_test(test_render_big_font_scaled),
		cmocka_unit_test(test_scroll),
		cmocka_unit_test(test_scroll_full_rows),
		cmocka_unit_test(test_exact_width_line),
		cmocka_unit_test(test_init_rejects),
		cmocka_unit_test(test_pick_font),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
