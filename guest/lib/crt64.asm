; guest/lib/crt64.asm: the start-up code of a 64-bit kernel booted by a Multiboot v1 loader
; (guest/lib/README.md). Entered like crt32.asm (32-bit protected mode, paging off, EAX = magic,
; EBX = info), it switches to long mode the way SDM Vol. 3A §10.8.5 "Initializing IA-32e Mode"
; describes, then calls kmain(magic, info) in 64-bit mode:
;   1. page tables: PML4[0] -> PDPT, PDPT[0] -> PD, PD[i] -> i * 2 MiB: the first GiB identity-mapped
;   2. CR4.PAE, CR3 = PML4, EFER.LME
;   3. CR0.PG: long mode is active (compatibility mode, still 32-bit code)
;   4. a GDT with a 64-bit code segment and a far jump to it: 64-bit mode
; Assembled as an ELF64 object (32-bit code under `bits 32`); mk/guest_c.mk links it with the
; 64-bit C objects and converts the linked kernel to ELF32, which Multiboot loaders require.
bits 32

MB_HEADER_MAGIC equ 0x1BADB002
MB_FLAGS        equ (1 << 0) | (1 << 1)
STACK_SIZE      equ 16384
EXIT_KMAIN_RETURNED equ 0x7f             ; guest.h

PTE_P    equ 1 << 0
PTE_RW   equ 1 << 1
PDE_PS   equ 1 << 7                      ; a 2 MiB page
CR0_PG   equ 1 << 31
CR4_PAE  equ 1 << 5
MSR_EFER equ 0xC0000080
EFER_LME equ 1 << 8
GDT_CODE64 equ 0x08
GDT_DATA   equ 0x10

section .multiboot progbits alloc noexec nowrite align=4
	dd MB_HEADER_MAGIC
	dd MB_FLAGS
	dd -(MB_HEADER_MAGIC + MB_FLAGS)

section .text
global _start
extern kmain, exit_qemu, __bss_start, __bss_end
_start:
	mov esi, eax                             ; magic; EBX (info) stays untouched until the call
	cld
	mov edi, __bss_start                     ; stack and page tables live in the BSS
	mov ecx, __bss_end
	sub ecx, edi
	xor eax, eax
	rep stosb
	mov esp, stack_top

	; 1. the first GiB, identity-mapped with 2 MiB pages
	mov dword [pml4], pdpt + (PTE_P | PTE_RW)
	mov dword [pdpt], pd + (PTE_P | PTE_RW)
	xor ecx, ecx
.pde:	mov eax, ecx
	shl eax, 21                              ; i * 2 MiB
	or eax, PTE_P | PTE_RW | PDE_PS
	mov [pd + ecx * 8], eax                  ; the upper half stays 0
	inc ecx
	cmp ecx, 512
	jne .pde

	; 2. PAE paging with the new tables, and long mode enabled
	mov eax, cr4
	or eax, CR4_PAE
	mov cr4, eax
	mov eax, pml4
	mov cr3, eax
	mov ecx, MSR_EFER
	rdmsr
	or eax, EFER_LME
	wrmsr

	; 3. paging on: long mode active
	mov eax, cr0
	or eax, CR0_PG
	mov cr0, eax

	; 4. into the 64-bit code segment
	lgdt [gdt_ptr]
	jmp GDT_CODE64:long_mode

bits 64
long_mode:
	mov ax, GDT_DATA
	mov ds, ax
	mov es, ax
	mov fs, ax
	mov gs, ax
	mov ss, ax
	mov rsp, stack_top                       ; 16-byte aligned at the call
	mov edi, esi                             ; kmain(magic, info): SysV AMD64, RDI and RSI
	mov esi, ebx
	call kmain
	mov edi, EXIT_KMAIN_RETURNED
	call exit_qemu

section .rodata
align 8
gdt:	dq 0
	dq 0x00AF9B000000FFFF                    ; 0x08: code, DPL 0, L (64-bit), present, accessed
	dq 0x00CF93000000FFFF                    ; 0x10: data, writable, flat 4 GiB, present, accessed
gdt_end:
gdt_ptr:
	dw gdt_end - gdt - 1
	dd gdt

section .bss
align 4096
pml4:	resb 4096
pdpt:	resb 4096
pd:	resb 4096
align 16
stack:	resb STACK_SIZE
stack_top:

section .note.GNU-stack noalloc noexec nowrite progbits
