; Hostile guest "triple": raises an exception with no IDT. The loader gives every guest IDTR
; limit 0, so the #UD from UD2 cannot be delivered (#GP), nor can that (#DF), and the CPU shuts
; down: a triple-fault VM exit. The hypervisor must end the guest with
;   [hv] guest: ended: triple fault (shutdown) at rip=0x<UD2>
; and status E_GUEST (12). The UD2 sits at image offset 0x100 (FAULT_OFFSET), so with guest
; memory at its preferred GPA 0x8000000 the reported RIP is 0x8010100. Before it, the guest sets
; marker values in RBX, RBP and R15 that the hypervisor's guest-regs dump must show unchanged.
bits 64
default rel
%include "guest/abi.inc"

%define FAULT_OFFSET 0x100

GUEST_HEADER entry

entry:
	lea rsi, [msg]
	call puts
	mov rbx, 0x7472697065000001     ; markers for the guest-regs dump
	mov rbp, 0x7472697065000002
	mov r15, 0x7472697065000003
	jmp fault

%include "guest/serial.inc"

msg: db "triple: ud2 with no IDT at image offset 0x100", 10, 0

	times FAULT_OFFSET - ($ - guest_start) db 0xcc
fault:
	ud2
	; never reached: a triple fault ends the guest
	HYPERCALL HC_DONE, 1
guest_end:
