; Hostile guest "outside": touches memory that is not its own and expects every access refused.
; Needs HV.CFG test_leak_addresses=on, which hands it R8 = the hypervisor's image base and R9 = the base of
; the hypervisor's page pool (its EPT tables and VMCS live there).
;
; It sets a resume address (HC_SET_RESUME), then for each target
;   hv-image (R8), hv-pool (R9), gpa-0, below (the last byte under its memory),
;   past (the first byte after it), top (the highest page, 2^MAXPHYADDR - 4096)
; it first tries the hypercalls HC_PRINT, HC_PROTECT, HC_EPT_MISCONFIG_DEMO and HC_SET_RESUME on
; the address (each must return HC_E_RANGE, and a refused HC_SET_RESUME must keep the old resume
; address; HC_SET_RESUME 0 is the documented "clear" and returns 0, so after that one the guest
; sets its resume address again), then reads, writes and executes (jmp, not call) there. Each
; access must be refused with an EPT violation and resumed at the resume address with every
; register but RIP as it was (the guest checks RSP and a marker in R13).
; A last probe reads a qword that straddles the end of its memory (4 bytes inside, 4 outside).
; Addresses below 4 GiB are reached at GVA = GPA (the loader's page tables); one above 4 GiB
; (top) through a 4 KiB window at GVA 0xC0000000 that the guest maps in its own page tables.
;
; Before each access it prints one line
;   outside: <read|write|exec> <target> gpa=0x<16 hex> gla=0x<16 hex> rip=0x<16 hex>
; naming the GPA and linear address of the byte whose access must fault, and the RIP the
; violation must report.
; Ends with HC_DONE 0 if every check behaved, else a FAIL line per check and HC_DONE 1.
bits 64
default rel
%include "guest/abi.inc"

%define WINDOW_GVA  0xC0000000
%define PD3_OFFSET  0x5000          ; loader's page directory for GVA 3-4 GiB
%define WINDOW_PT   0x200000        ; offset of the window's page table in guest memory
%define PTE_P_RW    3
%define MARK        0x6f75747369646521
%define KIND_READ   0
%define KIND_WRITE  1
%define KIND_EXEC   2
%define KIND_QWORD  3
%define NTARGETS    6

GUEST_HEADER entry

entry:
	lea rax, [guest_start]
	mov [image_base_delta], rax
	mov [mem_base], rdi
	mov [mem_size], rsi
	mov [hv_image], r8
	mov [hv_pool], r9
	mov eax, 0x80000008
	cpuid
	movzx ecx, al
	mov [maxphy], rcx
	mov eax, 1
	shl rax, cl
	sub rax, 0x1000
	mov [t_top], rax
	mov rax, [mem_base]
	lea rdx, [rax - 1]
	mov [t_below], rdx
	add rax, [mem_size]
	mov [t_past], rax

	lea rsi, [s_hdr1]
	call puts
	mov rax, [hv_image]
	call put_hex
	lea rsi, [s_hdr2]
	call puts
	mov rax, [hv_pool]
	call put_hex
	lea rsi, [s_hdr3]
	call puts
	mov rax, [maxphy]
	call put_dec
	lea rsi, [s_hdr4]
	call puts
	lea rax, [resumed]
	call put_hex
	call newline

	; R8 and R9 must be real hypervisor addresses (test_leak_addresses=on), outside guest memory.
	mov rax, [hv_image]
	call check_outside
	mov rax, [hv_pool]
	call check_outside

	lea rdi, [resumed]
	HYPERCALL HC_SET_RESUME, rdi
	test rax, rax
	jz .resume_set
	lea rsi, [s_f_resume]
	call fail
	jmp finish
.resume_set:
	call map_window

	xor ebx, ebx
.target:
	mov [tidx], rbx
	call target_hypercalls
	mov ecx, KIND_READ
	call probe_target
	mov ecx, KIND_WRITE
	call probe_target
	mov ecx, KIND_EXEC
	call probe_target
	mov rbx, [tidx]
	inc rbx
	cmp rbx, NTARGETS
	jb .target

	; a qword read straddling the end of guest memory: 4 bytes inside, 4 past the end
	lea rax, [s_straddle]
	mov [p_name], rax
	mov rbx, [t_past]
	mov r14, rbx                   ; the violation is on the first byte past the end
	sub rbx, 4
	mov ecx, KIND_QWORD
	call probe

finish:
	cmp qword [failures], 0
	jne .failed
	lea rsi, [s_all_ok]
	call puts
	HYPERCALL HC_DONE, 0
.failed:
	lea rsi, [s_failed]
	call puts
	mov rax, [failures]
	call put_dec
	call newline
	HYPERCALL HC_DONE, 1

; check_outside: RAX = a hypervisor address; FAIL unless nonzero and outside guest memory.
check_outside:
	test rax, rax
	jz .bad
	mov rdx, rax
	sub rdx, [mem_base]
	cmp rdx, [mem_size]
	jb .bad
	ret
.bad:
	lea rsi, [s_f_r8r9]
	jmp fail

; target_addr: RBX = target index -> R14 = its byte GPA, R15 = its page GPA, RSI = its name.
target_addr:
	lea rsi, [names]
	mov rsi, [rsi + rbx * 8]
	add rsi, [image_base_delta]
	cmp rbx, 0
	jne .t1
	mov r14, [hv_image]
	jmp .page
.t1:	cmp rbx, 1
	jne .t2
	mov r14, [hv_pool]
	jmp .page
.t2:	cmp rbx, 2
	jne .t3
	xor r14d, r14d
	jmp .page
.t3:	cmp rbx, 3
	jne .t4
	mov r14, [t_below]
	jmp .page
.t4:	cmp rbx, 4
	jne .t5
	mov r14, [t_past]
	jmp .page
.t5:	mov r14, [t_top]
.page:
	mov r15, r14
	and r15, -0x1000
	ret

; target_hypercalls: [tidx] = target. Each hypercall on it must return HC_E_RANGE.
;   outside: hypercalls on <target>: print=<n> protect=<n> misconfig=<n> set_resume=<n> <ok|FAIL>
target_hypercalls:
	mov rbx, [tidx]
	call target_addr
	mov [p_name], rsi
	mov byte [hc_bad], 0
	HYPERCALL HC_PRINT, r14
	mov [hc_res], rax
	HYPERCALL HC_PROTECT, r15, 0, HC_FAULT_REGRANT
	mov [hc_res + 8], rax
	HYPERCALL HC_EPT_MISCONFIG_DEMO, r15
	mov [hc_res + 16], rax
	HYPERCALL HC_SET_RESUME, r14
	mov [hc_res + 24], rax
	test r14, r14
	jnz .kept
	lea rdi, [resumed]             ; gpa-0 cleared the resume address: set it again
	HYPERCALL HC_SET_RESUME, rdi
.kept:
	lea rsi, [s_hc1]
	call puts
	mov rsi, [p_name]
	call puts
	xor ebx, ebx
.one:
	lea rsi, [hc_names]
	mov rsi, [rsi + rbx * 8]
	add rsi, [image_base_delta]
	call puts
	lea rax, [hc_res]
	mov rax, [rax + rbx * 8]
	mov rdx, HC_E_RANGE
	cmp rbx, 3
	jne .want
	cmp qword [tidx], 2
	jne .want
	xor edx, edx                   ; HC_SET_RESUME 0 is "clear": 0, and the guest sets it again
.want:
	cmp rax, rdx
	je .fine
	mov byte [hc_bad], 1
.fine:
	call put_dec
	inc rbx
	cmp rbx, 4
	jb .one
	cmp byte [hc_bad], 0
	jne .bad
	lea rsi, [s_ok_nl]
	jmp puts
.bad:
	inc qword [failures]
	lea rsi, [s_fail_nl]
	jmp puts

; probe_target: [tidx] = target, ECX = kind. Works out the linear address and probes.
probe_target:
	push rcx
	mov rbx, [tidx]
	call target_addr
	mov [p_name], rsi
	pop rcx
	mov rbx, r14
	mov rax, r14
	shr rax, 32
	jz .low
	; above 4 GiB: through the window, which map_window pointed at the top page
	mov rbx, r14
	and ebx, 0xfff
	mov rax, WINDOW_GVA
	add rbx, rax
.low:
	jmp probe

; map_window: GVA WINDOW_GVA (one 4 KiB page) -> GPA [t_top], through a page table of its own.
map_window:
	mov rdx, [mem_base]
	mov rax, [t_top]
	or rax, PTE_P_RW
	mov [rdx + WINDOW_PT], rax
	lea rax, [rdx + WINDOW_PT + PTE_P_RW]
	mov [rdx + PD3_OFFSET], rax
	mov rax, WINDOW_GVA
	invlpg [rax]
	ret

; probe: RBX = linear address to touch, R14 = its GPA, ECX = kind, [p_name] = target name.
; Prints the probe line, then touches; a refused access comes back through `resumed`.
probe:
	mov [p_kind], rcx
	mov [p_gla], rbx
	mov [p_glaf], rbx
	mov [p_gpa], r14
	cmp ecx, KIND_QWORD
	jne .k1
	add qword [p_glaf], 4          ; the straddling qword faults on its fifth byte
.k1:
	lea rax, [acc_read]
	lea rsi, [s_read]
	cmp ecx, KIND_WRITE
	jne .k2
	lea rax, [acc_write]
	lea rsi, [s_write]
.k2:	cmp ecx, KIND_EXEC
	jne .k3
	mov rax, rbx                   ; a refused fetch reports the target as RIP
	lea rsi, [s_exec]
.k3:	cmp ecx, KIND_QWORD
	jne .k4
	lea rax, [acc_qword]
	lea rsi, [s_read]
.k4:	mov [p_rip], rax
	call puts
	mov rsi, [p_name]
	call puts
	lea rsi, [s_gpa]
	call puts
	mov rax, [p_gpa]
	call put_hex
	lea rsi, [s_gla]
	call puts
	mov rax, [p_glaf]
	call put_hex
	lea rsi, [s_rip]
	call puts
	mov rax, [p_rip]
	call put_hex
	call newline

	mov rbx, [p_gla]
	mov rcx, [p_kind]
	mov byte [refused], 0
	mov r13, MARK
	mov [saved_rsp], rsp
	cmp ecx, KIND_WRITE
	je probe_write
	cmp ecx, KIND_EXEC
	je probe_exec
	cmp ecx, KIND_QWORD
	je probe_qword
acc_read:
	mov al, [rbx]
	jmp probe_after
probe_write:
acc_write:
	mov byte [rbx], 0
	jmp probe_after
probe_qword:
acc_qword:
	mov rax, [rbx]
	jmp probe_after
probe_exec:
	jmp rbx
probe_after:
	cmp byte [refused], 1
	je .ok
	lea rsi, [s_f_notref]
	cmp byte [refused], 0
	je .report
	lea rsi, [s_f_regs]
.report:
	call fail
.ok:
	ret

; The resume address: every refused access lands here with the registers it had.
resumed:
	mov rax, MARK
	cmp r13, rax
	jne .changed
	cmp rsp, [saved_rsp]
	jne .changed
	mov byte [refused], 1
	jmp probe_after
.changed:
	mov rsp, [saved_rsp]
	mov byte [refused], 2
	jmp probe_after

; fail: RSI = what failed. Prints "outside: FAIL <what> (<target>)" and counts it.
fail:
	inc qword [failures]
	push rsi
	lea rsi, [s_fail]
	call puts
	pop rsi
	call puts
	mov rsi, [p_name]
	test rsi, rsi
	jz .nl
	lea rsi, [s_paren]
	call puts
	mov rsi, [p_name]
	call puts
	mov al, ')'
	call putc
.nl:
	jmp newline

; ---- serial output (each byte an OUT to the emulated COM1)
%include "guest/serial.inc"

newline:
	mov al, 10
	jmp putc

put_hex:                            ; RAX -> "0x" and 16 hex digits
	push rbx
	push rcx
	push rdx
	mov rbx, rax
	mov al, '0'
	call putc
	mov al, 'x'
	call putc
	mov ecx, 16
.digit:
	rol rbx, 4
	mov eax, ebx
	and eax, 0xf
	lea rdx, [hexdigits]
	mov al, [rdx + rax]
	call putc
	loop .digit
	pop rdx
	pop rcx
	pop rbx
	ret

; ---- data
align 8
image_base_delta: dq 0              ; the load address: the tables below hold image offsets
names:    dq n_image, n_pool, n_zero, n_below, n_past, n_top
hc_names: dq h_print, h_protect, h_misconfig, h_resume
mem_base:  dq 0
mem_size:  dq 0
hv_image:  dq 0
hv_pool:   dq 0
maxphy:    dq 0
t_below:   dq 0
t_past:    dq 0
t_top:     dq 0
tidx:      dq 0
failures:  dq 0
p_name:    dq 0
p_kind:    dq 0
p_gla:     dq 0
p_glaf:    dq 0
p_gpa:     dq 0
p_rip:     dq 0
saved_rsp: dq 0
hc_res:    times 4 dq 0
refused:   db 0
hc_bad:    db 0

hexdigits: db "0123456789abcdef"
n_image:   db "hv-image", 0
n_pool:    db "hv-pool", 0
n_zero:    db "gpa-0", 0
n_below:   db "below", 0
n_past:    db "past", 0
n_top:     db "top", 0
h_print:   db ": print=", 0
h_protect: db " protect=", 0
h_misconfig: db " misconfig=", 0
h_resume:  db " set_resume=", 0
s_hdr1:    db "outside: hv-image=", 0
s_hdr2:    db " hv-pool=", 0
s_hdr3:    db " maxphyaddr=", 0
s_hdr4:    db " resume=", 0
s_hc1:     db "outside: hypercalls on ", 0
s_read:    db "outside: read ", 0
s_write:   db "outside: write ", 0
s_exec:    db "outside: exec ", 0
s_gpa:     db " gpa=", 0
s_gla:     db " gla=", 0
s_rip:     db " rip=", 0
s_straddle: db "straddle", 0
s_ok_nl:   db " ok", 10, 0
s_fail_nl: db " FAIL", 10, 0
s_fail:    db "outside: FAIL ", 0
s_paren:   db " (", 0
s_f_resume: db "HC_SET_RESUME of its own address did not return 0", 0
s_f_r8r9:  db "R8/R9 are not hypervisor addresses (HV.CFG test_leak_addresses=on?)", 0
s_f_notref: db "access was not refused", 0
s_f_regs:  db "resumed with changed registers", 0
s_all_ok:  db "outside: all 19 accesses refused and resumed, all 24 hypercalls answered", 10, 0
s_failed:  db "outside: FAILED checks: ", 0
guest_end:
