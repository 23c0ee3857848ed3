; The default guest: shows each kind of EPT exit the hypervisor decodes, one after another.
;   1. hello on its serial port, and the hypervisor's CPUID leaf
;   2. a read of a page it unmapped (HC_PROTECT with no permissions)
;   3. a write to a page it made read-only
;   4. an instruction fetch from a page it made non-executable
;   5. a read whose guest page-table entry lives in a page it unmapped (paging-structure access)
;   6. an EPT misconfiguration (HC_EPT_MISCONFIG_DEMO)
;   7. HC_DONE with exit code 0
; Every protected page uses HC_FAULT_REGRANT: the hypervisor logs the violation, restores the
; page, and the instruction runs again and succeeds.
;
; vCPUs (docs/guest-abi.md "vCPUs"): every vCPU runs this whole story, hello lines included, on
; pages of its own. Each first asks CPUID 0x40000001 for the count (EBX) and its index (ECX,
; which must equal the RBX it started with). vCPU i uses PAGE_A..PAGE_F + i * VCPU_PAGES and,
; for the paging-structure case, GVA 0xC0000000 + i * 2 MiB through PDE i of the loader's page
; directory for 3-4 GiB, so no two vCPUs share a page or a page-table entry; vCPU 0's pages and
; window are the one-CPU ones. With one vCPU every line is as it always was (the only
; difference is one more CPUID exit: the count query).
; With more than one, vCPU 0, after its three hello lines, starts every other vCPU i at `entry`
; with its stack top at the end of guest memory - i * VCPU_STACK (vCPU 0 keeps the top 16 KiB)
; and prints one line per start:
;   started vcpu <i>
; If guest memory has no room for every vCPU's pages and stack (4 MiB holds 38), it starts the
; ones that fit and first says so in one line:
;   memory for <n> vcpus of <count>: the others are not started
; The other vCPUs print nothing but the story. Each vCPU ends with its own HC_DONE 0 (1 after a
; FAILED line).
bits 64
default rel
%include "guest/abi.inc"

%define PAGE_A 0x100000        ; offsets from the start of guest memory (vCPU 0's; vCPU i adds
%define PAGE_B 0x101000        ; i * VCPU_PAGES)
%define PAGE_C 0x102000
%define PAGE_D 0x103000        ; a page table for GVA 0xC0000000 (+ i * GVA_STRIDE)
%define PAGE_E 0x104000        ; the page that page table maps
%define PAGE_F 0x105000
%define PD3_OFFSET 0x5000      ; the loader's page directory for GVA 3-4 GiB
%define GVA_WINDOW 0xC0000000
%define GVA_STRIDE 0x200000    ; one PDE (2 MiB) of that page directory per vCPU
%define PTE_P_RW 3
%define MAGIC 0x1234abcd5678ef00
%define VCPU_PAGES 0x10000     ; each vCPU's PAGE_A..PAGE_F block
%define VCPU_STACK 0x4000      ; each vCPU's stack, carved down from the end of guest memory

GUEST_HEADER entry

; vCPU 0 starts here, and so does every vCPU it starts (RDI, RSI, RDX as vCPU 0's; RBX = index).
; Kept for the whole story: R12 = guest memory base, R14 = its size, R13 = this vCPU's index,
; R15 = the vCPU count, RBP = this vCPU's page block (base + index * VCPU_PAGES).
entry:
	mov r12, rdi                    ; guest memory base (GPA)
	mov r14, rsi                    ; its size
	mov r8, rbx                     ; the index this vCPU started with (vCPU 0: 0)
	mov eax, CPUID_HV_MAX_LEAF
	xor ecx, ecx
	cpuid
	mov r15d, ebx                   ; vCPU count
	mov r13d, ecx                   ; this vCPU's index
	cmp r13, r8
	jne bad_index
	mov rbp, r13
	imul rbp, rbp, VCPU_PAGES
	add rbp, r12

	lea rsi, [msg_hello]
	call puts
	call show_cpuid
	lea rsi, [msg_hc_print]
	HYPERCALL HC_PRINT, rsi

	test r13, r13
	jnz .cases
	cmp r15, 1
	jbe .cases
	call start_others

.cases:
	; 2. read of an unmapped page
	lea rsi, [msg_case_read]
	call puts
	lea rbx, [rbp + PAGE_A]
	HYPERCALL HC_PROTECT, rbx, 0, HC_FAULT_REGRANT
	mov rax, [rbx]

	; 3. write to a read-only page
	lea rsi, [msg_case_write]
	call puts
	lea rbx, [rbp + PAGE_B]
	HYPERCALL HC_PROTECT, rbx, HC_PERM_R, HC_FAULT_REGRANT
	mov qword [rbx], 1

	; 4. instruction fetch from a non-executable page holding a RET
	lea rsi, [msg_case_fetch]
	call puts
	lea rbx, [rbp + PAGE_C]
	mov byte [rbx], 0xc3
	HYPERCALL HC_PROTECT, rbx, HC_PERM_R | HC_PERM_W, HC_FAULT_REGRANT
	call rbx

	; 5. paging-structure access: GVA 0xC0000000 + index * 2 MiB -> page table in PAGE_D -> PAGE_E
	lea rsi, [msg_case_walk]
	call puts
	lea rbx, [rbp + PAGE_E]
	mov rax, MAGIC
	mov [rbx], rax
	lea rax, [rbp + PAGE_E + PTE_P_RW]
	mov [rbp + PAGE_D], rax         ; PTE 0 of the new page table
	lea rax, [rbp + PAGE_D + PTE_P_RW]
	mov [r12 + r13 * 8 + PD3_OFFSET], rax ; PDE for this vCPU's window now points to the page table
	call window_gva
	invlpg [rcx]
	lea rbx, [rbp + PAGE_D]
	HYPERCALL HC_PROTECT, rbx, 0, HC_FAULT_REGRANT
	call window_gva
	mov rax, [rcx]                  ; the walk reads PAGE_D: EPT violation on a paging structure
	mov rcx, MAGIC
	cmp rax, rcx
	jne fail

	; 6. EPT misconfiguration
	lea rsi, [msg_case_misconfig]
	call puts
	lea rbx, [rbp + PAGE_F]
	HYPERCALL HC_EPT_MISCONFIG_DEMO, rbx
	test rax, rax
	jnz fail
	mov rax, [rbx]

	lea rsi, [msg_done]
	call puts
	HYPERCALL HC_DONE, 0

bad_index:
	lea rsi, [msg_bad_index]
	call puts
	HYPERCALL HC_DONE, 1

fail:
	lea rsi, [msg_fail]
	call puts
	HYPERCALL HC_DONE, 1

; window_gva: RCX = this vCPU's GVA window, GVA_WINDOW + index * GVA_STRIDE. Clobbers RAX.
window_gva:
	mov rcx, r13
	imul rcx, rcx, GVA_STRIDE
	mov rax, GVA_WINDOW
	add rcx, rax
	ret

; start_others (vCPU 0, count > 1): HC_VCPU_START of vCPUs 1 .. n-1 at `entry`, n = the count or
; as many as guest memory holds pages and stacks for; one line per start. A refused start is a
; FAILED line and the end of vCPU 0's story (HC_DONE 1).
start_others:
	mov rax, r14
	sub rax, PAGE_A
	xor edx, edx
	mov rcx, VCPU_PAGES + VCPU_STACK
	div rcx                         ; RAX = how many vCPUs fit
	mov rbx, r15
	cmp rax, r15
	jae .start
	mov rbx, rax
	lea rsi, [msg_fit1]
	call puts
	mov rax, rbx
	call put_dec
	lea rsi, [msg_fit2]
	call puts
	mov rax, r15
	call put_dec
	lea rsi, [msg_fit3]
	call puts
.start:
	mov r10, rbx                    ; the vCPUs to run, 0 .. r10-1
	mov rbx, 1
.next:
	cmp rbx, r10
	jae .out
	mov rcx, rbx
	imul rcx, rcx, VCPU_STACK
	lea rdx, [r12 + r14]
	sub rdx, rcx                    ; its stack top: end of guest memory - i * VCPU_STACK
	lea rsi, [entry]
	mov rdi, rbx
	mov eax, HC_VCPU_START
	vmcall
	test rax, rax
	jnz .refused
	lea rsi, [msg_started]
	call puts
	mov rax, rbx
	call put_dec
	mov al, 10
	call putc
	inc rbx
	jmp .next
.out:
	ret
.refused:
	mov r11, rax
	lea rsi, [msg_start_failed1]
	call puts
	mov rax, rbx
	call put_dec
	lea rsi, [msg_start_failed2]
	call puts
	mov rax, r11
	call put_dec
	mov al, 10
	call putc
	HYPERCALL HC_DONE, 1

%include "guest/serial.inc"

; show_cpuid: "cpuid 0x40000000: vendor=<12 chars> max_leaf=0x<8 hex>", built on the serial port
; byte by byte (no buffer in the image: every vCPU prints it). Clobbers RAX-RDX, RSI, R8-R11.
show_cpuid:
	mov eax, CPUID_HV_BASE
	xor ecx, ecx
	cpuid
	mov r8d, ebx
	mov r9d, ecx
	mov r10d, edx
	mov r11d, eax
	lea rsi, [msg_cpuid]
	call puts
	mov eax, r8d
	call put4
	mov eax, r9d
	call put4
	mov eax, r10d
	call put4
	lea rsi, [msg_maxleaf]
	call puts
	mov ecx, 8
.hex:
	rol r11d, 4
	mov eax, r11d
	and eax, 0xf
	lea rsi, [hexdigits]
	mov al, [rsi + rax]
	call putc
	loop .hex
	mov al, 10
	call putc
	ret

; put4: the 4 bytes of EAX, lowest first. Clobbers RAX, RCX.
put4:
	mov ecx, 4
.byte:
	call putc
	shr eax, 8
	loop .byte
	ret

hexdigits: db "0123456789abcdef"
msg_hello: db "hello from the default guest", 10, 0
msg_cpuid: db "cpuid 0x40000000: vendor=", 0
msg_maxleaf: db " max_leaf=0x", 0
msg_hc_print: db "hello through HC_PRINT", 0
msg_started: db "started vcpu ", 0
msg_start_failed1: db "FAILED: HC_VCPU_START of vcpu ", 0
msg_start_failed2: db " returned ", 0
msg_fit1: db "memory for ", 0
msg_fit2: db " vcpus of ", 0
msg_fit3: db ": the others are not started", 10, 0
msg_case_read: db "case 1: read of an unmapped page", 10, 0
msg_case_write: db "case 2: write to a read-only page", 10, 0
msg_case_fetch: db "case 3: instruction fetch from a non-executable page", 10, 0
msg_case_walk: db "case 4: read through a guest page table in an unmapped page", 10, 0
msg_case_misconfig: db "case 5: EPT misconfiguration", 10, 0
msg_done: db "all cases done", 10, 0
msg_fail: db "FAILED: a case did not behave as documented", 10, 0
msg_bad_index: db "FAILED: CPUID 0x40000001 ECX is not the vCPU index RBX held at entry", 10, 0
guest_end:
