; guest/kernels/realmode16.asm: realmode_int, the round trip of guest/kernels/realmode.c, after
; SDM Vol. 3A §10.9.2 "Switching Back to Real-Address Mode" and §10.9.1 "Switching to Protected Mode":
;   32-bit protected mode -> 16-bit protected mode (a code segment with a 64 KiB limit)
;   -> CR0.PE = 0 and a far jump: real mode -> its own IVT entry, INT 0x66 -> CR0.PE = 1 and a far
;   jump: 32-bit protected mode.
; Real-mode code must lie below 1 MiB, so the part from tramp_start to tramp_end is copied to
; TRAMPOLINE (0x8000) and runs there. It names its own labels by their offset from tramp_start (T(),
; a constant: no relocation), and the 16-bit descriptors have base 0x8000, so these offsets hold
; both in 16-bit protected mode and in real mode with CS = DS = 0x0800.
bits 32

TRAMPOLINE equ 0x8000
TRAMP_SEG  equ TRAMPOLINE >> 4           ; 0x0800
REAL_SP    equ TRAMPOLINE                ; SS = 0: the real-mode stack grows down from 0x8000
VECTOR     equ 0x66                      ; a vector no BIOS service uses
COM1       equ 0x3F8
CR0_PE     equ 1 << 0
SEL_CODE32 equ 0x08
SEL_DATA32 equ 0x10
SEL_CODE16 equ 0x18
SEL_DATA16 equ 0x20

%define T(label) ((label) - tramp_start)

section .text
; uint32_t realmode_int(uint32_t ax, uint32_t *real_cr0): runs INT 0x66 in real mode with AX = ax.
; Returns the handler's AX in bits 15:0 and the CS it ran with in bits 31:16; *real_cr0 = CR0 as
; read in real mode. Interrupts stay off throughout (INT n does not depend on IF).
global realmode_int
realmode_int:
	push ebp
	push ebx
	push esi
	push edi
	mov [saved_esp], esp
	sidt [saved_idtr]
	cld
	mov esi, tramp_start
	mov edi, TRAMPOLINE
	mov ecx, tramp_end - tramp_start
	rep movsb
	mov eax, [esp + 20]                      ; ax
	mov [TRAMPOLINE + T(rm_ax)], ax

	lgdt [gdt_ptr]                           ; ours: the loader's GDT has no 16-bit segments
	jmp SEL_CODE32:.flat
.flat:	mov ax, SEL_DATA32
	mov ds, ax
	mov es, ax
	mov fs, ax
	mov gs, ax
	mov ss, ax
	jmp SEL_CODE16:T(pm16)                   ; 1. 16-bit code, base 0x8000, limit 64 KiB

; Back from real mode (the trampoline's last far jump): our flat segments, stack and IDT again.
back_in_pm:
	mov ax, SEL_DATA32
	mov ds, ax
	mov es, ax
	mov fs, ax
	mov gs, ax
	mov ss, ax
	mov esp, [saved_esp]
	lidt [saved_idtr]
	mov edx, [esp + 24]                      ; real_cr0
	mov eax, [TRAMPOLINE + T(rm_cr0)]
	mov [edx], eax
	movzx eax, word [TRAMPOLINE + T(rm_cs)]
	shl eax, 16
	mov ax, [TRAMPOLINE + T(rm_ax)]
	pop edi
	pop esi
	pop ebx
	pop ebp
	ret

; ---- the trampoline: copied to 0x8000, 16-bit code
bits 16
tramp_start:
pm16:	mov ax, SEL_DATA16                       ; 2. data segments with 64 KiB limits
	mov ds, ax
	mov es, ax
	mov fs, ax
	mov gs, ax
	mov ss, ax
	lidt [T(real_idtr)]                      ; 3. the real-mode IVT: 256 vectors at 0
	mov eax, cr0
	and eax, ~CR0_PE                         ; 4. protection off
	mov cr0, eax
	jmp TRAMP_SEG:T(real)                    ; 5. real mode, CS = 0x0800

real:	mov ax, TRAMP_SEG
	mov ds, ax
	mov es, ax
	xor ax, ax
	mov ss, ax
	mov sp, REAL_SP
	mov eax, cr0
	mov [T(rm_cr0)], eax
	mov si, T(msg_real)
	call print

	xor ax, ax
	mov fs, ax                               ; FS = 0: the IVT
	mov word [fs:VECTOR * 4], T(handler)     ; vector 0x66 -> 0x0800:handler
	mov word [fs:VECTOR * 4 + 2], TRAMP_SEG
	mov ax, [T(rm_ax)]
	int VECTOR
	mov [T(rm_ax)], ax
	mov [T(rm_cs)], bx
	mov si, T(msg_back)
	call print

	mov eax, cr0                             ; back: GDTR still holds our GDT
	or eax, CR0_PE
	mov cr0, eax
	jmp dword SEL_CODE32:back_in_pm

; INT 0x66: AX = NOT AX, BX = the handler's CS.
handler:
	push si
	mov si, T(msg_handler)
	call print
	pop si
	not ax
	mov bx, cs
	iret

; print: DS:SI, NUL-terminated, to COM1 (OUT works in every mode; the emulated UART is always ready).
print:	push ax
	push dx
	mov dx, COM1
.next:	lodsb
	test al, al
	jz .done
	out dx, al
	jmp .next
.done:	pop dx
	pop ax
	ret

real_idtr:
	dw 256 * 4 - 1
	dd 0
rm_ax:	dw 0
rm_cs:	dw 0
rm_cr0:	dd 0
msg_real:    db "realmode: in real mode, CS 0x0800", 13, 10, 0
msg_handler: db "realmode: in the INT 0x66 handler", 13, 10, 0
msg_back:    db "realmode: INT 0x66 returned, back to protected mode", 13, 10, 0
tramp_end:

section .data
align 8
gdt:	dq 0
	dq 0x00CF9B000000FFFF                    ; 0x08: 32-bit code, flat 4 GiB
	dq 0x00CF93000000FFFF                    ; 0x10: 32-bit data, flat 4 GiB
	dq 0x00009B008000FFFF                    ; 0x18: 16-bit code, base 0x8000, limit 64 KiB
	dq 0x000093008000FFFF                    ; 0x20: 16-bit data, base 0x8000, limit 64 KiB
gdt_end:
gdt_ptr:
	dw gdt_end - gdt - 1
	dd gdt

section .bss
saved_esp:  resd 1
saved_idtr: resb 6

section .note.GNU-stack noalloc noexec nowrite progbits
