; Exception entry stubs: one 16-byte stub per vector 0-31, then a common path that saves the
; general-purpose registers as struct trap_frame (arch/x86_64/idt.h) and calls exception_dispatch.
; NMI (vector 2) has a path of its own that returns: host_nmi (arch/x86_64/nmi.c) counts it.
bits 64
default rel
section .text

extern exception_dispatch
extern host_nmi
global isr_stubs
global nmi_unblock

%define SEL_CODE64 0x08            ; arch/x86_64/gdt.h
%define SEL_DATA   0x10

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
%if v == 2
	jmp nmi_common
%else
	jmp isr_common
%endif
%assign v v + 1
%endrep

; The general registers of struct trap_frame (arch/x86_64/idt.h), RAX pushed first.
%macro PUSH_TRAP_FRAME_GPRS 0
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
%endmacro

isr_common:
	PUSH_TRAP_FRAME_GPRS
	mov rdi, rsp
	and rsp, -16
	cld
	call exception_dispatch      ; does not return
.hang:
	cli
	hlt
	jmp .hang

; NMI: save the registers, count it (host_nmi), and return to where it hit.
nmi_common:
	PUSH_TRAP_FRAME_GPRS
	mov rdi, rsp
	mov rbx, rsp
	and rsp, -16
	cld
	call host_nmi
	mov rsp, rbx
	pop r15
	pop r14
	pop r13
	pop r12
	pop r11
	pop r10
	pop r9
	pop r8
	pop rbp
	pop rdi
	pop rsi
	pop rdx
	pop rcx
	pop rbx
	pop rax
	add rsp, 16                   ; vector, error code
	iretq

; nmi_unblock: an IRET to the next instruction. A VM exit caused by an NMI leaves NMIs blocked in
; VMX root operation until the next IRET; the exit handler calls this so the next NMI is not held
; back (docs/real-hardware.md, "NMIs").
nmi_unblock:
	mov rdx, rsp
	push qword SEL_DATA
	push rdx
	pushfq
	push qword SEL_CODE64
	lea rax, [rel .back]
	push rax
	iretq
.back:
	ret

section .note.GNU-stack noalloc noexec nowrite progbits
