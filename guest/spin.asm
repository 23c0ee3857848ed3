; Hostile guest "spin": interrupts off, then a tight loop that never exits to the hypervisor.
; Only the time budget (HV.CFG budget_mtsc, enforced with the VMX-preemption timer) can end it:
;   [hv] guest: ended: time budget used up (VMX-preemption timer)
; status E_GUEST (12). The loop counts its iterations in RCX, so the guest-regs dump shows how
; much guest time the budget allowed (two instructions an iteration); RBX and R15 hold markers.
bits 64
default rel
%include "guest/abi.inc"

GUEST_HEADER entry

entry:
	lea rsi, [msg]
	call puts
	cli
	mov rbx, 0x7370696e00000001     ; markers for the guest-regs dump
	mov r15, 0x7370696e00000002
	xor ecx, ecx
.spin:
	inc rcx
	jmp .spin

%include "guest/serial.inc"

msg: db "spin: cli, then a tight loop", 10, 0
guest_end:
