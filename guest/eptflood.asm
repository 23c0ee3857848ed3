; Hostile guest "eptflood": makes 100,000 EPT violations as fast as it can, then 100 EPT
; misconfigurations.
; It sets a resume address (HC_SET_RESUME) at the instruction after its read, protects one page
; of its own memory with no permissions and the RESUME policy (HC_PROTECT page, 0,
; HC_FAULT_RESUME), prints two lines, then reads that page FLOOD_READS times. Each read is a
; violation that the hypervisor logs (rate-limited: a burst of 32 `ept-violation` and
; `ept-policy` lines, the rest counted in `ratelimit:` lines) and resumes at the next
; instruction; the page stays protected. When the flood starts the second line still waits in
; the log ring (the first is on its way out of the UART), so the ring must hold that line and
; both bursts. Then MISCONFIGS times: HC_EPT_MISCONFIG_DEMO on another page and a read of it, an
; EPT misconfiguration the hypervisor repairs before the read runs again (its `ept-misconfig`
; and `ept-policy` lines are rate-limited too).
; Then HC_DONE 0, or HC_DONE 1 (after a FAIL line) if a hypercall did not return 0.
bits 64
default rel
%include "guest/abi.inc"

%define FLOOD_READS 100000
%define FLOOD_PAGE  0x100000          ; offset of the protected page in guest memory
%define MISCONFIGS  100
%define DEMO_PAGE   0x101000          ; offset of the misconfiguration demo's page

GUEST_HEADER entry

entry:
	lea rbx, [rdi + FLOOD_PAGE]
	lea r13, [rdi + DEMO_PAGE]
	lea rdi, [next]
	HYPERCALL HC_SET_RESUME, rdi
	test rax, rax
	jnz fail
	HYPERCALL HC_PROTECT, rbx, 0, HC_FAULT_RESUME
	test rax, rax
	jnz fail
	lea rsi, [msg_protected]
	call puts
	lea rsi, [msg_reading]
	call puts
	mov ecx, FLOOD_READS
flood:
	mov al, [rbx]                     ; refused: EPT violation, resumed at `next`
next:
	dec ecx
	jnz flood
	mov r12d, MISCONFIGS
misconfig:
	HYPERCALL HC_EPT_MISCONFIG_DEMO, r13
	test rax, rax
	jnz fail
	mov al, [r13]                     ; EPT misconfiguration: repaired, then this read runs again
	dec r12d
	jnz misconfig
	lea rsi, [msg_done]
	call puts
	HYPERCALL HC_DONE, 0

fail:
	lea rsi, [msg_fail]
	call puts
	HYPERCALL HC_DONE, 1

%include "guest/serial.inc"

msg_protected: db "eptflood: page at offset 0x100000 protected, resume address set", 10, 0
msg_reading: db "eptflood: reading it 100000 times", 10, 0
msg_done: db "eptflood: 100000 reads of a protected page and 100 misconfigurations done", 10, 0
msg_fail: db "eptflood: FAIL: a hypercall did not return 0", 10, 0
guest_end:
