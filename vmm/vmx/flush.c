/* All-context invalidation after VMXON (SDM Vol. 3C §29.4.3.3 "Guidelines for Use of the INVEPT
 * Instruction" and §29.4.3.4 "Guidelines for Use of the INVVPID Instruction"; the types are in
 * §31.3 "VMX Instructions"). */
#include "vmm/vmx/flush.h"
#include "ept/ept_bits.h"
#include "vmm/vmx/insn.h"

unsigned vmx_flush_all_contexts(const struct vmx_caps *caps)
{
	unsigned done = 0;

	if (caps->invept_all && invept(INVEPT_TYPE_ALL_CONTEXT, 0) == VMX_OK)
		done |= VMX_FLUSHED_EPT;
	if (caps->invvpid_all && invvpid(INVVPID_TYPE_ALL_CONTEXT, 0, 0) == VMX_OK)
		done |= VMX_FLUSHED_VPID;
	return done;
}
