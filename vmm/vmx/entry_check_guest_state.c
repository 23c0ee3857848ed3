/* VM-entry checks on the rest of the guest state: SDM Vol. 3C §27.3.1.4 "Checks on Guest RIP,
 * RFLAGS, and SSP", §27.3.1.5 "Checks on Guest Non-Register State" (activity state,
 * interruptibility, pending debug exceptions, VMCS link pointer), §27.3.1.6 "Checks on Guest
 * Page-Directory-Pointer-Table Entries" (exit reason 33, with the qualification §27.8 gives), and
 * the entries of the VM-entry MSR-load area, §27.4 "Loading MSRs" (exit reason 34). */
#include "vmm/vmx/entry_check.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/pte.h"
#include "arch/x86_64/cr.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/msr.h"
#include "arch/x86_64/pte.h"
#include "arch/x86_64/segment.h"
#include "vmm/decode/interruption_info.h"
#include "vmm/vmx/controls.h"
#include "vmm/vmx/entry_check_ctx.h"
#include "vmm/vmx/vmcs_fields.h"
#include "vmm/vmx/vmx_bits.h"

/* The state several checks here compare. */
struct nonreg {
	struct intr_info event;      /* VM-entry interruption information */
	uint32_t activity, intr;     /* activity state, interruptibility state */
};

static bool entry_loads(const struct ec_ctx *c, uint32_t mask)
{
	return (c->entry & mask) && vmx_ctl_allowed1(c->caps->entry, mask);
}

/* 64-bit mode after entry: IA-32e mode guest and CS.L. */
static bool mode64(const struct ec_ctx *c)
{
	return c->ia32e_guest && (c->cs_ar & SEG_AR_L);
}

static void check_rip_rflags_ssp(struct ec_ctx *c, const struct nonreg *n)
{
	uint64_t rip = ec_read(c, GUEST_RIP), rf = c->guest_rflags;

	if (mode64(c))
		ec_check(c, EC_GUEST_RIP_CANONICAL, ec_canonical(c, rip), GUEST_RIP, rip, 0);
	else
		ec_check(c, EC_GUEST_RIP_HIGH, !(rip >> 32), GUEST_RIP, rip, 0);
	ec_check(c, EC_GUEST_RFLAGS_RESERVED0, !(rf & RFLAGS_RESERVED0), GUEST_RFLAGS, rf, rf & RFLAGS_RESERVED0);
	ec_check(c, EC_GUEST_RFLAGS_RESERVED1, rf & RFLAGS_RESERVED1, GUEST_RFLAGS, rf, 0);
	if (c->ia32e_guest || !(c->guest_cr0 & CR0_PE))
		ec_check(c, EC_GUEST_RFLAGS_VM, !(rf & RFLAGS_VM), GUEST_RFLAGS, rf, 0);
	if (n->event.valid && n->event.type == INTR_TYPE_EXTERNAL)
		ec_check(c, EC_GUEST_RFLAGS_IF, rf & RFLAGS_IF, GUEST_RFLAGS, rf, 0);
	if (entry_loads(c, ENTRY_LOAD_CET_STATE)) {
		uint64_t ssp = ec_read(c, GUEST_SSP);

		if (mode64(c))
			ec_check(c, EC_GUEST_SSP_CANONICAL, ec_canonical(c, ssp), GUEST_SSP, ssp, 0);
		else
			ec_check(c, EC_GUEST_SSP_HIGH, !(ssp >> 32), GUEST_SSP, ssp, 0);
		ec_check(c, EC_GUEST_SSP_ALIGN, !(ssp & CET_SSP_ALIGN_MASK), GUEST_SSP, ssp, 0);
	}
}

/* Events the activity state lets through (§27.3.1.5): HLT takes external interrupts, NMIs, #DB,
 * #MC and a pending MTF exit; shutdown NMIs and #MC; wait-for-SIPI nothing. */
static bool event_allowed(uint32_t activity, const struct intr_info *e)
{
	bool nmi = e->type == INTR_TYPE_NMI;
	bool mc = e->type == INTR_TYPE_HW_EXCEPTION && e->vector == VEC_MC;

	switch (activity) {
	case GUEST_ACTIVITY_HLT:
		return e->type == INTR_TYPE_EXTERNAL || nmi || mc ||
		       (e->type == INTR_TYPE_HW_EXCEPTION && e->vector == VEC_DB) ||
		       (e->type == INTR_TYPE_OTHER && e->vector == 0);
	case GUEST_ACTIVITY_SHUTDOWN:
		return nmi || mc;
	case GUEST_ACTIVITY_WAIT_SIPI:
		return false;
	default:
		return true;
	}
}

static void check_activity(struct ec_ctx *c, const struct nonreg *n)
{
	static const uint64_t needs[] = { [GUEST_ACTIVITY_ACTIVE] = 0, [GUEST_ACTIVITY_HLT] = VMX_MISC_ACTIVITY_HLT,
					  [GUEST_ACTIVITY_SHUTDOWN] = VMX_MISC_ACTIVITY_SHUTDOWN,
					  [GUEST_ACTIVITY_WAIT_SIPI] = VMX_MISC_ACTIVITY_WAIT_SIPI };
	uint32_t a = n->activity;
	bool supported = a <= GUEST_ACTIVITY_WAIT_SIPI && (c->caps->misc & needs[a]) == needs[a];
	unsigned ss_dpl = (c->ss_ar & SEG_AR_DPL_MASK) >> SEG_AR_DPL_SHIFT;

	ec_check(c, EC_GUEST_ACTIVITY_SUPPORTED, supported, GUEST_ACTIVITY_STATE, a, a);
	if (a == GUEST_ACTIVITY_HLT)
		ec_check(c, EC_GUEST_ACTIVITY_HLT_DPL, ss_dpl == 0, GUEST_ACTIVITY_STATE, a, ss_dpl);
	if (n->intr & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS))
		ec_check(c, EC_GUEST_ACTIVITY_BLOCKING, a == GUEST_ACTIVITY_ACTIVE, GUEST_ACTIVITY_STATE, a, 0);
	if (n->event.valid)
		ec_check(c, EC_GUEST_ACTIVITY_EVENT, event_allowed(a, &n->event), GUEST_ACTIVITY_STATE, a, c->intr_info);
	if (c->entry & ENTRY_ENTRY_TO_SMM)
		ec_check(c, EC_GUEST_ACTIVITY_SIPI_SMM, a != GUEST_ACTIVITY_WAIT_SIPI, GUEST_ACTIVITY_STATE, a, 0);
}

static void check_interruptibility(struct ec_ctx *c, const struct nonreg *n)
{
	const uint32_t sti = GUEST_INTR_STATE_STI, movss = GUEST_INTR_STATE_MOV_SS, i = n->intr;
	const uint32_t f = GUEST_INTERRUPTIBILITY_INFO;
	bool extint = n->event.valid && n->event.type == INTR_TYPE_EXTERNAL;
	bool nmi = n->event.valid && n->event.type == INTR_TYPE_NMI;

	ec_check(c, EC_GUEST_INTR_RESERVED, !(i & GUEST_INTR_STATE_RESERVED), f, i, 0);
	ec_check(c, EC_GUEST_INTR_STI_MOVSS, (i & (sti | movss)) != (sti | movss), f, i, 0);
	if (!(c->guest_rflags & RFLAGS_IF))
		ec_check(c, EC_GUEST_INTR_STI_IF, !(i & sti), f, i, 0);
	if (extint)
		ec_check(c, EC_GUEST_INTR_EXTINT, !(i & (sti | movss)), f, i, 0);
	if (nmi) {
		ec_check(c, EC_GUEST_INTR_NMI_MOVSS, !(i & movss), f, i, 0);
		ec_check(c, EC_GUEST_INTR_NMI_STI, !(i & sti), f, i, 0);
	}
	if (!c->facts->in_smm)
		ec_check(c, EC_GUEST_INTR_SMI_OUTSIDE_SMM, !(i & GUEST_INTR_STATE_SMI), f, i, 0);
	if (c->entry & ENTRY_ENTRY_TO_SMM)
		ec_check(c, EC_GUEST_INTR_SMI_ENTRY_SMM, i & GUEST_INTR_STATE_SMI, f, i, 0);
	if (nmi && (c->pin & PIN_VIRTUAL_NMIS))
		ec_check(c, EC_GUEST_INTR_VIRTUAL_NMI, !(i & GUEST_INTR_STATE_NMI), f, i, 0);
	if (i & GUEST_INTR_STATE_ENCLAVE)
		ec_check(c, EC_GUEST_INTR_ENCLAVE, !(i & movss) && c->facts->sgx, f, i, 0);
}

static void check_pending_debug(struct ec_ctx *c, const struct nonreg *n)
{
	uint64_t p = ec_read(c, GUEST_PENDING_DBG_EXCEPTIONS);
	const uint32_t f = GUEST_PENDING_DBG_EXCEPTIONS;

	ec_check(c, EC_GUEST_PENDING_DBG_RESERVED, !(p & PENDING_DBG_RESERVED), f, p, p & PENDING_DBG_RESERVED);
	if ((n->intr & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS)) || n->activity == GUEST_ACTIVITY_HLT) {
		bool tf = c->guest_rflags & RFLAGS_TF, btf = ec_read(c, GUEST_IA32_DEBUGCTL) & DEBUGCTL_BTF;

		if (tf && !btf)
			ec_check(c, EC_GUEST_PENDING_DBG_BS_SET, p & PENDING_DBG_BS, f, p, 0);
		else
			ec_check(c, EC_GUEST_PENDING_DBG_BS_CLEAR, !(p & PENDING_DBG_BS), f, p, 0);
	}
	if (p & PENDING_DBG_RTM) {
		bool ok = !(p & (PENDING_DBG_B0_B3 | PENDING_DBG_BS)) && (p & PENDING_DBG_ENABLED_BP) && c->facts->rtm &&
			  !(n->intr & GUEST_INTR_STATE_MOV_SS);

		ec_check(c, EC_GUEST_PENDING_DBG_RTM, ok, f, p, 0);
	}
}

/* The VMCS link pointer: all ones, or a VMCS of this CPU's revision (a shadow VMCS exactly when
 * "VMCS shadowing" is 1), not the current VMCS. Exit qualification 4. */
static void check_link_pointer(struct ec_ctx *c)
{
	uint64_t link = ec_read(c, VMCS_LINK_POINTER);
	uint32_t header;

	if (link == VMCS_LINK_POINTER_NONE)
		return;
	ec_check(c, EC_GUEST_LINK_ALIGN, !(link & EC_PAGE_OFFSET_MASK), VMCS_LINK_POINTER, link, 0);
	ec_check(c, EC_GUEST_LINK_WIDTH, !ec_beyond_width(c, link), VMCS_LINK_POINTER, link, ec_beyond_width(c, link));
	if (!(link & EC_PAGE_OFFSET_MASK) && !ec_beyond_width(c, link) && ec_read_phys(c, link, &header, sizeof(header))) {
		uint32_t shadow = (c->proc2 & PROC2_VMCS_SHADOWING) ? VMCS_SHADOW_INDICATOR : 0;

		ec_check(c, EC_GUEST_LINK_REVISION, (header & ~VMCS_SHADOW_INDICATOR) == c->caps->vmcs_revision,
			 VMCS_LINK_POINTER, link, header & ~VMCS_SHADOW_INDICATOR);
		ec_check(c, EC_GUEST_LINK_SHADOW, (header & VMCS_SHADOW_INDICATOR) == shadow, VMCS_LINK_POINTER, link,
			 header >> 31);
	} else {
		ec_skip(c, EC_GUEST_LINK_REVISION);
		ec_skip(c, EC_GUEST_LINK_SHADOW);
	}
	if (c->facts->in_smm && !(c->entry & ENTRY_ENTRY_TO_SMM))
		return;   /* then the check is on the executive-VMCS pointer: not covered */
	if (c->facts->current_vmcs)
		ec_check(c, EC_GUEST_LINK_CURRENT, link != c->facts->current_vmcs, VMCS_LINK_POINTER, link, 0);
	else
		ec_skip(c, EC_GUEST_LINK_CURRENT);
}

/* Bits of a PAE PDPTE that must be 0 if it is present. */
static uint64_t pdpte_reserved(const struct ec_ctx *c, uint64_t pdpte)
{
	return (pdpte & PTE_P) ? (pdpte & PAE_PDPTE_RESERVED) | ec_beyond_width(c, pdpte) : 0;
}

/* PAE paging (CR0.PG, CR4.PAE, not IA-32e): with EPT the four PDPTE fields, else the PDPTEs in
 * memory at CR3. Exit qualification 2. */
static void check_pdptes(struct ec_ctx *c)
{
	static const uint32_t fields[PAE_PDPTES] = { GUEST_PDPTR0, GUEST_PDPTR1, GUEST_PDPTR2, GUEST_PDPTR3 };
	uint64_t pdpt[PAE_PDPTES], cr3;

	if (!(c->guest_cr0 & CR0_PG) || !(c->guest_cr4 & CR4_PAE) || c->ia32e_guest)
		return;
	if ((c->proc2 & PROC2_ENABLE_EPT) && vmx_ctl_allowed1(c->caps->procbased2, PROC2_ENABLE_EPT)) {
		for (unsigned i = 0; i < PAE_PDPTES; i++) {
			uint64_t e = ec_read(c, fields[i]);

			ec_check(c, EC_GUEST_PDPTE_RESERVED, !pdpte_reserved(c, e), fields[i], e, pdpte_reserved(c, e));
		}
		return;
	}
	cr3 = ec_read(c, GUEST_CR3);
	if (!ec_read_phys(c, cr3 & PAE_CR3_PDPT_MASK, pdpt, sizeof(pdpt))) {
		ec_skip(c, EC_GUEST_PDPTE_MEMORY);
		return;
	}
	for (unsigned i = 0; i < PAE_PDPTES; i++)
		ec_check(c, EC_GUEST_PDPTE_MEMORY, !pdpte_reserved(c, pdpt[i]), GUEST_CR3, cr3, pdpt[i]);
}

/* §27.4: each entry of the VM-entry MSR-load area, in order; the exit qualification is the
 * 1-based number of the first entry that fails. Only the checks that need no WRMSR are made. */
static void check_msr_load_area(struct ec_ctx *c)
{
	uint64_t count = (uint32_t)ec_read(c, VM_ENTRY_MSR_LOAD_COUNT), a;
	uint64_t max = VMX_MSR_LIST_UNIT * (((c->caps->misc >> VMX_MISC_MAX_MSR_LIST_SHIFT) & VMX_MISC_MAX_MSR_LIST_MASK) + 1);

	if (!count)
		return;
	a = ec_read(c, VM_ENTRY_MSR_LOAD_ADDR);
	if ((a & VMX_MSR_AREA_ALIGN) || ec_beyond_width(c, a + count * VMX_MSR_ENTRY_SIZE - 1) || !ec_has_memory(c)) {
		ec_skip(c, EC_MSR_LOAD_RESERVED);
		return;
	}
	for (uint64_t i = 0; i < count && i < max; i++) {
		uint64_t e;
		uint32_t msr;

		if (!ec_read_phys(c, a + i * VMX_MSR_ENTRY_SIZE, &e, sizeof(e))) {
			ec_skip(c, EC_MSR_LOAD_RESERVED);
			return;
		}
		msr = (uint32_t)e;
		ec_check(c, EC_MSR_LOAD_RESERVED, !(e & VMX_MSR_ENTRY_RESERVED), VM_ENTRY_MSR_LOAD_ADDR, e, i + 1);
		ec_check(c, EC_MSR_LOAD_FS_GS_BASE, msr != IA32_FS_BASE && msr != IA32_GS_BASE, VM_ENTRY_MSR_LOAD_ADDR, e,
			 i + 1);
		ec_check(c, EC_MSR_LOAD_X2APIC, (msr >> X2APIC_MSR_RANGE_SHIFT) != (IA32_X2APIC_BASE >> X2APIC_MSR_RANGE_SHIFT),
			 VM_ENTRY_MSR_LOAD_ADDR, e, i + 1);
		if (!c->facts->in_smm)
			ec_check(c, EC_MSR_LOAD_SMM, msr != IA32_SMM_MONITOR_CTL, VM_ENTRY_MSR_LOAD_ADDR, e, i + 1);
	}
}

void ec_check_guest_state(struct ec_ctx *c)
{
	struct nonreg n;

	intr_info_decode(c->intr_info, &n.event);
	n.activity = (uint32_t)ec_read(c, GUEST_ACTIVITY_STATE);
	n.intr = (uint32_t)ec_read(c, GUEST_INTERRUPTIBILITY_INFO);
	check_rip_rflags_ssp(c, &n);
	check_activity(c, &n);
	check_interruptibility(c, &n);
	check_pending_debug(c, &n);
	if (entry_loads(c, ENTRY_LOAD_UINV)) {
		uint64_t uinv = (uint16_t)ec_read(c, GUEST_UINV);

		ec_check(c, EC_GUEST_UINV, !(uinv & UINV_RESERVED), GUEST_UINV, uinv, 0);
	}
	check_link_pointer(c);
	check_pdptes(c);
	check_msr_load_area(c);
}
