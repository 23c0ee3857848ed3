; Hostile guest "mwait": interrupts off, then MONITOR on an address of its own and MWAIT with a deep
; C-state hint (EAX = 0x60: C7) and no break-on-interrupt extension (ECX = 0), in a loop. On bare
; metal that sleeps for good: masked interrupts do not wake it and the VMX-preemption timer does
; not count in C-states deeper than C2. minihv makes both instructions exit and skips them
; (vmm/exit/monitor_mwait.c), so only the time budget (HV.CFG budget_mtsc) ends the guest:
;   [hv] guest: ended: time budget used up (VMX-preemption timer)
; status E_GUEST (12), the summary counting each MONITOR and MWAIT exit. Each iteration is five
; instructions; RBX and R15 hold markers for the guest-regs dump.
bits 64
default rel
%include "guest/abi.inc"

%define MWAIT_HINT_C7 0x60               ; EAX[7:4] = target C-state - 1, EAX[3:0] = sub-state

GUEST_HEADER entry

entry:
	lea rsi, [msg]
	call puts
	cli
	mov rbx, 0x6d77616900000001     ; markers for the guest-regs dump
	mov r15, 0x6d77616900000002
	lea rbp, [monitored]
	xor ecx, ecx                    ; MONITOR: no extensions; MWAIT: interrupts masked stay masked
	xor edx, edx                    ; MONITOR: no hints
.wait:
	mov rax, rbp
	monitor
	mov eax, MWAIT_HINT_C7
	mwait
	jmp .wait

%include "guest/serial.inc"

msg: db "mwait: cli, then MONITOR and MWAIT (C7 hint) forever", 10, 0
align 64
monitored: times 64 db 0
guest_end:
