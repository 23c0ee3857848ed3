; The built-in guests, embedded in BOOTX64.EFI (selected with guest=<name> in HV.CFG).
bits 64
section .data
align 16
global builtin_guest_default, builtin_guest_default_end
builtin_guest_default:
	incbin "build/guest/default.bin"
builtin_guest_default_end:

section .note.GNU-stack noalloc noexec nowrite progbits
