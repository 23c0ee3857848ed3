; Hostile guest "halt": interrupts on, then HLT forever. Nothing ever wakes a minihv guest (it gets
; no interrupt), so each HLT exits and the hypervisor skips it (a wake-up that came at once): the
; guest keeps asking to halt and only its time budget (HV.CFG budget_mtsc) ends it, counted at an
; exit (the hypervisor's work on its exits is charged):
;   [hv] guest: ended: time budget used up (counted at an exit: ...)
; status E_GUEST (12), and the summary counts every HLT exit (HLT=<n>). (A HLT with interrupts off
; ends the guest at once, as a kernel's final `cli; hlt`: docs/guest-abi.md, "What ends the guest".)
bits 64
default rel
%include "guest/abi.inc"

GUEST_HEADER entry

entry:
	lea rsi, [msg]
	call puts
	sti                             ; no IDT: harmless, no interrupt ever reaches the guest
	mov rbx, 0x68616c7400000001     ; markers for the guest-regs dump
	mov r15, 0x68616c7400000002
.halt:
	hlt
	jmp .halt

%include "guest/serial.inc"

msg: db "halt: sti, then HLT forever", 10, 0
guest_end:
