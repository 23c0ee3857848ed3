/* Whether an AP's VT-x offers what the boot processor's does, in everything minihv uses. */
#ifndef VMM_SMP_CAPS_MATCH_H
#define VMM_SMP_CAPS_MATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "vmm/vmx/caps.h"

/* True when the capability MSRs minihv reads (IA32_VMX_BASIC, the controls, EPT/VPID, MISC, the CR
 * fixed bits) and MAXPHYADDR are equal; else false, and why names the first that differs. */
bool vmx_caps_match(const struct vmx_caps *bsp, const struct vmx_caps *ap, char *why, size_t why_len);

#endif
