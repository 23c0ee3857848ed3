/* VM-entry checks on the host-state area: SDM Vol. 3C §27.2.2 "Checks on Host Control Registers,
 * MSRs, and SSP", §27.2.3 "Checks on Host Segment and Descriptor-Table Registers", §27.2.4 "Checks
 * Related to Address-Space Size". A failure is VM-instruction error 8. */
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


/* Is the VM-exit control set and one the CPU has (so the field it loads exists)? */
static bool exit_loads(const struct ec_ctx *c, uint32_t mask)
{
	return (c->exit & mask) && vmx_ctl_allowed1(c->caps->exit, mask);
}


bool ec_s_cet_valid(uint64_t s_cet)
{
	return !(s_cet & CET_S_CET_RESERVED) && (s_cet & (CET_SUPPRESS | CET_TRACKER)) != (CET_SUPPRESS | CET_TRACKER);
}

static void check_control_registers(struct ec_ctx *c)
{
	const struct vmx_caps *caps = c->caps;
	uint64_t cr0 = ec_read(c, HOST_CR0), cr3 = ec_read(c, HOST_CR3), cr4 = ec_read(c, HOST_CR4);
	uint64_t missing0 = caps->cr0_fixed0 & ~cr0 & ~CR0_UNCHECKED, extra0 = cr0 & ~caps->cr0_fixed1 & ~CR0_UNCHECKED;

	ec_check(c, EC_HOST_CR0_FIXED0, !missing0, HOST_CR0, cr0, missing0);
	ec_check(c, EC_HOST_CR0_FIXED1, !extra0, HOST_CR0, cr0, extra0);
	ec_check(c, EC_HOST_CR4_FIXED0, !(caps->cr4_fixed0 & ~cr4), HOST_CR4, cr4, caps->cr4_fixed0 & ~cr4);
	ec_check(c, EC_HOST_CR4_FIXED1, !(cr4 & ~caps->cr4_fixed1), HOST_CR4, cr4, cr4 & ~caps->cr4_fixed1);
	ec_check(c, EC_HOST_CR3_WIDTH, !ec_beyond_width(c, cr3), HOST_CR3, cr3, ec_beyond_width(c, cr3));
	if (cr4 & CR4_CET)
		ec_check(c, EC_HOST_CET_WP, cr0 & CR0_WP, HOST_CR4, cr4, cr0);
}

static void check_msrs(struct ec_ctx *c)
{
	static const uint32_t sysenter[] = { HOST_IA32_SYSENTER_ESP, HOST_IA32_SYSENTER_EIP };

	for (unsigned i = 0; i < ARRAY_SIZE(sysenter); i++) {
		uint64_t v = ec_read(c, sysenter[i]);

		ec_check(c, EC_HOST_SYSENTER_CANONICAL, ec_canonical(c, v), sysenter[i], v, 0);
	}
	if (exit_loads(c, EXIT_LOAD_IA32_PERF_GLOBAL_CTRL)) {
		uint64_t v = ec_read(c, HOST_IA32_PERF_GLOBAL_CTRL), valid = c->facts->perf_global_ctrl_valid;

		if (!valid)
			ec_skip(c, EC_HOST_PERF_GLOBAL_CTRL);
		else
			ec_check(c, EC_HOST_PERF_GLOBAL_CTRL, !(v & ~valid), HOST_IA32_PERF_GLOBAL_CTRL, v, v & ~valid);
	}
	if (exit_loads(c, EXIT_LOAD_IA32_PAT)) {
		uint64_t v = ec_read(c, HOST_IA32_PAT);

		ec_check(c, EC_HOST_PAT, pat_bad_entry(v) == PAT_ENTRIES, HOST_IA32_PAT, v, pat_bad_entry(v));
	}
	if (exit_loads(c, EXIT_LOAD_IA32_EFER)) {
		uint64_t v = ec_read(c, HOST_IA32_EFER), want = c->host64 ? EFER_LMA | EFER_LME : 0;

		ec_check(c, EC_HOST_EFER_RESERVED, !(v & ~c->efer_valid), HOST_IA32_EFER, v, v & ~c->efer_valid);
		ec_check(c, EC_HOST_EFER_LMA_LME, (v & (EFER_LMA | EFER_LME)) == want, HOST_IA32_EFER, v, c->host64);
	}
	if (exit_loads(c, EXIT_LOAD_IA32_PKRS)) {
		uint64_t v = ec_read(c, HOST_IA32_PKRS);

		ec_check(c, EC_HOST_PKRS, !(v & PKRS_RESERVED), HOST_IA32_PKRS, v, 0);
	}
}

static void check_cet(struct ec_ctx *c)
{
	uint64_t s_cet, table, ssp;

	if (!exit_loads(c, EXIT_LOAD_CET_STATE))
		return;
	s_cet = ec_read(c, HOST_S_CET);
	table = ec_read(c, HOST_INTR_SSP_TABLE);
	ssp = ec_read(c, HOST_SSP);
	ec_check(c, EC_HOST_S_CET_RESERVED, ec_s_cet_valid(s_cet), HOST_S_CET, s_cet, 0);
	ec_check(c, EC_HOST_S_CET_CANONICAL, ec_canonical(c, s_cet), HOST_S_CET, s_cet, 0);
	ec_check(c, EC_HOST_SSP_TABLE_CANONICAL, ec_canonical(c, table), HOST_INTR_SSP_TABLE, table, 0);
	ec_check(c, EC_HOST_SSP_ALIGN, !(ssp & CET_SSP_ALIGN_MASK), HOST_SSP, ssp, 0);
}

static void check_segments(struct ec_ctx *c)
{
	static const uint32_t selectors[] = { HOST_ES_SELECTOR, HOST_CS_SELECTOR, HOST_SS_SELECTOR, HOST_DS_SELECTOR,
					      HOST_FS_SELECTOR, HOST_GS_SELECTOR, HOST_TR_SELECTOR };
	static const uint32_t bases[] = { HOST_FS_BASE, HOST_GS_BASE, HOST_GDTR_BASE, HOST_IDTR_BASE, HOST_TR_BASE };

	for (unsigned i = 0; i < ARRAY_SIZE(selectors); i++) {
		uint64_t sel = (uint16_t)ec_read(c, selectors[i]);

		ec_check(c, EC_HOST_SEL_RPL_TI, !(sel & (SEL_RPL_MASK | SEL_TI)), selectors[i], sel, 0);
		if (selectors[i] == HOST_CS_SELECTOR)
			ec_check(c, EC_HOST_CS_NULL, sel != 0, selectors[i], sel, 0);
		if (selectors[i] == HOST_TR_SELECTOR)
			ec_check(c, EC_HOST_TR_NULL, sel != 0, selectors[i], sel, 0);
		if (selectors[i] == HOST_SS_SELECTOR && !c->host64)
			ec_check(c, EC_HOST_SS_NULL, sel != 0, selectors[i], sel, 0);
	}
	for (unsigned i = 0; i < ARRAY_SIZE(bases); i++) {
		uint64_t base = ec_read(c, bases[i]);

		ec_check(c, EC_HOST_BASE_CANONICAL, ec_canonical(c, base), bases[i], base, 0);
	}
}

/* §27.2.4: the host address-space size against IA32_EFER.LMA now, and what it implies. */
static void check_address_space(struct ec_ctx *c)
{
	uint64_t cr4 = ec_read(c, HOST_CR4), rip = ec_read(c, HOST_RIP);
	bool cet = exit_loads(c, EXIT_LOAD_CET_STATE);
	uint64_t ssp = cet ? ec_read(c, HOST_SSP) : 0;

	if (c->facts->outside_ia32e) {
		ec_check(c, EC_HOST_ASZ_OUTSIDE_GUEST, !c->ia32e_guest, VM_ENTRY_CONTROLS, c->entry, 0);
		ec_check(c, EC_HOST_ASZ_OUTSIDE_HOST, !c->host64, VM_EXIT_CONTROLS, c->exit, 0);
	} else {
		ec_check(c, EC_HOST_ASZ_IA32E, c->host64, VM_EXIT_CONTROLS, c->exit, 0);
	}
	if (!c->host64) {
		ec_check(c, EC_HOST_ASZ_GUEST, !c->ia32e_guest, VM_ENTRY_CONTROLS, c->entry, 0);
		ec_check(c, EC_HOST_ASZ_PCIDE, !(cr4 & CR4_PCIDE), HOST_CR4, cr4, 0);
		ec_check(c, EC_HOST_ASZ_RIP_HIGH, !(rip >> 32), HOST_RIP, rip, 0);
		if (cet)
			ec_check(c, EC_HOST_ASZ_SSP_HIGH, !(ssp >> 32), HOST_SSP, ssp, 0);
		return;
	}
	ec_check(c, EC_HOST_ASZ_PAE, cr4 & CR4_PAE, HOST_CR4, cr4, 0);
	ec_check(c, EC_HOST_ASZ_RIP_CANONICAL, ec_canonical(c, rip), HOST_RIP, rip, 0);
	if (cet)
		ec_check(c, EC_HOST_ASZ_SSP_CANONICAL, ec_canonical(c, ssp), HOST_SSP, ssp, 0);
}

void ec_check_host(struct ec_ctx *c)
{
	check_control_registers(c);
	check_msrs(c);
	check_cet(c);
	check_segments(c);
	check_address_space(c);
}
