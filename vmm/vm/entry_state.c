/* A Multiboot kernel's VM-entry state (vmm/vm/entry_state.h; Multiboot §3.2 "Machine state"). Each
 * guest-state field is written once; the SDM section is cited where the value is not obvious. */
#include "vmm/vm/entry_state.h"

#include "arch/x86_64/msr.h"
#include "vmm/vm/layout.h"
#include "vmm/vm/multiboot.h"
#include "vmm/vmx/controls.h"
#include "vmm/vmx/insn.h"
#include "vmm/vmx/vmcs_fields.h"

_Static_assert(MB_GDT_GPA >= MB_MMAP_GPA + MB_MMAP_ENTRIES * MULTIBOOT_MMAP_ENTRY_SIZE &&
		       MB_GDT_GPA + MB_GDT_LIMIT + 1 <= MB_LOADER_NAME_GPA,
	       "the GDT lies in the information area, between the memory map and the loader's name");
_Static_assert(MB_GDT_GPA % 8 == 0, "the GDT is 8-byte aligned");

void entry_state_gdt(uint8_t *guest_mem)
{
	uint64_t *gdt = (uint64_t *)(guest_mem + MB_GDT_GPA);

	gdt[0] = 0;
	gdt[MB_SEL_CODE32 / 8] = seg_desc(0, SEG_LIMIT_4G, MB_AR_CODE32);
	gdt[MB_SEL_DATA32 / 8] = seg_desc(0, SEG_LIMIT_4G, MB_AR_DATA32);
}

void entry_state_controls(const struct vm *vm, uint32_t *proc2, uint32_t *entry)
{
	uint32_t extra = 0;
	const char *missing = "";

	if (!vm->multiboot)
		return;
	/* The loader refused the kernel on a CPU without "unrestricted guest" (vmm/vm/mb_guest.c). */
	if (vmx_ctl_compute(vm->caps->procbased2, vmx_proc2_multiboot_want.want, vmx_proc2_multiboot_want.n, &extra,
			    &missing) == 0)
		*proc2 |= extra;
	/* EFER.LMA = 0 at entry, and the "IA-32e mode guest" control must equal it (SDM Vol. 3C
	 * §27.3.1.1 "Checks on Guest Control Registers, Debug Registers, and MSRs"); from then on it
	 * follows the guest's EFER.LMA (vmm/exit/cr_mode.c). */
	*entry &= ~ENTRY_IA32E_MODE_GUEST;
}

uint64_t entry_state_cr0_shadow(const struct vm *vm)
{
	return vm->multiboot ? MB_CR0_AT_ENTRY : GUEST_CR0_AT_ENTRY;
}

uint64_t entry_state_cr4_shadow(const struct vm *vm)
{
	return vm->multiboot ? MB_CR4_AT_ENTRY : GUEST_CR4_AT_ENTRY;
}

void entry_state_segment(uint32_t sel_f, uint32_t base_f, uint32_t limit_f, uint32_t ar_f, uint16_t sel, uint64_t base,
                         uint32_t limit, uint32_t ar)
{
	vmwrite(sel_f, sel);
	vmwrite(base_f, base);
	vmwrite(limit_f, limit);
	vmwrite(ar_f, ar);
}

void entry_state_write_quiet(void)
{
	vmwrite(GUEST_IDTR_BASE, 0);             /* no IDT: an exception ends in a triple fault */
	vmwrite(GUEST_IDTR_LIMIT, 0);
	vmwrite(GUEST_SYSENTER_CS, 0);
	vmwrite(GUEST_SYSENTER_ESP, 0);
	vmwrite(GUEST_SYSENTER_EIP, 0);
	vmwrite(GUEST_ACTIVITY_STATE, 0);        /* active */
	vmwrite(GUEST_INTERRUPTIBILITY_INFO, 0);
	vmwrite(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	vmwrite(VMCS_LINK_POINTER, VMCS_LINK_POINTER_NONE);
}

/* CS, the data segments, TR and LDTR. With "unrestricted guest" the segments are checked as for
 * protected mode, CS type 11 and the data type 3 with DPL 0 (SDM Vol. 3C §27.3.1.2 "Checks on Guest
 * Segment Registers"). */
static void write_segments(void)
{
	entry_state_segment(GUEST_CS_SELECTOR, GUEST_CS_BASE, GUEST_CS_LIMIT, GUEST_CS_AR_BYTES, MB_SEL_CODE32, 0,
	                    SEG_LIMIT_4G_BYTES, MB_AR_CODE32);
	entry_state_segment(GUEST_SS_SELECTOR, GUEST_SS_BASE, GUEST_SS_LIMIT, GUEST_SS_AR_BYTES, MB_SEL_DATA32, 0,
	                    SEG_LIMIT_4G_BYTES, MB_AR_DATA32);
	entry_state_segment(GUEST_DS_SELECTOR, GUEST_DS_BASE, GUEST_DS_LIMIT, GUEST_DS_AR_BYTES, MB_SEL_DATA32, 0,
	                    SEG_LIMIT_4G_BYTES, MB_AR_DATA32);
	entry_state_segment(GUEST_ES_SELECTOR, GUEST_ES_BASE, GUEST_ES_LIMIT, GUEST_ES_AR_BYTES, MB_SEL_DATA32, 0,
	                    SEG_LIMIT_4G_BYTES, MB_AR_DATA32);
	entry_state_segment(GUEST_FS_SELECTOR, GUEST_FS_BASE, GUEST_FS_LIMIT, GUEST_FS_AR_BYTES, MB_SEL_DATA32, 0,
	                    SEG_LIMIT_4G_BYTES, MB_AR_DATA32);
	entry_state_segment(GUEST_GS_SELECTOR, GUEST_GS_BASE, GUEST_GS_LIMIT, GUEST_GS_AR_BYTES, MB_SEL_DATA32, 0,
	                    SEG_LIMIT_4G_BYTES, MB_AR_DATA32);
	entry_state_segment(GUEST_TR_SELECTOR, GUEST_TR_BASE, GUEST_TR_LIMIT, GUEST_TR_AR_BYTES, 0, 0, MB_TR_LIMIT,
	                    MB_AR_TR);
	entry_state_segment(GUEST_LDTR_SELECTOR, GUEST_LDTR_BASE, GUEST_LDTR_LIMIT, GUEST_LDTR_AR_BYTES, 0, 0, 0,
	                    SEG_AR_UNUSABLE);
}

void entry_state_write_multiboot(const struct vm *vm)
{
	const struct vmx_caps *c = vm->caps;

	/* With "unrestricted guest", CR0.PE and CR0.PG are exempt from IA32_VMX_CR0_FIXED0 (SDM Vol. 3C
	 * §27.3.1.1 "Checks on Guest Control Registers, Debug Registers, and MSRs"): PE = 1, PG = 0 here,
	 * the other fixed bits (NE) set; the read shadow shows MB_CR0_AT_ENTRY. */
	vmwrite(GUEST_CR0, (MB_CR0_AT_ENTRY | (c->cr0_fixed0 & ~(CR0_PE | CR0_PG))) & c->cr0_fixed1);
	vmwrite(GUEST_CR3, 0);                   /* paging off: not used */
	vmwrite(GUEST_CR4, (MB_CR4_AT_ENTRY | c->cr4_fixed0) & c->cr4_fixed1);
	vmwrite(GUEST_DR7, DR7_RESET);
	vmwrite(GUEST_IA32_DEBUGCTL, 0);
	vmwrite(GUEST_IA32_EFER, MB_EFER_AT_ENTRY);
	vmwrite(GUEST_IA32_PAT, PAT_POWER_ON);
	vmwrite(GUEST_RSP, 0);                   /* undefined by Multiboot: the kernel sets its own */
	vmwrite(GUEST_RIP, vm->entry_gpa);
	vmwrite(GUEST_RFLAGS, RFLAGS_RESERVED1); /* IF = 0, VM = 0 */
	write_segments();
	vmwrite(GUEST_GDTR_BASE, MB_GDT_GPA);
	vmwrite(GUEST_GDTR_LIMIT, MB_GDT_LIMIT);
	entry_state_write_quiet();
	/* Used by VM entry only with EPT in PAE paging (SDM Vol. 3C §27.3.2.4 "Loading Page-Directory-
	 * Pointer-Table Entries"); the guest starts without paging, and cr_mode.c loads them. */
	vmwrite(GUEST_PDPTR0, 0);
	vmwrite(GUEST_PDPTR1, 0);
	vmwrite(GUEST_PDPTR2, 0);
	vmwrite(GUEST_PDPTR3, 0);
}
