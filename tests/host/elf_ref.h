/* The host's <elf.h> numbers that vmm/vm/elf.h defines too, by name (tests/host/elf_ref.c): a
 * second source for each, compared in tests/host/test_multiboot.c. A unit of its own so that <elf.h>
 * and vmm/vm/elf.h never meet in one file. */
#ifndef TESTS_HOST_ELF_REF_H
#define TESTS_HOST_ELF_REF_H

#include <stddef.h>

struct elf_ref {
	const char *name;
	unsigned long long value;
};

extern const struct elf_ref elf_ref[];
extern const size_t elf_ref_count;

#endif
