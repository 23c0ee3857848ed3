/* Turning VMX operation on and off (SDM Vol. 3C §24.7 "Enabling and Entering VMX Operation",
 * §24.8 "Restrictions on VMX Operation", §25.11.5 "VMXON Region"). */
#include "vmm/vmx/enable.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cr.h"
#include "arch/x86_64/msr.h"
#include "vmm/vmx/flush.h"
#include "vmm/vmx/insn.h"
#include "arch/lib/fmt.h"
#include "arch/lib/log.h"
#include "arch/lib/page_pool.h"

static bool vmx_on;

bool vmx_is_on(void)
{
	return vmx_on;
}

/* IA32_FEATURE_CONTROL as the decision says; *written = the value written, 0 when left as is. */
static enum hv_status feature_control_apply(const struct vmx_caps *caps, uint64_t *written, char *why,
					    size_t why_len)
{
	enum hv_status s = vmx_feature_control_decide(caps->feature_control, written, why, why_len);

	if (s == HV_OK && *written)
		wrmsr(IA32_FEATURE_CONTROL, *written);
	return s;
}

static enum hv_status enable_feature_control(const struct vmx_caps *caps, char *why, size_t why_len)
{
	uint64_t write_value;
	enum hv_status s = feature_control_apply(caps, &write_value, why, why_len);

	if (s != HV_OK)
		return s;
	if (write_value) {
		hv_log("feature-control: was 0x%llx (unlocked); wrote 0x%llx (VMX outside SMX, locked)",
		       (unsigned long long)caps->feature_control, (unsigned long long)write_value);
	} else {
		hv_log("feature-control: 0x%llx (locked, VMX outside SMX enabled)",
		       (unsigned long long)caps->feature_control);
	}
	return HV_OK;
}

/* CR0 and CR4 meeting the VMX fixed bits, CR4.VMXE set; the values written in *cr0, *cr4. */
static enum hv_status cr_fixed_apply(const struct vmx_caps *caps, uint64_t *cr0, uint64_t *cr4, char *why,
				     size_t why_len)
{
	enum hv_status s;

	s = vmx_cr_fixup("CR0", read_cr0(), caps->cr0_fixed0, caps->cr0_fixed1, CR0_PE | CR0_PG, cr0, why, why_len);
	if (s != HV_OK)
		return s;
	s = vmx_cr_fixup("CR4", read_cr4() | CR4_VMXE, caps->cr4_fixed0, caps->cr4_fixed1, CR4_PAE | CR4_VMXE, cr4,
			 why, why_len);
	if (s != HV_OK)
		return s;
	write_cr0(*cr0);
	write_cr4(*cr4);
	return HV_OK;
}

static enum hv_status apply_cr_fixed_bits(const struct vmx_caps *caps, char *why, size_t why_len)
{
	uint64_t cr0, cr4;
	enum hv_status s = cr_fixed_apply(caps, &cr0, &cr4, why, why_len);

	if (s != HV_OK)
		return s;
	hv_log("cr: cr0=0x%llx cr4=0x%llx (VMX fixed bits applied, CR4.VMXE set)", (unsigned long long)cr0,
	       (unsigned long long)cr4);
	return HV_OK;
}

/* SDM Vol. 3C §25.11.5 "VMXON Region": a 4 KiB-aligned region starting with the VMCS revision
 * identifier (bit 31 clear). */
static enum hv_status vmxon_at(const struct vmx_caps *caps, uint64_t region, char *why, size_t why_len)
{
	*(uint32_t *)region = caps->vmcs_revision;
	if (vmxon(region) != VMX_OK) {
		hv_snprintf(why, why_len, "VMXON failed (region 0x%llx, revision 0x%x)", (unsigned long long)region,
			    caps->vmcs_revision);
		write_cr4(read_cr4() & ~CR4_VMXE);
		return HV_E_VMXON;
	}
	return HV_OK;
}

enum hv_status vmx_enable(const struct vmx_caps *caps, char *why, size_t why_len)
{
	enum hv_status s = enable_feature_control(caps, why, why_len);
	uint64_t region;
	unsigned flushed;

	if (s != HV_OK)
		return s;
	s = apply_cr_fixed_bits(caps, why, why_len);
	if (s != HV_OK)
		return s;
	region = pool_alloc_page();
	if (!region) {
		hv_snprintf(why, why_len, "page pool exhausted before the VMXON region");
		return HV_E_NOMEM;
	}
	s = vmxon_at(caps, region, why, why_len);
	if (s != HV_OK)
		return s;
	vmx_on = true;
	flushed = vmx_flush_all_contexts(caps);
	hv_log("vmxon: ok region=0x%llx revision=0x%x flushed=%s", (unsigned long long)region, caps->vmcs_revision,
	       flushed == (VMX_FLUSHED_EPT | VMX_FLUSHED_VPID) ? "invept,invvpid" :
	       flushed == VMX_FLUSHED_EPT ? "invept" : flushed == VMX_FLUSHED_VPID ? "invvpid" : "none");
	return HV_OK;
}

enum hv_status vmx_enable_quiet(const struct vmx_caps *caps, uint64_t region, char *why, size_t why_len)
{
	uint64_t written, cr0, cr4;
	enum hv_status s = feature_control_apply(caps, &written, why, why_len);

	if (s == HV_OK)
		s = cr_fixed_apply(caps, &cr0, &cr4, why, why_len);
	if (s == HV_OK)
		s = vmxon_at(caps, region, why, why_len);
	if (s == HV_OK)
		vmx_flush_all_contexts(caps);
	return s;
}

void vmx_disable(void)
{
	if (!vmx_on)
		return;
	if (vmxoff() == VMX_OK) {
		write_cr4(read_cr4() & ~CR4_VMXE);
		hv_log("vmxoff: ok");
	}
	vmx_on = false;
}
