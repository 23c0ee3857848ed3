; Guest "smpcalls": hostile and odd HC_VCPU_START calls (docs/guest-abi.md "vCPUs"). Each result
; is one line `<what>: <rax as a signed decimal>`; the guest compares each with the documented
; value and ends with HC_DONE 1 if any differed (HC_DONE 0 otherwise). Needs 2 vCPUs; with one it
; prints `smpcalls needs 2 vCPUs` and ends with HC_DONE 1.
;
; vCPU 0 (<n> = the count, <i> = its own index from HC_VCPU_INDEX, 0):
;   vcpus: <n>
;   start vcpu 0: -10                            HC_E_VCPU
;   start own index <i>: -10                     HC_E_VCPU
;   start vcpu <n> (the count): -10              HC_E_VCPU
;   start vcpu 0xffffffffffffffff: -10           HC_E_VCPU
;   start vcpu 1 rip past memory: -2             HC_E_RANGE (RIP = base + size)
;   start vcpu 1 rsp past memory: -2             HC_E_RANGE (RSP = base + size + 0x1000)
;   start vcpu 1 rsp at memory base: -2          HC_E_RANGE (its 8 bytes below are not in memory)
;   start vcpu 1: 0
;   start vcpu 1 again: -11                      HC_E_STARTED (running or ended)
; then it waits for vCPU 1's flag (set after its last line, just before its HC_DONE), pauses
; a little more so that vCPU 1 has most likely ended, and
;   start vcpu 1 after it finished: -11          HC_E_STARTED
; If the flag never comes (WAIT_SPINS pauses): `vcpu 1 never finished`, HC_DONE 1.
; vCPU 1 (started at `second` with its stack VCPU_STACK below the end of guest memory):
;   rbx at start: 1
;   rdi rsi rdx unlike vcpu 0's at entry: 0      how many of the three differ
;   HC_VCPU_INDEX: 1
;   cpuid 0x40000001 ecx (index): 1
;   cpuid 0x40000001 ebx (count): <n>            (must be the count vCPU 0 read)
;   start own index 1: -10                       HC_E_VCPU
;   start vcpu 0: -10                            HC_E_VCPU
bits 64
default rel
%include "guest/abi.inc"

%define VCPU_STACK  0x4000     ; vCPU 1's stack top: end of guest memory - VCPU_STACK
%define BAD_RSP_GAP 0x1000     ; the RSP past memory: end of guest memory + this
%define WAIT_SPINS  10000000
%define AFTER_SPINS 100000     ; pauses after vCPU 1's flag, for it to reach its HC_DONE

; RESULT "<what>", expected: print `<what>: <rax>`; count a mismatch in RBP. Keeps RAX.
%macro RESULT 2
	lea rsi, [%%what]
	mov rcx, %2
	call result
	jmp %%over
%%what: db %1, 0
%%over:
%endmacro

GUEST_HEADER entry

; vCPU 0: R12 = guest memory base, R14 = its size, R15 = the count, RBP = mismatches.
entry:
	mov r12, rdi
	mov r14, rsi
	mov [entry_rdi], rdi
	mov [entry_rsi], rsi
	mov [entry_rdx], rdx
	mov qword [finished], 0
	xor ebp, ebp
	mov eax, CPUID_HV_MAX_LEAF
	xor ecx, ecx
	cpuid
	mov r15d, ebx
	mov [entry_count], r15
	cmp r15, 2
	jae .enough
	lea rsi, [msg_needs]
	call puts
	HYPERCALL HC_DONE, 1
.enough:
	lea rsi, [msg_vcpus]
	call puts
	mov rax, r15
	call put_dec_nl

	lea r13, [second]               ; a good RIP
	lea rbx, [r12 + r14]
	sub rbx, VCPU_STACK             ; a good RSP

	HYPERCALL HC_VCPU_START, 0, r13, rbx
	RESULT "start vcpu 0", HC_E_VCPU

	HYPERCALL HC_VCPU_INDEX
	mov r8, rax
	lea rsi, [msg_own]
	call puts
	mov rax, r8
	call put_dec
	HYPERCALL HC_VCPU_START, r8, r13, rbx
	RESULT "", HC_E_VCPU

	lea rsi, [msg_start]
	call puts
	mov rax, r15
	call put_dec
	HYPERCALL HC_VCPU_START, r15, r13, rbx
	RESULT " (the count)", HC_E_VCPU

	HYPERCALL HC_VCPU_START, -1, r13, rbx
	RESULT "start vcpu 0xffffffffffffffff", HC_E_VCPU

	lea rcx, [r12 + r14]
	HYPERCALL HC_VCPU_START, 1, rcx, rbx
	RESULT "start vcpu 1 rip past memory", HC_E_RANGE

	lea rcx, [r12 + r14 + BAD_RSP_GAP]
	HYPERCALL HC_VCPU_START, 1, r13, rcx
	RESULT "start vcpu 1 rsp past memory", HC_E_RANGE

	HYPERCALL HC_VCPU_START, 1, r13, r12
	RESULT "start vcpu 1 rsp at memory base", HC_E_RANGE

	HYPERCALL HC_VCPU_START, 1, r13, rbx
	RESULT "start vcpu 1", 0

	HYPERCALL HC_VCPU_START, 1, r13, rbx
	RESULT "start vcpu 1 again", HC_E_STARTED

	mov rcx, WAIT_SPINS
.wait:
	cmp qword [finished], 0
	jne .after
	pause
	dec rcx
	jnz .wait
	lea rsi, [msg_never]
	call puts
	HYPERCALL HC_DONE, 1
.after:
	mov rcx, AFTER_SPINS
.after_spin:
	pause
	dec rcx
	jnz .after_spin
	HYPERCALL HC_VCPU_START, 1, r13, rbx
	RESULT "start vcpu 1 after it finished", HC_E_STARTED
	jmp finish

; vCPU 1: RBX = its index, RDI, RSI, RDX as vCPU 0 had them. RBP = mismatches.
second:
	xor ebp, ebp
	mov r12, rbx
	xor r8d, r8d                    ; registers unlike vCPU 0's
	cmp rdi, [entry_rdi]
	setne r8b
	xor eax, eax
	cmp rsi, [entry_rsi]
	setne al
	add r8, rax
	cmp rdx, [entry_rdx]
	setne al
	add r8, rax
	mov rax, r12
	RESULT "rbx at start", 1
	mov rax, r8
	RESULT "rdi rsi rdx unlike vcpu 0's at entry", 0

	HYPERCALL HC_VCPU_INDEX
	RESULT "HC_VCPU_INDEX", 1
	mov eax, CPUID_HV_MAX_LEAF
	xor ecx, ecx
	cpuid
	mov r13d, ebx
	mov eax, ecx
	RESULT "cpuid 0x40000001 ecx (index)", 1
	mov rax, r13
	mov rcx, [entry_count]          ; the count vCPU 0 was told
	lea rsi, [msg_count]
	call result

	lea r13, [second]
	mov rcx, rsp
	HYPERCALL HC_VCPU_START, 1, r13, rcx
	RESULT "start own index 1", HC_E_VCPU
	mov rcx, rsp
	HYPERCALL HC_VCPU_START, 0, r13, rcx
	RESULT "start vcpu 0", HC_E_VCPU
	mov qword [finished], 1         ; every line is out
	; fall through

finish:
	xor edi, edi
	test rbp, rbp
	setnz dil
	mov eax, HC_DONE
	vmcall

; result: RSI = what (may be ""), RAX = the result, RCX = the expected value: `<what>: <rax>`
; and a newline; a mismatch adds one to RBP.
result:
	push rax
	push rcx
	call puts
	lea rsi, [msg_colon]
	call puts
	mov rax, [rsp + 8]
	call put_dec_nl
	pop rcx
	pop rax
	cmp rax, rcx
	je .same
	inc rbp
.same:
	ret

; put_dec_nl: RAX as a signed decimal, then a newline.
put_dec_nl:
	call put_dec
	mov al, 10
	call putc
	ret

%include "guest/serial.inc"

msg_needs: db "smpcalls needs 2 vCPUs", 10, 0
msg_vcpus: db "vcpus: ", 0
msg_own: db "start own index ", 0
msg_start: db "start vcpu ", 0
msg_colon: db ": ", 0
msg_count: db "cpuid 0x40000001 ebx (count)", 0
msg_never: db "vcpu 1 never finished", 10, 0
align 8
entry_rdi: dq 0
entry_rsi: dq 0
entry_rdx: dq 0
entry_count: dq 0
finished: dq 0
guest_end:
