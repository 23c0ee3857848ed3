; VM entry and exit (SDM Vol. 3C §28.5 "Loading Host State", §27 "VM Entries").
; vmx_launch(regs): load the guest's general-purpose registers and VMLAUNCH; returns RFLAGS only
;   if VMLAUNCH failed (CF = VMfailInvalid, ZF = VMfailValid).
; vmx_exit_entry: HOST_RIP. Saves the guest registers as struct guest_regs (vmm/vmx/entry.h) on the
;   exit stack (HOST_RSP), calls vmx_exit_dispatch(regs), restores them and VMRESUMEs.
bits 64
default rel
section .text

extern vmx_exit_dispatch
extern vmx_resume_failed
global vmx_launch
global vmx_exit_entry
global vmx_exit_reference
global vmx_probe_launch

; VMCS field encodings (SDM Vol. 3D Appendix B "Field Encoding in VMCS") and the exit reason, as in
; vmm/vmx/vmcs_fields.h and vmm/decode/exit_reasons.h (tests/host/test_exit_reasons.c checks each
; against them).
%define VM_EXIT_REASON          0x4402
%define VM_EXIT_INSTRUCTION_LEN 0x440C
%define GUEST_RIP               0x681E
%define HOST_RSP                0x6C14
%define HOST_RIP                0x6C16
%define EXIT_REASON_CPUID       10

; The System V callee-saved registers the C caller keeps, around a VMLAUNCH.
%macro SAVE_CALLEE_SAVED 0
	push rbx
	push rbp
	push r12
	push r13
	push r14
	push r15
%endmacro
%macro RESTORE_CALLEE_SAVED_AND_RET 0
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbp
	pop rbx
	ret
%endmacro

; struct guest_regs offsets (vmm/vmx/entry.h): SDM register numbers * 8.
%define R_RAX 0
%define R_RCX 8
%define R_RDX 16
%define R_RBX 24
%define R_RBP 40
%define R_RSI 48
%define R_RDI 56
%define R_R8  64
%define R_R9  72
%define R_R10 80
%define R_R11 88
%define R_R12 96
%define R_R13 104
%define R_R14 112
%define R_R15 120

vmx_launch:
	SAVE_CALLEE_SAVED
	mov rax, [rdi + R_RAX]
	mov rcx, [rdi + R_RCX]
	mov rdx, [rdi + R_RDX]
	mov rbx, [rdi + R_RBX]
	mov rbp, [rdi + R_RBP]
	mov rsi, [rdi + R_RSI]
	mov r8,  [rdi + R_R8]
	mov r9,  [rdi + R_R9]
	mov r10, [rdi + R_R10]
	mov r11, [rdi + R_R11]
	mov r12, [rdi + R_R12]
	mov r13, [rdi + R_R13]
	mov r14, [rdi + R_R14]
	mov r15, [rdi + R_R15]
	mov rdi, [rdi + R_RDI]
	vmlaunch
	; Only reached when VMLAUNCH failed.
	pushfq
	pop rax
	RESTORE_CALLEE_SAVED_AND_RET

vmx_exit_entry:
	; The CPU loaded HOST_RSP: the top of the exit stack, 16-byte aligned.
	push r15
	push r14
	push r13
	push r12
	push r11
	push r10
	push r9
	push r8
	push rdi
	push rsi
	push rbp
	push 0                  ; RSP slot (guest RSP is in the VMCS)
	push rbx
	push rdx
	push rcx
	push rax
	mov rdi, rsp            ; struct guest_regs *
	call vmx_exit_dispatch  ; 16 pushes keep RSP 16-byte aligned for the call
	pop rax
	pop rcx
	pop rdx
	pop rbx
	add rsp, 8
	pop rbp
	pop rsi
	pop rdi
	pop r8
	pop r9
	pop r10
	pop r11
	pop r12
	pop r13
	pop r14
	pop r15
	vmresume
	; Only reached when VMRESUME failed.
	pushfq
	pop rdi
	and rsp, -16
	call vmx_resume_failed  ; does not return
.hang:
	cli
	hlt
	jmp .hang

; The reference exit path for benchmarks (HC_BENCH_REFERENCE makes it HOST_RIP): the least an
; exit can cost. A CPUID exit only advances RIP (the guest's registers are left as they were)
; and resumes. Any other exit puts vmx_exit_entry back as HOST_RIP and takes it.
vmx_exit_reference:
	push rax
	push rdx
	mov edx, VM_EXIT_REASON
	vmread rax, rdx
	cmp eax, EXIT_REASON_CPUID
	jne .full
	push rcx
	mov edx, GUEST_RIP
	vmread rax, rdx
	mov ecx, VM_EXIT_INSTRUCTION_LEN
	vmread rcx, rcx
	add rax, rcx
	vmwrite rdx, rax
	pop rcx
	pop rdx
	pop rax
	vmresume
	; VMRESUME failed: report it like the full path does.
	pushfq
	pop rdi
	and rsp, -16
	call vmx_resume_failed
.full:
	lea rax, [vmx_exit_entry]
	mov edx, HOST_RIP
	vmwrite rdx, rax
	pop rdx
	pop rax
	jmp vmx_exit_entry

; vmx_probe_launch(): VMLAUNCH the current VMCS with HOST_RSP and HOST_RIP pointing back into this
; function, so whatever the entry does comes back here (HV.CFG entry_probe, vmm/vm/entry_probe.c).
; Returns 0 if a VM exit came (the guest entered, or a VM-entry failure exit), else the RFLAGS of
; the VMLAUNCH that fell through (bit 1 is always set, so never 0). The guest's registers are
; whatever this leaves in them: the probe guest runs no instruction of its own that matters.
vmx_probe_launch:
	SAVE_CALLEE_SAVED
	mov edx, HOST_RSP
	vmwrite rdx, rsp
	lea rax, [.exited]
	mov edx, HOST_RIP
	vmwrite rdx, rax
	vmlaunch
	pushfq
	pop rax
	jmp .out
.exited:
	xor eax, eax
.out:
	RESTORE_CALLEE_SAVED_AND_RET

section .note.GNU-stack noalloc noexec nowrite progbits
