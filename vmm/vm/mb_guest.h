/* A Multiboot kernel as the guest (docs/guest-abi.md "Multiboot kernels"): refused when the CPU
 * lacks "unrestricted guest" or boot/ found no memory for it, else checked against its file and
 * memory (mb_plan), and only then its information area written and its segments loaded. */
#ifndef VMM_VM_MB_GUEST_H
#define VMM_VM_MB_GUEST_H

#include <stddef.h>
#include <stdint.h>

#include "vmm/vm/vm.h"

/* The boot loader's name a kernel finds in the information structure. */
#define MB_LOADER_NAME "minihv"

/* Loads the kernel in data[0, size) into the memory boot/ allocated (vm->bi->mb_mem_*) and makes
 * vm that guest: GPA 0 at that memory, entry point, EAX and EBX. Returns 0, or the refusal's name
 * ("NEEDS_UNRESTRICTED_GUEST", "NO_MEMORY", or an mb_err_name) with a one-line reason in why; a
 * refusal writes nothing to guest memory and leaves vm as it was. Logs the "guest: ... loaded"
 * lines on success. */
const char *mb_guest_load(struct vm *vm, const char *name, const uint8_t *data, uint64_t size, char *why,
			  size_t why_len);

#endif
