; The APs' start-up code (arch/x86_64/ap_start.h): never run where it is linked; the BSP copies
; ap_start_code_size bytes from ap_start_code to a page below 1 MiB. Position-independent: it finds its page
; from CS (the SIPI sets CS = page number << 8, IP = 0) and patches its own far pointers.
; SDM Vol. 3A §9.9.1 "Switching to Protected Mode", §10.8.5 "Initializing IA-32e Mode".

%define AP_P_CR3     16          ; struct ap_start_params, at AP_START_PARAMS_OFF
%define AP_P_EFER    24
%define AP_P_CR4     32
%define AP_P_STACK   40
%define AP_P_ENTRY   48
%define AP_P_ARG     56
%define AP_P_APIC_ID 64
%define AP_P_END     72

%define SEL_CODE32 0x08
%define SEL_DATA   0x10
%define SEL_CODE64 0x18
%define CR0_PE     (1 << 0)
%define CR0_NW     (1 << 29)
%define CR0_CD     (1 << 30)
%define CR0_PG     (1 << 31)
%define IA32_APIC_BASE 0x1b
%define APIC_BASE_X2APIC (1 << 10)
%define APIC_BASE_ADDR   0xfffff000
%define XAPIC_ID_REG     0x20    ; ID in bits 31:24
%define X2APIC_ID_MSR    0x802
%define IA32_EFER        0xc0000080

%define OFF(label) ((label) - ap_start_code)

section .rodata
global ap_start_code
global ap_start_code_size

bits 16
ap_start_code:
	jmp short real16
	times AP_P_CR3 - ($ - ap_start_code) db 0
	times AP_P_END - AP_P_CR3 db 0         ; the parameters, written by the BSP
	align 8
gdt:
	dq 0
	dq 0x00cf9a000000ffff                  ; 0x08: 32-bit code, flat
	dq 0x00cf92000000ffff                  ; 0x10: data, flat
	dq 0x00af9a000000ffff                  ; 0x18: 64-bit code
gdt_end:
gdt_ptr:
	dw gdt_end - gdt - 1
	dd 0                                   ; linear base: patched below
far32:
	dd 0
	dw SEL_CODE32
far64:
	dd 0
	dw SEL_CODE64

real16:
	cli
	cld
	mov ax, cs
	mov ds, ax
	xor ebx, ebx
	mov bx, ax
	shl ebx, 4                             ; ebx = this page's physical address, to the end
	lea eax, [ebx + OFF(gdt)]
	mov [OFF(gdt_ptr) + 2], eax
	lea eax, [ebx + OFF(pm32)]
	mov [OFF(far32)], eax
	lea eax, [ebx + OFF(lm64)]
	mov [OFF(far64)], eax
	lgdt [OFF(gdt_ptr)]
	mov eax, cr0
	and eax, ~(CR0_CD | CR0_NW)            ; INIT leaves the caches disabled
	or eax, CR0_PE
	mov cr0, eax
	jmp dword far [OFF(far32)]

bits 32
pm32:
	mov ax, SEL_DATA
	mov ds, ax
	mov es, ax
	mov ss, ax
	; Only the AP the BSP is starting goes on: a late one parks here.
	mov ecx, IA32_APIC_BASE
	rdmsr
	test eax, APIC_BASE_X2APIC
	jnz .x2apic
	and eax, APIC_BASE_ADDR
	mov eax, [eax + XAPIC_ID_REG]
	shr eax, 24
	jmp .have_id
.x2apic:
	mov ecx, X2APIC_ID_MSR
	rdmsr
.have_id:
	cmp eax, [ebx + AP_P_APIC_ID]
	jne park
	mov eax, [ebx + AP_P_CR4]
	mov cr4, eax
	mov eax, [ebx + AP_P_CR3]
	mov cr3, eax
	mov ecx, IA32_EFER
	mov eax, [ebx + AP_P_EFER]
	xor edx, edx
	wrmsr
	mov eax, cr0
	or eax, CR0_PG
	mov cr0, eax
	jmp dword far [ebx + OFF(far64)]

park:
	cli
	hlt
	jmp park

bits 64
lm64:
	mov ebx, ebx                           ; the upper half is undefined after the switch
	mov ax, SEL_DATA
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov rsp, [rbx + AP_P_STACK]
	mov rdi, [rbx + AP_P_ARG]
	mov rax, [rbx + AP_P_ENTRY]
	call rax
.hang:
	cli
	hlt
	jmp .hang
ap_start_code_end:

align 4
ap_start_code_size:
	dd ap_start_code_end - ap_start_code

section .note.GNU-stack noalloc noexec nowrite progbits
