/* The host's <elf.h> (glibc: the System V ABI's structures and numbers) for the names vmm/vm/elf.h
 * uses; field offsets and sizes from the Elf32_/Elf64_ structures themselves. */
#include <elf.h>
#include <stddef.h>

#include "tests/host/elf_ref.h"

#define V(name) { #name, name }
#define OFF(name, type, field) { name, offsetof(type, field) }

const struct elf_ref elf_ref[] = {
	V(EI_NIDENT), V(EI_MAG0), V(EI_CLASS), V(EI_DATA), V(ELFMAG0), V(ELFMAG1), V(ELFMAG2), V(ELFMAG3),
	V(ELFCLASS32), V(ELFCLASS64), V(ELFDATA2LSB), V(ET_EXEC), V(ET_DYN), V(EM_386), V(EM_X86_64), V(PT_LOAD),
	OFF("ELF_E_TYPE", Elf32_Ehdr, e_type),
	OFF("ELF_E_TYPE (Elf64_Ehdr)", Elf64_Ehdr, e_type),
	OFF("ELF_E_MACHINE", Elf32_Ehdr, e_machine),
	OFF("ELF_E_MACHINE (Elf64_Ehdr)", Elf64_Ehdr, e_machine),
	OFF("ELF32_E_ENTRY", Elf32_Ehdr, e_entry),
	OFF("ELF32_E_PHOFF", Elf32_Ehdr, e_phoff),
	OFF("ELF32_E_PHENTSIZE", Elf32_Ehdr, e_phentsize),
	OFF("ELF32_E_PHNUM", Elf32_Ehdr, e_phnum),
	{ "ELF32_EHDR_SIZE", sizeof(Elf32_Ehdr) },
	OFF("ELF64_E_ENTRY", Elf64_Ehdr, e_entry),
	OFF("ELF64_E_PHOFF", Elf64_Ehdr, e_phoff),
	OFF("ELF64_E_PHENTSIZE", Elf64_Ehdr, e_phentsize),
	OFF("ELF64_E_PHNUM", Elf64_Ehdr, e_phnum),
	{ "ELF64_EHDR_SIZE", sizeof(Elf64_Ehdr) },
	OFF("ELF_P_TYPE", Elf32_Phdr, p_type),
	OFF("ELF_P_TYPE (Elf64_Phdr)", Elf64_Phdr, p_type),
	OFF("ELF32_P_OFFSET", Elf32_Phdr, p_offset),
	OFF("ELF32_P_VADDR", Elf32_Phdr, p_vaddr),
	OFF("ELF32_P_PADDR", Elf32_Phdr, p_paddr),
	OFF("ELF32_P_FILESZ", Elf32_Phdr, p_filesz),
	OFF("ELF32_P_MEMSZ", Elf32_Phdr, p_memsz),
	{ "ELF32_PHDR_SIZE", sizeof(Elf32_Phdr) },
	OFF("ELF64_P_OFFSET", Elf64_Phdr, p_offset),
	OFF("ELF64_P_VADDR", Elf64_Phdr, p_vaddr),
	OFF("ELF64_P_PADDR", Elf64_Phdr, p_paddr),
	OFF("ELF64_P_FILESZ", Elf64_Phdr, p_filesz),
	OFF("ELF64_P_MEMSZ", Elf64_Phdr, p_memsz),
	{ "ELF64_PHDR_SIZE", sizeof(Elf64_Phdr) },
};
const size_t elf_ref_count = sizeof(elf_ref) / sizeof(elf_ref[0]);
