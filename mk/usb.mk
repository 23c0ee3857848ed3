# mk/usb.mk - the bootable disk image: GPT + one FAT32 ESP holding \EFI\BOOT\BOOTX64.EFI (and
# \EFI\BOOT\GUEST.BIN when build/guest/default.bin exists). `make` builds it (ALL_EXTRA);
# `make usb` builds only it. Write it to a stick with tools/write-usb.sh, boot it with ./run-qemu.sh.

USB_IMG := $(B)/minihv-usb.img
# The built-in default guest (mk/guest.mk builds it) doubles as GUEST.BIN.
USB_GUEST := $(B)/guest/default.bin

ALL_EXTRA += $(USB_IMG)

.PHONY: usb
usb: $(USB_IMG)

$(USB_IMG): $(B)/BOOTX64.EFI $(USB_GUEST) tools/mkimage.sh
	tools/mkimage.sh $@.tmp $(B)/BOOTX64.EFI GUEST.BIN=$(USB_GUEST)
	mv $@.tmp $@
