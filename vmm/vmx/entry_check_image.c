/* The VM-entry checker's readers in the image: VMREAD of the current VMCS without the failure log
 * of vmread64 (the checker reads only fields the controls make exist, but a VMCS under test may
 * be wrong in any way), and physical memory through the hypervisor's identity map. */
#include "vmm/vmx/entry_check_image.h"
#include "arch/lib/str.h"
#include "vmm/vmx/insn.h"

uint64_t entry_check_vmread(void *ctx, uint32_t encoding)
{
	uint64_t v = 0;

	(void)ctx;
	if (vmx_raw_vmread(encoding, &v) != VMX_OK)
		return 0;
	return v;
}

bool entry_check_read_identity(void *ctx, uint64_t pa, void *buf, size_t len)
{
	(void)ctx;
	if (!pa || pa + len < pa)
		return false;
	mem_copy(buf, (const void *)pa, len);
	return true;
}
