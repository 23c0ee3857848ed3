/* VM-entry checks on the guest's control registers, debug registers and MSRs: SDM Vol. 3C §27.3.1.1
 * "Checks on Guest Control Registers, Debug Registers, and MSRs". A failure is a VM exit with basic
 * reason 33 (VM-entry failure due to invalid guest state). */
#include "vmm/vmx/entry_check.h"
#include "arch/lib/array.h"
#include "arch/x86_64/cr.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/msr.h"
#include "arch/x86_64/pte.h"
#include "arch/x86_64/segment.h"
#include "vmm/vmx/controls.h"
#include "vmm/vmx/entry_check_ctx.h"
#include "vmm/vmx/vmcs_fields.h"


/* Is the VM-entry control set and one the CPU has (so the field it loads exists)? */
static bool entry_loads(const struct ec_ctx *c, uint32_t mask)
{
	return (c->entry & mask) && vmx_ctl_allowed1(c->caps->entry, mask);
}

/* Bits of a value that a "valid bits" fact does not allow; the check is skipped if the fact is
 * unknown (0). */
static void check_valid_bits(struct ec_ctx *c, enum ec_id id, uint32_t field, uint64_t valid)
{
	uint64_t v = ec_read(c, field);

	if (!valid)
		ec_skip(c, id);
	else
		ec_check(c, id, !(v & ~valid), field, v, v & ~valid);
}

static void check_control_registers(struct ec_ctx *c)
{
	const struct vmx_caps *caps = c->caps;
	uint64_t cr0 = c->guest_cr0, cr4 = c->guest_cr4, cr3 = ec_read(c, GUEST_CR3);
	/* With unrestricted guest, PE and PG may be 0 whatever IA32_VMX_CR0_FIXED0 says. */
	uint64_t must1 = caps->cr0_fixed0 & ~CR0_UNCHECKED & ~(c->urg ? CR0_PE | CR0_PG : 0);
	uint64_t missing0 = must1 & ~cr0, extra0 = cr0 & ~caps->cr0_fixed1 & ~CR0_UNCHECKED;

	ec_check(c, EC_GUEST_CR0_FIXED0, !missing0, GUEST_CR0, cr0, missing0);
	ec_check(c, EC_GUEST_CR0_FIXED1, !extra0, GUEST_CR0, cr0, extra0);
	if (cr0 & CR0_PG)
		ec_check(c, EC_GUEST_CR0_PG_PE, cr0 & CR0_PE, GUEST_CR0, cr0, 0);
	ec_check(c, EC_GUEST_CR4_FIXED0, !(caps->cr4_fixed0 & ~cr4), GUEST_CR4, cr4, caps->cr4_fixed0 & ~cr4);
	ec_check(c, EC_GUEST_CR4_FIXED1, !(cr4 & ~caps->cr4_fixed1), GUEST_CR4, cr4, cr4 & ~caps->cr4_fixed1);
	if (cr4 & CR4_CET)
		ec_check(c, EC_GUEST_CET_WP, cr0 & CR0_WP, GUEST_CR4, cr4, cr0);
	if (c->ia32e_guest) {
		ec_check(c, EC_GUEST_IA32E_PG, cr0 & CR0_PG, GUEST_CR0, cr0, 0);
		ec_check(c, EC_GUEST_IA32E_PAE, cr4 & CR4_PAE, GUEST_CR4, cr4, 0);
	} else {
		ec_check(c, EC_GUEST_PCIDE, !(cr4 & CR4_PCIDE), GUEST_CR4, cr4, 0);
	}
	ec_check(c, EC_GUEST_CR3_WIDTH, !ec_beyond_width(c, cr3), GUEST_CR3, cr3, ec_beyond_width(c, cr3));
}

static void check_debug_and_sysenter(struct ec_ctx *c)
{
	static const uint32_t sysenter[] = { GUEST_SYSENTER_ESP, GUEST_SYSENTER_EIP };

	if (entry_loads(c, ENTRY_LOAD_DEBUG_CONTROLS)) {
		uint64_t dr7 = ec_read(c, GUEST_DR7);

		check_valid_bits(c, EC_GUEST_DEBUGCTL, GUEST_IA32_DEBUGCTL, c->debugctl_valid);
		ec_check(c, EC_GUEST_DR7_HIGH, !(dr7 & DR7_RESERVED_HIGH), GUEST_DR7, dr7, 0);
	}
	for (unsigned i = 0; i < ARRAY_SIZE(sysenter); i++) {
		uint64_t v = ec_read(c, sysenter[i]);

		ec_check(c, EC_GUEST_SYSENTER_CANONICAL, ec_canonical(c, v), sysenter[i], v, 0);
	}
}

static void check_efer(struct ec_ctx *c)
{
	uint64_t efer = ec_read(c, GUEST_IA32_EFER);

	ec_check(c, EC_GUEST_EFER_RESERVED, !(efer & ~c->efer_valid), GUEST_IA32_EFER, efer, efer & ~c->efer_valid);
	ec_check(c, EC_GUEST_EFER_LMA, !(efer & EFER_LMA) == !c->ia32e_guest, GUEST_IA32_EFER, efer, c->ia32e_guest);
	if (c->guest_cr0 & CR0_PG)
		ec_check(c, EC_GUEST_EFER_LME, !(efer & EFER_LME) == !c->ia32e_guest, GUEST_IA32_EFER, efer,
			 c->ia32e_guest);
}

static void check_cet_state(struct ec_ctx *c)
{
	uint64_t s_cet = ec_read(c, GUEST_S_CET), table = ec_read(c, GUEST_INTR_SSP_TABLE);

	ec_check(c, EC_GUEST_S_CET_RESERVED, ec_s_cet_valid(s_cet), GUEST_S_CET, s_cet, 0);
	ec_check(c, EC_GUEST_S_CET_CANONICAL, ec_canonical(c, s_cet), GUEST_S_CET, s_cet, 0);
	ec_check(c, EC_GUEST_SSP_TABLE_CANONICAL, ec_canonical(c, table), GUEST_INTR_SSP_TABLE, table, 0);
}

/* The MSR fields a VM-entry control loads. */
static void check_loaded_msrs(struct ec_ctx *c)
{
	const struct entry_check_facts *f = c->facts;

	if (entry_loads(c, ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL))
		check_valid_bits(c, EC_GUEST_PERF_GLOBAL_CTRL, GUEST_IA32_PERF_GLOBAL_CTRL, f->perf_global_ctrl_valid);
	if (entry_loads(c, ENTRY_LOAD_IA32_PAT)) {
		uint64_t pat = ec_read(c, GUEST_IA32_PAT);

		ec_check(c, EC_GUEST_PAT, pat_bad_entry(pat) == PAT_ENTRIES, GUEST_IA32_PAT, pat,
			 pat_bad_entry(pat));
	}
	if (entry_loads(c, ENTRY_LOAD_IA32_EFER))
		check_efer(c);
	if (entry_loads(c, ENTRY_LOAD_IA32_BNDCFGS)) {
		uint64_t v = ec_read(c, GUEST_BNDCFGS);

		ec_check(c, EC_GUEST_BNDCFGS_RESERVED, !(v & BNDCFGS_RESERVED), GUEST_BNDCFGS, v, 0);
		ec_check(c, EC_GUEST_BNDCFGS_CANONICAL, ec_canonical(c, v & BNDCFGS_BASE_MASK), GUEST_BNDCFGS, v, 0);
	}
	if (entry_loads(c, ENTRY_LOAD_IA32_RTIT_CTL))
		check_valid_bits(c, EC_GUEST_RTIT_CTL, GUEST_IA32_RTIT_CTL, f->rtit_ctl_valid);
	if (entry_loads(c, ENTRY_LOAD_CET_STATE))
		check_cet_state(c);
	if (entry_loads(c, ENTRY_LOAD_IA32_PKRS)) {
		uint64_t v = ec_read(c, GUEST_IA32_PKRS);

		ec_check(c, EC_GUEST_PKRS, !(v & PKRS_RESERVED), GUEST_IA32_PKRS, v, 0);
	}
	if (entry_loads(c, ENTRY_LOAD_IA32_LBR_CTL))
		check_valid_bits(c, EC_GUEST_LBR_CTL, GUEST_IA32_LBR_CTL, f->lbr_ctl_valid);
}

void ec_check_guest_regs(struct ec_ctx *c)
{
	check_control_registers(c);
	check_debug_and_sysenter(c);
	check_loaded_msrs(c);
}
