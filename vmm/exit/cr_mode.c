/* A Multiboot guest's writes to the host-owned bits of CR0 and CR4 (exit reason 28, from
 * cr_access.c). Such a guest runs with "unrestricted guest" and may switch between real mode,
 * protected mode, paging and long mode itself: CR0.PE and CR0.PG stay host-owned (in the CR0
 * guest/host mask) so that every change of them exits, and MOV to CR0 and LMSW are emulated here
 * by the architecture's rules: the same #GP(0) the CPU raises for a bad value, the read shadow
 * takes the value the guest wrote, the real CR0 keeps the VMX fixed bits (CR0.NE), EFER.LMA and
 * the "IA-32e mode guest" VM-entry control follow CR0.PG and EFER.LME, the PDPTEs are loaded when
 * PAE paging starts, and the guest's TLB is flushed when paging changes. A MOV to CR4 that would
 * change a host-owned bit (VMXE, which CPUID hides, or a bit VMX operation forbids) gets #GP(0),
 * as on a CPU without the feature. */
#include "vmm/exit/cr_mode.h"

#include <stdint.h>

#include "arch/lib/fmt.h"
#include "arch/lib/str.h"
#include "arch/x86_64/cr.h"
#include "arch/x86_64/msr.h"
#include "arch/x86_64/pte.h"
#include "arch/x86_64/segment.h"
#include "vmm/exit/exit.h"
#include "vmm/vm/end.h"
#include "vmm/vm/guest_ept.h"
#include "vmm/vmx/controls.h"

/* The guest's view of a control register: its own value in the bits it owns, the read shadow in
 * the host-owned ones (SDM Vol. 3C §26.3 "Changes to Instruction Behavior in VMX Non-Root
 * Operation", MOV from CR0). */
static uint64_t guest_cr0(void)
{
	uint64_t mask = vmread64(CR0_GUEST_HOST_MASK);

	return (vmread64(GUEST_CR0) & ~mask) | (vmread64(CR0_READ_SHADOW) & mask);
}

/* Why MOV to CR0 of value would raise #GP(0), or 0 (SDM Vol. 2B "MOV—Move to/from Control
 * Registers", Vol. 3A §2.5 "Control Registers" and §4.1.2 "Paging-Mode Enabling"). cs_l: the
 * guest's CS.L; code64: in 64-bit mode (EFER.LMA and CS.L). */
static const char *cr0_fault(uint64_t old, uint64_t value, uint64_t efer, uint64_t cr4, bool cs_l, bool code64)
{
	bool pg_on = (value & CR0_PG) && !(old & CR0_PG), pg_off = !(value & CR0_PG) && (old & CR0_PG);

	if (value >> 32)
		return "bits 63:32 set";
	if ((value & CR0_NW) && !(value & CR0_CD))
		return "NW without CD";
	if ((value & CR0_PG) && !(value & CR0_PE))
		return "PG without PE";
	if (pg_on && (efer & EFER_LME) && !(cr4 & CR4_PAE))
		return "IA-32e mode without CR4.PAE";
	if (pg_on && (efer & EFER_LME) && cs_l)
		return "IA-32e mode with CS.L = 1";
	if (pg_off && (code64 || (cr4 & CR4_PCIDE)))
		return "paging off in 64-bit mode or with CR4.PCIDE";
	if (!(value & CR0_WP) && (cr4 & CR4_CET))
		return "WP off with CR4.CET";
	return 0;
}

/* PAE paging starts (or its caching changes): the four PDPTEs at CR3 into the VMCS, which VM entry
 * loads them from when EPT is on (SDM Vol. 3C §27.3.2.4 "Loading Page-Directory-Pointer-Table
 * Entries"; the checks are Vol. 3A §4.4.1 "PDPTE Registers"). False when the guest got #GP(0). */
static bool load_pdptes(struct vm *vm, uint64_t cr3)
{
	static const uint32_t fields[PAE_PDPTES] = { GUEST_PDPTR0, GUEST_PDPTR1, GUEST_PDPTR2, GUEST_PDPTR3 };
	uint64_t pdpt = cr3 & PAE_CR3_PDPT_MASK, e[PAE_PDPTES];
	uint64_t reserved = PAE_PDPTE_RESERVED | ~((1ull << vm->caps->maxphyaddr) - 1);

	if (!guest_gpa_in_region(vm, pdpt, sizeof(e))) {
		char what[160];

		hv_snprintf(what, sizeof(what), "ended: PAE paging with its PDPT at gpa=0x%llx, outside its memory 0x%llx-0x%llx",
			    (unsigned long long)pdpt, (unsigned long long)vm->mem_base,
			    (unsigned long long)(vm->mem_base + vm->mem_size - 1));
		vm_end(HV_E_GUEST, what);
	}
	mem_copy(e, guest_ptr(vm, pdpt), sizeof(e));
	for (unsigned i = 0; i < PAE_PDPTES; i++)
		if ((e[i] & PTE_P) && (e[i] & reserved)) {
			inject_gp();
			return false;
		}
	for (unsigned i = 0; i < PAE_PDPTES; i++)
		vmwrite(fields[i], e[i]);
	return true;
}

/* EFER.LMA = LME and PG (SDM Vol. 3A §10.8.5 "Initializing IA-32e Mode"), and the "IA-32e mode
 * guest" VM-entry control with it, as VM entry requires (SDM Vol. 3C §27.3.1.1 "Checks on Guest
 * Control Registers, Debug Registers, and MSRs"). */
static void follow_lma(uint64_t efer, uint64_t cr0)
{
	uint64_t lma = ((efer & EFER_LME) && (cr0 & CR0_PG)) ? EFER_LMA : 0;
	uint64_t entry = vmread64(VM_ENTRY_CONTROLS);

	if ((efer & EFER_LMA) == lma)
		return;
	vmwrite(GUEST_IA32_EFER, (efer & ~EFER_LMA) | lma);
	vmwrite(VM_ENTRY_CONTROLS, lma ? entry | ENTRY_IA32E_MODE_GUEST : entry & ~ENTRY_IA32E_MODE_GUEST);
}

/* CR0 becomes value (the guest's view): the real register with the fixed bits but PE and PG,
 * which "unrestricted guest" frees (SDM Vol. 3C §27.3.1.1), the shadow as written. */
static void set_cr0(struct vm *vm, uint64_t old, uint64_t value, uint64_t efer)
{
	const struct vmx_caps *c = vm->caps;

	vmwrite(GUEST_CR0, (value & c->cr0_fixed1) | (c->cr0_fixed0 & ~(CR0_PE | CR0_PG)));
	vmwrite(CR0_READ_SHADOW, value);
	follow_lma(efer, value);
	/* The CPU would flush the TLBs for a change of PG (and WP); with VPID they survive VM entry. */
	if ((old ^ value) & (CR0_PG | CR0_WP))
		vm_flush_guest_tlb(vm);
}

static void mov_to_cr0(struct vm *vm, uint64_t value)
{
	uint64_t old = guest_cr0(), efer = vmread64(GUEST_IA32_EFER), cr4 = vmread64(GUEST_CR4);
	bool cs_l = (vmread64(GUEST_CS_AR_BYTES) & SEG_AR_L) != 0, code64 = cs_l && (efer & EFER_LMA);

	if (!code64)
		value = (uint32_t)value;   /* outside 64-bit mode MOV to CR0 moves 32 bits */
	value |= CR0_ET;               /* hardwired to 1 */
	if (cr0_fault(old, value, efer, cr4, cs_l, code64)) {
		inject_gp();
		return;
	}
	if (!(efer & EFER_LME) && (cr4 & CR4_PAE) && (value & CR0_PG) && ((old ^ value) & (CR0_PG | CR0_CD | CR0_NW)) &&
	    !load_pdptes(vm, vmread64(GUEST_CR3)))
		return;
	set_cr0(vm, old, value, efer);
	skip_instruction();
}

/* MOV to CR3 (only where CR3-load exiting cannot be turned off): PAE paging reloads the PDPTEs, and
 * the TLBs are flushed as the instruction would (SDM Vol. 3A §4.10.4.1 "Operations that Invalidate
 * TLBs and Paging-Structure Caches"). */
void cr_mode_write_cr3(struct vm *vm, uint64_t value)
{
	uint64_t efer = vmread64(GUEST_IA32_EFER);

	if (!(efer & EFER_LMA) || !(vmread64(GUEST_CS_AR_BYTES) & SEG_AR_L))
		value = (uint32_t)value;   /* outside 64-bit mode: 32 bits */
	if ((guest_cr0() & CR0_PG) && (vmread64(GUEST_CR4) & CR4_PAE) && !(efer & EFER_LMA) && !load_pdptes(vm, value))
		return;
	vmwrite(GUEST_CR3, value);
	vm_flush_guest_tlb(vm);
	skip_instruction();
}

bool cr_mode_access(struct vm *vm, const struct cr_qual *q, uint64_t value)
{
	if (q->cr == 0 && q->type == CR_ACCESS_MOV_TO) {
		mov_to_cr0(vm, value);
	} else if (q->type == CR_ACCESS_LMSW) {
		uint64_t old = guest_cr0();

		/* LMSW loads bits 3:0 and can set PE, never clear it. */
		mov_to_cr0(vm, (old & ~CR0_LMSW_BITS) | (q->lmsw_source & CR0_LMSW_BITS) | (old & CR0_PE));
	} else if (q->cr == 4 && q->type == CR_ACCESS_MOV_TO) {
		inject_gp();   /* a host-owned bit: VMXE (CPUID says no VMX) or one VMX forbids: reserved */
	} else {
		return false;
	}
	return true;
}
