// SPDX-License-Identifier: MIT
/*
 * tests/host/test_entry_check_mutations.c - every VM-entry check fails on its own: the VMCS minihv
 * writes on an Arrow Lake CPU (tests/host/entry_check_cpus.c; the real vmm/vm/vmcs_setup.c, run by
 * tests/host/entry_check_machine.c), put first into a legal variant where the check applies (prep:
 * the variant must pass every check), then changed so that exactly that rule fails. The test asserts the set of failed check ids equals the expected set: one id, or, where
 * the SDM's rules cannot fail alone, the few that must fail together. Every check id of the table
 * (entry_check_defs) is expected by at least one mutation, and every check that can fail alone does
 * so in one.
 *
 * Some variants change the CPU too (a capability the Arrow Lake dump lacks, like MPX's "load
 * IA32_BNDCFGS" or sub-page write permissions, or a fact the dump has not, like IA32_VMX_VMFUNC):
 * those preps say so.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "arch/lib/array.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/pte.h"
#include "arch/x86_64/cr.h"
#include "arch/x86_64/msr.h"
#include "arch/x86_64/segment.h"
#include "tests/host/entry_check_cpus.h"
#include "tests/host/entry_check_machine.h"
#include "vmm/decode/interruption_info.h"
#include "vmm/vm/layout.h"
#include "vmm/vmx/controls.h"
#include "vmm/vmx/entry_check.h"
#include "vmm/vmx/vmcs_fields.h"
#include "vmm/vmx/vmx_bits.h"

static struct ec_machine m;

#define SPARE ECM_SPARE_PAGE
#define BASE_MAXPHYADDR 46   /* the Arrow Lake dump: CPUID.80000008H:EAX = 0x302e */
#define WIDTH_BIT (1ull << BASE_MAXPHYADDR)
#define NONCANONICAL 0x0000800000000000ull
#define CTL1(bit) ((uint64_t)(bit) << 32)   /* an allowed-1 bit of a capability MSR */
/* A 32-bit host's exit entry point, below 4 GiB (vmcs_setup's HOST_RIP is vmx_exit_entry, in the
 * test a function of this 64-bit process). */
#define HOST_RIP_32 (ECM_IMAGE + 0x1234)

/* ------------------------------------------------------------------ legal variants (preps) */

static void tpr_shadow(struct ec_machine *x)
{
	ecm_or(x, CPU_BASED_VM_EXEC_CONTROL, PROC_USE_TPR_SHADOW);
	ecm_set(x, VIRTUAL_APIC_PAGE_ADDR, SPARE);
	ecm_set(x, TPR_THRESHOLD, 0);
}

static void apic_access(struct ec_machine *x)
{
	ecm_or(x, SECONDARY_VM_EXEC_CONTROL, PROC2_VIRTUALIZE_APIC_ACCESSES);
	ecm_set(x, APIC_ACCESS_ADDR, SPARE);
}

static void x2apic(struct ec_machine *x)
{
	tpr_shadow(x);
	ecm_or(x, SECONDARY_VM_EXEC_CONTROL, PROC2_VIRTUALIZE_X2APIC_MODE);
}

static void vid(struct ec_machine *x)
{
	tpr_shadow(x);
	ecm_or(x, SECONDARY_VM_EXEC_CONTROL, PROC2_VIRTUAL_INTERRUPT_DELIVERY);
}

static void posted(struct ec_machine *x)
{
	vid(x);
	ecm_or(x, PIN_BASED_VM_EXEC_CONTROL, PIN_PROCESS_POSTED_INTERRUPTS);
	ecm_set(x, POSTED_INTR_NV, 0xf2);
	ecm_set(x, POSTED_INTR_DESC_ADDR, SPARE + 0x40);
}

static void no_virtual_nmis(struct ec_machine *x) { ecm_clear(x, PIN_BASED_VM_EXEC_CONTROL, PIN_VIRTUAL_NMIS); }

static void pml(struct ec_machine *x)
{
	ecm_or(x, SECONDARY_VM_EXEC_CONTROL, PROC2_ENABLE_PML);
	ecm_set(x, PML_ADDRESS, SPARE);
}

/* The CPU gets sub-page write permissions (the Arrow Lake dump has not). */
static void spp(struct ec_machine *x)
{
	x->caps.procbased2 |= CTL1(PROC2_SUB_PAGE_WRITE_PERMISSIONS_FOR_EPT);
	ecm_or(x, SECONDARY_VM_EXEC_CONTROL, PROC2_SUB_PAGE_WRITE_PERMISSIONS_FOR_EPT);
	ecm_set(x, SPP_TABLE_POINTER, SPARE);
}

static void pt_gpa(struct ec_machine *x)
{
	ecm_or(x, SECONDARY_VM_EXEC_CONTROL, PROC2_PT_USES_GUEST_PHYSICAL_ADDRESSES);
	ecm_or(x, VM_ENTRY_CONTROLS, ENTRY_LOAD_IA32_RTIT_CTL);
	ecm_or(x, VM_EXIT_CONTROLS, EXIT_CLEAR_IA32_RTIT_CTL);
	ecm_set(x, GUEST_IA32_RTIT_CTL, 0);
	x->facts.rtit_ctl_valid = 0x1;
}

/* VM functions, with IA32_VMX_VMFUNC = 1 (EPTP switching; the Arrow Lake dump does not list the MSR). */
static void vmfunc(struct ec_machine *x)
{
	x->facts.vmfunc = VMX_VMFUNC_EPTP_SWITCHING;
	ecm_or(x, SECONDARY_VM_EXEC_CONTROL, PROC2_ENABLE_VM_FUNCTIONS);
	ecm_set(x, VM_FUNCTION_CONTROL, 0);
}

static void eptp_switching(struct ec_machine *x)
{
	vmfunc(x);
	ecm_set(x, VM_FUNCTION_CONTROL, VMX_VMFUNC_EPTP_SWITCHING);
	ecm_set(x, EPTP_LIST_ADDRESS, SPARE);
}

/* Tertiary controls, with IA32_VMX_PROCBASED_CTLS3 = 1 (LOADIWKEY exiting; not in the dump). */
static void tertiary(struct ec_machine *x)
{
	x->facts.procbased3 = 0x1;
	ecm_or(x, CPU_BASED_VM_EXEC_CONTROL, PROC_ACTIVATE_TERTIARY_CONTROLS);
	ecm_set(x, TERTIARY_VM_EXEC_CONTROL, 0x1);
}

/* DESCRIPTOR_TABLE_EXITING made a must-be-1 secondary control (no real CPU has one). */
static void proc2_must1(struct ec_machine *x)
{
	x->caps.procbased2 |= PROC2_DESCRIPTOR_TABLE_EXITING;
	ecm_or(x, SECONDARY_VM_EXEC_CONTROL, PROC2_DESCRIPTOR_TABLE_EXITING);
}

static void shadowing(struct ec_machine *x)
{
	ecm_or(x, SECONDARY_VM_EXEC_CONTROL, PROC2_VMCS_SHADOWING);
	ecm_set(x, VMREAD_BITMAP, SPARE);
	ecm_set(x, VMWRITE_BITMAP, SPARE + 0x1000);
}

static void ve(struct ec_machine *x)
{
	ecm_or(x, SECONDARY_VM_EXEC_CONTROL, PROC2_EPT_VIOLATION_VE);
	ecm_set(x, VE_INFORMATION_ADDRESS, SPARE);
}

static void exit_msr_store(struct ec_machine *x)
{
	ecm_set(x, VM_EXIT_MSR_STORE_COUNT, 2);
	ecm_set(x, VM_EXIT_MSR_STORE_ADDR, SPARE);
}

static void exit_msr_load(struct ec_machine *x)
{
	ecm_set(x, VM_EXIT_MSR_LOAD_COUNT, 2);
	ecm_set(x, VM_EXIT_MSR_LOAD_ADDR, SPARE);
}

/* Two MSR-load entries: IA32_PAT and IA32_SYSENTER_CS. */
static void entry_msr_load(struct ec_machine *x)
{
	const uint64_t entries[4] = { IA32_PAT, 0x0007040600070406ull, IA32_SYSENTER_CS, 0 };

	ecm_set(x, VM_ENTRY_MSR_LOAD_COUNT, 2);
	ecm_set(x, VM_ENTRY_MSR_LOAD_ADDR, SPARE);
	ecm_poke(x, SPARE, entries, sizeof(entries));
}

static void in_smm(struct ec_machine *x) { x->facts.in_smm = true; }

static void host_perf(struct ec_machine *x)
{
	ecm_or(x, VM_EXIT_CONTROLS, EXIT_LOAD_IA32_PERF_GLOBAL_CTRL);
	ecm_set(x, HOST_IA32_PERF_GLOBAL_CTRL, 0x3);
	x->facts.perf_global_ctrl_valid = 0x70000000full;   /* 4 counters, 3 fixed: as CPUID.0AH would say */
}

static void host_pat(struct ec_machine *x)
{
	ecm_or(x, VM_EXIT_CONTROLS, EXIT_LOAD_IA32_PAT);
	ecm_set(x, HOST_IA32_PAT, 0x0007040600070406ull);
}

static void host_pkrs(struct ec_machine *x)
{
	ecm_or(x, VM_EXIT_CONTROLS, EXIT_LOAD_IA32_PKRS);
	ecm_set(x, HOST_IA32_PKRS, 0x55);
}

static void host_cet(struct ec_machine *x)
{
	ecm_or(x, VM_EXIT_CONTROLS, EXIT_LOAD_CET_STATE);
	ecm_set(x, HOST_S_CET, 0);
	ecm_set(x, HOST_SSP, 0x7e5ff000);
	ecm_set(x, HOST_INTR_SSP_TABLE, 0x7e5fe000);
}

/* A 32-bit guest (PAE paging, EPT) on the 64-bit host: the PDPTE fields are checked. */
static void guest32(struct ec_machine *x)
{
	ecm_clear(x, VM_ENTRY_CONTROLS, ENTRY_IA32E_MODE_GUEST);
	ecm_set(x, GUEST_IA32_EFER, 0);
	ecm_set(x, GUEST_CS_AR_BYTES, SEG_TYPE_CODE_XR | SEG_TYPE_ACCESSED | SEG_AR_S | SEG_AR_P | SEG_AR_DB | SEG_AR_G);
	ecm_set(x, GUEST_PDPTR0, ECM_GUEST_BASE + 0x1000 + PTE_P);
	ecm_set(x, GUEST_PDPTR1, 0);
	ecm_set(x, GUEST_PDPTR2, 0);
	ecm_set(x, GUEST_PDPTR3, 0);
}

/* The same guest without EPT: the PDPTEs come from memory at CR3 (zero: not present). */
static void guest32_no_ept(struct ec_machine *x)
{
	guest32(x);
	ecm_clear(x, SECONDARY_VM_EXEC_CONTROL, PROC2_ENABLE_EPT);
}

/* VM entry from outside IA-32e mode: a 32-bit host and a 32-bit guest. */
static void legacy32(struct ec_machine *x)
{
	guest32(x);
	x->facts.outside_ia32e = true;
	ecm_clear(x, VM_EXIT_CONTROLS, EXIT_HOST_ADDRESS_SPACE_SIZE);
	ecm_set(x, HOST_IA32_EFER, EFER_NXE);
	ecm_set(x, HOST_RIP, HOST_RIP_32);
}

static void legacy32_cet(struct ec_machine *x)
{
	legacy32(x);
	host_cet(x);
}

static void load_debug(struct ec_machine *x) { ecm_or(x, VM_ENTRY_CONTROLS, ENTRY_LOAD_DEBUG_CONTROLS); }

static void guest_perf(struct ec_machine *x)
{
	ecm_or(x, VM_ENTRY_CONTROLS, ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL);
	ecm_set(x, GUEST_IA32_PERF_GLOBAL_CTRL, 0);
	x->facts.perf_global_ctrl_valid = 0x70000000full;
}

static void guest_pat(struct ec_machine *x)
{
	ecm_or(x, VM_ENTRY_CONTROLS, ENTRY_LOAD_IA32_PAT);
	ecm_set(x, GUEST_IA32_PAT, 0x0007040600070406ull);
}

/* The CPU gets "load IA32_BNDCFGS" (MPX; the Arrow Lake dump has not). */
static void bndcfgs(struct ec_machine *x)
{
	x->caps.entry |= CTL1(ENTRY_LOAD_IA32_BNDCFGS);
	ecm_or(x, VM_ENTRY_CONTROLS, ENTRY_LOAD_IA32_BNDCFGS);
	ecm_set(x, GUEST_BNDCFGS, 0x7fff0001ull);
}

static void rtit(struct ec_machine *x)
{
	ecm_or(x, VM_ENTRY_CONTROLS, ENTRY_LOAD_IA32_RTIT_CTL);
	ecm_set(x, GUEST_IA32_RTIT_CTL, 0);
	x->facts.rtit_ctl_valid = 0x1;
}

static void guest_cet(struct ec_machine *x)
{
	ecm_or(x, VM_ENTRY_CONTROLS, ENTRY_LOAD_CET_STATE);
	ecm_set(x, GUEST_S_CET, 0);
	ecm_set(x, GUEST_SSP, ECM_GUEST_BASE + 0x3000);
	ecm_set(x, GUEST_INTR_SSP_TABLE, 0);
}

static void guest32_cet(struct ec_machine *x)
{
	guest32(x);
	guest_cet(x);
}

static void guest_pkrs(struct ec_machine *x)
{
	ecm_or(x, VM_ENTRY_CONTROLS, ENTRY_LOAD_IA32_PKRS);
	ecm_set(x, GUEST_IA32_PKRS, 0);
}

static void lbr(struct ec_machine *x)
{
	ecm_or(x, VM_ENTRY_CONTROLS, ENTRY_LOAD_IA32_LBR_CTL);
	ecm_set(x, GUEST_IA32_LBR_CTL, 0);
	x->facts.lbr_ctl_valid = 0x3f000full;
}

static void uinv(struct ec_machine *x)
{
	ecm_or(x, VM_ENTRY_CONTROLS, ENTRY_LOAD_UINV);
	ecm_set(x, GUEST_UINV, 0xf0);
}

static void ldtr(struct ec_machine *x)
{
	ecm_set(x, GUEST_LDTR_SELECTOR, 0x20);
	ecm_set(x, GUEST_LDTR_BASE, ECM_GUEST_BASE + 0x8000);
	ecm_set(x, GUEST_LDTR_LIMIT, 0xff);
	ecm_set(x, GUEST_LDTR_AR_BYTES, SEG_TYPE_LDT | SEG_AR_P);
}

/* The 32-bit guest in virtual-8086 mode. */
static void v86(struct ec_machine *x)
{
	guest32(x);
	ecm_or(x, GUEST_RFLAGS, RFLAGS_VM);
	for (uint32_t f = 0; f < 6; f++) {
		ecm_set(x, GUEST_ES_SELECTOR + 2 * f, 0x1234);
		ecm_set(x, GUEST_ES_BASE + 2 * f, 0x12340);
		ecm_set(x, GUEST_ES_LIMIT + 2 * f, SEG_LIMIT_64K);
		ecm_set(x, GUEST_ES_AR_BYTES + 2 * f, 0xf3);
	}
}

static void urg(struct ec_machine *x) { ecm_or(x, SECONDARY_VM_EXEC_CONTROL, PROC2_UNRESTRICTED_GUEST); }

/* Unrestricted guest with CS a data segment (type 3) at DPL 0. */
static void urg_cs_data(struct ec_machine *x)
{
	urg(x);
	ecm_set(x, GUEST_CS_AR_BYTES, SEG_TYPE_DATA_RW | SEG_TYPE_ACCESSED | SEG_AR_S | SEG_AR_P | SEG_AR_G);
}

/* CPL 3: CS and SS at DPL 3 with RPL 3. */
static void ring3(struct ec_machine *x)
{
	ecm_set(x, GUEST_CS_SELECTOR, GUEST_SEL_CODE64 | 3);
	ecm_set(x, GUEST_SS_SELECTOR, GUEST_SEL_DATA | 3);
	ecm_or(x, GUEST_CS_AR_BYTES, SEG_AR_DPL_MASK);
	ecm_or(x, GUEST_SS_AR_BYTES, SEG_AR_DPL_MASK);
}

static void smm_entry(struct ec_machine *x)
{
	in_smm(x);
	ecm_or(x, VM_ENTRY_CONTROLS, ENTRY_ENTRY_TO_SMM);
	ecm_set(x, GUEST_INTERRUPTIBILITY_INFO, GUEST_INTR_STATE_SMI);
}

static void link_valid(struct ec_machine *x)
{
	uint32_t header = x->caps.vmcs_revision;

	ecm_poke(x, SPARE, &header, sizeof(header));
	ecm_set(x, VMCS_LINK_POINTER, SPARE);
}

/* ------------------------------------------------------------------ edits */

static void inject(struct ec_machine *x, uint32_t info, uint32_t error_code, uint32_t len)
{
	ecm_set(x, VM_ENTRY_INTR_INFO_FIELD, info);
	ecm_set(x, VM_ENTRY_EXCEPTION_ERROR_CODE, error_code);
	ecm_set(x, VM_ENTRY_INSTRUCTION_LEN, len);
}

static void e_proc3(struct ec_machine *x) { ecm_set(x, TERTIARY_VM_EXEC_CONTROL, 0x2); }
static void e_no_ept(struct ec_machine *x) { ecm_clear(x, SECONDARY_VM_EXEC_CONTROL, PROC2_ENABLE_EPT); }
static void e_pml_no_ept(struct ec_machine *x) { pml(x); e_no_ept(x); }
static void e_urg_no_ept(struct ec_machine *x) { urg(x); e_no_ept(x); }
static void e_mbec_no_ept(struct ec_machine *x)
{
	ecm_or(x, SECONDARY_VM_EXEC_CONTROL, PROC2_MODE_BASED_EPT_EXEC);
	e_no_ept(x);
}
static void e_spp_no_ept(struct ec_machine *x) { spp(x); e_no_ept(x); }
static void e_apic_access_x2apic(struct ec_machine *x) { apic_access(x); }
static void e_eptp_ad(struct ec_machine *x)
{
	x->caps.ept_vpid_cap &= ~VMX_EPT_CAP_EPT_AD;   /* a CPU without EPT A/D flags */
	ecm_or(x, EPT_POINTER, EPTP_AD_ENABLE);
}
static void e_eptp_sss(struct ec_machine *x)
{
	x->caps.ept_vpid_cap &= ~VMX_EPT_CAP_SUPERVISOR_SHADOW_STACK;
	ecm_or(x, EPT_POINTER, EPTP_SSS_ENABLE);
}
static void e_eptp_walk5(struct ec_machine *x) { ecm_set(x, EPT_POINTER, (ecm_get(x, EPT_POINTER) & ~EPTP_WALK_LENGTH_MASK) | EPTP_WALK_LENGTH_5); }
static void e_store_end(struct ec_machine *x) { ecm_set(x, VM_EXIT_MSR_STORE_ADDR, WIDTH_BIT - VMX_MSR_ENTRY_SIZE); }
static void e_load_end(struct ec_machine *x) { ecm_set(x, VM_EXIT_MSR_LOAD_ADDR, WIDTH_BIT - VMX_MSR_ENTRY_SIZE); }
static void e_entry_end(struct ec_machine *x) { ecm_set(x, VM_ENTRY_MSR_LOAD_ADDR, WIDTH_BIT - VMX_MSR_ENTRY_SIZE); }
static void e_type1(struct ec_machine *x) { inject(x, INTR_INFO_VALID | (ENTRY_INTR_TYPE_RESERVED << INTR_INFO_TYPE_SHIFT), 0, 0); }
static void e_type7_no_mtf(struct ec_machine *x)
{
	x->caps.procbased &= ~CTL1(PROC_MONITOR_TRAP_FLAG);   /* a CPU without the monitor trap flag */
	inject(x, intr_info_encode(0, INTR_TYPE_OTHER, false), 0, 0);
}
static void e_nmi_vector3(struct ec_machine *x) { inject(x, intr_info_encode(3, INTR_TYPE_NMI, false), 0, 0); }
static void e_exception_vector32(struct ec_machine *x) { inject(x, intr_info_encode(32, INTR_TYPE_HW_EXCEPTION, false), 0, 0); }
static void e_mtf_vector1(struct ec_machine *x) { inject(x, intr_info_encode(1, INTR_TYPE_OTHER, false), 0, 0); }
static void e_nmi_error_code(struct ec_machine *x) { inject(x, intr_info_encode(2, INTR_TYPE_NMI, true), 0, 0); }
static void e_gp_no_error_code(struct ec_machine *x)
{
	x->caps.basic &= ~VMX_BASIC_NO_ERROR_CODE_REQUIREMENT;   /* a CPU before CET */
	inject(x, intr_info_encode(13, INTR_TYPE_HW_EXCEPTION, false), 0, 0);
}
static void e_ud_error_code(struct ec_machine *x)
{
	x->caps.basic &= ~VMX_BASIC_NO_ERROR_CODE_REQUIREMENT;
	inject(x, intr_info_encode(6, INTR_TYPE_HW_EXCEPTION, true), 0, 0);
}
static void e_real_mode_error_code(struct ec_machine *x)
{
	ecm_clear(x, GUEST_CR0, CR0_PE | CR0_PG);
	ecm_clear(x, VM_ENTRY_CONTROLS, ENTRY_IA32E_MODE_GUEST);
	ecm_set(x, GUEST_IA32_EFER, 0);
	ecm_set(x, GUEST_CS_AR_BYTES, SEG_TYPE_CODE_XR | SEG_TYPE_ACCESSED | SEG_AR_S | SEG_AR_P);
	ecm_set(x, GUEST_CS_LIMIT, SEG_LIMIT_64K);
	inject(x, intr_info_encode(13, INTR_TYPE_HW_EXCEPTION, true), 0, 0);
}
static void e_event_reserved(struct ec_machine *x) { inject(x, intr_info_encode(2, INTR_TYPE_NMI, false) | (1u << 12), 0, 0); }
static void e_error_code_high(struct ec_machine *x) { inject(x, intr_info_encode(13, INTR_TYPE_HW_EXCEPTION, true), 0x10000, 0); }
static void e_len16(struct ec_machine *x) { inject(x, intr_info_encode(0x80, INTR_TYPE_SW_INTERRUPT, false), 0, 16); }
static void e_len0(struct ec_machine *x)
{
	x->caps.misc &= ~VMX_MISC_ZERO_LENGTH_INJECTION;   /* a CPU before zero-length injection */
	inject(x, intr_info_encode(3, INTR_TYPE_SW_EXCEPTION, false), 0, 0);
}
static void e_smm_both(struct ec_machine *x)
{
	ecm_or(x, VM_ENTRY_CONTROLS, ENTRY_ENTRY_TO_SMM | ENTRY_DEACTIVATE_DUAL_MONITOR_TREATMENT);
	ecm_or(x, GUEST_INTERRUPTIBILITY_INFO, GUEST_INTR_STATE_SMI);
}
static void e_host_cet_wp(struct ec_machine *x)
{
	ecm_or(x, HOST_CR4, CR4_CET);
	ecm_clear(x, HOST_CR0, CR0_WP);
}
static void e_host_pat(struct ec_machine *x) { ecm_set(x, HOST_IA32_PAT, 0x0007040602070406ull); }
static void e_suppress_tracker(struct ec_machine *x) { ecm_set(x, HOST_S_CET, CET_SUPPRESS | CET_TRACKER); }
static void e_outside_guest(struct ec_machine *x)
{
	ecm_or(x, VM_ENTRY_CONTROLS, ENTRY_IA32E_MODE_GUEST);
	ecm_set(x, GUEST_IA32_EFER, EFER_LMA | EFER_LME);
}
static void e_outside_host(struct ec_machine *x)
{
	ecm_or(x, VM_EXIT_CONTROLS, EXIT_HOST_ADDRESS_SPACE_SIZE);
	ecm_set(x, HOST_IA32_EFER, EFER_NXE | EFER_LMA | EFER_LME);
}
static void e_host32(struct ec_machine *x)
{
	ecm_clear(x, VM_EXIT_CONTROLS, EXIT_HOST_ADDRESS_SPACE_SIZE);
	ecm_set(x, HOST_IA32_EFER, EFER_NXE);
	ecm_set(x, HOST_RIP, HOST_RIP_32);
}
static void e_guest_pat(struct ec_machine *x) { ecm_set(x, GUEST_IA32_PAT, 0x0007040600070408ull); }
static void e_guest_cet_st(struct ec_machine *x) { ecm_set(x, GUEST_S_CET, CET_SUPPRESS | CET_TRACKER); }
static void e_pg_no_pe(struct ec_machine *x) { ecm_clear(x, GUEST_CR0, CR0_PE); }
static void e_ss_rpl(struct ec_machine *x) { ecm_set(x, GUEST_CS_SELECTOR, GUEST_SEL_CODE64 | 3); }
static void e_ss_dpl_rpl(struct ec_machine *x)
{
	ecm_or(x, GUEST_SS_AR_BYTES, SEG_AR_DPL_MASK);
	ecm_or(x, GUEST_CS_AR_BYTES, SEG_TYPE_CODE_CONFORMING);   /* so CS.DPL 0 <= SS.DPL 3 holds */
}
static void e_cs_conforming(struct ec_machine *x)
{
	ecm_or(x, GUEST_CS_AR_BYTES, SEG_TYPE_CODE_CONFORMING | SEG_AR_DPL_MASK);
}
static void e_rflags_vm(struct ec_machine *x)
{
	urg(x);
	ecm_clear(x, GUEST_CR0, CR0_PE | CR0_PG);
}
static void e_extint_no_if(struct ec_machine *x) { inject(x, intr_info_encode(0x20, INTR_TYPE_EXTERNAL, false), 0, 0); }
static void e_activity(struct ec_machine *x, uint32_t a) { ecm_set(x, GUEST_ACTIVITY_STATE, a); }
static void e_activity4(struct ec_machine *x) { e_activity(x, 4); }
static void e_no_sipi_state(struct ec_machine *x)
{
	x->caps.misc &= ~VMX_MISC_ACTIVITY_WAIT_SIPI;
	e_activity(x, GUEST_ACTIVITY_WAIT_SIPI);
}
static void e_hlt(struct ec_machine *x) { e_activity(x, GUEST_ACTIVITY_HLT); }
static void e_sti(struct ec_machine *x)
{
	ecm_or(x, GUEST_RFLAGS, RFLAGS_IF);
	ecm_set(x, GUEST_INTERRUPTIBILITY_INFO, GUEST_INTR_STATE_STI);
}
static void e_sti_hlt(struct ec_machine *x) { e_sti(x); e_hlt(x); }
static void e_hlt_gp(struct ec_machine *x)
{
	e_hlt(x);
	inject(x, intr_info_encode(13, INTR_TYPE_HW_EXCEPTION, true), 0, 0);
}
static void e_shutdown_extint(struct ec_machine *x)
{
	e_activity(x, GUEST_ACTIVITY_SHUTDOWN);
	ecm_or(x, GUEST_RFLAGS, RFLAGS_IF);
	inject(x, intr_info_encode(0x20, INTR_TYPE_EXTERNAL, false), 0, 0);
}
static void e_sipi(struct ec_machine *x) { e_activity(x, GUEST_ACTIVITY_WAIT_SIPI); }
static void e_sti_movss(struct ec_machine *x)
{
	e_sti(x);
	ecm_or(x, GUEST_INTERRUPTIBILITY_INFO, GUEST_INTR_STATE_MOV_SS);
}
static void e_extint_movss(struct ec_machine *x)
{
	ecm_or(x, GUEST_RFLAGS, RFLAGS_IF);
	ecm_set(x, GUEST_INTERRUPTIBILITY_INFO, GUEST_INTR_STATE_MOV_SS);
	inject(x, intr_info_encode(0x20, INTR_TYPE_EXTERNAL, false), 0, 0);
}
static void e_nmi_movss(struct ec_machine *x)
{
	ecm_set(x, GUEST_INTERRUPTIBILITY_INFO, GUEST_INTR_STATE_MOV_SS);
	inject(x, intr_info_encode(2, INTR_TYPE_NMI, false), 0, 0);
}
static void e_nmi_sti(struct ec_machine *x)
{
	e_sti(x);
	inject(x, intr_info_encode(2, INTR_TYPE_NMI, false), 0, 0);
}
static void e_smm_entry(struct ec_machine *x) { ecm_or(x, VM_ENTRY_CONTROLS, ENTRY_ENTRY_TO_SMM); }
static void e_vnmi_blocked(struct ec_machine *x)
{
	ecm_set(x, GUEST_INTERRUPTIBILITY_INFO, GUEST_INTR_STATE_NMI);
	inject(x, intr_info_encode(2, INTR_TYPE_NMI, false), 0, 0);
}
static void e_enclave_movss(struct ec_machine *x)
{
	x->facts.sgx = true;
	ecm_set(x, GUEST_INTERRUPTIBILITY_INFO, GUEST_INTR_STATE_ENCLAVE | GUEST_INTR_STATE_MOV_SS);
}
static void e_bs_missing(struct ec_machine *x)
{
	e_sti(x);
	ecm_or(x, GUEST_RFLAGS, RFLAGS_TF);
}
static void e_bs_extra(struct ec_machine *x)
{
	e_sti(x);
	ecm_set(x, GUEST_PENDING_DBG_EXCEPTIONS, PENDING_DBG_BS);
}
static void e_rtm(struct ec_machine *x) { ecm_set(x, GUEST_PENDING_DBG_EXCEPTIONS, PENDING_DBG_RTM | PENDING_DBG_ENABLED_BP); }
static void e_rtm_no_bp(struct ec_machine *x)
{
	x->facts.rtm = true;
	ecm_set(x, GUEST_PENDING_DBG_EXCEPTIONS, PENDING_DBG_RTM);
}
static void e_link_revision(struct ec_machine *x)
{
	uint32_t header = x->caps.vmcs_revision + 1;

	ecm_poke(x, SPARE, &header, sizeof(header));
}
static void e_link_shadow(struct ec_machine *x)
{
	uint32_t header = x->caps.vmcs_revision | VMCS_SHADOW_INDICATOR;

	ecm_poke(x, SPARE, &header, sizeof(header));
}
static void e_link_current(struct ec_machine *x)
{
	uint32_t header = x->caps.vmcs_revision;

	ecm_poke(x, x->vcpus[0].vmcs_pa, &header, sizeof(header));
	ecm_set(x, VMCS_LINK_POINTER, x->vcpus[0].vmcs_pa);
}
static void e_pdpte_memory(struct ec_machine *x)
{
	uint64_t pdpte = PTE_P | (1ull << 5);

	ecm_poke(x, ECM_GUEST_BASE + GUEST_PML4_OFFSET + 16, &pdpte, sizeof(pdpte));
}
static void e_msr_entry(struct ec_machine *x, unsigned n, uint64_t first)
{
	ecm_poke(x, SPARE + (n - 1) * VMX_MSR_ENTRY_SIZE, &first, sizeof(first));
}
static void e_msr_reserved(struct ec_machine *x) { e_msr_entry(x, 2, IA32_SYSENTER_CS | (1ull << 32)); }
static void e_msr_fs_base(struct ec_machine *x) { e_msr_entry(x, 1, IA32_FS_BASE); }
static void e_msr_x2apic(struct ec_machine *x) { e_msr_entry(x, 2, IA32_X2APIC_BASE + 8); }
static void e_msr_smm(struct ec_machine *x) { e_msr_entry(x, 1, IA32_SMM_MONITOR_CTL); }

/* ------------------------------------------------------------------ the table */

enum op { OP_FN, OP_SET, OP_OR, OP_CLR };

struct mutation {
	const char *expect;   /* the failing check ids, space-separated */
	void (*prep)(struct ec_machine *x);
	enum op op;
	uint32_t field;
	uint64_t value;
	void (*edit)(struct ec_machine *x);
	const char *what;
};

#define SET(ids, prep, f, v) { ids, prep, OP_SET, f, v, NULL, #f " = " #v }
#define OR(ids, prep, f, v) { ids, prep, OP_OR, f, v, NULL, #f " |= " #v }
#define CLR(ids, prep, f, v) { ids, prep, OP_CLR, f, v, NULL, #f " &= ~" #v }
#define FN(ids, prep, fn) { ids, prep, OP_FN, 0, 0, fn, #fn }

static const struct mutation mutations[] = {
	/* §27.2.1.1 VM-execution control fields */
	CLR("ctl.pin.allowed0", NULL, PIN_BASED_VM_EXEC_CONTROL, 1u << 1),
	OR("ctl.pin.allowed1", NULL, PIN_BASED_VM_EXEC_CONTROL, 1u << 8),
	CLR("ctl.proc.allowed0", NULL, CPU_BASED_VM_EXEC_CONTROL, 1u << 1),
	OR("ctl.proc.allowed1", NULL, CPU_BASED_VM_EXEC_CONTROL, 1u << 0),
	CLR("ctl.proc2.allowed0", proc2_must1, SECONDARY_VM_EXEC_CONTROL, PROC2_DESCRIPTOR_TABLE_EXITING),
	OR("ctl.proc2.allowed1", NULL, SECONDARY_VM_EXEC_CONTROL, PROC2_SUB_PAGE_WRITE_PERMISSIONS_FOR_EPT),
	FN("ctl.proc3.allowed1", tertiary, e_proc3),
	SET("ctl.cr3-target-count", NULL, CR3_TARGET_COUNT, 5),
	OR("ctl.io-bitmap.align", NULL, IO_BITMAP_A, 0x800),
	OR("ctl.io-bitmap.width", NULL, IO_BITMAP_B, WIDTH_BIT),
	OR("ctl.msr-bitmap.align", NULL, MSR_BITMAP, 0x10),
	OR("ctl.msr-bitmap.width", NULL, MSR_BITMAP, 1ull << 50),
	OR("ctl.virtual-apic.align", tpr_shadow, VIRTUAL_APIC_PAGE_ADDR, 0x80),
	OR("ctl.virtual-apic.width", tpr_shadow, VIRTUAL_APIC_PAGE_ADDR, WIDTH_BIT),
	SET("ctl.tpr-threshold.reserved", tpr_shadow, TPR_THRESHOLD, 0x10),
	SET("ctl.tpr-threshold.vtpr", tpr_shadow, TPR_THRESHOLD, 3),
	CLR("ctl.nmi.virtual-nmis", NULL, PIN_BASED_VM_EXEC_CONTROL, PIN_NMI_EXITING),
	OR("ctl.nmi.window", no_virtual_nmis, CPU_BASED_VM_EXEC_CONTROL, PROC_NMI_WINDOW_EXITING),
	OR("ctl.apic-access.align", apic_access, APIC_ACCESS_ADDR, 0x1),
	OR("ctl.apic-access.width", apic_access, APIC_ACCESS_ADDR, 1ull << 47),
	OR("ctl.apicv.tpr-shadow", NULL, SECONDARY_VM_EXEC_CONTROL, PROC2_APIC_REGISTER_VIRTUALIZATION),
	FN("ctl.apicv.x2apic", x2apic, e_apic_access_x2apic),
	CLR("ctl.apicv.vid-exiting", vid, PIN_BASED_VM_EXEC_CONTROL, PIN_EXTERNAL_INTERRUPT_EXITING),
	CLR("ctl.posted.vid", posted, SECONDARY_VM_EXEC_CONTROL, PROC2_VIRTUAL_INTERRUPT_DELIVERY),
	CLR("ctl.posted.ack", posted, VM_EXIT_CONTROLS, EXIT_ACK_INTERRUPT_ON_EXIT),
	SET("ctl.posted.vector", posted, POSTED_INTR_NV, 0x1f2),
	OR("ctl.posted.desc-align", posted, POSTED_INTR_DESC_ADDR, 0x4),
	OR("ctl.posted.desc-width", posted, POSTED_INTR_DESC_ADDR, WIDTH_BIT),
	SET("ctl.vpid.zero", NULL, VIRTUAL_PROCESSOR_ID, 0),
	SET("ctl.eptp.memtype", NULL, EPT_POINTER, ECM_EPT_ROOT | EPTP_WALK_LENGTH_4 | 1),
	FN("ctl.eptp.walk", NULL, e_eptp_walk5),
	FN("ctl.eptp.ad", NULL, e_eptp_ad),
	FN("ctl.eptp.sss", NULL, e_eptp_sss),
	OR("ctl.eptp.reserved", NULL, EPT_POINTER, 0x100),
	OR("ctl.eptp.width", NULL, EPT_POINTER, WIDTH_BIT),
	FN("ctl.pml.ept", NULL, e_pml_no_ept),
	OR("ctl.pml.align", pml, PML_ADDRESS, 0x8),
	OR("ctl.pml.width", pml, PML_ADDRESS, WIDTH_BIT),
	FN("ctl.unrestricted.ept", NULL, e_urg_no_ept),
	FN("ctl.mbec.ept", NULL, e_mbec_no_ept),
	FN("ctl.spp.ept", NULL, e_spp_no_ept),
	OR("ctl.spp.align", spp, SPP_TABLE_POINTER, 0x10),
	OR("ctl.spp.width", spp, SPP_TABLE_POINTER, WIDTH_BIT),
	FN("ctl.pt-gpa.ept", pt_gpa, e_no_ept),
	CLR("ctl.pt-gpa.entry", pt_gpa, VM_ENTRY_CONTROLS, ENTRY_LOAD_IA32_RTIT_CTL),
	CLR("ctl.pt-gpa.exit", pt_gpa, VM_EXIT_CONTROLS, EXIT_CLEAR_IA32_RTIT_CTL),
	SET("ctl.vmfunc.allowed1", vmfunc, VM_FUNCTION_CONTROL, 0x2),
	FN("ctl.vmfunc.ept", eptp_switching, e_no_ept),
	OR("ctl.eptp-list.align", eptp_switching, EPTP_LIST_ADDRESS, 0x100),
	OR("ctl.eptp-list.width", eptp_switching, EPTP_LIST_ADDRESS, WIDTH_BIT),
	OR("ctl.vmcs-shadowing.align", shadowing, VMREAD_BITMAP, 0x4),
	OR("ctl.vmcs-shadowing.width", shadowing, VMWRITE_BITMAP, WIDTH_BIT),
	OR("ctl.ve-info.align", ve, VE_INFORMATION_ADDRESS, 0x20),
	OR("ctl.ve-info.width", ve, VE_INFORMATION_ADDRESS, WIDTH_BIT),
	/* §27.2.1.2 VM-exit control fields */
	CLR("ctl.exit.allowed0", NULL, VM_EXIT_CONTROLS, 1u << 0),
	OR("ctl.exit.allowed1", NULL, VM_EXIT_CONTROLS, 1u << 23),
	CLR("ctl.exit.timer-save", NULL, PIN_BASED_VM_EXEC_CONTROL, PIN_PREEMPTION_TIMER),
	OR("ctl.exit.msr-store.align", exit_msr_store, VM_EXIT_MSR_STORE_ADDR, 0x8),
	OR("ctl.exit.msr-store.width ctl.exit.msr-store.end", exit_msr_store, VM_EXIT_MSR_STORE_ADDR, WIDTH_BIT),
	FN("ctl.exit.msr-store.end", exit_msr_store, e_store_end),
	OR("ctl.exit.msr-load.align", exit_msr_load, VM_EXIT_MSR_LOAD_ADDR, 0x8),
	OR("ctl.exit.msr-load.width ctl.exit.msr-load.end", exit_msr_load, VM_EXIT_MSR_LOAD_ADDR, WIDTH_BIT),
	FN("ctl.exit.msr-load.end", exit_msr_load, e_load_end),
	/* §27.2.1.3 VM-entry control fields */
	CLR("ctl.entry.allowed0", NULL, VM_ENTRY_CONTROLS, 1u << 0),
	OR("ctl.entry.allowed1", NULL, VM_ENTRY_CONTROLS, ENTRY_LOAD_IA32_BNDCFGS),
	FN("ctl.event.type", NULL, e_type1),
	FN("ctl.event.type", NULL, e_type7_no_mtf),
	FN("ctl.event.vector", NULL, e_nmi_vector3),
	FN("ctl.event.vector", NULL, e_exception_vector32),
	FN("ctl.event.vector", NULL, e_mtf_vector1),
	FN("ctl.event.deliver-error-code", NULL, e_nmi_error_code),
	FN("ctl.event.deliver-error-code", NULL, e_gp_no_error_code),
	FN("ctl.event.deliver-error-code", NULL, e_ud_error_code),
	FN("ctl.event.deliver-error-code", urg, e_real_mode_error_code),
	FN("ctl.event.reserved", NULL, e_event_reserved),
	FN("ctl.event.error-code", NULL, e_error_code_high),
	FN("ctl.event.insn-len", NULL, e_len16),
	FN("ctl.event.insn-len", NULL, e_len0),
	OR("ctl.entry.msr-load.align", entry_msr_load, VM_ENTRY_MSR_LOAD_ADDR, 0x4),
	OR("ctl.entry.msr-load.width ctl.entry.msr-load.end", entry_msr_load, VM_ENTRY_MSR_LOAD_ADDR, WIDTH_BIT),
	FN("ctl.entry.msr-load.end", entry_msr_load, e_entry_end),
	OR("ctl.entry.smm", NULL, VM_ENTRY_CONTROLS, ENTRY_DEACTIVATE_DUAL_MONITOR_TREATMENT),
	FN("ctl.entry.smm-both", in_smm, e_smm_both),
	/* §27.2.2 host control registers, MSRs and SSP */
	CLR("host.cr0.fixed0", NULL, HOST_CR0, CR0_PE),
	OR("host.cr0.fixed1", NULL, HOST_CR0, 1ull << 32),
	CLR("host.cr4.fixed0", NULL, HOST_CR4, CR4_VMXE),
	OR("host.cr4.fixed1", NULL, HOST_CR4, 1ull << 31),
	OR("host.cr3.width", NULL, HOST_CR3, WIDTH_BIT),
	FN("host.cr4.cet-wp", NULL, e_host_cet_wp),
	SET("host.sysenter.canonical", NULL, HOST_IA32_SYSENTER_EIP, NONCANONICAL),
	SET("host.perf-global-ctrl.reserved", host_perf, HOST_IA32_PERF_GLOBAL_CTRL, 0x10),
	FN("host.pat", host_pat, e_host_pat),
	OR("host.efer.reserved", NULL, HOST_IA32_EFER, 1ull << 12),
	CLR("host.efer.lma-lme", NULL, HOST_IA32_EFER, EFER_LMA),
	OR("host.pkrs.reserved", host_pkrs, HOST_IA32_PKRS, 1ull << 32),
	SET("host.cet.s-cet", host_cet, HOST_S_CET, 1ull << 6),
	FN("host.cet.s-cet", host_cet, e_suppress_tracker),
	SET("host.cet.s-cet-canonical", host_cet, HOST_S_CET, NONCANONICAL),
	SET("host.cet.ssp-table", host_cet, HOST_INTR_SSP_TABLE, NONCANONICAL),
	OR("host.cet.ssp-align", host_cet, HOST_SSP, 0x2),
	/* §27.2.3 host segment and descriptor-table registers */
	SET("host.sel.rpl-ti", NULL, HOST_DS_SELECTOR, GDT_SEL_DATA | 3),
	SET("host.sel.rpl-ti", NULL, HOST_TR_SELECTOR, GDT_SEL_TSS | 4),
	SET("host.sel.cs-null", NULL, HOST_CS_SELECTOR, 0),
	SET("host.sel.tr-null", NULL, HOST_TR_SELECTOR, 0),
	SET("host.sel.ss-null", legacy32, HOST_SS_SELECTOR, 0),
	SET("host.base.canonical", NULL, HOST_GS_BASE, NONCANONICAL),
	SET("host.base.canonical", NULL, HOST_IDTR_BASE, NONCANONICAL),
	/* §27.2.4 address-space size */
	FN("host.asz.outside-guest host.asz.guest", legacy32, e_outside_guest),
	FN("host.asz.outside-host", legacy32, e_outside_host),
	FN("host.asz.ia32e", guest32, e_host32),
	FN("host.asz.ia32e host.asz.guest", NULL, e_host32),
	OR("host.asz.pcide", legacy32, HOST_CR4, CR4_PCIDE),
	SET("host.asz.rip-high", legacy32, HOST_RIP, (1ull << 32) | 0x1000),
	CLR("host.asz.pae", NULL, HOST_CR4, CR4_PAE),
	SET("host.asz.rip-canonical", NULL, HOST_RIP, NONCANONICAL),
	SET("host.asz.ssp-high", legacy32_cet, HOST_SSP, 1ull << 32),
	SET("host.asz.ssp-canonical", host_cet, HOST_SSP, NONCANONICAL),
	/* §27.3.1.1 guest control registers, debug registers and MSRs */
	CLR("guest.cr0.fixed0", NULL, GUEST_CR0, CR0_NE),
	OR("guest.cr0.fixed1", NULL, GUEST_CR0, 1ull << 32),
	FN("guest.cr0.pg-pe", urg, e_pg_no_pe),
	CLR("guest.cr4.fixed0", NULL, GUEST_CR4, CR4_VMXE),
	OR("guest.cr4.fixed1", NULL, GUEST_CR4, 1ull << 31),
	OR("guest.cr4.cet-wp", NULL, GUEST_CR4, CR4_CET),
	OR("guest.debugctl.reserved", load_debug, GUEST_IA32_DEBUGCTL, 1ull << 3),
	CLR("guest.ia32e.pg", urg, GUEST_CR0, CR0_PG),
	CLR("guest.ia32e.pae", NULL, GUEST_CR4, CR4_PAE),
	OR("guest.cr4.pcide", guest32, GUEST_CR4, CR4_PCIDE),
	OR("guest.cr3.width", NULL, GUEST_CR3, WIDTH_BIT),
	OR("guest.dr7.high", load_debug, GUEST_DR7, 1ull << 32),
	SET("guest.sysenter.canonical", NULL, GUEST_SYSENTER_ESP, 0xffff7fffffffffffull),
	SET("guest.perf-global-ctrl.reserved", guest_perf, GUEST_IA32_PERF_GLOBAL_CTRL, 0x100),
	FN("guest.pat", guest_pat, e_guest_pat),
	OR("guest.efer.reserved", NULL, GUEST_IA32_EFER, 1ull << 12),
	CLR("guest.efer.lma", NULL, GUEST_IA32_EFER, EFER_LMA),
	CLR("guest.efer.lme", NULL, GUEST_IA32_EFER, EFER_LME),
	SET("guest.bndcfgs.reserved", bndcfgs, GUEST_BNDCFGS, 0x4),
	SET("guest.bndcfgs.canonical", bndcfgs, GUEST_BNDCFGS, NONCANONICAL | 1),
	SET("guest.rtit-ctl.reserved", rtit, GUEST_IA32_RTIT_CTL, 0x2),
	FN("guest.cet.s-cet", guest_cet, e_guest_cet_st),
	SET("guest.cet.s-cet-canonical", guest_cet, GUEST_S_CET, NONCANONICAL),
	SET("guest.cet.ssp-table", guest_cet, GUEST_INTR_SSP_TABLE, NONCANONICAL),
	OR("guest.pkrs.reserved", guest_pkrs, GUEST_IA32_PKRS, 1ull << 40),
	SET("guest.lbr-ctl.reserved", lbr, GUEST_IA32_LBR_CTL, 0x10),
	/* §27.3.1.2 guest segment registers */
	SET("guest.tr.ti", NULL, GUEST_TR_SELECTOR, GUEST_SEL_TSS | 4),
	OR("guest.ldtr.ti", ldtr, GUEST_LDTR_SELECTOR, 4),
	FN("guest.ss.rpl", NULL, e_ss_rpl),
	SET("guest.v86.base", v86, GUEST_DS_BASE, 0x12350),
	SET("guest.v86.limit", v86, GUEST_FS_LIMIT, 0xfffff),
	SET("guest.v86.ar", v86, GUEST_SS_AR_BYTES, 0xf2),
	SET("guest.base.canonical", NULL, GUEST_FS_BASE, NONCANONICAL),
	SET("guest.base.canonical", NULL, GUEST_TR_BASE, NONCANONICAL),
	SET("guest.base.canonical", ldtr, GUEST_LDTR_BASE, NONCANONICAL),
	SET("guest.base.high", NULL, GUEST_DS_BASE, 1ull << 32),
	SET("guest.base.high", NULL, GUEST_CS_BASE, 1ull << 32),
	CLR("guest.cs.type", NULL, GUEST_CS_AR_BYTES, SEG_TYPE_ACCESSED),
	SET("guest.ss.type", NULL, GUEST_SS_AR_BYTES, GUEST_AR_DATA & ~SEG_TYPE_DATA_RW),
	CLR("guest.seg.accessed", NULL, GUEST_DS_AR_BYTES, SEG_TYPE_ACCESSED),
	SET("guest.seg.readable", NULL, GUEST_GS_AR_BYTES, SEG_TYPE_CODE | SEG_TYPE_ACCESSED | SEG_AR_S | SEG_AR_P | SEG_AR_G),
	CLR("guest.seg.s", NULL, GUEST_ES_AR_BYTES, SEG_AR_S),
	OR("guest.cs.dpl-data", urg_cs_data, GUEST_CS_AR_BYTES, SEG_AR_DPL_MASK),
	OR("guest.cs.dpl-nonconforming", NULL, GUEST_CS_AR_BYTES, SEG_AR_DPL_MASK),
	FN("guest.cs.dpl-conforming", NULL, e_cs_conforming),
	FN("guest.ss.dpl-rpl", NULL, e_ss_dpl_rpl),
	OR("guest.ss.dpl-zero", urg_cs_data, GUEST_SS_AR_BYTES, SEG_AR_DPL_MASK),
	SET("guest.seg.dpl-rpl", NULL, GUEST_DS_SELECTOR, GUEST_SEL_DATA | 3),
	CLR("guest.seg.present", NULL, GUEST_DS_AR_BYTES, SEG_AR_P),
	CLR("guest.seg.present", NULL, GUEST_TR_AR_BYTES, SEG_AR_P),
	OR("guest.seg.ar-reserved", NULL, GUEST_DS_AR_BYTES, 0x100),
	OR("guest.seg.ar-reserved", NULL, GUEST_CS_AR_BYTES, 1u << 17),
	OR("guest.cs.db-l", NULL, GUEST_CS_AR_BYTES, SEG_AR_DB),
	SET("guest.seg.granularity", NULL, GUEST_DS_LIMIT, 0xfffff000),
	SET("guest.seg.granularity", NULL, GUEST_TR_LIMIT, 0x100000),
	SET("guest.tr.type", NULL, GUEST_TR_AR_BYTES, SEG_TYPE_TSS16_BUSY | SEG_AR_P),
	OR("guest.sys.s", NULL, GUEST_TR_AR_BYTES, SEG_AR_S),
	OR("guest.sys.s", ldtr, GUEST_LDTR_AR_BYTES, SEG_AR_S),
	OR("guest.tr.unusable", NULL, GUEST_TR_AR_BYTES, SEG_AR_UNUSABLE),
	SET("guest.ldtr.type", ldtr, GUEST_LDTR_AR_BYTES, SEG_TYPE_TSS16_BUSY | SEG_AR_P),
	/* §27.3.1.3 guest descriptor-table registers */
	SET("guest.dtr.base", NULL, GUEST_IDTR_BASE, NONCANONICAL),
	SET("guest.dtr.limit", NULL, GUEST_GDTR_LIMIT, 0x10000),
	/* §27.3.1.4 guest RIP, RFLAGS and SSP */
	SET("guest.rip.high", guest32, GUEST_RIP, (1ull << 32) | 0x1000),
	SET("guest.rip.canonical", NULL, GUEST_RIP, NONCANONICAL),
	OR("guest.rflags.reserved0", NULL, GUEST_RFLAGS, 1ull << 3),
	OR("guest.rflags.reserved0", NULL, GUEST_RFLAGS, 1ull << 22),
	SET("guest.rflags.reserved1", NULL, GUEST_RFLAGS, 0),
	FN("guest.rflags.vm", v86, e_rflags_vm),
	FN("guest.rflags.if", NULL, e_extint_no_if),
	SET("guest.ssp.high", guest32_cet, GUEST_SSP, 1ull << 32),
	SET("guest.ssp.canonical", guest_cet, GUEST_SSP, NONCANONICAL),
	OR("guest.ssp.align", guest_cet, GUEST_SSP, 0x1),
	/* §27.3.1.5 guest non-register state */
	FN("guest.activity.supported", NULL, e_activity4),
	FN("guest.activity.supported", NULL, e_no_sipi_state),
	FN("guest.activity.hlt-dpl", ring3, e_hlt),
	FN("guest.activity.blocking", NULL, e_sti_hlt),
	FN("guest.activity.event", NULL, e_hlt_gp),
	FN("guest.activity.event", NULL, e_shutdown_extint),
	FN("guest.activity.sipi-smm", smm_entry, e_sipi),
	OR("guest.intr.reserved", NULL, GUEST_INTERRUPTIBILITY_INFO, 1u << 5),
	FN("guest.intr.sti-movss", NULL, e_sti_movss),
	SET("guest.intr.sti-if", NULL, GUEST_INTERRUPTIBILITY_INFO, GUEST_INTR_STATE_STI),
	FN("guest.intr.extint", NULL, e_extint_movss),
	FN("guest.intr.nmi-movss", NULL, e_nmi_movss),
	FN("guest.intr.nmi-sti", NULL, e_nmi_sti),
	OR("guest.intr.smi", NULL, GUEST_INTERRUPTIBILITY_INFO, GUEST_INTR_STATE_SMI),
	FN("guest.intr.smi-entry-smm", in_smm, e_smm_entry),
	FN("guest.intr.virtual-nmi", NULL, e_vnmi_blocked),
	SET("guest.intr.enclave", NULL, GUEST_INTERRUPTIBILITY_INFO, GUEST_INTR_STATE_ENCLAVE),
	FN("guest.intr.enclave", NULL, e_enclave_movss),
	OR("guest.pending-dbg.reserved", NULL, GUEST_PENDING_DBG_EXCEPTIONS, 1u << 4),
	OR("guest.pending-dbg.reserved", NULL, GUEST_PENDING_DBG_EXCEPTIONS, 1ull << 17),
	FN("guest.pending-dbg.bs-set", NULL, e_bs_missing),
	FN("guest.pending-dbg.bs-clear", NULL, e_bs_extra),
	FN("guest.pending-dbg.rtm", NULL, e_rtm),
	FN("guest.pending-dbg.rtm", NULL, e_rtm_no_bp),
	SET("guest.uinv.reserved", uinv, GUEST_UINV, 0x1f0),
	SET("guest.link.align", NULL, VMCS_LINK_POINTER, 0x123),
	SET("guest.link.width", NULL, VMCS_LINK_POINTER, 1ull << 50),
	FN("guest.link.revision", link_valid, e_link_revision),
	FN("guest.link.shadow", link_valid, e_link_shadow),
	FN("guest.link.current", link_valid, e_link_current),
	/* §27.3.1.6 PDPTEs */
	SET("guest.pdpte.reserved", guest32, GUEST_PDPTR1, PTE_P | PTE_RW),
	SET("guest.pdpte.reserved", guest32, GUEST_PDPTR3, PTE_P | (1ull << 60)),
	FN("guest.pdpte.memory", guest32_no_ept, e_pdpte_memory),
	/* §27.4 loading MSRs */
	FN("msr-load.reserved", entry_msr_load, e_msr_reserved),
	FN("msr-load.fs-gs-base", entry_msr_load, e_msr_fs_base),
	FN("msr-load.x2apic", entry_msr_load, e_msr_x2apic),
	FN("msr-load.smm-only", entry_msr_load, e_msr_smm),
};

/* ------------------------------------------------------------------ running them */

static void base(void)
{
	ecm_init(&m, &ec_real_cpus[ec_real_cpu_count - 2].m, 0);   /* Arrow Lake */
	assert_int_equal(m.caps.maxphyaddr, BASE_MAXPHYADDR);
	ecm_vmcs_setup(&m);
}

static void apply(const struct mutation *t)
{
	switch (t->op) {
	case OP_SET:
		ecm_set(&m, t->field, t->value);
		break;
	case OP_OR:
		ecm_or(&m, t->field, t->value);
		break;
	case OP_CLR:
		ecm_clear(&m, t->field, t->value);
		break;
	case OP_FN:
		t->edit(&m);
		break;
	}
}

/* Is id one of the space-separated ids? */
static bool listed(const char *ids, const char *id)
{
	size_t n = strlen(id);

	for (const char *p = ids; (p = strstr(p, id)) != NULL; p += n)
		if ((p == ids || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return true;
	return false;
}

static void run_one(const struct mutation *t)
{
	char want[256];

	base();
	if (t->prep)
		t->prep(&m);
	if (ecm_run(&m))
		fail_msg("%s: the variant before the edit fails:%s", t->what, ecm_describe(&m));
	if (m.nunwritten)
		fail_msg("%s: the checker read field 0x%04x, which the variant's VMCS does not have", t->what,
			 m.unwritten[0]);
	apply(t);
	ecm_run(&m);
	for (unsigned i = 0; i < m.report.failed; i++)
		if (!listed(t->expect, m.report.fail[i].def->id))
			fail_msg("%s: want %s, also failed:%s", t->what, t->expect, ecm_describe(&m));
	snprintf(want, sizeof(want), "%s", t->expect);
	for (char *id = strtok(want, " "); id; id = strtok(NULL, " "))
		if (!ecm_failure(&m, id))
			fail_msg("%s: want %s, did not fail (failed:%s)", t->what, id, ecm_describe(&m));
}

static void test_mutations(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(mutations); i++)
		run_one(&mutations[i]);
	print_message("  %zu mutations\n", ARRAY_SIZE(mutations));
}

/* Every check is expected by a mutation, and alone by one unless the SDM's rules tie it to another. */
static void test_every_check_has_a_mutation(void **state)
{
	static const char *const never_alone[] = {
		"ctl.exit.msr-store.width",   /* an area that starts beyond the width ends beyond it too */
		"ctl.exit.msr-load.width", "ctl.entry.msr-load.width",
		"host.asz.guest",             /* either host.asz.ia32e or host.asz.outside-guest fails with it */
		"host.asz.outside-guest",     /* with host.asz.guest */
	};
	size_t n;
	const struct entry_check_def *d = entry_check_defs(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		bool any = false, alone = false;

		for (size_t k = 0; k < ARRAY_SIZE(mutations); k++) {
			any = any || listed(mutations[k].expect, d[i].id);
			alone = alone || !strcmp(mutations[k].expect, d[i].id);
		}
		if (!any)
			fail_msg("no mutation fails %s", d[i].id);
		if (!alone) {
			bool known = false;

			for (size_t k = 0; k < ARRAY_SIZE(never_alone); k++)
				known = known || !strcmp(never_alone[k], d[i].id);
			if (!known)
				fail_msg("no mutation fails %s alone", d[i].id);
		}
	}
}

/* Unknown facts: the checks that need them are skipped, not failed. */
static void test_skipped_without_facts(void **state)
{
	(void)state;
	base();
	host_perf(&m);
	guest_perf(&m);
	rtit(&m);
	lbr(&m);
	m.facts.perf_global_ctrl_valid = m.facts.rtit_ctl_valid = m.facts.lbr_ctl_valid = 0;
	ecm_set(&m, GUEST_IA32_RTIT_CTL, ~0ull);
	assert_int_equal(ecm_run(&m), 0);
	assert_int_equal(m.report.skipped, 4);
	/* no memory reader: the VTPR, link-pointer target, PDPTEs in memory, MSR-load entries */
	base();
	tpr_shadow(&m);
	link_valid(&m);
	entry_msr_load(&m);
	m.no_memory = true;
	assert_int_equal(ecm_run(&m), 0);
	assert_int_equal(m.report.skipped, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_every_check_has_a_mutation),
		cmocka_unit_test(test_skipped_without_facts),
	};

	return cmocka_run_group_tests_name("entry_check_mutations", tests, NULL, NULL);
}
