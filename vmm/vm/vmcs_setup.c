/* VMCS setup: controls from the capability MSRs, host state from the hypervisor's own tables,
 * guest state for the 64-bit entry the guest ABI promises (docs/guest-abi.md).
 * Each field is written once; the SDM section is cited where a value is not obvious. */
#include "vmm/vm/vmcs_setup.h"
#include "arch/lib/fmt.h"
#include "arch/lib/log.h"
#include "arch/lib/page_pool.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpuid.h"
#include "arch/x86_64/cpu_ops.h"
#include "arch/x86_64/cpuid_info.h"
#include "arch/x86_64/cr.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/msr.h"
#include "vmm/vm/budget.h"
#include "vmm/exit/exit.h"
#include "vmm/vm/entry_state.h"
#include "vmm/vm/layout.h"
#include "vmm/vmx/controls.h"
#include "vmm/vmx/errata.h"
#include "vmm/vmx/insn.h"
#include "vmm/vmx/vmcs_fields.h"

#define EXIT_STACK_PAGES 4
#define VPID_GUEST 1                 /* vCPU i's is VPID_GUEST + i; 0 is the host's (SDM Vol. 3C §29.1
				      * "Virtual Processor Identifiers (VPIDs)") */

/* Computed once (vCPU 0's setup); every vCPU's VMCS gets the same controls and bitmaps. */
static uint32_t pin_ctls, proc_ctls, proc2_ctls, exit_ctls, entry_ctls;
static uint64_t io_bitmap_a, io_bitmap_b, msr_bitmap;

static enum hv_status compute_one(const char *field, uint64_t cap, const struct vmx_ctl_wants *w, uint32_t *out,
				  char *why, size_t why_len)
{
	const char *missing = "";

	if (vmx_ctl_compute(cap, w->want, w->n, out, &missing) == 0)
		return HV_OK;
	hv_snprintf(why, why_len, "%s control \"%s\" is not supported by this CPU", field, missing);
	return HV_E_CONTROLS;
}

static enum hv_status compute_controls(const struct vmx_caps *c, char *why, size_t why_len)
{
	enum hv_status s;

	if ((s = compute_one("pin-based", c->pinbased, &vmx_pin_want, &pin_ctls, why, why_len)) ||
	    (s = compute_one("processor-based", c->procbased, &vmx_proc_want, &proc_ctls, why, why_len)) ||
	    (s = compute_one("secondary", c->procbased2, &vmx_proc2_want, &proc2_ctls, why, why_len)) ||
	    (s = compute_one("VM-exit", c->exit, &vmx_exit_want, &exit_ctls, why, why_len)) ||
	    (s = compute_one("VM-entry", c->entry, &vmx_entry_want, &entry_ctls, why, why_len)))
		return s;
	/* Virtual NMIs need NMI exiting (SDM Vol. 3C §27.2.1.1 "VM-Execution Control Fields"). */
	if (!(pin_ctls & PIN_NMI_EXITING))
		pin_ctls &= ~PIN_VIRTUAL_NMIS;
	/* The budget needs both halves: the timer, and saving its value so it spans exits; and a
	 * timer that counts right (vmm/vmx/errata.c). */
	if (!(exit_ctls & EXIT_SAVE_PREEMPTION_TIMER) || !(pin_ctls & PIN_PREEMPTION_TIMER) ||
	    vmx_preemption_timer_erratum(c->signature)) {
		pin_ctls &= ~PIN_PREEMPTION_TIMER;
		exit_ctls &= ~EXIT_SAVE_PREEMPTION_TIMER;
	}
	/* Without TRUE controls, CR3-load/store exiting may be forced on (default1): harmless,
	 * the dispatcher emulates MOV CR3. */
	return HV_OK;
}

/* I/O bitmaps: every bit set, so every port access exits to the hypervisor, which emulates the
 * guest's serial port and refuses the rest (SDM Vol. 3C §25.6.4 "I/O-Bitmap Addresses"). */
static uint64_t alloc_bitmap(uint8_t fill)
{
	uint64_t pa = pool_alloc_page();
	uint8_t *p = (uint8_t *)pa;

	if (pa)
		for (unsigned i = 0; i < PAGE_SIZE; i++)
			p[i] = fill;
	return pa;
}

/* The MSR bitmap (§25.6.9): the MSRs the guest owns outright pass, the rest exit (vmm/exit/msr.c). */
static uint64_t alloc_msr_bitmap(void)
{
	uint64_t pa = pool_alloc_page();

	if (pa)
		guest_msr_bitmap_build((uint8_t *)pa, (proc2_ctls & PROC2_ENABLE_RDTSCP) != 0);
	return pa;
}

static void write_controls(const struct vcpu *v)
{
	const struct vm *vm = v->vm;

	vmwrite(PIN_BASED_VM_EXEC_CONTROL, pin_ctls);
	vmwrite(CPU_BASED_VM_EXEC_CONTROL, proc_ctls);
	vmwrite(SECONDARY_VM_EXEC_CONTROL, proc2_ctls);
	if (v->index == 0)
		cpuid_masks_init(proc_ctls, proc2_ctls);   /* CPUID hides what these controls leave off */
	vmwrite(VM_EXIT_CONTROLS, exit_ctls);
	vmwrite(VM_ENTRY_CONTROLS, entry_ctls);
	vmwrite(EXCEPTION_BITMAP, 0);            /* guest exceptions go to the guest's own IDT */
	vmwrite(PAGE_FAULT_ERROR_CODE_MASK, 0);
	vmwrite(PAGE_FAULT_ERROR_CODE_MATCH, 0);
	vmwrite(CR3_TARGET_COUNT, 0);
	vmwrite(VM_EXIT_MSR_STORE_COUNT, 0);
	vmwrite(VM_EXIT_MSR_LOAD_COUNT, 0);
	vmwrite(VM_ENTRY_MSR_LOAD_COUNT, 0);
	vmwrite(VM_ENTRY_INTR_INFO_FIELD, 0);
	vmwrite(IO_BITMAP_A, io_bitmap_a);
	vmwrite(IO_BITMAP_B, io_bitmap_b);
	vmwrite(MSR_BITMAP, msr_bitmap);
	vmwrite(TSC_OFFSET, 0);
	vmwrite(EPT_POINTER, vm->eptp);
	if (proc2_ctls & PROC2_ENABLE_VPID)
		vmwrite(VIRTUAL_PROCESSOR_ID, VPID_GUEST + v->index);
	/* CR0/CR4 bits the guest may not change (the VMX fixed bits) are host-owned: the guest reads
	 * the shadow, and a MOV that would change them exits (SDM Vol. 3C §25.6.6 "Guest/Host Masks
	 * and Read Shadows for CR0 and CR4"). */
	uint64_t cr0_owned = vm->caps->cr0_fixed0 | ~vm->caps->cr0_fixed1;
	uint64_t cr4_owned = vm->caps->cr4_fixed0 | ~vm->caps->cr4_fixed1;
	vmwrite(CR0_GUEST_HOST_MASK, cr0_owned);
	vmwrite(CR4_GUEST_HOST_MASK, cr4_owned);
	vmwrite(CR0_READ_SHADOW, entry_state_cr0_shadow(vm));   /* a Multiboot guest's differ */
	vmwrite(CR4_READ_SHADOW, entry_state_cr4_shadow(vm));
}

static void write_host_state(const struct vcpu *v)
{
	struct desc_ptr gdtr, idtr;

	sgdt(&gdtr);
	sidt(&idtr);
	vmwrite(HOST_CR0, read_cr0());
	vmwrite(HOST_CR3, read_cr3());
	vmwrite(HOST_CR4, read_cr4());
	vmwrite(HOST_CS_SELECTOR, GDT_SEL_CODE64);
	vmwrite(HOST_SS_SELECTOR, GDT_SEL_DATA);
	vmwrite(HOST_DS_SELECTOR, GDT_SEL_DATA);
	vmwrite(HOST_ES_SELECTOR, GDT_SEL_DATA);
	vmwrite(HOST_FS_SELECTOR, GDT_SEL_DATA);
	vmwrite(HOST_GS_SELECTOR, GDT_SEL_DATA);
	vmwrite(HOST_TR_SELECTOR, GDT_SEL_TSS);  /* must be non-zero (SDM Vol. 3C §27.2.3 "Checks on Host
						  * Segment and Descriptor-Table Registers") */
	vmwrite(HOST_FS_BASE, 0);
	vmwrite(HOST_GS_BASE, (uint64_t)v);      /* this_vcpu() in the exit path */
	vmwrite(HOST_TR_BASE, v->host_tss);
	vmwrite(HOST_GDTR_BASE, gdtr.base);
	vmwrite(HOST_IDTR_BASE, idtr.base);
	vmwrite(HOST_IA32_SYSENTER_CS, 0);
	vmwrite(HOST_IA32_SYSENTER_ESP, 0);
	vmwrite(HOST_IA32_SYSENTER_EIP, 0);
	vmwrite(HOST_IA32_EFER, rdmsr(IA32_EFER));
	vmwrite(HOST_IA32_PAT, rdmsr(IA32_PAT));
	vmwrite(HOST_RSP, v->exit_stack_top);
	vmwrite(HOST_RIP, (uint64_t)vmx_exit_entry);
}

static void write_guest_state(struct vm *vm)
{
	const struct vmx_caps *c = vm->caps;
	uint64_t b = vm->mem_base;

	/* SDM Vol. 3C §27.3.1.1 "Checks on Guest Control Registers, Debug Registers, and MSRs": guest
	 * CR0/CR4 must meet the fixed bits; the shadows show the ABI's values. */
	vmwrite(GUEST_CR0, (GUEST_CR0_AT_ENTRY | c->cr0_fixed0) & c->cr0_fixed1);
	vmwrite(GUEST_CR3, b + GUEST_PML4_OFFSET);
	vmwrite(GUEST_CR4, (GUEST_CR4_AT_ENTRY | c->cr4_fixed0) & c->cr4_fixed1);
	vmwrite(GUEST_DR7, DR7_RESET);
	vmwrite(GUEST_IA32_DEBUGCTL, 0);
	vmwrite(GUEST_IA32_EFER, GUEST_EFER_AT_ENTRY);
	vmwrite(GUEST_IA32_PAT, PAT_POWER_ON);
	vmwrite(GUEST_RSP, b + vm->mem_size);
	vmwrite(GUEST_RIP, vm->entry_gpa);
	vmwrite(GUEST_RFLAGS, RFLAGS_RESERVED1);   /* IF = 0 */
	entry_state_segment(GUEST_CS_SELECTOR, GUEST_CS_BASE, GUEST_CS_LIMIT, GUEST_CS_AR_BYTES, GUEST_SEL_CODE64, 0,
		      SEG_LIMIT_4G_BYTES, GUEST_AR_CODE64);
	entry_state_segment(GUEST_SS_SELECTOR, GUEST_SS_BASE, GUEST_SS_LIMIT, GUEST_SS_AR_BYTES, GUEST_SEL_DATA, 0,
		      SEG_LIMIT_4G_BYTES, GUEST_AR_DATA);
	entry_state_segment(GUEST_DS_SELECTOR, GUEST_DS_BASE, GUEST_DS_LIMIT, GUEST_DS_AR_BYTES, GUEST_SEL_DATA, 0,
		      SEG_LIMIT_4G_BYTES, GUEST_AR_DATA);
	entry_state_segment(GUEST_ES_SELECTOR, GUEST_ES_BASE, GUEST_ES_LIMIT, GUEST_ES_AR_BYTES, GUEST_SEL_DATA, 0,
		      SEG_LIMIT_4G_BYTES, GUEST_AR_DATA);
	entry_state_segment(GUEST_FS_SELECTOR, GUEST_FS_BASE, GUEST_FS_LIMIT, GUEST_FS_AR_BYTES, GUEST_SEL_DATA, 0,
		      SEG_LIMIT_4G_BYTES, GUEST_AR_DATA);
	entry_state_segment(GUEST_GS_SELECTOR, GUEST_GS_BASE, GUEST_GS_LIMIT, GUEST_GS_AR_BYTES, GUEST_SEL_DATA, 0,
		      SEG_LIMIT_4G_BYTES, GUEST_AR_DATA);
	entry_state_segment(GUEST_TR_SELECTOR, GUEST_TR_BASE, GUEST_TR_LIMIT, GUEST_TR_AR_BYTES, GUEST_SEL_TSS,
		      b + GUEST_TSS_OFFSET, GUEST_TSS_LIMIT, GUEST_AR_TSS);
	entry_state_segment(GUEST_LDTR_SELECTOR, GUEST_LDTR_BASE, GUEST_LDTR_LIMIT, GUEST_LDTR_AR_BYTES, 0, 0, 0,
		      SEG_AR_UNUSABLE);
	vmwrite(GUEST_GDTR_BASE, b + GUEST_GDT_OFFSET);
	vmwrite(GUEST_GDTR_LIMIT, GUEST_GDT_LIMIT);
	entry_state_write_quiet();
}

/* One vCPU's VMCS and exit stack, from the page pool (the boot processor's, before any AP uses it). */
static bool alloc_vcpu(struct vcpu *v)
{
	uint64_t stack = 0;

	v->vmcs_pa = pool_alloc_page();
	for (int i = 0; i < EXIT_STACK_PAGES; i++)
		stack = pool_alloc_page();   /* the pool hands out ascending pages */
	if (!v->vmcs_pa || !stack)
		return false;
	v->exit_stack_top = stack + PAGE_SIZE;
	*(uint32_t *)v->vmcs_pa = v->vm->caps->vmcs_revision;   /* revision identifier (SDM Vol. 3C
								 * §25.2 "Format of the VMCS Region") */
	return true;
}

/* Make v's VMCS current on this CPU and write every field: the same controls and guest entry state
 * for every vCPU; its own VPID, host TSS, GS base and exit stack. */
static enum hv_status write_vmcs(struct vcpu *v, char *why, size_t why_len)
{
	struct vm *vm = v->vm;

	if (vmclear(v->vmcs_pa) != VMX_OK || vmptrld(v->vmcs_pa) != VMX_OK) {
		hv_snprintf(why, why_len, "VMCLEAR/VMPTRLD of the VMCS at 0x%llx failed", (unsigned long long)v->vmcs_pa);
		return HV_E_VMLAUNCH;
	}
	guest_msrs_clear((proc2_ctls & PROC2_ENABLE_RDTSCP) != 0);   /* the MSRs the bitmap passes start at 0 */
	write_controls(v);
	write_host_state(v);
	if (vm->multiboot)
		entry_state_write_multiboot(vm);   /* vmm/vm/entry_state.c */
	else
		write_guest_state(vm);
	return HV_OK;
}

enum hv_status vmcs_setup(struct vm *vm, char *why, size_t why_len)
{
	enum hv_status s = compute_controls(vm->caps, why, why_len);
	bool ok = true;

	if (s != HV_OK)
		return s;
	entry_state_controls(vm, &proc2_ctls, &entry_ctls);   /* unrestricted guest, 32-bit entry */
	io_bitmap_a = alloc_bitmap(0xff);
	io_bitmap_b = alloc_bitmap(0xff);
	msr_bitmap = alloc_msr_bitmap();
	for (unsigned i = 0; i < vm->nvcpus; i++)
		ok = ok && alloc_vcpu(&vm->vcpu[i]);
	if (!ok || !io_bitmap_a || !io_bitmap_b || !msr_bitmap) {
		hv_snprintf(why, why_len, "page pool exhausted while allocating the VMCS and bitmaps");
		return HV_E_NOMEM;
	}
	vm->linear_addr_bits = cpuid_linear_width(&hw_cpu_ops);
	s = write_vmcs(&vm->vcpu[0], why, why_len);
	if (s != HV_OK)
		return s;
	budget_setup(vm, pin_ctls & PIN_PREEMPTION_TIMER, vmx_preemption_timer_erratum(vm->caps->signature));
	hv_log("vmcs: pin=0x%08x proc=0x%08x proc2=0x%08x exit=0x%08x entry=0x%08x eptp=0x%llx vpid=%s",
	       pin_ctls, proc_ctls, proc2_ctls, exit_ctls, entry_ctls, (unsigned long long)vm->eptp,
	       (proc2_ctls & PROC2_ENABLE_VPID) ? "1" : "off");
	return HV_OK;
}

enum hv_status vmcs_setup_vcpu(struct vcpu *v, char *why, size_t why_len)
{
	enum hv_status s = write_vmcs(v, why, why_len);

	if (s != HV_OK)
		return s;
	vmwrite(GUEST_RIP, v->start_rip);
	vmwrite(GUEST_RSP, v->start_rsp);
	budget_setup_quiet(v->vm);
	return HV_OK;
}
