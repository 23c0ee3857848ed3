; Hostile guest "badcall": every hypercall argument that is wrong gets its documented error code
; in RAX, and the hypervisor neither faults nor touches memory that is not the guest's.
; For each case it compares RAX with the expected value and prints one line
;   badcall: <case> rax=<signed decimal> ok          (or ... FAIL want=<n>)
; then HC_DONE 0 if every case matched, else HC_DONE 1.
; Two cases print text on purpose, each with a newline, an ESC and a fake "[hv] " line inside:
; the hypervisor must print it as one `[guest] ` line, non-printable bytes as '?', so a guest
; cannot forge hypervisor lines.
; The guest prints at most 30 lines, under the log's rate-limit burst of 32 [guest] lines.
bits 64
default rel
%include "guest/abi.inc"

%define STACK_OFFSET  0x300000       ; the stack moves here: the cases use the last bytes
%define PAGES_OFFSET  0x200000       ; 65 pages: there is no limit on protected pages
%define MAX_PROTECTED 64
%define TAIL_ROOM     64             ; bytes at the end of memory used by two HC_PRINT cases

; CHECK "case", want: compares RAX (the hypercall's result) with want and prints the line.
%macro CHECK 2
	mov [got], rax
	mov rax, %2
	mov [want], rax
	lea rsi, [%%name]
	call report
	jmp %%over
%%name: db %1, 0
%%over:
%endmacro

; CALL4 nr, rdi, rsi, rdx: a hypercall with a full 64-bit number.
%macro CALL4 4
	mov rdi, %2
	mov rsi, %3
	mov rdx, %4
	mov rax, %1
	vmcall
%endmacro

GUEST_HEADER entry

entry:
	mov r12, rdi                      ; guest memory base
	lea r13, [rdi + rsi]              ; its end (first byte past)
	lea rsp, [r12 + STACK_OFFSET]

	; ---- unknown numbers
	lea rbx, [s_plain]
	CALL4 HC_VCPU_INDEX + 1, rbx, 0, 0
	CHECK "unknown-10", HC_E_UNKNOWN
	CALL4 -1, rbx, 0, 0
	CHECK "unknown-all-ones", HC_E_UNKNOWN
	mov rcx, 0x100000001              ; HC_PRINT in the low 32 bits only
	CALL4 rcx, rbx, 0, 0
	CHECK "unknown-0x100000001", HC_E_UNKNOWN

	; ---- vCPUs: this guest runs on one (a one-CPU boot)
	lea rsi, [entry]
	CALL4 HC_VCPU_START, 1, rsi, r13
	CHECK "vcpu-start-none-to-start", HC_E_VCPU
	CALL4 HC_VCPU_INDEX, 0, 0, 0
	CHECK "vcpu-index", 0

	; ---- HC_PRINT
	CALL4 HC_PRINT, 0, 0, 0
	CHECK "print-gpa-0", HC_E_RANGE
	lea rbx, [r12 - 1]
	CALL4 HC_PRINT, rbx, 0, 0
	CHECK "print-below", HC_E_RANGE
	CALL4 HC_PRINT, r13, 0, 0
	CHECK "print-past", HC_E_RANGE
	CALL4 HC_PRINT, -1, 0, 0
	CHECK "print-all-ones", HC_E_RANGE
	lea rbx, [a200]                   ; 200 bytes, then a NUL: no NUL within 200
	CALL4 HC_PRINT, rbx, 0, 0
	CHECK "print-no-nul-in-200", HC_E_LENGTH
	; the last TAIL_ROOM bytes of memory, none of them NUL
	lea rdi, [r13 - TAIL_ROOM]
	mov ecx, TAIL_ROOM
	mov al, 'z'
	rep stosb
	lea rbx, [r13 - TAIL_ROOM]
	CALL4 HC_PRINT, rbx, 0, 0
	CHECK "print-runs-off-end", HC_E_LENGTH
	; a string whose NUL is the last byte of memory
	lea rsi, [s_tail]
	lea rdi, [r13 - S_TAIL_SIZE]
	mov ecx, S_TAIL_SIZE
	rep movsb
	lea rbx, [r13 - S_TAIL_SIZE]
	CALL4 HC_PRINT, rbx, 0, 0
	CHECK "print-nul-at-last-byte", S_TAIL_SIZE - 1

	; ---- HC_WRITE
	lea rbx, [w200]
	mov rcx, 0x8000000000000000
	CALL4 HC_WRITE, rbx, rcx, 0
	CHECK "write-len-2^63", HC_E_LENGTH
	CALL4 HC_WRITE, rbx, 201, 0
	CHECK "write-len-201", HC_E_LENGTH
	CALL4 HC_WRITE, rbx, 200, 0
	CHECK "write-len-200", 200
	lea rbx, [r13 - 10]
	CALL4 HC_WRITE, rbx, 20, 0
	CHECK "write-crosses-end", HC_E_RANGE
	CALL4 HC_WRITE, -100, 200, 0      ; 0xffff...ff9c + 200 wraps to 100
	CHECK "write-wraps", HC_E_RANGE

	; ---- HC_PROTECT
	lea rbx, [r12 + PAGES_OFFSET + 1]
	CALL4 HC_PROTECT, rbx, 0, HC_FAULT_REGRANT
	CHECK "protect-unaligned", HC_E_ALIGN
	CALL4 HC_PROTECT, r13, 0, HC_FAULT_REGRANT
	CHECK "protect-outside", HC_E_RANGE
	lea rbx, [r12 + PAGES_OFFSET]
	CALL4 HC_PROTECT, rbx, 8, HC_FAULT_REGRANT
	CHECK "protect-perm-8", HC_E_INVAL
	CALL4 HC_PROTECT, rbx, HC_PERM_W, HC_FAULT_REGRANT
	CHECK "protect-write-without-read", HC_E_INVAL
	CALL4 HC_PROTECT, rbx, 0, 3
	CHECK "protect-policy-3", HC_E_INVAL
	CALL4 HC_PROTECT, rbx, 0, HC_FAULT_RESUME
	CHECK "protect-resume-unset", HC_E_NORESUME

	; ---- HC_SET_RESUME
	CALL4 HC_SET_RESUME, r13, 0, 0
	CHECK "set-resume-outside", HC_E_RANGE
	lea rbx, [entry]
	CALL4 HC_SET_RESUME, rbx, 0, 0
	CHECK "set-resume-inside", 0
	CALL4 HC_SET_RESUME, 0, 0, 0
	CHECK "set-resume-clear", 0
	lea rbx, [r12 + PAGES_OFFSET]
	CALL4 HC_PROTECT, rbx, 0, HC_FAULT_RESUME
	CHECK "protect-resume-cleared", HC_E_NORESUME

	; ---- 64 protected pages (full access, so nothing faults), then a 65th, which succeeds too
	xor r14d, r14d
.page:
	mov rbx, r14
	shl rbx, 12
	lea rbx, [r12 + PAGES_OFFSET + rbx]
	CALL4 HC_PROTECT, rbx, HC_PERM_R | HC_PERM_W | HC_PERM_X, HC_FAULT_REGRANT
	test rax, rax
	jz .next
	CHECK "protect-page-below-limit", 0
	jmp .pages_done
.next:
	inc r14
	cmp r14, MAX_PROTECTED
	jb .page
	lea rbx, [r12 + PAGES_OFFSET + MAX_PROTECTED * 0x1000]
	CALL4 HC_PROTECT, rbx, HC_PERM_R | HC_PERM_W | HC_PERM_X, HC_FAULT_REGRANT
	CHECK "protect-65th-page", 0            ; once HC_E_NOSPACE; no limit since issue 15
.pages_done:

	; ---- HC_EPT_MISCONFIG_DEMO
	lea rbx, [r12 + PAGES_OFFSET + 0x800]
	CALL4 HC_EPT_MISCONFIG_DEMO, rbx, 0, 0
	CHECK "misconfig-unaligned", HC_E_ALIGN
	CALL4 HC_EPT_MISCONFIG_DEMO, r13, 0, 0
	CHECK "misconfig-outside", HC_E_RANGE

	xor edi, edi
	cmp qword [failures], 0
	setne dil
	mov eax, HC_DONE
	vmcall

; report: [got], [want], RSI = case name.
report:
	push rsi
	lea rsi, [s_prefix]
	call puts
	pop rsi
	call puts
	lea rsi, [s_rax]
	call puts
	mov rax, [got]
	call put_dec
	mov rax, [got]
	cmp rax, [want]
	jne .fail
	lea rsi, [s_ok]
	jmp puts
.fail:
	inc qword [failures]
	lea rsi, [s_fail]
	call puts
	mov rax, [want]
	call put_dec
	mov al, 10
	jmp putc

; ---- serial output (each byte an OUT to the emulated COM1)
%include "guest/serial.inc"

align 8
got:      dq 0
want:     dq 0
failures: dq 0
s_prefix: db "badcall: ", 0
s_rax:    db " rax=", 0
s_ok:     db " ok", 10, 0
s_fail:   db " FAIL want=", 0
s_plain:  db "badcall: this line must not be printed", 0
; HC_PRINT text that ends at the last byte of guest memory (copied there)
s_tail:   db "tail", 27, "[2J", 10, "[hv] forged by HC_PRINT", 0
S_TAIL_SIZE equ $ - s_tail
; 200 bytes for HC_WRITE (a NUL among them), and 201 more so longer lengths stay inside memory
w200:     db "write200", 10, "[hv] forged by HC_WRITE", 0, 27, "[2J "
	times 200 - ($ - w200) db '.'
	times 201 db '+'
a200:     times 200 db 'a'
	db 0
guest_end:
