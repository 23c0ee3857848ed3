; The real-machine guest: checks of what real boards and nested KVM do and Bochs rarely shows
; (issue 13, docs/real-hardware.md). It loads its own IDT so that a fault the hypervisor injects,
; or an interrupt that should never reach it, lands in a handler instead of a triple fault. Each
; check prints one line, "[guest] realhw: <check>: ok" or "[guest] realhw: <check>: FAIL <why>",
; and the guest ends with HC_DONE and the number of failed checks as its exit code.
;
; The checks live in guest/realhw/*.inc, each a routine called from the list below.
bits 64
default rel
%include "guest/abi.inc"

%define IDT_VECTORS 256
%define GATE_INTERRUPT_64 0x8e00          ; present, DPL 0, 64-bit interrupt gate
%define SEL_CODE64 0x08                    ; the loader's GDT (docs/guest-abi.md)
%define ISR_STUB_SIZE 16

GUEST_HEADER entry

entry:
	mov [mem_base], rdi
	mov [mem_size], rsi
	call idt_setup
	call check_all
	mov rdi, [failures]
	HYPERCALL HC_DONE, rdi

; ------------------------------------------------------------------ the checks
check_all:
	call check_interrupts
	call check_cr8
	; -- XSAVE, XSETBV and MONITOR (guest/realhw/xsave.inc) --
	call check_xsave
	call check_debug_breakpoint            ; guest/realhw/state.inc
	call check_msrs
	call check_wbinvd
	call check_ltr
	ret

; ------------------------------------------------------------------ reporting
; pass: RSI = the check's name.
pass:
	push rsi
	lea rsi, [msg_prefix]
	call puts
	pop rsi
	call puts
	lea rsi, [msg_ok]
	call puts
	ret

; fail: RSI = the check's name, RDX = why.
fail:
	push rdx
	push rsi
	lea rsi, [msg_prefix]
	call puts
	pop rsi
	call puts
	lea rsi, [msg_fail]
	call puts
	pop rsi
	call puts
	mov al, 10
	call putc
	inc qword [failures]
	ret

; ------------------------------------------------------------------ expected faults
; A check that expects an exception sets expect_resume to where execution goes on after it and
; clears got_vector; the handler records the vector and error code there and returns to
; expect_resume. Any other exception or interrupt is reported and ends the guest.
; expect_begin: RAX = the resume address.
expect_begin:
	mov [expect_resume], rax
	mov qword [got_vector], -1
	mov qword [got_error], 0
	ret

idt_setup:
	lea rdi, [idt]
	lea rsi, [isr_stubs]
	xor ecx, ecx
.gate:
	mov rax, rsi
	mov [rdi], ax                          ; offset 15:0
	mov word [rdi + 2], SEL_CODE64
	mov word [rdi + 4], GATE_INTERRUPT_64
	shr rax, 16
	mov [rdi + 6], ax                      ; offset 31:16
	shr rax, 16
	mov [rdi + 8], eax                     ; offset 63:32
	mov dword [rdi + 12], 0
	add rdi, 16
	add rsi, ISR_STUB_SIZE
	inc ecx
	cmp ecx, IDT_VECTORS
	jb .gate
	lea rax, [idt]
	mov [idtr + 2], rax
	lidt [idtr]
	ret

; Vectors 8, 10-14, 17, 21, 29 and 30 come with an error code; the others get a 0 pushed.
align 16
isr_stubs:
%assign v 0
%rep IDT_VECTORS
	align ISR_STUB_SIZE
%if v = 8 || (v >= 10 && v <= 14) || v = 17 || v = 21 || v = 29 || v = 30
	push qword v
%else
	push qword 0
	push qword v
%endif
	jmp isr_common
%assign v v + 1
%endrep

; Stack: vector, error code, RIP, CS, RFLAGS, RSP, SS.
isr_common:
	push rax
	mov rax, [expect_resume]
	test rax, rax
	jz .unexpected
	mov rax, [rsp + 8]
	mov [got_vector], rax
	mov rax, [rsp + 16]
	mov [got_error], rax
	mov rax, [expect_resume]
	mov [rsp + 24], rax                    ; return to the resume address
	mov qword [expect_resume], 0
	pop rax
	add rsp, 16                            ; vector and error code
	iretq
.unexpected:
	lea rsi, [msg_unexpected]
	call puts
	mov rax, [rsp + 8]
	call put_dec
	lea rsi, [msg_at]
	call puts
	mov rax, [rsp + 24]
	call put_dec
	mov al, 10
	call putc
	HYPERCALL HC_DONE, 255

%include "guest/realhw/events.inc"
%include "guest/realhw/xsave.inc"
%include "guest/realhw/state.inc"
%include "guest/serial.inc"

msg_prefix:     db "realhw: ", 0
msg_ok:         db ": ok", 10, 0
msg_fail:       db ": FAIL ", 0
msg_unexpected: db "realhw: unexpected exception or interrupt, vector ", 0
msg_at:         db " at rip ", 0

align 8
mem_base:       dq 0
mem_size:       dq 0
failures:       dq 0
expect_resume:  dq 0
got_vector:     dq 0
got_error:      dq 0
idtr:           dw IDT_VECTORS * 16 - 1
                dq 0
align 16
idt:            times IDT_VECTORS * 16 db 0
guest_end:
