; switch_stack_and_call(stack_top, fn, arg): continue on the hypervisor's own stack. Never returns.
bits 64
default rel
section .text
global switch_stack_and_call
switch_stack_and_call:
	mov rsp, rdi
	and rsp, -16
	xor ebp, ebp
	mov rdi, rdx
	call rsi
.hang:
	cli
	hlt
	jmp .hang

section .note.GNU-stack noalloc noexec nowrite progbits
