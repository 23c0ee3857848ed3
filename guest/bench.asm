; The built-in guest "bench" (issue 6): how many TSC ticks one VM exit costs, per exit kind.
; HV.CFG guest=bench selects it; tests/bench/exit_bench.py (`make bench`) boots it and reads its
; lines; docs/benchmarks.md explains the figures.
;
; Kinds, in the order measured (the EPT ones last: they are the only ones that make the
; hypervisor log while the guest runs):
;   cpuid_hv       CPUID leaf 0x40000000, answered by the hypervisor itself
;   cpuid_0        CPUID leaf 0, passed through to the real CPUID
;   vmcall_nop     VMCALL HC_NOP
;   out_0x80       OUT to port 0x80 (every port exits; writes to 0x80 are dropped)
;   reference      CPUID 0x40000000 after HC_BENCH_REFERENCE: the minimal exit path (RIP += len)
;   ept_logged     the first 32 reads of a page protected with HC_PROTECT(page, 0, HC_FAULT_RESUME):
;                  with exit_log=on each one logs its ept-violation and ept-policy lines (the rate
;                  limit's burst is 32 lines per tag); counted with the work later exits do to
;                  format those lines and move them to the UART (see "draining" below)
;   ept_prot_64    ept_violation with 63 more pages protected (read-only, never touched)
;   ept_prot_many  ... and with up to 100,000 (as many as fit above EPT_PAGE in guest memory): the
;                  violation's cost must not depend on how many pages are protected
;   ept_violation  the same read once the burst is used up and the log is drained: the steady
;                  state, where exit_log=on only adds the rate limiter's bookkeeping
;   protect_pair   HC_PROTECT of a page read-only, then read/write/execute again: two VMCALLs per
;                  iteration, so its figure is per pair. With several vCPUs the first of the two
;                  shoots the change down on every other vCPU (an NMI, INVEPT there, an
;                  acknowledgement awaited): its cost with 1, 2 and 4 vCPUs is that of the shootdown
;
; With several vCPUs (CPUID 0x40000001 EBX > 1) vCPU 0 first starts the others in a loop that never
; exits (PAUSE, and a look at bench_done): Bochs then runs every CPU all the time, its TSC advancing
; with each CPU's instructions as on one CPU, and the common exits must cost what they cost there.
; The hypervisor resumes each refused read at the HC_SET_RESUME address: the next instruction.
;
; Method (as kvm-unit-tests' x86/vmexit.c): run the loop with N = 1, 2, 4, ... iterations until one
; run lasts at least BENCH_MIN_TICKS TSC ticks, then run the same loop with the exiting
; instruction replaced by a NOP, N times. ticks/exit = (T_exit - T_nop) / N + 1: the +1 adds back
; the NOP's own tick, so in Bochs (one tick per retired instruction, none for the exit itself) the
; figure is 1 + the instructions the hypervisor ran from the exit to VMRESUME (VMRESUME included).
; The doubling runs before the last one are its warm-up.
;
; Draining: a line the hypervisor logs while the guest runs waits in its log ring and is moved to
; the UART by later exits (while lines wait, an exit polls the UART at most once per 2^14 ticks;
; when its FIFO is empty it takes the next 16 bytes). Those exits cost more, so no kind is
; measured while the log has anything pending. The guest sees that only through timing: a probe
; is one timed VMCALL HC_NOP, calibrated at the start (the log is empty when the guest starts); a
; probe dearer than the calibration plus 1/32 plus 2 ticks found the log pending (in Bochs a
; pending log costs an exit at least 7 more instructions, and a probe DRAIN_SPIN ticks after the
; last one always polls). drain probes every DRAIN_SPIN ticks until two probes in a row find the
; log empty, and sums what the dearer probes cost above the calibration: the log's own work.
; Nothing is printed until the end, for the same reason.
;
; Output, one HC_PRINT line per kind:
;   [guest] bench: kind=<name> iters=<N> exit=<T_exit> nop=<T_nop> drain=<D> probes=<P> ticks_per_exit=<x.xx>
;     (T_exit, T_nop, D in TSC ticks; P the probes the drain took; the line stays under the 120 bytes
;     of a guest line)
;   [guest] bench: kind=<name> protected=<pages>     (after an EPT kind's line: the pages protected meanwhile)
;     (ticks_per_exit = (T_exit - T_nop + D) / N + 1, rounded down to 2 decimals; D = 0 but for ept_logged)
;   [guest] bench: kind=<name> error=<hypercall result> (<what was refused>)
;   [guest] bench: done kinds=<measured> failed=<not measured> min_ticks=<BENCH_MIN_TICKS> probe_ticks=<calibration> drain=<ok|timeout>
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
%define LOG_BURST 32               ; the hypervisor's rate-limit burst (LOG_RATELIMIT_BURST)
%define EPT_PAGE 0x200000          ; offset in guest memory of the page the EPT loops read
%define CALIBRATE_PROBES 16
%define DRAIN_SPIN (1 << 18)       ; ticks between probes: about the 278k ticks Bochs' UART takes for 16 bytes
%define DRAIN_QUIET 2              ; probes in a row that must find the log empty
%define DRAIN_MAX_TICKS (1 << 32)  ; give up (drain=timeout) after this long

; Kind indexes (the order of kind_names and of the output lines).
%define K_CPUID_HV 0
%define K_CPUID_0 1
%define K_VMCALL 2
%define K_OUT 3
%define K_REFERENCE 4
%define K_EPT 5
%define K_EPT_LOGGED 6
%define K_EPT_64 7
%define K_EPT_MANY 8
%define K_PROTECT 9
%define NKINDS 10
%define PROTECT_PAGE 0x1ff000      ; offset of the page protect_pair protects and gives back
%define AP_STACK 0x1000            ; the spinning vCPUs' stacks, below vCPU 0's (they use none)
%define EPT_MANY_PAGES 100000      ; the most pages ept_prot_many protects (guest memory permitting)
%define STACK_RESERVE 0x10000      ; the top 64 KiB of guest memory hold the stack (RSP starts at the end)

; struct result (48 bytes each, in `results`)
%define RES_ITERS  0
%define RES_TEXIT  8
%define RES_TNOP   16
%define RES_DRAIN  24              ; ticks the log's work cost later exits
%define RES_PROBES 32              ; probes it took to drain the log
%define RES_ERR    40              ; 0, or the hypercall result that stopped this kind
%define RES_PROT   48              ; pages protected while this kind was measured
%define RES_SIZE   56

; T_START / T_END: TSC into R14, then RAX = ticks since T_START. LFENCE keeps RDTSC from running
; ahead of or behind the loop on real CPUs; both loops of a pair execute the same ones.
; Clobber RAX, RDX (and R14).
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

; RESULT reg, kind: reg = &results[kind]
%macro RESULT 2
	lea %1, [results + (%2) * RES_SIZE]
%endmacro

GUEST_HEADER entry

entry:
	mov r12, rdi                    ; guest memory base (GPA == GVA)
	mov [mem_size], rsi
	call start_vcpus
	call calibrate

	lea r10, [loop_cpuid_hv]
	lea r11, [loop_cpuid_hv_nop]
	RESULT r15, K_CPUID_HV
	call measure

	lea r10, [loop_cpuid_0]
	lea r11, [loop_cpuid_0_nop]
	RESULT r15, K_CPUID_0
	call measure

	lea r10, [loop_vmcall]
	lea r11, [loop_vmcall_nop]
	RESULT r15, K_VMCALL
	call measure

	lea r10, [loop_out]
	lea r11, [loop_out_nop]
	RESULT r15, K_OUT
	call measure

	; The reference path: from HC_BENCH_REFERENCE until the next exit that is not a CPUID. The
	; doubling runs and the NOP loop make no exit at all, so the mode lasts through the measurement.
	HYPERCALL HC_BENCH_REFERENCE
	RESULT r15, K_REFERENCE
	mov [r15 + RES_ERR], rax
	test rax, rax
	jnz .no_reference
	lea r10, [loop_cpuid_hv]
	lea r11, [loop_cpuid_hv_nop]
	call measure
.no_reference:

	; EPT: protect the page, resume after the read.
	lea rdi, [loop_ept.after]
	HYPERCALL HC_SET_RESUME, rdi
	call ept_error                  ; both EPT results get RAX; ZF clear if it is an error
	jnz .no_ept
	lea rdi, [r12 + EPT_PAGE]
	HYPERCALL HC_PROTECT, rdi, 0, HC_FAULT_RESUME
	call ept_error
	jnz .no_ept
	lea rsi, [r12 + EPT_PAGE]       ; the page loop_ept reads
	lea r10, [loop_ept]
	lea r11, [loop_ept_nop]
	; The logged burst: LOG_BURST exits, then drain what they logged.
	RESULT r15, K_EPT_LOGGED
	mov r13, LOG_BURST
	call r10
	mov [r15 + RES_TEXIT], rax
	mov r13, LOG_BURST
	call r11
	mov [r15 + RES_TNOP], rax
	mov qword [r15 + RES_ITERS], LOG_BURST
	call drain
	mov [r15 + RES_DRAIN], rax
	mov [r15 + RES_PROBES], rdx
	; The steady state.
	RESULT r15, K_EPT
	mov qword [r15 + RES_PROT], 1
	call measure
	; The same with 64, then with up to EPT_MANY_PAGES protected pages: the cost must not grow.
	; The others are read-only pages above EPT_PAGE that nothing touches.
	mov rbx, 64
	RESULT r15, K_EPT_64
	call protect_more
	jnz .ept_done
	call measure_ept
	mov rax, [mem_size]
	sub rax, EPT_PAGE + STACK_RESERVE
	shr rax, 12                     ; pages from EPT_PAGE to below the stack
	mov rbx, EPT_MANY_PAGES
	cmp rax, rbx
	cmovb rbx, rax
	RESULT r15, K_EPT_MANY
	call protect_more
	jnz .ept_done
	call measure_ept
.ept_done:
	lea rdi, [r12 + EPT_PAGE]       ; give the page back, forget the resume address
	HYPERCALL HC_PROTECT, rdi, HC_PERM_R | HC_PERM_W | HC_PERM_X, HC_FAULT_REGRANT
	HYPERCALL HC_SET_RESUME, 0
.no_ept:

	lea rdi, [r12 + PROTECT_PAGE]   ; refused once, not measured
	HYPERCALL HC_PROTECT, rdi, HC_PERM_R | HC_PERM_W | HC_PERM_X, HC_FAULT_KEEP
	RESULT r15, K_PROTECT
	mov [r15 + RES_ERR], rax
	test rax, rax
	jnz .no_protect
	lea rsi, [r12 + PROTECT_PAGE]
	lea r10, [loop_protect]
	lea r11, [loop_protect_nop]
	call measure
.no_protect:

	call drain                      ; room in the log for the report
	call report
	mov byte [bench_done], 1        ; the spinning vCPUs end themselves
	mov rdi, rax                    ; kinds not measured
	HYPERCALL HC_DONE, rdi

; start_vcpus: start every other vCPU in ap_spin. Clobbers RAX, RBX, RCX, RDX, RDI, RSI, R8.
start_vcpus:
	mov eax, CPUID_HV_MAX_LEAF
	cpuid
	mov r8d, ebx                    ; the vCPU count
	mov ebx, 1
.next:
	cmp ebx, r8d
	jae .done
	mov rdx, [mem_size]
	add rdx, r12
	imul rax, rbx, AP_STACK
	sub rdx, rax                    ; RSP = end of memory - index * AP_STACK
	lea rsi, [ap_spin]
	HYPERCALL HC_VCPU_START, rbx, rsi, rdx
	inc ebx
	jmp .next
.done:
	ret

; ap_spin: a started vCPU's whole life: no exit until vCPU 0 is done, then HC_DONE 0.
ap_spin:
	pause
	cmp byte [bench_done], 0
	je ap_spin
	HYPERCALL HC_DONE, 0

; protect_more: protect read-only (policy KEEP) the pages after EPT_PAGE up to RBX pages in all,
; counting on from [protected]; R15 = the kind's result (its RES_PROT, or RES_ERR on a refusal).
; ZF set if all went through. Clobbers RAX, RDX, RDI, RSI.
protect_more:
	mov rax, [protected]
	cmp rax, rbx
	jae .done
	shl rax, 12
	lea rdi, [r12 + EPT_PAGE + rax]
	HYPERCALL HC_PROTECT, rdi, HC_PERM_R, HC_FAULT_KEEP
	test rax, rax
	jnz .refused
	inc qword [protected]
	jmp protect_more
.refused:
	mov [r15 + RES_ERR], rax
	RESULT rdx, K_EPT_MANY          ; not measured either
	mov [rdx + RES_ERR], rax
	ret
.done:
	mov [r15 + RES_PROT], rax
	xor eax, eax
	ret

; measure_ept: the steady-state EPT loop on EPT_PAGE into R15's result.
measure_ept:
	lea rsi, [r12 + EPT_PAGE]
	lea r10, [loop_ept]
	lea r11, [loop_ept_nop]
	jmp measure

; ept_error: RAX = a hypercall result for both EPT kinds. ZF set if it is 0.
ept_error:
	RESULT rdx, K_EPT
	mov [rdx + RES_ERR], rax
	RESULT rdx, K_EPT_LOGGED
	mov [rdx + RES_ERR], rax
	RESULT rdx, K_EPT_64
	mov [rdx + RES_ERR], rax
	RESULT rdx, K_EPT_MANY
	mov [rdx + RES_ERR], rax
	test rax, rax
	ret

; ---------------------------------------------------------------- measuring

; measure: R10 = the loop with the exiting instruction, R11 = the same with a NOP instead,
; R15 = its struct result. Each loop takes R13 = N (>= 1) and returns RAX = ticks; it may read RSI.
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
	ret

; probe: RAX = ticks of one timed VMCALL HC_NOP. Clobbers RDX, R14.
probe:
	T_START
	mov eax, HC_NOP
	vmcall
	T_END
	ret

; calibrate: probe_base = the cheapest of CALIBRATE_PROBES probes; probe_quiet = the most a probe
; may cost when the log has nothing pending. Clobbers RAX, RDX, R8, R9, R14.
calibrate:
	mov r8, -1
	mov r9d, CALIBRATE_PROBES
.next:
	call probe
	cmp rax, r8
	cmovb r8, rax
	dec r9d
	jnz .next
	mov [probe_base], r8
	mov rax, r8
	shr rax, 5
	lea rax, [r8 + rax + 2]
	mov [probe_quiet], rax
	ret

; spin: wait DRAIN_SPIN ticks without an exit. Clobbers RAX, RCX, RDX.
spin:
	rdtsc
	shl rdx, 32
	or rax, rdx
	mov rcx, rax
.wait:
	rdtsc
	shl rdx, 32
	or rax, rdx
	sub rax, rcx
	cmp rax, DRAIN_SPIN
	jb .wait
	ret

; drain: probe until DRAIN_QUIET probes in a row find the log empty. Returns RAX = the ticks the
; dearer probes cost above probe_base, RDX = probes. Sets drain_timeout if it gave up.
; Clobbers RCX, R8, R9, R14.
drain:
	push rbx
	push rbp
	xor r8d, r8d                    ; extra ticks
	xor r9d, r9d                    ; probes
	xor ebx, ebx                    ; quiet probes in a row
	rdtsc
	shl rdx, 32
	or rax, rdx
	mov rbp, rax                    ; start
.next:
	call probe
	inc r9
	cmp rax, [probe_quiet]
	jbe .quiet
	sub rax, [probe_base]
	add r8, rax
	xor ebx, ebx
	jmp .wait
.quiet:
	inc ebx
	cmp ebx, DRAIN_QUIET
	jae .done
.wait:
	rdtsc
	shl rdx, 32
	or rax, rdx
	sub rax, rbp
	mov rcx, DRAIN_MAX_TICKS
	cmp rax, rcx
	jae .timeout
	call spin
	jmp .next
.timeout:
	mov byte [drain_timeout], 1
.done:
	mov rax, r8
	mov rdx, r9
	pop rbp
	pop rbx
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
loop_protect:
	mov rbx, rsi
	T_START
.l:	HYPERCALL HC_PROTECT, rbx, HC_PERM_R, HC_FAULT_KEEP
	HYPERCALL HC_PROTECT, rbx, HC_PERM_R | HC_PERM_W | HC_PERM_X, HC_FAULT_KEEP
	dec r13
	jnz .l
	T_END
	mov rsi, rbx
	ret

align 64
loop_protect_nop:
	mov rbx, rsi
	T_START
.l:	mov eax, HC_PROTECT
	mov rdi, rbx
	mov rsi, HC_PERM_R
	mov rdx, HC_FAULT_KEEP
	nop
	mov eax, HC_PROTECT
	mov rdi, rbx
	mov rsi, HC_PERM_R | HC_PERM_W | HC_PERM_X
	mov rdx, HC_FAULT_KEEP
	nop
	dec r13
	jnz .l
	T_END
	mov rsi, rbx
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

; put_kind: start the line with "bench: kind=<name>" for kind RBX; RDI = the end of what is written.
put_kind:
	lea rdi, [line]
	lea rsi, [s_kind]
	call put_str
	mov rsi, rbx
	shl rsi, 4
	lea rax, [kind_names]
	add rsi, rax
	jmp put_str

; report: one line per kind, then the "done" line. Returns RAX = kinds not measured.
report:
	push rbx
	push rbp
	xor ebx, ebx                    ; kind index
	xor ebp, ebp                    ; kinds not measured
.kind:
	call put_kind
	imul r15, rbx, RES_SIZE
	lea rax, [results]
	add r15, rax
	mov rax, [r15 + RES_ERR]
	test rax, rax
	jnz .failed
	lea rsi, [s_iters]
	mov rax, [r15 + RES_ITERS]
	call put_field
	lea rsi, [s_texit]
	mov rax, [r15 + RES_TEXIT]
	call put_field
	lea rsi, [s_tnop]
	mov rax, [r15 + RES_TNOP]
	call put_field
	lea rsi, [s_drain]
	mov rax, [r15 + RES_DRAIN]
	call put_field
	lea rsi, [s_probes]
	mov rax, [r15 + RES_PROBES]
	call put_field
	lea rsi, [s_per_exit]
	call put_str
	; (T_exit - T_nop + D + N) / N with two decimals, rounded down.
	mov rax, [r15 + RES_TEXIT]
	sub rax, [r15 + RES_TNOP]
	add rax, [r15 + RES_DRAIN]
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
	cmp ebx, K_REFERENCE
	je .why
	lea rsi, [s_refused_ept]
	cmp ebx, K_EPT_64
	jb .why
	lea rsi, [s_refused_prot]
	cmp ebx, K_PROTECT
	jb .why
	lea rsi, [s_refused_pair]
.why:
	call put_str
.print:
	call print_line
	mov rax, [r15 + RES_PROT]       ; the EPT kinds: how many pages were protected, on a line of its own
	test rax, rax
	jz .next_kind
	cmp qword [r15 + RES_ERR], 0
	jne .next_kind
	call put_kind
	lea rsi, [s_protected]
	mov rax, [r15 + RES_PROT]
	call put_field
	call print_line
.next_kind:
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
	mov eax, ebp
	call put_field
	lea rsi, [s_min_ticks]
	mov eax, BENCH_MIN_TICKS
	call put_field
	lea rsi, [s_probe_ticks]
	mov rax, [probe_base]
	call put_field
	lea rsi, [s_drain_ok]
	cmp byte [drain_timeout], 0
	je .drain_word
	lea rsi, [s_drain_timeout]
.drain_word:
	call put_str
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

; put_field: append the string at RSI, then RAX in decimal.
put_field:
	push rax
	call put_str
	pop rax
	jmp put_dec

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

; Kind names, 16 bytes each, in kind-index order.
%macro KIND 1
%%s:	db %1, 0
	times 16 - ($ - %%s) db 0
%endmacro
kind_names:
	KIND "cpuid_hv"
	KIND "cpuid_0"
	KIND "vmcall_nop"
	KIND "out_0x80"
	KIND "reference"
	KIND "ept_violation"
	KIND "ept_logged"
	KIND "ept_prot_64"
	KIND "ept_prot_many"
	KIND "protect_pair"

s_kind:          db "bench: kind=", 0
s_iters:         db " iters=", 0
s_texit:         db " exit=", 0
s_tnop:          db " nop=", 0
s_drain:         db " drain=", 0
s_probes:        db " probes=", 0
s_protected:     db " protected=", 0
s_per_exit:      db " ticks_per_exit=", 0
s_negative:      db "negative", 0
s_error:         db " error=", 0
s_refused_ref:   db " (HC_BENCH_REFERENCE refused)", 0
s_refused_ept:   db " (HC_SET_RESUME or HC_PROTECT refused)", 0
s_refused_prot:  db " (HC_PROTECT of another page refused)", 0
s_refused_pair:  db " (HC_PROTECT of its page refused)", 0
s_done:          db "bench: done kinds=", 0
s_failed:        db " failed=", 0
s_min_ticks:     db " min_ticks=", 0
s_probe_ticks:   db " probe_ticks=", 0
s_drain_ok:      db " drain=ok", 0
s_drain_timeout: db " drain=timeout", 0

align 8
mem_size:      dq 0
protected:     dq 1                ; pages protected so far (EPT_PAGE first)
probe_base:    dq 0
probe_quiet:   dq 0
drain_timeout: db 0
bench_done:    db 0                ; vCPU 0 has reported: the spinning vCPUs end
align 8
results:  times NKINDS * RES_SIZE db 0
dec_buf:  times 24 db 0
line:     times 200 db 0
guest_end:
