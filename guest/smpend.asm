; Guest "smpend": a different ending on each vCPU (docs/guest-abi.md "vCPUs", "Ending").
;   vCPU 1: loads an IDT with limit 0 and executes UD2 at image offset FAULT_OFFSET (0x400): a
;           triple fault, `guest: ended: triple fault (shutdown) at rip=<load address + 0x400>`
;           (0x8010400 with guest memory at its preferred GPA), as guest/triple.asm.
;   vCPU 2 (count >= 3): CLI, then `jmp $`: only its time budget (budget_mtsc) ends it.
;   vCPU 3 (count >= 4): HC_DONE 0.
;   vCPU 0: starts them, then HC_DONE 0. vCPUs 4 and up are never started.
; Every vCPU prints one line, then ends:
;   vCPU 0: smpend vcpu 0 done
;   vCPU 1: smpend vcpu 1: ud2 with no IDT
;   vCPU 2: smpend vcpu 2: cli, then a tight loop
;   vCPU 3: smpend vcpu 3: HC_DONE 0
; The run's status is the first non-OK end: vCPU 1's triple fault (E_GUEST).
; A refused start: `start vcpu <i>: <rax>` on vCPU 0, which then ends with HC_DONE 1. With one
; vCPU: `smpend needs 2 vCPUs`, HC_DONE 1.
bits 64
default rel
%include "guest/abi.inc"

%define FAULT_OFFSET 0x400
%define VCPU_STACK   0x4000    ; vCPU i's stack top: end of guest memory - i * VCPU_STACK

GUEST_HEADER entry

; vCPU 0: R12 = guest memory base, R14 = its size, R15 = the count, RBP = refused starts.
entry:
	mov r12, rdi
	mov r14, rsi
	mov eax, CPUID_HV_MAX_LEAF
	xor ecx, ecx
	cpuid
	mov r15d, ebx
	xor ebp, ebp
	cmp r15, 2
	jae .enough
	lea rsi, [msg_needs]
	call puts
	HYPERCALL HC_DONE, 1
.enough:
	mov rbx, 1
	lea r13, [vcpu_triple]
	call start
	cmp r15, 3
	jb .started
	mov rbx, 2
	lea r13, [vcpu_spin]
	call start
	cmp r15, 4
	jb .started
	mov rbx, 3
	lea r13, [vcpu_done]
	call start
.started:
	lea rsi, [msg_vcpu]
	call puts
	xor eax, eax
	call put_dec
	lea rsi, [msg_done0]
	call puts
	xor edi, edi
	test rbp, rbp
	setnz dil
	mov eax, HC_DONE
	vmcall

; start: HC_VCPU_START(RBX, R13, end of memory - RBX * VCPU_STACK); a refusal is one line and
; one more in RBP.
start:
	mov rcx, rbx
	imul rcx, rcx, VCPU_STACK
	lea rdx, [r12 + r14]
	sub rdx, rcx
	mov rsi, r13
	mov rdi, rbx
	mov eax, HC_VCPU_START
	vmcall
	test rax, rax
	jz .ok
	mov r11, rax
	lea rsi, [msg_start]
	call puts
	mov rax, rbx
	call put_dec
	lea rsi, [msg_colon]
	call puts
	mov rax, r11
	call put_dec
	mov al, 10
	call putc
	inc rbp
.ok:
	ret

; The started vCPUs: RBX = the index.
vcpu_triple:
	lea rsi, [msg_triple]
	call hello
	lidt [null_idtr]
	jmp fault

vcpu_spin:
	lea rsi, [msg_spin]
	call hello
	cli
	jmp $

vcpu_done:
	lea rsi, [msg_hcdone]
	call hello
	HYPERCALL HC_DONE, 0

; hello: "smpend vcpu <RBX>" and the rest of the line at RSI.
hello:
	push rsi
	lea rsi, [msg_vcpu]
	call puts
	mov rax, rbx
	call put_dec
	pop rsi
	call puts
	ret

%include "guest/serial.inc"

align 8
null_idtr: dw 0
	dq 0
msg_needs: db "smpend needs 2 vCPUs", 10, 0
msg_vcpu: db "smpend vcpu ", 0
msg_done0: db " done", 10, 0
msg_start: db "start vcpu ", 0
msg_colon: db ": ", 0
msg_triple: db ": ud2 with no IDT", 10, 0
msg_spin: db ": cli, then a tight loop", 10, 0
msg_hcdone: db ": HC_DONE 0", 10, 0

	times FAULT_OFFSET - ($ - guest_start) db 0xcc
fault:
	ud2
	; never reached: a triple fault ends vCPU 1
	HYPERCALL HC_DONE, 1
guest_end:
