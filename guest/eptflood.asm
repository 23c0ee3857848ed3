; Hostile guest "eptflood": makes 100,000 EPT violations as fast as it can.
; It sets a resume address (HC_SET_RESUME) at the instruction after its read, protects one page
; of its own memory with no permissions and the RESUME policy (HC_PROTECT page, 0,
; HC_FAULT_RESUME), then reads that page FLOOD_READS times. Each read is a violation that the
; hypervisor logs (rate-limited: a burst of 32 `ept-violation` and `ept-policy` lines, the rest
; counted in `ratelimit:` lines) and resumes at the next instruction; the page stays protected.
; Then HC_DONE 0, or HC_DONE 1 (after a FAIL line) if a hypercall did not return 0.
; It prints nothing before the flood, so the flood starts with an empty log ring.
bits 64
default rel
%include "guest/abi.inc"

%define FLOOD_READS 100000
%define FLOOD_PAGE  0x100000          ; offset of the protected page in guest memory

GUEST_HEADER entry

entry:
	lea rbx, [rdi + FLOOD_PAGE]
	lea rdi, [next]
	HYPERCALL HC_SET_RESUME, rdi
	test rax, rax
	jnz fail
	HYPERCALL HC_PROTECT, rbx, 0, HC_FAULT_RESUME
	test rax, rax
	jnz fail
	mov ecx, FLOOD_READS
flood:
	mov al, [rbx]                     ; refused: EPT violation, resumed at `next`
next:
	dec ecx
	jnz flood
	lea rsi, [msg_done]
	call puts
	HYPERCALL HC_DONE, 0

fail:
	lea rsi, [msg_fail]
	call puts
	HYPERCALL HC_DONE, 1

%include "guest/serial.inc"

msg_done: db "eptflood: 100000 reads of a protected page done", 10, 0
msg_fail: db "eptflood: FAIL: HC_SET_RESUME or HC_PROTECT did not return 0", 10, 0
guest_end:
