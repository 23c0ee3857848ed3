/* RDMSR (31) and WRMSR (32): the guest's MSRs (docs/guest-abi.md has the table).
 *
 * - The MSRs only the guest uses pass through the MSR bitmap: it reads and writes the CPU's own
 *   MSR without an exit, and the CPU makes its own checks (guest_msr_bitmap_build).
 * - The MSRs the VMCS keeps for the guest (loaded on every VM entry, saved on every VM exit) exit
 *   here: a read is a VMREAD, a write a VMWRITE after the checks the CPU's WRMSR would make; a
 *   value the CPU would refuse gets #GP(0).
 * - Every other MSR exits and gets #GP(0).
 * Each refusal logs one rate-limited line (tag msr). */
#include "arch/lib/array.h"
#include "arch/lib/log.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cr.h"
#include "arch/x86_64/msr.h"
#include "vmm/exit/exit.h"
#include "vmm/vmx/controls.h"
#include "vmm/vmx/msr_bitmap.h"

/* Passed through: the SYSCALL MSRs, the SWAPGS base, and (with "enable RDTSCP") the RDTSCP/RDPID
 * value. The hypervisor never uses them: it makes no SYSCALL, runs no SWAPGS, reads no TSC_AUX,
 * and nothing of its own depends on their values, so the guest may own them outright. */
static const uint32_t passthrough_msrs[] = {
	IA32_STAR, IA32_LSTAR, IA32_CSTAR, IA32_FMASK, IA32_KERNEL_GS_BASE,
};

void guest_msr_bitmap_build(uint8_t *page, bool rdtscp)
{
	msr_bitmap_exit_all(page);
	for (size_t i = 0; i < ARRAY_SIZE(passthrough_msrs); i++)
		msr_bitmap_pass(page, passthrough_msrs[i]);
	if (rdtscp)
		msr_bitmap_pass(page, IA32_TSC_AUX);
}

void guest_msrs_clear(bool rdtscp)
{
	for (size_t i = 0; i < ARRAY_SIZE(passthrough_msrs); i++)
		wrmsr(passthrough_msrs[i], 0);
	if (rdtscp)
		wrmsr(IA32_TSC_AUX, 0);
}

/* A write check: NULL if the CPU would take the value, with *stored = what the MSR then holds
 * (the value, or the value as the CPU adjusts it); else why not. */
typedef const char *(*msr_check_fn)(const struct vm *vm, uint64_t value, uint64_t *stored);

/* SDM Vol. 1 §3.3.7.1 "Canonical Addressing": bits 63 to (width - 1) all equal, where the width
 * is 57 on a CPU with 5-level paging, else 48 (WRMSR and the VM-entry checks use the CPU's). */
static const char *check_canonical(const struct vm *vm, uint64_t value, uint64_t *stored)
{
	unsigned width = vm->linear_addr_bits;
	uint64_t top = value >> (width - 1);

	*stored = value;
	return (top == 0 || top == ~0ull >> (width - 1)) ? 0 : "non-canonical address";
}

/* Bits 63:32 are dropped: the VMCS field has 32 bits, and a VM entry loads the MSR from it with
 * those bits cleared (SDM Vol. 3C §27.3.2.1 "Loading Guest Control Registers, Debug Registers,
 * and MSRs"). The CPU takes any value. */
static const char *check_sysenter_cs(const struct vm *vm, uint64_t value, uint64_t *stored)
{
	(void)vm;
	*stored = (uint32_t)value;
	return 0;
}

/* Branch single-step and last-branch recording; every other bit (BTS and the performance-
 * monitoring freezes, which need MSRs the guest does not have) is refused. */
static const char *check_debugctl(const struct vm *vm, uint64_t value, uint64_t *stored)
{
	(void)vm;
	*stored = value;
	return (value & ~(DEBUGCTL_LBR | DEBUGCTL_BTF)) ? "bits minihv does not offer" : 0;
}

static const char *check_pat(const struct vm *vm, uint64_t value, uint64_t *stored)
{
	(void)vm;
	*stored = value;
	return pat_bad_entry(value) == PAT_ENTRIES ? 0 : "reserved memory type";
}

/* SDM Vol. 3A §2.2.1 "Extended Feature Enable Register": SCE, LME, LMA and NXE exist; LME may not
 * change while CR0.PG = 1; LMA is the CPU's (set when paging starts with LME, §10.8.5 "Initializing
 * IA-32e Mode"), so a write keeps the guest's: with LME fixed while paging is on, LMA = LME and PG
 * holds after the write as before it, and so does the "IA-32e mode guest" entry control, which
 * follows LMA (always 1 for an MHVGUEST guest; a Multiboot guest's follows its CR0.PG writes,
 * vmm/exit/cr_mode.c), as VM entry requires (SDM Vol. 3C §27.3.1.1 "Checks on Guest Control
 * Registers, Debug Registers, and MSRs"). */
static const char *check_efer(const struct vm *vm, uint64_t value, uint64_t *stored)
{
	uint64_t now = vmread64(GUEST_IA32_EFER);
	uint64_t lma = now & EFER_LMA;

	(void)vm;
	if (value & ~(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE))
		return "reserved bits";
	if ((vmread64(GUEST_CR0) & CR0_PG) && ((value ^ now) & EFER_LME))
		return "EFER.LME changed while CR0.PG=1";
	*stored = (value & ~EFER_LMA) | lma;
	return 0;
}

struct vmcs_msr {
	uint32_t msr;
	uint32_t field;          /* its guest-state field */
	msr_check_fn check;
};

/* Kept in the VMCS: loaded on entry by the "load IA32_EFER", "load IA32_PAT" and "load debug
 * controls" entry controls (FS/GS base and SYSENTER always), saved on exit likewise. */
static const struct vmcs_msr vmcs_msrs[] = {
	{ IA32_SYSENTER_CS, GUEST_SYSENTER_CS, check_sysenter_cs },
	{ IA32_SYSENTER_ESP, GUEST_SYSENTER_ESP, check_canonical },
	{ IA32_SYSENTER_EIP, GUEST_SYSENTER_EIP, check_canonical },
	{ IA32_DEBUGCTL, GUEST_IA32_DEBUGCTL, check_debugctl },
	{ IA32_PAT, GUEST_IA32_PAT, check_pat },
	{ IA32_EFER, GUEST_IA32_EFER, check_efer },
	{ IA32_FS_BASE, GUEST_FS_BASE, check_canonical },
	{ IA32_GS_BASE, GUEST_GS_BASE, check_canonical },
};

static const struct vmcs_msr *find_vmcs_msr(uint32_t msr)
{
	for (size_t i = 0; i < ARRAY_SIZE(vmcs_msrs); i++)
		if (vmcs_msrs[i].msr == msr)
			return &vmcs_msrs[i];
	return 0;
}

void handle_msr(struct vcpu *v, struct guest_regs *r)
{
	uint32_t reason = (uint32_t)vmread64(VM_EXIT_REASON) & EXIT_REASON_BASIC_MASK;
	uint32_t msr = (uint32_t)r->gpr[GPR_RCX];
	const struct vmcs_msr *m = find_vmcs_msr(msr);
	uint64_t value, stored = 0;
	const char *why;

	if (!m) {
		hv_log_tagged(LOG_TAG_MSR, "msr: guest %s 0x%llx refused: #GP injected (rip=0x%llx)",
			      reason == EXIT_REASON_RDMSR ? "RDMSR" : "WRMSR", (unsigned long long)msr,
			      (unsigned long long)vmread64(GUEST_RIP));
		inject_gp();
		return;
	}
	if (reason == EXIT_REASON_RDMSR) {
		value = vmread64(m->field);
		r->gpr[GPR_RAX] = (uint32_t)value;
		r->gpr[GPR_RDX] = value >> 32;
		skip_instruction();
		return;
	}
	value = (r->gpr[GPR_RDX] << 32) | (uint32_t)r->gpr[GPR_RAX];
	why = m->check(v->vm, value, &stored);
	if (why) {
		hv_log_tagged(LOG_TAG_MSR, "msr: guest WRMSR 0x%llx value=0x%llx refused (%s): #GP injected (rip=0x%llx)",
			      (unsigned long long)msr, (unsigned long long)value, why,
			      (unsigned long long)vmread64(GUEST_RIP));
		inject_gp();
		return;
	}
	vmwrite(m->field, stored);
	skip_instruction();
}
