# mk/boot.mk - the UEFI loader (boot/): the only code that includes GNU-EFI.
EFI_SRCS += $(wildcard boot/*.c)
