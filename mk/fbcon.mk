# mk/fbcon.mk - the screen console (arch/x86_64/fbcon.c), its fonts, host test and screen renderer.
#
# Fonts: Terminus Font (SIL OFL 1.1) from Debian's console-setup-linux, converted at build time.
FONT_DIR      ?= /usr/share/consolefonts
FBCON_FONTS   := $(B)/gen/font_terminus16.c $(B)/gen/font_terminus_bold32.c
FBCON_SRCS    := arch/x86_64/fbcon.c $(FBCON_FONTS)
HV_SRCS       += $(FBCON_SRCS)

$(B)/gen/font_terminus16.c: tools/psf2c.py $(FONT_DIR)/Uni2-Terminus16.psf.gz
	@mkdir -p $(dir $@)
	python3 tools/psf2c.py $(FONT_DIR)/Uni2-Terminus16.psf.gz fbcon_font_terminus16 Terminus-8x16 $@

$(B)/gen/font_terminus_bold32.c: tools/psf2c.py $(FONT_DIR)/Uni2-TerminusBold32x16.psf.gz
	@mkdir -p $(dir $@)
	python3 tools/psf2c.py $(FONT_DIR)/Uni2-TerminusBold32x16.psf.gz fbcon_font_terminus_bold32 Terminus-Bold-16x32 $@

HOST_TESTS += test_fbcon
test_fbcon_SRCS = tests/host/test_fbcon.c $(FBCON_SRCS)
test_fbcon_LIBS := -lz

# Host renderer for the QEMU screendump comparison (tests/boot/cases_screen.py).
$(B)/host/screen_render: $(call objs,host,tests/boot/screen_render.c $(FBCON_SRCS))
	$(HOSTCC) $(HOST_CFLAGS) $^ -o $@
ALL_EXTRA += $(B)/host/screen_render
