; The built-in guest "bench" (issue 6): how many TSC ticks one VM exit costs, per exit kind.
; HV.CFG guest=bench selects it; tests/bench/exit_bench.py (`make bench`) boots it and reads its
; lines; docs/benchmarks.md explains the figures.
;
; Kinds, measured in this order (the EPT one last: it is the only one that makes the hypervisor
; log while the guest runs, and the serial output it leaves behind would be pumped out by the
; exits of any later kind):
;   cpuid_hv       CPUID leaf 0x40000000, answered by the hypervisor itself
;   cpuid_0        CPUID leaf 0, passed through to the real CPUID
;   vmcall_nop     VMCALL HC_NOP
;   out_0x80       OUT to port 0x80 (every port exits; writes to 0x80 are dropped)
;   reference      CPUID 0x40000000 after HC_BENCH_REFERENCE: the minimal exit path (RIP += len)
;   ept_violation  a read of a page protected with HC_PROTECT(page, 0, HC_FAULT_RESUME); the
;                  hypervisor resumes the guest at the HC_SET_RESUME address, the next instruction
;
; Method (as kvm-unit-tests' x86/vmexit.c): run the loop with N = 1, 2, 4, ... iterations until one
; run lasts at least BENCH_MIN_TICKS TSC ticks, then run the same loop with the exiting
; instruction replaced by a NOP, N times. ticks/exit = (T_exit - T_nop) / N + 1: the +1 adds back
; the NOP's own tick, so in Bochs (one tick per retired instruction, none for the exit itself) the
; figure is 1 + the instructions the hypervisor ran from the exit to VMRESUME. The doubling runs
; before the last one are the warm-up (with logging on, they use up the log's burst of 32 lines).
;
; Nothing is printed until every kind is measured: a printed line sits in the hypervisor's log
; ring and is moved to the UART by later exits, which would make them dearer. Then one line per
; kind through HC_PRINT:
;   [guest] bench: kind=<name> iters=<N> exit_ticks=<T_exit> nop_ticks=<T_nop> ticks_per_exit=<x.xx>
;   [guest] bench: kind=<name> error=<hypercall result> (<what was refused>)
;   [guest] bench: done kinds=<measured> failed=<not measured> min_ticks=<BENCH_MIN_TICKS>
; then HC_DONE with the number of kinds that could not be measured (0 = all).
; No HLT anywhere: a halted CPU advances Bochs' TSC in steps of 10.
bits 64
default rel
%include "guest/abi.inc"

; Override with nasm -DBENCH_MIN_TICKS=... (e.g. 1 << 28 on real hardware for steadier figures).
%ifndef BENCH_MIN_TICKS
%define BENCH_MIN_TICKS (1 << 22)
%endif
%define BENCH_MAX_ITERS (1 << 24)  ; stop doubling here even if the loop is still short
%define EPT_PAGE 0x200000          ; offset in guest memory of the page the EPT loop reads
%define NKINDS 6

; struct result (32 bytes each, in `results`)
%define RES_ITERS 0
%define RES_TEXIT 8
%define RES_TNOP  16
%define RES_ERR   24               ; 0, or the hypercall result that stopped this kind
%define RES_SIZE  32

; T_START / T_END: TSC into R14, then RAX = ticks since T_START. LFENCE keeps RDTSC from running
; ahead of or behind the loop on real CPUs; both loops of a pair execute the same ones.
%macro T_START 0
	lfence
	rdtsc
	shl rdx, 32
	or rax, rdx
	mov r14, rax
	lfence
%endmacro
%macro T_END 0
	lfence
	rdtsc
	shl rdx, 32
	or rax, rdx
	sub rax, r14
%endmacro

GUEST_HEADER entry

entry:
	mov r12, rdi                    ; guest memory base (GPA == GVA)

	lea r10, [loop_cpuid_hv]
	lea r11, [loop_cpuid_hv_nop]
	lea r15, [results + 0 * RES_SIZE]
	call measure

	lea r10, [loop_cpuid_0]
	lea r11, [loop_cpuid_0_nop]
	lea r15, [results + 1 * RES_SIZE]
	call measure

	lea r10, [loop_vmcall]
	lea r11, [loop_vmcall_nop]
	lea r15, [results + 2 * RES_SIZE]
	call measure

	lea r10, [loop_out]
	lea r11, [loop_out_nop]
	lea r15, [results + 3 * RES_SIZE]
	call measure

	; The reference path: from HC_BENCH_REFERENCE until the next exit that is not a CPUID. The
	; doubling runs and the NOP loop make no exit at all, so the mode lasts through the measurement.
	HYPERCALL HC_BENCH_REFERENCE
	lea r15, [results + 4 * RES_SIZE]
	mov [r15 + RES_ERR], rax
	test rax, rax
	jnz .no_reference
	lea r10, [loop_cpuid_hv]
	lea r11, [loop_cpuid_hv_nop]
	call measure
.no_reference:

	lea r15, [results + 5 * RES_SIZE]
	lea rdi, [loop_ept.after]
	HYPERCALL HC_SET_RESUME, rdi
	mov [r15 + RES_ERR], rax
	test rax, rax
	jnz .no_ept
	lea rdi, [r12 + EPT_PAGE]
	HYPERCALL HC_PROTECT, rdi, 0, HC_FAULT_RESUME
	mov [r15 + RES_ERR], rax
	test rax, rax
	jnz .no_ept
	lea rsi, [r12 + EPT_PAGE]       ; the page loop_ept reads
	lea r10, [loop_ept]
	lea r11, [loop_ept_nop]
	call measure
	lea rdi, [r12 + EPT_PAGE]       ; give the page back, forget the resume address
	HYPERCALL HC_PROTECT, rdi, HC_PERM_R | HC_PERM_W | HC_PERM_X, HC_FAULT_REGRANT
	HYPERCALL HC_SET_RESUME, 0
.no_ept:

	call report
	mov rdi, rax                    ; kinds not measured
	HYPERCALL HC_DONE, rdi

; ---------------------------------------------------------------- measuring

; measure: R10 = the loop with the exiting instruction, R11 = the same with a NOP instead,
; R15 = its struct result. Each loop takes R13 = N (>= 1) and returns RAX = ticks; it may use RSI.
; Clobbers every register but R10, R11, R12, R15, RSI, RSP.
measure:
	mov rbp, 1
.double:
	mov r13, rbp
	call r10
	cmp rax, BENCH_MIN_TICKS
	jae .long_enough
	cmp rbp, BENCH_MAX_ITERS
	jae .long_enough
	shl rbp, 1
	jmp .double
.long_enough:
	mov [r15 + RES_ITERS], rbp
	mov [r15 + RES_TEXIT], rax
	mov r13, rbp
	call r11
	mov [r15 + RES_TNOP], rax
	mov qword [r15 + RES_ERR], 0
	ret

; The loops: a pair differs only in the exiting instruction. 64-byte aligned so that both loops
; of a pair sit alike in the cache lines of a real CPU.
align 64
loop_cpuid_hv:
	T_START
.l:	mov eax, CPUID_HV_BASE
	xor ecx, ecx
	cpuid
	dec r13
	jnz .l
	T_END
	ret

align 64
loop_cpuid_hv_nop:
	T_START
.l:	mov eax, CPUID_HV_BASE
	xor ecx, ecx
	nop
	dec r13
	jnz .l
	T_END
	ret

align 64
loop_cpuid_0:
	T_START
.l:	xor eax, eax
	xor ecx, ecx
	cpuid
	dec r13
	jnz .l
	T_END
	ret

align 64
loop_cpuid_0_nop:
	T_START
.l:	xor eax, eax
	xor ecx, ecx
	nop
	dec r13
	jnz .l
	T_END
	ret

align 64
loop_vmcall:
	T_START
.l:	mov eax, HC_NOP
	vmcall
	dec r13
	jnz .l
	T_END
	ret

align 64
loop_vmcall_nop:
	T_START
.l:	mov eax, HC_NOP
	nop
	dec r13
	jnz .l
	T_END
	ret

align 64
loop_out:
	T_START
.l:	xor eax, eax
	out GUEST_DEBUG_PORT, al
	dec r13
	jnz .l
	T_END
	ret

align 64
loop_out_nop:
	T_START
.l:	xor eax, eax
	nop
	dec r13
	jnz .l
	T_END
	ret

; RSI = the protected page. The read is refused and the guest resumes at .after (HC_SET_RESUME).
align 64
loop_ept:
	T_START
.l:	mov eax, [rsi]
.after:
	dec r13
	jnz .l
	T_END
	ret

align 64
loop_ept_nop:
	T_START
.l:	nop
	dec r13
	jnz .l
	T_END
	ret

; ---------------------------------------------------------------- reporting

; report: one line per kind, then the "done" line. Returns RAX = kinds not measured.
report:
	push rbx
	push rbp
	xor ebx, ebx                    ; kind index
	xor ebp, ebp                    ; kinds not measured
.kind:
	lea rdi, [line]
	lea rsi, [s_kind]
	call put_str
	mov rsi, rbx
	shl rsi, 4
	lea rax, [kind_names]
	add rsi, rax
	call put_str
	mov r15, rbx
	shl r15, 5
	lea rax, [results]
	add r15, rax
	mov rax, [r15 + RES_ERR]
	test rax, rax
	jnz .failed
	lea rsi, [s_iters]
	call put_str
	mov rax, [r15 + RES_ITERS]
	call put_dec
	lea rsi, [s_texit]
	call put_str
	mov rax, [r15 + RES_TEXIT]
	call put_dec
	lea rsi, [s_tnop]
	call put_str
	mov rax, [r15 + RES_TNOP]
	call put_dec
	lea rsi, [s_per_exit]
	call put_str
	; (T_exit - T_nop + N) / N with two decimals, rounded down.
	mov rax, [r15 + RES_TEXIT]
	sub rax, [r15 + RES_TNOP]
	mov rcx, [r15 + RES_ITERS]
	add rax, rcx
	js .negative
	xor edx, edx
	div rcx
	push rdx
	call put_dec
	mov byte [rdi], '.'
	inc rdi
	pop rax
	mov edx, 100
	mul rdx
	div qword [r15 + RES_ITERS]
	cmp eax, 10
	jae .two_digits
	mov byte [rdi], '0'
	inc rdi
.two_digits:
	call put_dec
	jmp .print
.negative:
	lea rsi, [s_negative]
	call put_str
	jmp .print
.failed:
	inc ebp
	lea rsi, [s_error]
	call put_str
	mov rax, [r15 + RES_ERR]
	call put_sdec
	lea rsi, [s_refused_ref]
	cmp ebx, 4
	je .why
	lea rsi, [s_refused_ept]
.why:
	call put_str
.print:
	call print_line
	inc ebx
	cmp ebx, NKINDS
	jb .kind

	lea rdi, [line]
	lea rsi, [s_done]
	call put_str
	mov eax, NKINDS
	sub eax, ebp
	call put_dec
	lea rsi, [s_failed]
	call put_str
	mov eax, ebp
	call put_dec
	lea rsi, [s_min_ticks]
	call put_str
	mov eax, BENCH_MIN_TICKS
	call put_dec
	call print_line
	mov eax, ebp
	pop rbp
	pop rbx
	ret

; put_str: append the NUL-terminated string at RSI to RDI (advanced; no NUL written).
put_str:
	mov al, [rsi]
	test al, al
	jz .out
	mov [rdi], al
	inc rsi
	inc rdi
	jmp put_str
.out:
	ret

; put_dec: append RAX as unsigned decimal to RDI. Clobbers RAX, RCX, RDX, R8.
put_dec:
	lea r8, [dec_buf + 20]
	mov ecx, 10
.digit:
	xor edx, edx
	div rcx
	add dl, '0'
	dec r8
	mov [r8], dl
	test rax, rax
	jnz .digit
	lea rcx, [dec_buf + 20]
.copy:
	mov al, [r8]
	mov [rdi], al
	inc rdi
	inc r8
	cmp r8, rcx
	jb .copy
	ret

; put_sdec: append RAX as signed decimal.
put_sdec:
	test rax, rax
	jns put_dec
	mov byte [rdi], '-'
	inc rdi
	neg rax
	jmp put_dec

; print_line: NUL-terminate at RDI and HC_PRINT the buffer `line`.
print_line:
	mov byte [rdi], 0
	lea rdi, [line]
	HYPERCALL HC_PRINT, rdi
	ret

; Kind names, 16 bytes each, in the order of `results`.
kind_names:
%macro KIND 1
%%s:	db %1, 0
	times 16 - ($ - %%s) db 0
%endmacro
	KIND "cpuid_hv"
	KIND "cpuid_0"
	KIND "vmcall_nop"
	KIND "out_0x80"
	KIND "reference"
	KIND "ept_violation"

s_kind:        db "bench: kind=", 0
s_iters:       db " iters=", 0
s_texit:       db " exit_ticks=", 0
s_tnop:        db " nop_ticks=", 0
s_per_exit:    db " ticks_per_exit=", 0
s_negative:    db "negative", 0
s_error:       db " error=", 0
s_refused_ref: db " (HC_BENCH_REFERENCE refused)", 0
s_refused_ept: db " (HC_SET_RESUME or HC_PROTECT refused)", 0
s_done:        db "bench: done kinds=", 0
s_failed:      db " failed=", 0
s_min_ticks:   db " min_ticks=", 0

align 8
results:  times NKINDS * RES_SIZE db 0
dec_buf:  times 24 db 0
line:     times 200 db 0
guest_end:
