; Guest "smpshoot": the TLB shootdown proof (docs/guest-abi.md "vCPUs", "Memory and EPT").
; vCPU 0 starts every other vCPU i at `reader`, a loop that reads one shared page P (offset
; SHARED_PAGE in guest memory) and then adds one to its own counter (slot i of the SLOTS page,
; one 64-byte cache line per vCPU), forever. Once every counter is past MIN_READS, vCPU 0 calls
; HC_PROTECT(P, 0, HC_FAULT_RESUME) and at once reads every counter (c_i). The hypervisor promises
; that when HC_PROTECT returns no other vCPU can still read P through a cached translation, so
; each reader takes an EPT violation at its next read; it resumes at `resumed` (HC_SET_RESUME,
; set by vCPU 0 first), which stores its counter at the fault (f_i) and a "faulted" flag in its
; slot, then ends that vCPU with HC_DONE 0. A read that was in flight when HC_PROTECT returned
; may still add one, so f_i <= c_i + 1 is a correct shootdown; more is a stale translation.
;
; vCPU 0 prints (the readers print nothing):
;   smpshoot: <count> vcpus read the page at offset 0x200000 in a loop
;   vcpu <i>: shootdown ok                                            (f_i <= c_i + 1)
;   vcpu <i>: STALE translation: <f_i - c_i> reads after HC_PROTECT returned
;   vcpu <i>: never faulted                                   (no flag within WAIT_SPINS pauses)
;   smpshoot done
; one judgement line per vCPU 1 .. count-1, then HC_DONE 0, or 1 if any vCPU failed. On the
; way, only when something went wrong: `vcpu <i>: HC_VCPU_START returned <rax>`,
; `vcpu <i>: only <n> reads before the wait ended` (its counter never passed MIN_READS within
; WAIT_SPINS pauses: HC_PROTECT is called anyway), `HC_SET_RESUME returned <rax>` or
; `HC_PROTECT returned <rax>` (then HC_DONE 1 at once). More than MAX_VCPUS vCPUs: the first
; MAX_VCPUS are used (`using 64 of <count> vcpus`). With one vCPU: `smpshoot needs 2 vCPUs`,
; HC_DONE 1.
bits 64
default rel
%include "guest/abi.inc"

%define SHARED_PAGE 0x200000   ; P: offsets from the start of guest memory
%define SLOTS       0x201000   ; per vCPU i at SLOTS + i * SLOT_SIZE:
%define SLOT_SIZE   64         ;   +0 its read counter, +8 the counter at its fault, +16 faulted
%define SLOT_COUNT  0
%define SLOT_FAULT  8
%define SLOT_FLAG   16
%define SNAPS       0x202000   ; vCPU 0's c_i, a qword per vCPU
%define MAX_VCPUS   64         ; one SLOTS page
%define VCPU_STACK  0x4000     ; vCPU i's stack top: end of guest memory - i * VCPU_STACK
%define MIN_READS   1000
%define WAIT_SPINS  10000000

GUEST_HEADER entry

; vCPU 0. R12 = guest memory base, R14 = its size, R15 = the vCPUs used, RBP = failures.
entry:
	mov r12, rdi
	mov r14, rsi
	mov eax, CPUID_HV_MAX_LEAF
	xor ecx, ecx
	cpuid
	mov r15d, ebx
	cmp r15, 2
	jae .enough
	lea rsi, [msg_needs]
	call puts
	HYPERCALL HC_DONE, 1
.enough:
	cmp r15, MAX_VCPUS
	jbe .counted
	lea rsi, [msg_using1]
	call puts
	mov rax, r15
	call put_dec
	lea rsi, [msg_using2]
	call puts
	mov r15, MAX_VCPUS
.counted:
	lea rsi, [msg_hello1]
	call puts
	mov rax, r15
	call put_dec
	lea rsi, [msg_hello2]
	call puts
	xor ebp, ebp

	; Zero the slots and the snapshots (guest memory is not promised to be zero).
	lea rdi, [r12 + SLOTS]
	mov ecx, 2 * 4096 / 8
	xor eax, eax
	rep stosq

	lea rbx, [resumed]
	HYPERCALL HC_SET_RESUME, rbx
	test rax, rax
	jz .start
	lea rsi, [msg_set_resume]
	jmp hc_failed

.start:
	mov rbx, 1
.start_next:
	cmp rbx, r15
	jae .wait_reads
	mov rcx, rbx
	imul rcx, rcx, VCPU_STACK
	lea rdx, [r12 + r14]
	sub rdx, rcx
	lea rsi, [reader]
	mov rdi, rbx
	mov eax, HC_VCPU_START
	vmcall
	test rax, rax
	jz .started
	mov r11, rax
	call vcpu_prefix
	lea rsi, [msg_start_failed]
	call puts
	mov rax, r11
	call put_dec_nl
	inc rbp
	call slot_of
	mov qword [rax + SLOT_FLAG], -1    ; never started: left out below
.started:
	inc rbx
	jmp .start_next

	; Until every started reader has read P more than MIN_READS times (or WAIT_SPINS pauses).
.wait_reads:
	mov r13, WAIT_SPINS
	mov rbx, 1
.wait_reads_next:
	cmp rbx, r15
	jae .protect
	call slot_of
	cmp qword [rax + SLOT_FLAG], 0
	jne .wait_reads_ok
	cmp qword [rax + SLOT_COUNT], MIN_READS
	ja .wait_reads_ok
	pause
	dec r13
	jnz .wait_reads_next
	jmp .wait_reads_timeout
.wait_reads_ok:
	inc rbx
	jmp .wait_reads_next
.wait_reads_timeout:
	mov rbx, 1
.timeout_next:
	cmp rbx, r15
	jae .protect
	call slot_of
	cmp qword [rax + SLOT_FLAG], 0
	jne .timeout_ok
	mov r11, [rax + SLOT_COUNT]
	cmp r11, MIN_READS
	ja .timeout_ok
	call vcpu_prefix
	lea rsi, [msg_only]
	call puts
	mov rax, r11
	call put_dec
	lea rsi, [msg_only2]
	call puts
	inc rbp
.timeout_ok:
	inc rbx
	jmp .timeout_next

.protect:
	lea rbx, [r12 + SHARED_PAGE]
	HYPERCALL HC_PROTECT, rbx, 0, HC_FAULT_RESUME
	mov r10, rax
	; c_i at once: from here each reader may finish at most the read it had in flight.
	mov rbx, 1
.snap_next:
	cmp rbx, r15
	jae .snapped
	call slot_of
	mov rcx, [rax + SLOT_COUNT]
	mov [r12 + rbx * 8 + SNAPS], rcx
	inc rbx
	jmp .snap_next
.snapped:
	test r10, r10
	jz .wait_faults
	mov rax, r10
	lea rsi, [msg_protect]
	jmp hc_failed

	; Until every started reader has faulted (or WAIT_SPINS pauses).
.wait_faults:
	mov r13, WAIT_SPINS
	mov rbx, 1
.wait_faults_next:
	cmp rbx, r15
	jae .report
	call slot_of
	cmp qword [rax + SLOT_FLAG], 0
	jne .wait_faults_ok
	pause
	dec r13
	jnz .wait_faults_next
	jmp .report
.wait_faults_ok:
	inc rbx
	jmp .wait_faults_next

.report:
	mov rbx, 1
.report_next:
	cmp rbx, r15
	jae .finish
	call slot_of
	mov rcx, [rax + SLOT_FLAG]
	cmp rcx, -1
	je .report_done                 ; never started: said above
	test rcx, rcx
	jz .never
	mov r11, [rax + SLOT_FAULT]
	sub r11, [r12 + rbx * 8 + SNAPS]
	call vcpu_prefix
	cmp r11, 1
	jg .stale
	lea rsi, [msg_ok]
	call puts
	jmp .report_done
.stale:
	lea rsi, [msg_stale1]
	call puts
	mov rax, r11
	call put_dec
	lea rsi, [msg_stale2]
	call puts
	inc rbp
	jmp .report_done
.never:
	call vcpu_prefix
	lea rsi, [msg_never]
	call puts
	inc rbp
.report_done:
	inc rbx
	jmp .report_next

.finish:
	lea rsi, [msg_done]
	call puts
	xor edi, edi
	test rbp, rbp
	setnz dil
	mov eax, HC_DONE
	vmcall

; hc_failed: RSI = the hypercall's name line start, RAX = its result: one line, HC_DONE 1.
hc_failed:
	mov r11, rax
	call puts
	mov rax, r11
	call put_dec_nl
	HYPERCALL HC_DONE, 1

; slot_of: RAX = the address of vCPU RBX's slot (base R12).
slot_of:
	mov rax, rbx
	shl rax, 6
	lea rax, [r12 + rax + SLOTS]
	ret

; vcpu_prefix: "vcpu <RBX>: ". Clobbers RAX, RSI.
vcpu_prefix:
	lea rsi, [msg_vcpu]
	call puts
	mov rax, rbx
	call put_dec
	lea rsi, [msg_colon]
	call puts
	ret

; put_dec_nl: RAX as a signed decimal, then a newline.
put_dec_nl:
	call put_dec
	mov al, 10
	call putc
	ret

; A reader, vCPU RBX (RDI = guest memory base): R13 = its slot, R14 = P. Only RIP changes when
; the violation resumes it at `resumed`, so R13 still names its slot there.
reader:
	mov r13, rbx
	shl r13, 6
	lea r13, [rdi + r13 + SLOTS]
	lea r14, [rdi + SHARED_PAGE]
.loop:
	mov rax, [r14]
	inc qword [r13 + SLOT_COUNT]
	jmp .loop

resumed:
	mov rax, [r13 + SLOT_COUNT]
	mov [r13 + SLOT_FAULT], rax
	mov qword [r13 + SLOT_FLAG], 1  ; after the count: x86 keeps stores in order
	HYPERCALL HC_DONE, 0

%include "guest/serial.inc"

msg_needs: db "smpshoot needs 2 vCPUs", 10, 0
msg_using1: db "using 64 of ", 0
msg_using2: db " vcpus", 10, 0
msg_hello1: db "smpshoot: ", 0
msg_hello2: db " vcpus read the page at offset 0x200000 in a loop", 10, 0
msg_set_resume: db "HC_SET_RESUME returned ", 0
msg_protect: db "HC_PROTECT returned ", 0
msg_vcpu: db "vcpu ", 0
msg_colon: db ": ", 0
msg_start_failed: db "HC_VCPU_START returned ", 0
msg_only: db "only ", 0
msg_only2: db " reads before the wait ended", 10, 0
msg_ok: db "shootdown ok", 10, 0
msg_stale1: db "STALE translation: ", 0
msg_stale2: db " reads after HC_PROTECT returned", 10, 0
msg_never: db "never faulted", 10, 0
msg_done: db "smpshoot done", 10, 0
guest_end:
