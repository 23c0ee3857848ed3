/* VM-entry checks on the VMX controls: SDM Vol. 3C §27.2.1.1 "VM-Execution Control Fields",
 * §27.2.1.2 "VM-Exit Control Fields", §27.2.1.3 "VM-Entry Control Fields". A failure is
 * VM-instruction error 7. A field that exists only with a control is read only if the control is
 * set and the CPU allows it (else VMREAD would fail; the allowed-1 check reports the control). */
#include "vmm/vmx/entry_check.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/cr.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/msr.h"
#include "arch/x86_64/pte.h"
#include "arch/x86_64/segment.h"
#include "ept/ept_bits.h"
#include "vmm/decode/interruption_info.h"
#include "vmm/vmx/controls.h"
#include "vmm/vmx/entry_check_ctx.h"
#include "vmm/vmx/vmcs_fields.h"
#include "vmm/vmx/vmx_bits.h"

/* A control field against its capability MSR (SDM Vol. 3D Appendix A.3-A.5). */
static void check_allowed(struct ec_ctx *c, enum ec_id must1, enum ec_id may1, uint32_t field, uint64_t cap,
			  uint32_t value)
{
	uint32_t missing = ec_missing_must1(cap, value), extra = ec_forbidden1(cap, value);

	ec_check(c, must1, !missing, field, value, missing);
	ec_check(c, may1, !extra, field, value, extra);
}

/* A 4-KByte aligned physical address within MAXPHYADDR. */
static uint64_t check_page_address(struct ec_ctx *c, enum ec_id align, enum ec_id width, uint32_t field)
{
	uint64_t a = ec_read(c, field);

	ec_check(c, align, !(a & EC_PAGE_OFFSET_MASK), field, a, a & EC_PAGE_OFFSET_MASK);
	ec_check(c, width, !ec_beyond_width(c, a), field, a, ec_beyond_width(c, a));
	return a;
}

/* Is the control set and one the CPU has (so its fields exist)? */
static bool on(uint32_t value, uint64_t cap, uint32_t mask)
{
	return (value & mask) && vmx_ctl_allowed1(cap, mask);
}

static void check_control_fields(struct ec_ctx *c)
{
	const struct vmx_caps *caps = c->caps;
	uint64_t limit = (caps->misc >> VMX_MISC_CR3_TARGET_COUNT_SHIFT) & VMX_MISC_CR3_TARGET_COUNT_MASK;
	uint64_t count = (uint32_t)ec_read(c, CR3_TARGET_COUNT);

	check_allowed(c, EC_CTL_PIN_ALLOWED0, EC_CTL_PIN_ALLOWED1, PIN_BASED_VM_EXEC_CONTROL, caps->pinbased, c->pin);
	check_allowed(c, EC_CTL_PROC_ALLOWED0, EC_CTL_PROC_ALLOWED1, CPU_BASED_VM_EXEC_CONTROL, caps->procbased,
		      c->proc);
	if (c->proc & PROC_ACTIVATE_SECONDARY_CONTROLS)
		check_allowed(c, EC_CTL_PROC2_ALLOWED0, EC_CTL_PROC2_ALLOWED1, SECONDARY_VM_EXEC_CONTROL,
			      caps->procbased2, c->proc2);
	if ((c->proc & PROC_ACTIVATE_TERTIARY_CONTROLS) && c->proc3 && !c->facts->procbased3)
		ec_skip(c, EC_CTL_PROC3_ALLOWED1);   /* IA32_VMX_PROCBASED_CTLS3 unknown */
	else if (c->proc & PROC_ACTIVATE_TERTIARY_CONTROLS)
		ec_check(c, EC_CTL_PROC3_ALLOWED1, !(c->proc3 & ~c->facts->procbased3), TERTIARY_VM_EXEC_CONTROL,
			 c->proc3, c->proc3 & ~c->facts->procbased3);
	ec_check(c, EC_CTL_CR3_TARGET_COUNT, count <= limit, CR3_TARGET_COUNT, count, limit);
}

static void check_bitmaps(struct ec_ctx *c)
{
	const struct vmx_caps *caps = c->caps;

	if (on(c->proc, caps->procbased, PROC_USE_IO_BITMAPS)) {
		check_page_address(c, EC_CTL_IO_BITMAP_ALIGN, EC_CTL_IO_BITMAP_WIDTH, IO_BITMAP_A);
		check_page_address(c, EC_CTL_IO_BITMAP_ALIGN, EC_CTL_IO_BITMAP_WIDTH, IO_BITMAP_B);
	}
	if (on(c->proc, caps->procbased, PROC_USE_MSR_BITMAPS))
		check_page_address(c, EC_CTL_MSR_BITMAP_ALIGN, EC_CTL_MSR_BITMAP_WIDTH, MSR_BITMAP);
}

/* TPR threshold against VTPR: needs the virtual-APIC page (SDM Vol. 3C §30.1.1 "Virtualized APIC
 * Registers"). */
static void check_vtpr(struct ec_ctx *c, uint64_t vapic, uint32_t threshold)
{
	uint32_t vtpr = 0;

	if (!ec_has_memory(c) || (vapic & EC_PAGE_OFFSET_MASK) || ec_beyond_width(c, vapic)) {
		ec_skip(c, EC_CTL_TPR_THRESHOLD_VTPR);
		return;
	}
	if (!ec_read_phys(c, vapic + VAPIC_VTPR_OFFSET, &vtpr, sizeof(vtpr))) {
		ec_skip(c, EC_CTL_TPR_THRESHOLD_VTPR);
		return;
	}
	vtpr = (vtpr & 0xffu) >> VTPR_CLASS_SHIFT;
	ec_check(c, EC_CTL_TPR_THRESHOLD_VTPR, (threshold & ~TPR_THRESHOLD_RESERVED) <= vtpr, TPR_THRESHOLD, threshold,
		 vtpr);
}

static void check_tpr_shadow(struct ec_ctx *c)
{
	const uint32_t apicv = PROC2_VIRTUALIZE_X2APIC_MODE | PROC2_APIC_REGISTER_VIRTUALIZATION |
			       PROC2_VIRTUAL_INTERRUPT_DELIVERY;
	uint64_t vapic;
	uint32_t threshold;

	if (!(c->proc & PROC_USE_TPR_SHADOW)) {
		ec_check(c, EC_CTL_APICV_TPR_SHADOW, !(c->proc2 & apicv), SECONDARY_VM_EXEC_CONTROL, c->proc2,
			 c->proc2 & apicv);
		return;
	}
	if (!vmx_ctl_allowed1(c->caps->procbased, PROC_USE_TPR_SHADOW))
		return;
	vapic = check_page_address(c, EC_CTL_VAPIC_ALIGN, EC_CTL_VAPIC_WIDTH, VIRTUAL_APIC_PAGE_ADDR);
	if (c->proc2 & PROC2_VIRTUAL_INTERRUPT_DELIVERY)
		return;
	threshold = (uint32_t)ec_read(c, TPR_THRESHOLD);
	ec_check(c, EC_CTL_TPR_THRESHOLD_RESERVED, !(threshold & TPR_THRESHOLD_RESERVED), TPR_THRESHOLD, threshold,
		 threshold & TPR_THRESHOLD_RESERVED);
	if (!(c->proc2 & PROC2_VIRTUALIZE_APIC_ACCESSES))
		check_vtpr(c, vapic, threshold);
}

static void check_apic_virtualization(struct ec_ctx *c)
{
	const struct vmx_caps *caps = c->caps;

	check_tpr_shadow(c);
	if (on(c->proc2, caps->procbased2, PROC2_VIRTUALIZE_APIC_ACCESSES))
		check_page_address(c, EC_CTL_APIC_ACCESS_ALIGN, EC_CTL_APIC_ACCESS_WIDTH, APIC_ACCESS_ADDR);
	if (c->proc2 & PROC2_VIRTUALIZE_X2APIC_MODE)
		ec_check(c, EC_CTL_APICV_X2APIC, !(c->proc2 & PROC2_VIRTUALIZE_APIC_ACCESSES), SECONDARY_VM_EXEC_CONTROL,
			 c->proc2, 0);
	if (c->proc2 & PROC2_VIRTUAL_INTERRUPT_DELIVERY)
		ec_check(c, EC_CTL_APICV_VID_EXITING, c->pin & PIN_EXTERNAL_INTERRUPT_EXITING, PIN_BASED_VM_EXEC_CONTROL,
			 c->pin, 0);
}

static void check_posted_interrupts(struct ec_ctx *c)
{
	uint64_t nv, desc;

	if (!(c->pin & PIN_PROCESS_POSTED_INTERRUPTS))
		return;
	ec_check(c, EC_CTL_POSTED_VID, c->proc2 & PROC2_VIRTUAL_INTERRUPT_DELIVERY, SECONDARY_VM_EXEC_CONTROL, c->proc2,
		 0);
	ec_check(c, EC_CTL_POSTED_ACK, c->exit & EXIT_ACK_INTERRUPT_ON_EXIT, VM_EXIT_CONTROLS, c->exit, 0);
	if (!vmx_ctl_allowed1(c->caps->pinbased, PIN_PROCESS_POSTED_INTERRUPTS))
		return;
	nv = (uint16_t)ec_read(c, POSTED_INTR_NV);
	ec_check(c, EC_CTL_POSTED_VECTOR, !(nv & POSTED_INTR_NV_RESERVED), POSTED_INTR_NV, nv, 0);
	desc = ec_read(c, POSTED_INTR_DESC_ADDR);
	ec_check(c, EC_CTL_POSTED_DESC_ALIGN, !(desc & POSTED_INTR_DESC_ALIGN), POSTED_INTR_DESC_ADDR, desc, 0);
	ec_check(c, EC_CTL_POSTED_DESC_WIDTH, !ec_beyond_width(c, desc), POSTED_INTR_DESC_ADDR, desc,
		 ec_beyond_width(c, desc));
}

static void check_nmi_controls(struct ec_ctx *c)
{
	if (!(c->pin & PIN_NMI_EXITING))
		ec_check(c, EC_CTL_NMI_VIRTUAL, !(c->pin & PIN_VIRTUAL_NMIS), PIN_BASED_VM_EXEC_CONTROL, c->pin, 0);
	if (!(c->pin & PIN_VIRTUAL_NMIS))
		ec_check(c, EC_CTL_NMI_WINDOW, !(c->proc & PROC_NMI_WINDOW_EXITING), CPU_BASED_VM_EXEC_CONTROL, c->proc,
			 0);
}

/* The EPT pointer (SDM Vol. 3C §25.6.11 "Extended-Page-Table Pointer (EPTP)"). */
static void check_eptp(struct ec_ctx *c)
{
	uint64_t cap = c->caps->ept_vpid_cap, eptp = ec_read(c, EPT_POINTER);
	uint64_t type = eptp & EPTP_MEMTYPE_MASK, walk = eptp & EPTP_WALK_LENGTH_MASK;
	bool type_ok = (type == EPTP_MEMTYPE_UC && (cap & VMX_EPT_CAP_MEMTYPE_UC)) ||
		       (type == EPTP_MEMTYPE_WB && (cap & VMX_EPT_CAP_MEMTYPE_WB));
	bool walk_ok = (walk == EPTP_WALK_LENGTH_4 && (cap & VMX_EPT_CAP_PAGE_WALK_LENGTH_4)) ||
		       (walk == EPTP_WALK_LENGTH_5 && (cap & VMX_EPT_CAP_PAGE_WALK_LENGTH_5));

	ec_check(c, EC_CTL_EPTP_MEMTYPE, type_ok, EPT_POINTER, eptp, type);
	ec_check(c, EC_CTL_EPTP_WALK, walk_ok, EPT_POINTER, eptp, walk >> EPTP_WALK_LENGTH_SHIFT);
	ec_check(c, EC_CTL_EPTP_AD, !(eptp & EPTP_AD_ENABLE) || (cap & VMX_EPT_CAP_EPT_AD), EPT_POINTER, eptp, 0);
	ec_check(c, EC_CTL_EPTP_SSS, !(eptp & EPTP_SSS_ENABLE) || (cap & VMX_EPT_CAP_SUPERVISOR_SHADOW_STACK),
		 EPT_POINTER, eptp, 0);
	ec_check(c, EC_CTL_EPTP_RESERVED, !(eptp & EPTP_RESERVED_MASK), EPT_POINTER, eptp, 0);
	ec_check(c, EC_CTL_EPTP_WIDTH, !ec_beyond_width(c, eptp), EPT_POINTER, eptp, ec_beyond_width(c, eptp));
}

/* Controls that need "enable EPT", and EPT's own fields. */
static void check_ept_users(struct ec_ctx *c)
{
	const uint64_t cap2 = c->caps->procbased2;
	const bool ept = c->proc2 & PROC2_ENABLE_EPT;

	if (on(c->proc2, cap2, PROC2_ENABLE_EPT))
		check_eptp(c);
	if (c->proc2 & PROC2_ENABLE_PML)
		ec_check(c, EC_CTL_PML_EPT, ept, SECONDARY_VM_EXEC_CONTROL, c->proc2, 0);
	if (on(c->proc2, cap2, PROC2_ENABLE_PML))
		check_page_address(c, EC_CTL_PML_ALIGN, EC_CTL_PML_WIDTH, PML_ADDRESS);
	if (c->proc2 & PROC2_UNRESTRICTED_GUEST)
		ec_check(c, EC_CTL_UNRESTRICTED_EPT, ept, SECONDARY_VM_EXEC_CONTROL, c->proc2, 0);
	if (c->proc2 & PROC2_MODE_BASED_EPT_EXEC)
		ec_check(c, EC_CTL_MBEC_EPT, ept, SECONDARY_VM_EXEC_CONTROL, c->proc2, 0);
	if (c->proc2 & PROC2_SUB_PAGE_WRITE_PERMISSIONS_FOR_EPT)
		ec_check(c, EC_CTL_SPP_EPT, ept, SECONDARY_VM_EXEC_CONTROL, c->proc2, 0);
	if (on(c->proc2, cap2, PROC2_SUB_PAGE_WRITE_PERMISSIONS_FOR_EPT))
		check_page_address(c, EC_CTL_SPP_ALIGN, EC_CTL_SPP_WIDTH, SPP_TABLE_POINTER);
	if (c->proc2 & PROC2_PT_USES_GUEST_PHYSICAL_ADDRESSES) {
		ec_check(c, EC_CTL_PT_GPA_EPT, ept, SECONDARY_VM_EXEC_CONTROL, c->proc2, 0);
		ec_check(c, EC_CTL_PT_GPA_ENTRY, c->entry & ENTRY_LOAD_IA32_RTIT_CTL, VM_ENTRY_CONTROLS, c->entry, 0);
		ec_check(c, EC_CTL_PT_GPA_EXIT, c->exit & EXIT_CLEAR_IA32_RTIT_CTL, VM_EXIT_CONTROLS, c->exit, 0);
	}
}

static void check_vm_functions(struct ec_ctx *c)
{
	uint64_t vmfunc;

	if (!on(c->proc2, c->caps->procbased2, PROC2_ENABLE_VM_FUNCTIONS))
		return;
	vmfunc = ec_read(c, VM_FUNCTION_CONTROL);
	if (!c->facts->vmfunc)
		ec_skip(c, EC_CTL_VMFUNC_ALLOWED1);
	else
		ec_check(c, EC_CTL_VMFUNC_ALLOWED1, !(vmfunc & ~c->facts->vmfunc), VM_FUNCTION_CONTROL, vmfunc,
			 vmfunc & ~c->facts->vmfunc);
	if (!(vmfunc & VMX_VMFUNC_EPTP_SWITCHING))
		return;
	ec_check(c, EC_CTL_VMFUNC_EPT, c->proc2 & PROC2_ENABLE_EPT, SECONDARY_VM_EXEC_CONTROL, c->proc2, 0);
	check_page_address(c, EC_CTL_EPTP_LIST_ALIGN, EC_CTL_EPTP_LIST_WIDTH, EPTP_LIST_ADDRESS);
}

void ec_check_exec_controls(struct ec_ctx *c)
{
	const uint64_t cap2 = c->caps->procbased2;

	check_control_fields(c);
	check_bitmaps(c);
	check_apic_virtualization(c);
	check_nmi_controls(c);
	check_posted_interrupts(c);
	if (on(c->proc2, cap2, PROC2_ENABLE_VPID)) {
		uint64_t vpid = (uint16_t)ec_read(c, VIRTUAL_PROCESSOR_ID);

		ec_check(c, EC_CTL_VPID_ZERO, vpid != 0, VIRTUAL_PROCESSOR_ID, vpid, 0);
	}
	check_ept_users(c);
	check_vm_functions(c);
	if (on(c->proc2, cap2, PROC2_VMCS_SHADOWING)) {
		check_page_address(c, EC_CTL_SHADOW_BITMAP_ALIGN, EC_CTL_SHADOW_BITMAP_WIDTH, VMREAD_BITMAP);
		check_page_address(c, EC_CTL_SHADOW_BITMAP_ALIGN, EC_CTL_SHADOW_BITMAP_WIDTH, VMWRITE_BITMAP);
	}
	if (on(c->proc2, cap2, PROC2_EPT_VIOLATION_VE))
		check_page_address(c, EC_CTL_VE_INFO_ALIGN, EC_CTL_VE_INFO_WIDTH, VE_INFORMATION_ADDRESS);
}

/* ------------------------------------------------------------------ VM-exit and VM-entry controls */

/* An MSR area of count 16-byte entries: aligned, and first and last byte within MAXPHYADDR. */
static void check_msr_area(struct ec_ctx *c, uint32_t count_field, uint32_t addr_field, enum ec_id align,
			   enum ec_id width, enum ec_id end)
{
	uint64_t count = (uint32_t)ec_read(c, count_field), a, last;

	if (!count)
		return;
	a = ec_read(c, addr_field);
	last = a + count * VMX_MSR_ENTRY_SIZE - 1;
	ec_check(c, align, !(a & VMX_MSR_AREA_ALIGN), addr_field, a, 0);
	ec_check(c, width, !ec_beyond_width(c, a), addr_field, a, ec_beyond_width(c, a));
	ec_check(c, end, !ec_beyond_width(c, last) && last >= a, addr_field, a, last);
}

static bool has_error_code(uint8_t vector)
{
	return vector == VEC_DF || vector == VEC_TS || vector == VEC_NP || vector == VEC_SS || vector == VEC_GP ||
	       vector == VEC_PF || vector == VEC_AC;
}

/* The deliver-error-code bit: must be 1 for a hardware exception that pushes an error code in
 * protected mode, 0 for every event that cannot; IA32_VMX_BASIC[56] lifts the first rule. */
static void check_deliver_error_code(struct ec_ctx *c, const struct intr_info *e)
{
	bool pmode = !c->urg || (c->guest_cr0 & CR0_PE);
	bool may = e->type == INTR_TYPE_HW_EXCEPTION && pmode;
	bool must = may && has_error_code(e->vector) && !(c->caps->basic & VMX_BASIC_NO_ERROR_CODE_REQUIREMENT);
	bool ok = e->has_error_code ? (may && (has_error_code(e->vector) ||
					       (c->caps->basic & VMX_BASIC_NO_ERROR_CODE_REQUIREMENT)))
				    : !must;

	ec_check(c, EC_CTL_EVENT_DELIVER_ERROR_CODE, ok, VM_ENTRY_INTR_INFO_FIELD, c->intr_info, !e->has_error_code);
}

static void check_event_injection(struct ec_ctx *c)
{
	struct intr_info e;
	bool type_ok, vector_ok;

	intr_info_decode(c->intr_info, &e);
	if (!e.valid)
		return;
	type_ok = e.type != ENTRY_INTR_TYPE_RESERVED &&
		  (e.type != INTR_TYPE_OTHER || vmx_ctl_allowed1(c->caps->procbased, PROC_MONITOR_TRAP_FLAG));
	vector_ok = !(e.type == INTR_TYPE_NMI && e.vector != VEC_NMI) &&
		    !(e.type == INTR_TYPE_HW_EXCEPTION && e.vector > VEC_LAST_EXCEPTION) &&
		    !(e.type == INTR_TYPE_OTHER && e.vector != 0);
	ec_check(c, EC_CTL_EVENT_TYPE, type_ok, VM_ENTRY_INTR_INFO_FIELD, c->intr_info, e.type);
	ec_check(c, EC_CTL_EVENT_VECTOR, vector_ok, VM_ENTRY_INTR_INFO_FIELD, c->intr_info, e.vector);
	check_deliver_error_code(c, &e);
	ec_check(c, EC_CTL_EVENT_RESERVED, !(c->intr_info & ENTRY_INTR_INFO_RESERVED), VM_ENTRY_INTR_INFO_FIELD,
		 c->intr_info, c->intr_info & ENTRY_INTR_INFO_RESERVED);
	if (e.has_error_code) {
		uint64_t code = (uint32_t)ec_read(c, VM_ENTRY_EXCEPTION_ERROR_CODE);

		ec_check(c, EC_CTL_EVENT_ERROR_CODE, !(code & ENTRY_ERROR_CODE_RESERVED), VM_ENTRY_EXCEPTION_ERROR_CODE,
			 code, 0);
	}
	if (e.type == INTR_TYPE_SW_INTERRUPT || e.type == INTR_TYPE_PRIV_SW_EXCEPTION ||
	    e.type == INTR_TYPE_SW_EXCEPTION) {
		uint64_t len = (uint32_t)ec_read(c, VM_ENTRY_INSTRUCTION_LEN);
		bool zero_ok = c->caps->misc & VMX_MISC_ZERO_LENGTH_INJECTION;

		ec_check(c, EC_CTL_EVENT_INSTRUCTION_LEN, len <= ENTRY_INSTRUCTION_LEN_MAX && (len || zero_ok),
			 VM_ENTRY_INSTRUCTION_LEN, len, 0);
	}
}

void ec_check_exit_entry_controls(struct ec_ctx *c)
{
	const uint32_t smm = ENTRY_ENTRY_TO_SMM | ENTRY_DEACTIVATE_DUAL_MONITOR_TREATMENT;

	check_allowed(c, EC_CTL_EXIT_ALLOWED0, EC_CTL_EXIT_ALLOWED1, VM_EXIT_CONTROLS, c->caps->exit, c->exit);
	if (!(c->pin & PIN_PREEMPTION_TIMER))
		ec_check(c, EC_CTL_EXIT_TIMER_SAVE, !(c->exit & EXIT_SAVE_PREEMPTION_TIMER), VM_EXIT_CONTROLS, c->exit,
			 0);
	check_msr_area(c, VM_EXIT_MSR_STORE_COUNT, VM_EXIT_MSR_STORE_ADDR, EC_CTL_EXIT_MSR_STORE_ALIGN,
		       EC_CTL_EXIT_MSR_STORE_WIDTH, EC_CTL_EXIT_MSR_STORE_END);
	check_msr_area(c, VM_EXIT_MSR_LOAD_COUNT, VM_EXIT_MSR_LOAD_ADDR, EC_CTL_EXIT_MSR_LOAD_ALIGN,
		       EC_CTL_EXIT_MSR_LOAD_WIDTH, EC_CTL_EXIT_MSR_LOAD_END);
	check_allowed(c, EC_CTL_ENTRY_ALLOWED0, EC_CTL_ENTRY_ALLOWED1, VM_ENTRY_CONTROLS, c->caps->entry, c->entry);
	check_event_injection(c);
	check_msr_area(c, VM_ENTRY_MSR_LOAD_COUNT, VM_ENTRY_MSR_LOAD_ADDR, EC_CTL_ENTRY_MSR_LOAD_ALIGN,
		       EC_CTL_ENTRY_MSR_LOAD_WIDTH, EC_CTL_ENTRY_MSR_LOAD_END);
	if (!c->facts->in_smm)
		ec_check(c, EC_CTL_ENTRY_SMM, !(c->entry & smm), VM_ENTRY_CONTROLS, c->entry, c->entry & smm);
	ec_check(c, EC_CTL_ENTRY_SMM_BOTH, (c->entry & smm) != smm, VM_ENTRY_CONTROLS, c->entry, 0);
}
