/* The ELF numbers the Multiboot loader reads (vmm/vm/multiboot.c): identification, the file header
 * and the program header of both classes, as byte offsets (the file is read byte by byte, little
 * endian). Named after the System V ABI, "Object Files" chapter (generic ABI): "ELF Header" and
 * "Program Header"; EM_X86_64 from the AMD64 psABI, "Machine Information". A host test checks every
 * number here against the host's <elf.h> (tests/host/test_multiboot.c, tests/host/elf_ref.c). */
#ifndef VMM_VM_ELF_H
#define VMM_VM_ELF_H

/* e_ident[] */
#define EI_NIDENT   16
#define EI_MAG0     0      /* ELFMAG0..3: 0x7f 'E' 'L' 'F' */
#define EI_CLASS    4
#define EI_DATA     5
#define ELFMAG0     0x7f
#define ELFMAG1     'E'
#define ELFMAG2     'L'
#define ELFMAG3     'F'
#define ELFCLASS32  1
#define ELFCLASS64  2
#define ELFDATA2LSB 1      /* two's complement, little-endian */

/* e_type, e_machine */
#define ET_EXEC     2
#define ET_DYN      3
#define EM_386      3
#define EM_X86_64   62

/* p_type */
#define PT_LOAD     1

/* Elf32_Ehdr and Elf64_Ehdr: offsets of the fields read, and the sizes. e_type and e_machine sit at
 * the same place in both classes. */
#define ELF_E_TYPE          16
#define ELF_E_MACHINE       18
#define ELF32_E_ENTRY       24
#define ELF32_E_PHOFF       28
#define ELF32_E_PHENTSIZE   42
#define ELF32_E_PHNUM       44
#define ELF32_EHDR_SIZE     52
#define ELF64_E_ENTRY       24
#define ELF64_E_PHOFF       32
#define ELF64_E_PHENTSIZE   54
#define ELF64_E_PHNUM       56
#define ELF64_EHDR_SIZE     64

/* Elf32_Phdr and Elf64_Phdr (p_vaddr is read to place the entry point; p_flags and p_align not). */
#define ELF_P_TYPE          0
#define ELF32_P_OFFSET      4
#define ELF32_P_VADDR       8
#define ELF32_P_PADDR       12
#define ELF32_P_FILESZ      16
#define ELF32_P_MEMSZ       20
#define ELF32_PHDR_SIZE     32
#define ELF64_P_OFFSET      8
#define ELF64_P_VADDR       16
#define ELF64_P_PADDR       24
#define ELF64_P_FILESZ      32
#define ELF64_P_MEMSZ       40
#define ELF64_PHDR_SIZE     56

#endif
