/* The VM-entry checker's inputs in the hypervisor image: VMREAD of the current VMCS, and physical
 * memory through the identity map (vmm/vmx/entry_check.h says what reads them). */
#ifndef VMM_VMX_ENTRY_CHECK_IMAGE_H
#define VMM_VMX_ENTRY_CHECK_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A field of the current VMCS (0 if VMREAD fails; nothing is logged). ctx is unused. */
uint64_t entry_check_vmread(void *ctx, uint32_t encoding);
/* len bytes at physical address pa, read through the identity map; false for pa 0 or a range that
 * wraps. ctx is unused. */
bool entry_check_read_identity(void *ctx, uint64_t pa, void *buf, size_t len);

#endif
