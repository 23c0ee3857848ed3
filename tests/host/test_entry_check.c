// SPDX-License-Identifier: MIT
/*
 * tests/host/test_entry_check.c - the VM-entry checker (vmm/vmx/entry_check*.c) on the VMCS minihv
 * writes (tests/host/entry_check_machine.c runs the real vmm/vm/vmcs_setup.c over a fake VMCS):
 *
 *   - no check fails on any fake CPU model of tests/host/fake_cpu.c that minihv runs on, nor on the
 *     VMX capability MSRs of twelve real Intel CPUs (tests/host/entry_check_cpus.c), nor on CPUs
 *     without the controls minihv can do without; the checker reads no field minihv does not
 *     write, and minihv writes no field the CPU lacks;
 *   - the three faults the boot tests plant with HV.CFG vmwrite= lines (tests/boot/cases_hostile.py),
 *     applied by vmm/vm/entry_gate.c, are named exactly;
 *   - legal edge values pass (a CR3-target count at the limit, canonical bases at the edges of the
 *     halves, addresses at the top of the physical-address width, a virtual-8086 guest, a real-mode
 *     unrestricted guest, PAE paging, valid event injections, a valid VMCS link pointer, ...);
 *   - the log lines, the expected verdict, and the table of checks.
 * Every check's own failing case is in test_entry_check_mutations.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86_64/idt.h"
#include "arch/x86_64/pte.h"
#include "arch/x86_64/cr.h"
#include "arch/x86_64/msr.h"
#include "arch/x86_64/segment.h"
#include "tests/host/entry_check_cpus.h"
#include "tests/host/entry_check_machine.h"
#include "tests/host/fake_vmcs.h"
#include "vmm/decode/interruption_info.h"
#include "vmm/vm/entry_gate.h"
#include "vmm/vm/layout.h"
#include "vmm/vmx/controls.h"
#include "vmm/vmx/entry_check.h"
#include "vmm/vmx/vmcs_fields.h"
#include "vmm/vmx/vmx_bits.h"

static struct ec_machine m;

/* Zero failures, nothing skipped, and only fields minihv wrote were read. */
static void assert_clean(const char *what)
{
	unsigned n = ecm_run(&m);

	if (n)
		fail_msg("%s: %u checks fail:%s", what, n, ecm_describe(&m));
	if (m.nunwritten)
		fail_msg("%s: the checker read field 0x%04x, which the VMCS does not have", what, m.unwritten[0]);
	assert_int_equal(m.report.skipped, 0);
}

/* ------------------------------------------------------------------ baselines */

static void test_baseline_fake_models(void **state)
{
	size_t ran = 0;

	(void)state;
	for (size_t i = 0; fake_cpu_models[i]; i++) {
		const struct fake_cpu_model *cpu = fake_cpu_models[i];
		struct fake_cpu fc;
		struct cpu_ops ops = fake_cpu_ops(&fc, cpu, true);
		struct vmx_caps caps;
		char why[200], line[200];

		if (vmx_probe(&ops, &caps, why, sizeof(why)) != HV_OK) {
			/* minihv stops at the probe (no VT-x, no EPT): it never writes a VMCS there */
			assert_true(!strcmp(cpu->name, "core2_penryn_t9600") || !strcmp(cpu->name, "ryzen"));
			print_message("  %-28s no VMCS: %s\n", cpu->name, why);
			continue;
		}
		ecm_init(&m, cpu, 0);
		ecm_vmcs_setup(&m);
		assert_clean(cpu->name);
		assert_true(m.report.checked > 100);
		entry_check_format_summary(&m.report, line, sizeof(line));
		print_message("  %-28s %s\n", cpu->name, line);
		ran++;
	}
	assert_int_equal(ran, 4);
}

static void test_baseline_real_cpus(void **state)
{
	(void)state;
	assert_true(ec_real_cpu_count >= 6);
	for (size_t i = 0; i < ec_real_cpu_count; i++) {
		const struct ec_real_cpu *cpu = &ec_real_cpus[i];
		char line[200];

		assert_non_null(cpu->source);
		ecm_init(&m, &cpu->m, cpu->vmfunc);
		ecm_vmcs_setup(&m);
		assert_true(fake_log_find("[hv] vmcs: pin=", 0) >= 0);   /* vmcs_setup got to its end */
		assert_clean(cpu->m.name);
		assert_true(m.report.checked > 100);
		entry_check_format_summary(&m.report, line, sizeof(line));
		print_message("  %-36s %s\n", cpu->m.name, line);
	}
}

/* Each other vCPU's VMCS, as its own CPU writes it (vmcs_setup_vcpu), passes too on every real
 * CPU, for an MHVGUEST guest and (with unrestricted guest) a Multiboot kernel: vCPU 0's fields but
 * its own VPID, host TSS, GS base (this_vcpu) and exit stack, RIP and RSP from HC_VCPU_START. */
static void test_other_vcpus(void **state)
{
	(void)state;
	for (size_t i = 0; i < ec_real_cpu_count; i++) {
		const struct ec_real_cpu *cpu = &ec_real_cpus[i];

		for (int mb = 0; mb < 2; mb++) {
			ecm_init(&m, &cpu->m, cpu->vmfunc);
			if (mb && !m.caps.unrestricted_guest)
				continue;
			m.multiboot = mb;
			m.nvcpus = ECM_MAX_VCPUS;
			ecm_vmcs_setup(&m);
			for (unsigned v = 1; v < ECM_MAX_VCPUS; v++) {
				uint64_t rip = m.vm.entry_gpa + 0x40 * v, rsp = m.vm.mem_base + m.vm.mem_size - 0x4000 * v;

				ecm_vcpu_setup(&m, v, rip, rsp);
				assert_clean(cpu->m.name);
				assert_int_equal(ecm_get(&m, GUEST_RIP), rip);
				assert_int_equal(ecm_get(&m, GUEST_RSP), rsp);
				assert_int_equal(ecm_get(&m, HOST_GS_BASE), (uint64_t)(uintptr_t)&m.vcpus[v]);
				assert_int_equal(ecm_get(&m, HOST_TR_BASE), ECM_AP_TSS(v));
				assert_int_not_equal(ecm_get(&m, HOST_RSP), m.vcpus[0].exit_stack_top);
				if (ecm_has(&m, VIRTUAL_PROCESSOR_ID))
					assert_int_equal(ecm_get(&m, VIRTUAL_PROCESSOR_ID), 1 + v);
			}
		}
	}
}

/* The same VMCS with no memory reader: nothing it checks needs one. */
static void test_baseline_without_memory(void **state)
{
	(void)state;
	ecm_init(&m, &ec_real_cpus[ec_real_cpu_count - 1].m, 0);
	ecm_vmcs_setup(&m);
	m.no_memory = true;
	assert_clean("no memory reader");
}

/* ------------------------------------------------------------------ CPUs without the optional controls */

/* A control minihv asks for but can run without (vmm/vmx/controls.c), taken from a CPU, and the
 * VMCS field the CPU then lacks (NO_FIELD: none). */
#define NO_FIELD 0xffffffffu

struct missing_control {
	const char *name;
	unsigned msr;       /* 0 pin-based, 1 secondary, 2 VM-exit */
	uint32_t bit;
	uint32_t field;
};

static const struct missing_control optional[] = {
	{ "enable VPID", 1, PROC2_ENABLE_VPID, VIRTUAL_PROCESSOR_ID },
	{ "NMI exiting", 0, PIN_NMI_EXITING, NO_FIELD },         /* virtual NMIs must go too */
	{ "VMX-preemption timer", 0, PIN_PREEMPTION_TIMER, VMX_PREEMPTION_TIMER_VALUE },
	{ "save VMX-preemption timer value", 2, EXIT_SAVE_PREEMPTION_TIMER, NO_FIELD },
	{ "enable RDTSCP", 1, PROC2_ENABLE_RDTSCP, NO_FIELD },
	{ "enable INVPCID", 1, PROC2_ENABLE_INVPCID, NO_FIELD },
	{ "WBINVD exiting", 1, PROC2_WBINVD_EXITING, NO_FIELD },
};

static void take_away(struct fake_cpu_model *cpu, const struct missing_control *c)
{
	uint64_t bit = (uint64_t)c->bit << 32;   /* the allowed-1 half */

	if (c->msr == 0) {
		cpu->pinbased &= ~bit;
		cpu->true_pinbased &= ~bit;
	} else if (c->msr == 1) {
		cpu->procbased2 &= ~bit;
	} else {
		cpu->exit &= ~bit;
		cpu->true_exit &= ~bit;
	}
}

/* Each optional control taken from the oldest and the newest real CPU: the VMCS still passes, and
 * vmcs_setup writes no field the CPU then lacks (ecm_vmcs_setup fails the test on such a VMWRITE). */
static void test_baseline_without_optional_controls(void **state)
{
	const struct ec_real_cpu *cpus[] = { &ec_real_cpus[0], &ec_real_cpus[ec_real_cpu_count - 2] };

	(void)state;
	for (size_t k = 0; k < sizeof(cpus) / sizeof(cpus[0]); k++) {
		for (size_t i = 0; i < sizeof(optional) / sizeof(optional[0]); i++) {
			struct fake_cpu_model cpu = cpus[k]->m;
			char what[160];

			take_away(&cpu, &optional[i]);
			snprintf(what, sizeof(what), "%s without %s", cpu.name, optional[i].name);
			ecm_init(&m, &cpu, cpus[k]->vmfunc);
			ecm_vmcs_setup(&m);
			assert_clean(what);
			/* the fake VMCS lacks the field, as the CPU does */
			if (optional[i].field != NO_FIELD && fake_vmcs_has(optional[i].field))
				fail_msg("%s: the VMCS has field 0x%04x", what, optional[i].field);
		}
	}
}

/* ------------------------------------------------------------------ deliberate faults */

/* The faults the boot tests plant (tests/boot/cases_hostile.py ENTRY_FAULTS): HV.CFG vmwrite= lines,
 * written by vmm/vm/entry_gate.c after vmcs_setup. Each is named exactly, alone; all three together
 * are listed controls first (§27.2 before §27.3). */
static const struct {
	const char *cfg, *logged, *id, *line;
} faults[] = {
	{ "vmwrite=0x400a:0x5\n", "[hv] test: vmwrite CR3_TARGET_COUNT (0x400a)=0x5", "ctl.cr3-target-count",
	  "vm-entry-check: FAIL ctl.cr3-target-count SDM 27.2.1.1 \"VM-Execution Control Fields\" CR3_TARGET_COUNT=0x5: "
	  "at most 0x4 (IA32_VMX_MISC[24:16]) [error 7]" },
	{ "vmwrite=0x6820:0x0\n", "[hv] test: vmwrite GUEST_RFLAGS (0x6820)=0x0", "guest.rflags.reserved1",
	  "vm-entry-check: FAIL guest.rflags.reserved1 SDM 27.3.1.4 \"Checks on Guest RIP, RFLAGS, and SSP\" "
	  "GUEST_RFLAGS=0x0: bit 1 must be 1 [exit 33]" },
	{ "vmwrite=0x2800:0x123\n", "[hv] test: vmwrite VMCS_LINK_POINTER (0x2800)=0x123", "guest.link.align",
	  "vm-entry-check: FAIL guest.link.align SDM 27.3.1.5 \"Checks on Guest Non-Register State\" "
	  "VMCS_LINK_POINTER=0x123: bits 11:0 must be 0 (or the pointer all ones) [exit 33 qual 4]" },
};

static void base(void)
{
	ecm_init(&m, &ec_real_cpus[ec_real_cpu_count - 2].m, 0);   /* Arrow Lake */
	ecm_vmcs_setup(&m);
	assert_int_equal(ecm_run(&m), 0);
}

/* Arrow Lake with HV.CFG text, its vmwrite= lines applied as vm_run applies them. */
static void base_with(const char *cfg)
{
	ecm_init(&m, &ec_real_cpus[ec_real_cpu_count - 2].m, 0);
	ecm_config(&m, cfg);
	ecm_vmcs_setup(&m);
	entry_gate_vmwrites(&m.vm);
}

static void assert_only(const char *id, const char *line)
{
	char got[400];

	if (m.report.failed != 1 || strcmp(m.report.fail[0].def->id, id))
		fail_msg("want only %s, got %u:%s", id, m.report.failed, ecm_describe(&m));
	entry_check_format(&m.report.fail[0], got, sizeof(got));
	if (line)
		assert_string_equal(got, line);
}

static void test_deliberate_faults(void **state)
{
	char all[200] = "";
	uint64_t qual;

	(void)state;
	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		base_with(faults[i].cfg);
		if (fake_log_find(faults[i].logged, 0) < 0)
			fail_msg("no line \"%s\" in:\n%s", faults[i].logged, fake_log_text());
		ecm_run(&m);
		assert_only(faults[i].id, faults[i].line);
		strcat(all, faults[i].cfg);
	}
	base_with(all);
	ecm_run(&m);
	assert_int_equal(m.report.failed, 3);
	for (size_t i = 0; i < 3; i++)
		assert_string_equal(m.report.fail[i].def->id, faults[i].id);
	assert_int_equal(entry_check_expected(&m.report, &qual), ENTRY_VERDICT_ERROR_CONTROLS);
}

/* ------------------------------------------------------------------ legal edge values */

static void must_pass(const char *what)
{
	unsigned n = ecm_run(&m);

	if (n)
		fail_msg("%s: %u checks fail:%s", what, n, ecm_describe(&m));
}

static void test_edges_controls(void **state)
{
	uint64_t top = 1ull << m.caps.maxphyaddr;

	(void)state;
	base();
	top = 1ull << m.caps.maxphyaddr;
	ecm_set(&m, CR3_TARGET_COUNT, (m.caps.misc >> VMX_MISC_CR3_TARGET_COUNT_SHIFT) & VMX_MISC_CR3_TARGET_COUNT_MASK);
	ecm_set(&m, IO_BITMAP_A, top - 0x1000);
	ecm_set(&m, MSR_BITMAP, top - 0x1000);
	ecm_set(&m, EPT_POINTER, (top - 0x1000) | EPTP_MEMTYPE_UC | EPTP_WALK_LENGTH_4 | EPTP_AD_ENABLE);
	ecm_set(&m, VIRTUAL_PROCESSOR_ID, 0xffff);
	/* an MSR area whose last byte is the last physical address */
	ecm_set(&m, VM_EXIT_MSR_STORE_COUNT, 2);
	ecm_set(&m, VM_EXIT_MSR_STORE_ADDR, top - 2 * VMX_MSR_ENTRY_SIZE);
	must_pass("controls at their limits");
	assert_int_equal(ecm_get(&m, CR3_TARGET_COUNT), 4);
}

static void test_edges_canonical(void **state)
{
	(void)state;
	base();
	ecm_set(&m, HOST_FS_BASE, 0x00007fffffffffffull);   /* top of the lower half */
	ecm_set(&m, HOST_GS_BASE, 0xffff800000000000ull);   /* bottom of the upper half */
	ecm_set(&m, HOST_IA32_SYSENTER_EIP, 0xffffffffffffffffull);
	ecm_set(&m, HOST_RIP, 0xffff800000000000ull);
	ecm_set(&m, GUEST_FS_BASE, 0x00007ffffffff000ull);
	ecm_set(&m, GUEST_GS_BASE, 0xfffffffffffff000ull);
	ecm_set(&m, GUEST_GDTR_BASE, 0x00007fffffffffffull);
	ecm_set(&m, GUEST_RIP, 0x00007fffffffffffull);
	ecm_set(&m, GUEST_GDTR_LIMIT, 0xffff);
	must_pass("canonical edges, 48-bit");
	/* with 57-bit linear addresses the lower half goes further */
	m.facts.linear_width = LINEAR_WIDTH_5LEVEL;
	ecm_set(&m, GUEST_RIP, 0x00ffffffffffffffull);
	ecm_set(&m, HOST_TR_BASE, 0xff00000000000000ull);
	must_pass("canonical edges, 57-bit");
}

static void inject(uint32_t info, uint32_t error_code, uint32_t len)
{
	ecm_set(&m, VM_ENTRY_INTR_INFO_FIELD, info);
	ecm_set(&m, VM_ENTRY_EXCEPTION_ERROR_CODE, error_code);
	ecm_set(&m, VM_ENTRY_INSTRUCTION_LEN, len);
}

static void test_edges_events(void **state)
{
	(void)state;
	base();
	inject(intr_info_encode(13, INTR_TYPE_HW_EXCEPTION, true), 0xffff, 0);
	must_pass("#GP with a 16-bit error code");
	inject(intr_info_encode(6, INTR_TYPE_HW_EXCEPTION, false), 0, 0);
	must_pass("#UD without an error code");
	inject(intr_info_encode(2, INTR_TYPE_NMI, false), 0, 0);
	ecm_set(&m, GUEST_INTERRUPTIBILITY_INFO, 0);
	must_pass("an NMI");
	inject(intr_info_encode(0x80, INTR_TYPE_SW_INTERRUPT, false), 0, ENTRY_INSTRUCTION_LEN_MAX);
	must_pass("INT 0x80, 15 bytes");
	inject(intr_info_encode(3, INTR_TYPE_SW_EXCEPTION, false), 0, 0);
	must_pass("INT3 of length 0 (IA32_VMX_MISC[30] = 1)");
	inject(intr_info_encode(0, INTR_TYPE_OTHER, false), 0, 0);
	must_pass("a pending MTF VM exit");
	inject(intr_info_encode(0x20, INTR_TYPE_EXTERNAL, false), 0, 0);
	ecm_or(&m, GUEST_RFLAGS, RFLAGS_IF);
	must_pass("an external interrupt with IF = 1");
	ecm_set(&m, GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_HLT);
	must_pass("an external interrupt into HLT");
	inject(intr_info_encode(VEC_MC, INTR_TYPE_HW_EXCEPTION, false), 0, 0);
	ecm_set(&m, GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_SHUTDOWN);
	must_pass("#MC into shutdown");
}

static void test_edges_msrs_and_segments(void **state)
{
	(void)state;
	base();
	ecm_or(&m, VM_ENTRY_CONTROLS, ENTRY_LOAD_IA32_PAT | ENTRY_LOAD_DEBUG_CONTROLS);
	ecm_or(&m, VM_EXIT_CONTROLS, EXIT_LOAD_IA32_PAT);
	ecm_set(&m, GUEST_IA32_PAT, 0x0007040600070406ull);   /* the reset value: WB WT UC- UC */
	ecm_set(&m, HOST_IA32_PAT, 0x0706050401000706ull);    /* every valid type */
	ecm_set(&m, GUEST_IA32_DEBUGCTL, DEBUGCTL_DEFINED_BITS);
	ecm_set(&m, GUEST_DR7, 0xffffffffull);
	ecm_or(&m, GUEST_IA32_EFER, EFER_SCE);
	ecm_or(&m, HOST_IA32_EFER, EFER_SCE);
	ecm_set(&m, GUEST_DS_LIMIT, 0xfffff);                 /* byte granular up to 1 MiB */
	ecm_clear(&m, GUEST_DS_AR_BYTES, SEG_AR_G);
	ecm_set(&m, GUEST_ES_AR_BYTES, SEG_AR_UNUSABLE | 0xffe00);   /* unusable: nothing else is checked */
	ecm_set(&m, GUEST_SS_AR_BYTES, SEG_AR_UNUSABLE);      /* a 64-bit guest may run with SS unusable */
	ecm_set(&m, GUEST_LDTR_SELECTOR, 0x20);
	ecm_set(&m, GUEST_LDTR_BASE, ECM_GUEST_BASE + 0x8000);
	ecm_set(&m, GUEST_LDTR_LIMIT, 0xff);
	ecm_set(&m, GUEST_LDTR_AR_BYTES, SEG_TYPE_LDT | SEG_AR_P);
	must_pass("MSRs and segments at legal edges");
}

/* A 32-bit protected-mode guest with PAE paging under EPT: the PDPTE fields are checked. */
static void guest32(void)
{
	ecm_clear(&m, VM_ENTRY_CONTROLS, ENTRY_IA32E_MODE_GUEST);
	ecm_set(&m, GUEST_IA32_EFER, 0);
	ecm_set(&m, GUEST_CS_AR_BYTES, SEG_AR_DATA - SEG_TYPE_DATA_RW + SEG_TYPE_CODE_XR + SEG_TYPE_ACCESSED);
	ecm_set(&m, GUEST_PDPTR0, ECM_GUEST_BASE + 0x1000 + PTE_P);
	ecm_set(&m, GUEST_PDPTR1, 0);
	ecm_set(&m, GUEST_PDPTR2, 0x1e6);                     /* not present: the rest is ignored */
	ecm_set(&m, GUEST_PDPTR3, 0);
}

static void test_edges_modes(void **state)
{
	(void)state;
	base();
	guest32();
	must_pass("32-bit PAE guest");
	/* virtual-8086 mode inside it */
	ecm_or(&m, GUEST_RFLAGS, RFLAGS_VM);
	for (uint32_t f = 0; f < 6; f++) {
		ecm_set(&m, GUEST_ES_SELECTOR + 2 * f, 0x1234);
		ecm_set(&m, GUEST_ES_BASE + 2 * f, 0x12340);
		ecm_set(&m, GUEST_ES_LIMIT + 2 * f, SEG_LIMIT_64K);
		ecm_set(&m, GUEST_ES_AR_BYTES + 2 * f, 0xf3);
	}
	must_pass("virtual-8086 guest");
	/* real mode with unrestricted guest: CR0.PE = PG = 0, CS a data segment at DPL 0 */
	base();
	ecm_or(&m, SECONDARY_VM_EXEC_CONTROL, PROC2_UNRESTRICTED_GUEST);
	ecm_clear(&m, VM_ENTRY_CONTROLS, ENTRY_IA32E_MODE_GUEST);
	ecm_set(&m, GUEST_IA32_EFER, 0);
	ecm_clear(&m, GUEST_CR0, CR0_PE | CR0_PG);
	ecm_set(&m, GUEST_CS_SELECTOR, 0xf000);
	ecm_set(&m, GUEST_CS_BASE, 0xf0000);
	ecm_set(&m, GUEST_CS_LIMIT, SEG_LIMIT_64K);
	ecm_set(&m, GUEST_CS_AR_BYTES, SEG_TYPE_DATA_RW | SEG_TYPE_ACCESSED | SEG_AR_S | SEG_AR_P);
	ecm_set(&m, GUEST_SS_SELECTOR, 0x9003);              /* RPL 3 is fine with unrestricted guest */
	ecm_set(&m, GUEST_TR_AR_BYTES, SEG_TYPE_TSS16_BUSY | SEG_AR_P);
	inject(intr_info_encode(13, INTR_TYPE_HW_EXCEPTION, false), 0, 0);   /* real mode: no error code */
	must_pass("real-mode unrestricted guest");
}

static void test_edges_nonregister(void **state)
{
	uint32_t header;

	(void)state;
	base();
	/* TPR shadow with a threshold equal to VTPR's priority class */
	ecm_or(&m, CPU_BASED_VM_EXEC_CONTROL, PROC_USE_TPR_SHADOW);
	ecm_set(&m, VIRTUAL_APIC_PAGE_ADDR, ECM_SPARE_PAGE);
	ecm_set(&m, TPR_THRESHOLD, 3);
	ecm_poke(&m, ECM_SPARE_PAGE + VAPIC_VTPR_OFFSET, &(uint8_t){ 0x3f }, 1);
	must_pass("TPR threshold = VTPR[7:4]");
	/* a VMCS link pointer to a VMCS of this revision */
	header = m.caps.vmcs_revision;
	ecm_poke(&m, ECM_SPARE_PAGE + 0x1000, &header, sizeof(header));
	ecm_set(&m, VMCS_LINK_POINTER, ECM_SPARE_PAGE + 0x1000);
	must_pass("a valid VMCS link pointer");
	/* HLT at CPL 0, and MOV-SS blocking with a single-step pending */
	ecm_set(&m, GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_HLT);
	must_pass("HLT");
	ecm_set(&m, GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_ACTIVE);
	ecm_set(&m, GUEST_INTERRUPTIBILITY_INFO, GUEST_INTR_STATE_MOV_SS);
	ecm_or(&m, GUEST_RFLAGS, RFLAGS_TF);
	ecm_set(&m, GUEST_PENDING_DBG_EXCEPTIONS, PENDING_DBG_BS | 0x1);
	must_pass("MOV SS blocking with BS pending");
}

/* ------------------------------------------------------------------ verdicts and lines */

static void test_expected_verdict(void **state)
{
	uint64_t qual = 99;

	(void)state;
	base();
	assert_int_equal(entry_check_expected(&m.report, &qual), ENTRY_VERDICT_NONE);
	assert_true(entry_check_consistent(&m.report, ENTRY_VERDICT_NONE, 0));
	/* a guest-state and a control failure: the CPU reports the control (§27.2 before §27.3) */
	ecm_set(&m, VMCS_LINK_POINTER, 0x123);
	ecm_set(&m, CR3_TARGET_COUNT, 9);
	ecm_set(&m, HOST_TR_SELECTOR, 0);
	ecm_run(&m);
	assert_int_equal(m.report.failed, 3);
	assert_int_equal(entry_check_expected(&m.report, &qual), ENTRY_VERDICT_ERROR_CONTROLS);
	assert_true(entry_check_consistent(&m.report, ENTRY_VERDICT_ERROR_CONTROLS, 0));
	assert_true(entry_check_consistent(&m.report, ENTRY_VERDICT_ERROR_HOST, 0));   /* §27.2: any order */
	assert_false(entry_check_consistent(&m.report, ENTRY_VERDICT_EXIT_GUEST, 4));
	assert_false(entry_check_consistent(&m.report, ENTRY_VERDICT_NONE, 0));
	/* the guest failure alone: exit 33 with qualification 4 */
	ecm_set(&m, CR3_TARGET_COUNT, 0);
	ecm_set(&m, HOST_TR_SELECTOR, 0x18);
	ecm_run(&m);
	assert_int_equal(entry_check_expected(&m.report, &qual), ENTRY_VERDICT_EXIT_GUEST);
	assert_int_equal(qual, 4);
	assert_true(entry_check_consistent(&m.report, ENTRY_VERDICT_EXIT_GUEST, 4));
	assert_false(entry_check_consistent(&m.report, ENTRY_VERDICT_EXIT_GUEST, 0));
	/* NMI injection under STI blocking: a CPU may refuse (33, qual 3) or enter */
	base();
	ecm_or(&m, GUEST_RFLAGS, RFLAGS_IF);
	ecm_set(&m, GUEST_INTERRUPTIBILITY_INFO, GUEST_INTR_STATE_STI);
	inject(intr_info_encode(2, INTR_TYPE_NMI, false), 0, 0);
	ecm_run(&m);
	assert_int_equal(m.report.failed, 1);
	assert_true(entry_check_consistent(&m.report, ENTRY_VERDICT_EXIT_GUEST, 3));
	assert_true(entry_check_consistent(&m.report, ENTRY_VERDICT_NONE, 0));
	assert_false(entry_check_consistent(&m.report, ENTRY_VERDICT_EXIT_GUEST, 0));
}

static void test_format(void **state)
{
	char buf[400];
	struct entry_check_failure f = { entry_check_find("msr-load.x2apic"), 0x200A, 0x808, 3 };

	(void)state;
	entry_check_format(&f, buf, sizeof(buf));
	assert_string_equal(buf, "vm-entry-check: FAIL msr-load.x2apic SDM 27.4 \"Loading MSRs\" VM_ENTRY_MSR_LOAD_ADDR=0x808: "
				 "entry 0x3: the x2APIC MSRs 800H-8FFH cannot be loaded [exit 34 qual 3]");
	f = (struct entry_check_failure){ entry_check_find("host.sel.tr-null"), ENTRY_CHECK_NO_FIELD, 0, 0 };
	entry_check_format(&f, buf, sizeof(buf));
	assert_string_equal(buf, "vm-entry-check: FAIL host.sel.tr-null SDM 27.2.3 \"Checks on Host Segment and "
				 "Descriptor-Table Registers\": must not be 0 [error 8]");
	/* a short buffer: truncated, terminated, the wanted length returned */
	assert_true(entry_check_format(&f, buf, 20) > 20);
	assert_int_equal(strlen(buf), 19);
	base();
	entry_check_format_summary(&m.report, buf, sizeof(buf));
	assert_true(!strncmp(buf, "vm-entry-check: ok checks=", 26));
	ecm_set(&m, HOST_TR_SELECTOR, 0);
	ecm_set(&m, VMCS_LINK_POINTER, 0x1000);
	ecm_run(&m);
	entry_check_format_summary(&m.report, buf, sizeof(buf));
	assert_non_null(strstr(buf, "vm-entry-check: failed=2 checks="));
	assert_non_null(strstr(buf, " skipped=0 expect=\"error 8\""));
	entry_check_format_verdict(ENTRY_VERDICT_EXIT_GUEST, 0, buf, sizeof(buf));
	assert_string_equal(buf, "exit 33");
	assert_string_equal(entry_check_field_name(0x6C0C), "HOST_GDTR_BASE");
	assert_string_equal(entry_check_field_name(0x1234), "?");
}

/* The table: unique ids, a verdict that fits the section, exit qualifications only for 33. */
static void test_defs(void **state)
{
	size_t n;
	const struct entry_check_def *d = entry_check_defs(&n);

	(void)state;
	assert_true(n > 150);
	for (size_t i = 0; i < n; i++) {
		const char *id = d[i].id, *s = d[i].section, *p;
		unsigned want = !strncmp(id, "ctl.", 4)	  ? 7
				: !strncmp(id, "host.", 5)    ? 8
				: !strncmp(id, "guest.", 6)   ? 33
				: !strncmp(id, "msr-load.", 9) ? 34
							      : 0;

		assert_int_equal(d[i].verdict, want);
		assert_ptr_equal(entry_check_find(id), &d[i]);
		for (p = id; *p; p++)
			assert_true((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '-');
		if (want == 7)
			assert_true(!strncmp(s, "27.2.1.", 7));
		if (want == 8)
			assert_true(!strcmp(s, "27.2.2") || !strcmp(s, "27.2.3") || !strcmp(s, "27.2.4"));
		if (want == 33)
			assert_true(!strncmp(s, "27.3.1.", 7));
		if (want == 34)
			assert_string_equal(s, "27.4");
		assert_true(d[i].qual == 0 || (want == 33 && (d[i].qual == 2 || d[i].qual == 3 || d[i].qual == 4)));
		assert_true(strlen(d[i].title) > 10 && strlen(d[i].rule) > 5);
		p = strstr(d[i].rule, "{}");
		assert_true(!p || !strstr(p + 2, "{}"));
	}
	assert_null(entry_check_find("no.such.check"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_baseline_fake_models),
		cmocka_unit_test(test_baseline_real_cpus),
		cmocka_unit_test(test_other_vcpus),
		cmocka_unit_test(test_baseline_without_memory),
		cmocka_unit_test(test_baseline_without_optional_controls),
		cmocka_unit_test(test_deliberate_faults),
		cmocka_unit_test(test_edges_controls),
		cmocka_unit_test(test_edges_canonical),
		cmocka_unit_test(test_edges_events),
		cmocka_unit_test(test_edges_msrs_and_segments),
		cmocka_unit_test(test_edges_modes),
		cmocka_unit_test(test_edges_nonregister),
		cmocka_unit_test(test_expected_verdict),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_defs),
	};

	return cmocka_run_group_tests_name("entry_check", tests, NULL, NULL);
}
