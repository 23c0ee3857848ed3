; Exception entry stubs: one 16-byte stub per vector 0-31, then a common path that saves the
; general-purpose registers as struct trap_frame (arch/x86_64/idt.h) and calls exception_dispatch.
bits 64
default rel
section .text

extern exception_dispatch
global isr_stubs

; Vectors whose exceptions push an error code (SDM Vol. 3A §6.3.1 "External Interrupts",
; Table 6-1 "Protected-Mode Exceptions and Interrupts").
%define HAS_ERROR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

align 16
isr_stubs:
%assign v 0
%rep 32
	align 16
%if HAS_ERROR(v) == 0
	push qword 0
%endif
	push qword v
	jmp isr_common
%assign v v + 1
%endrep

isr_common:
	push rax
	push rbx
	push rcx
	push rdx
	push rsi
	push rdi
	push rbp
	push r8
	push r9
	push r10
	push r11
	push r12
	push r13
	push r14
	push r15
	mov rdi, rsp
	and rsp, -16
	cld
	call exception_dispatch      ; does not return
.hang:
	cli
	hlt
	jmp .hang

section .note.GNU-stack noalloc noexec nowrite progbits
