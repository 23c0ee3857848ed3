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
bits 64
default rel
%include "guest/abi.inc"

%define PAGE_A 0x100000        ; offsets from the start of guest memory
%define PAGE_B 0x101000
%define PAGE_C 0x102000
%define PAGE_D 0x103000        ; a page table for GVA 0xC0000000
%define PAGE_E 0x104000        ; the page that page table maps
%define PAGE_F 0x105000
%define PD3_OFFSET 0x5000      ; the loader's page directory for GVA 3-4 GiB
%define GVA_WINDOW 0xC0000000
%define PTE_P_RW 3
%define MAGIC 0x1234abcd5678ef00

GUEST_HEADER entry

entry:
	mov r12, rdi                    ; guest memory base (GPA)
	lea rsi, [msg_hello]
	call puts
	call show_cpuid
	lea rsi, [msg_hc_print]
	HYPERCALL HC_PRINT, rsi

	; 2. read of an unmapped page
	lea rsi, [msg_case_read]
	call puts
	lea rbx, [r12 + PAGE_A]
	HYPERCALL HC_PROTECT, rbx, 0, HC_FAULT_REGRANT
	mov rax, [rbx]

	; 3. write to a read-only page
	lea rsi, [msg_case_write]
	call puts
	lea rbx, [r12 + PAGE_B]
	HYPERCALL HC_PROTECT, rbx, HC_PERM_R, HC_FAULT_REGRANT
	mov qword [rbx], 1

	; 4. instruction fetch from a non-executable page holding a RET
	lea rsi, [msg_case_fetch]
	call puts
	lea rbx, [r12 + PAGE_C]
	mov byte [rbx], 0xc3
	HYPERCALL HC_PROTECT, rbx, HC_PERM_R | HC_PERM_W, HC_FAULT_REGRANT
	call rbx

	; 5. paging-structure access: GVA 0xC0000000 -> page table in PAGE_D -> PAGE_E
	lea rsi, [msg_case_walk]
	call puts
	lea rbx, [r12 + PAGE_E]
	mov rax, MAGIC
	mov [rbx], rax
	lea rax, [r12 + PAGE_E + PTE_P_RW]
	mov [r12 + PAGE_D], rax         ; PTE 0 of the new page table
	lea rax, [r12 + PAGE_D + PTE_P_RW]
	mov [r12 + PD3_OFFSET], rax     ; PDE for GVA 0xC0000000 now points to the page table
	mov rcx, GVA_WINDOW
	invlpg [rcx]
	lea rbx, [r12 + PAGE_D]
	HYPERCALL HC_PROTECT, rbx, 0, HC_FAULT_REGRANT
	mov rcx, GVA_WINDOW
	mov rax, [rcx]                  ; the walk reads PAGE_D: EPT violation on a paging structure
	mov rcx, MAGIC
	cmp rax, rcx
	jne fail

	; 6. EPT misconfiguration
	lea rsi, [msg_case_misconfig]
	call puts
	lea rbx, [r12 + PAGE_F]
	HYPERCALL HC_EPT_MISCONFIG_DEMO, rbx
	test rax, rax
	jnz fail
	mov rax, [rbx]

	lea rsi, [msg_done]
	call puts
	HYPERCALL HC_DONE, 0

fail:
	lea rsi, [msg_fail]
	call puts
	HYPERCALL HC_DONE, 1

%include "guest/serial.inc"

; show_cpuid: "cpuid 0x40000000: vendor=<12 chars> max_leaf=0x<8 hex>"
show_cpuid:
	mov eax, CPUID_HV_BASE
	xor ecx, ecx
	cpuid
	lea rdi, [vendor_buf]
	mov [rdi], ebx
	mov [rdi + 4], ecx
	mov [rdi + 8], edx
	lea rdi, [maxleaf_buf]
	mov ecx, 8
.hex:
	rol eax, 4
	mov ebx, eax
	and ebx, 0xf
	lea rsi, [hexdigits]
	mov bl, [rsi + rbx]
	mov [rdi], bl
	inc rdi
	loop .hex
	lea rsi, [msg_cpuid]
	call puts
	ret

hexdigits: db "0123456789abcdef"
msg_hello: db "hello from the default guest", 10, 0
msg_cpuid: db "cpuid 0x40000000: vendor="
vendor_buf: db "????????????", " max_leaf=0x"
maxleaf_buf: db "????????", 10, 0
msg_hc_print: db "hello through HC_PRINT", 0
msg_case_read: db "case 1: read of an unmapped page", 10, 0
msg_case_write: db "case 2: write to a read-only page", 10, 0
msg_case_fetch: db "case 3: instruction fetch from a non-executable page", 10, 0
msg_case_walk: db "case 4: read through a guest page table in an unmapped page", 10, 0
msg_case_misconfig: db "case 5: EPT misconfiguration", 10, 0
msg_done: db "all cases done", 10, 0
msg_fail: db "FAILED: a case did not behave as documented", 10, 0
guest_end:
