/* An AP's VT-x against the boot processor's: one set of VMCS settings must suit every CPU. */
#include "vmm/smp/caps_match.h"
#include "arch/lib/array.h"
#include "arch/lib/fmt.h"

static const struct {
	const char *name;
	size_t off;
} fields[] = {
	{ "IA32_VMX_BASIC", offsetof(struct vmx_caps, basic) },
	{ "pin-based controls", offsetof(struct vmx_caps, pinbased) },
	{ "processor-based controls", offsetof(struct vmx_caps, procbased) },
	{ "VM-exit controls", offsetof(struct vmx_caps, exit) },
	{ "VM-entry controls", offsetof(struct vmx_caps, entry) },
	{ "secondary controls", offsetof(struct vmx_caps, procbased2) },
	{ "IA32_VMX_EPT_VPID_CAP", offsetof(struct vmx_caps, ept_vpid_cap) },
	{ "IA32_VMX_MISC", offsetof(struct vmx_caps, misc) },
	{ "IA32_VMX_CR0_FIXED0", offsetof(struct vmx_caps, cr0_fixed0) },
	{ "IA32_VMX_CR0_FIXED1", offsetof(struct vmx_caps, cr0_fixed1) },
	{ "IA32_VMX_CR4_FIXED0", offsetof(struct vmx_caps, cr4_fixed0) },
	{ "IA32_VMX_CR4_FIXED1", offsetof(struct vmx_caps, cr4_fixed1) },
};

static uint64_t field(const struct vmx_caps *c, size_t off)
{
	return *(const uint64_t *)((const char *)c + off);
}

bool vmx_caps_match(const struct vmx_caps *bsp, const struct vmx_caps *ap, char *why, size_t why_len)
{
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		uint64_t a = field(ap, fields[i].off), b = field(bsp, fields[i].off);

		if (a != b) {
			hv_snprintf(why, why_len, "its VT-x differs from the boot processor's: %s 0x%llx here, 0x%llx there",
				    fields[i].name, (unsigned long long)a, (unsigned long long)b);
			return false;
		}
	}
	if (ap->maxphyaddr != bsp->maxphyaddr) {
		hv_snprintf(why, why_len, "its MAXPHYADDR is %u, the boot processor's %u", ap->maxphyaddr,
			    bsp->maxphyaddr);
		return false;
	}
	return true;
}
