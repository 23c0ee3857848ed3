; Hostile guest "halt": interrupts off, then HLT forever. Each HLT exits; the hypervisor skips it
; (nothing could wake a CPU halted with interrupts off), so the guest keeps asking to halt and
; only its time budget (HV.CFG budget_mtsc, VMX-preemption timer) ends it:
;   [hv] guest: ended: time budget used up (VMX-preemption timer)
; status E_GUEST (12), and the summary counts every HLT exit (HLT=<n>). The budget only runs
; down while the guest runs (the timer value is saved on every exit), so a guest that exits
; all the time is still ended.
bits 64
default rel
%include "guest/abi.inc"

GUEST_HEADER entry

entry:
	lea rsi, [msg]
	call puts
	cli
	mov rbx, 0x68616c7400000001     ; markers for the guest-regs dump
	mov r15, 0x68616c7400000002
.halt:
	hlt
	jmp .halt

%include "guest/serial.inc"

msg: db "halt: cli, then HLT forever", 10, 0
guest_end:
