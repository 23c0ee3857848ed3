; guest/lib/crt32.asm: the start-up code of a 32-bit Multiboot v1 kernel (guest/lib/README.md).
;
; The loader (QEMU -kernel, GRUB, minihv) finds the header below in the first 8 KiB of the file and
; jumps to _start in 32-bit protected mode: paging off, interrupts off, flat segments,
; EAX = 0x2BADB002, EBX = physical address of the Multiboot information structure, ESP undefined.
; _start clears the BSS, takes its own stack and calls kmain(magic, info). It loads no GDT or
; IDT: the loader's segments stay as they are (guest/kernels/mbinfo.c checks them).
bits 32

MB_HEADER_MAGIC equ 0x1BADB002
MB_FLAGS        equ (1 << 0) | (1 << 1)  ; modules page-aligned, memory information wanted
STACK_SIZE      equ 16384
EXIT_KMAIN_RETURNED equ 0x7f             ; guest.h

; The linker script puts .multiboot first in the image.
section .multiboot progbits alloc noexec nowrite align=4
	dd MB_HEADER_MAGIC
	dd MB_FLAGS
	dd -(MB_HEADER_MAGIC + MB_FLAGS)         ; the three words sum to 0

section .text
global _start
extern kmain, exit_qemu, __bss_start, __bss_end
_start:
	mov esi, eax                             ; magic (rep stosb below uses EAX, ECX, EDI)
	cld
	mov edi, __bss_start                     ; the BSS holds the stack: clear it first
	mov ecx, __bss_end
	sub ecx, edi
	xor eax, eax
	rep stosb
	mov esp, stack_top
	sub esp, 8                               ; ESP is 16-byte aligned at the call (SysV i386 ABI)
	push ebx                                 ; info
	push esi                                 ; magic
	call kmain
	push EXIT_KMAIN_RETURNED
	call exit_qemu

section .bss
align 16
stack:	resb STACK_SIZE
stack_top:

section .note.GNU-stack noalloc noexec nowrite progbits
