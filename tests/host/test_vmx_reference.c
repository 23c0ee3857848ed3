// SPDX-License-Identifier: MIT
/*
 * tests/host/test_vmx_reference.c - the code's VMX constants against the
 * reference tables in tests/reference/vmx (read at run time through
 * tests/host/ref_tsv.c; directory $HV_REFERENCE_DIR or tests/reference/vmx):
 *
 *   arch/x86_64/msr.h      MSR numbers and names, IA32_FEATURE_CONTROL, IA32_VMX_BASIC,
 *                          IA32_VMX_MISC and IA32_VMX_EPT_VPID_CAP bit fields (vmx_msrs.tsv)
 *   vmm/vmx/controls.h     every control bit (vmx_controls.tsv)
 *   vmx_errors.c           vmx_instruction_error_name(1..28) (vm_instruction_errors.tsv)
 *
 * The headers are also scanned at run time (from $HV_SOURCE_DIR, default "."):
 * a new #define in them without a row in the tables here fails the test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arch/lib/array.h"
#include "arch/x86_64/cr.h"
#include "arch/x86_64/msr.h"
#include "vmm/vmx/insn.h"
#include "tests/host/ref_check.h"
#include "vmm/vmx/controls.h"


/* ------------------------------------------------------------------ our constants */

struct msr_row {
	uint32_t msr;
	const char *name;
};
#define MSR(n) { n, #n }
static const struct msr_row our_msrs[] = {
	MSR(IA32_FEATURE_CONTROL), MSR(IA32_SYSENTER_CS), MSR(IA32_SYSENTER_ESP),
	MSR(IA32_SYSENTER_EIP), MSR(IA32_DEBUGCTL), MSR(IA32_PAT), MSR(IA32_VMX_BASIC),
	MSR(IA32_VMX_PINBASED_CTLS), MSR(IA32_VMX_PROCBASED_CTLS), MSR(IA32_VMX_EXIT_CTLS),
	MSR(IA32_VMX_ENTRY_CTLS), MSR(IA32_VMX_MISC), MSR(IA32_VMX_CR0_FIXED0),
	MSR(IA32_VMX_CR0_FIXED1), MSR(IA32_VMX_CR4_FIXED0), MSR(IA32_VMX_CR4_FIXED1),
	MSR(IA32_VMX_VMCS_ENUM), MSR(IA32_VMX_PROCBASED_CTLS2), MSR(IA32_VMX_EPT_VPID_CAP),
	MSR(IA32_VMX_TRUE_PINBASED_CTLS), MSR(IA32_VMX_TRUE_PROCBASED_CTLS),
	MSR(IA32_VMX_TRUE_EXIT_CTLS), MSR(IA32_VMX_TRUE_ENTRY_CTLS), MSR(IA32_VMX_VMFUNC), MSR(IA32_VMX_PROCBASED_CTLS3),
	MSR(IA32_EFER), MSR(IA32_FS_BASE), MSR(IA32_GS_BASE), MSR(IA32_APIC_BASE), MSR(IA32_S_CET),
	MSR(IA32_X2APIC_BASE), MSR(IA32_STAR), MSR(IA32_LSTAR), MSR(IA32_CSTAR), MSR(IA32_FMASK),
	MSR(IA32_KERNEL_GS_BASE), MSR(IA32_TSC_AUX), MSR(IA32_SMM_MONITOR_CTL),
};

/* MSRs vmx_msrs.tsv covers: IA32_FEATURE_CONTROL and 0x480..0x493. */
static int msr_in_table_scope(uint32_t msr)
{
	return msr == 0x3a || (msr >= 0x480 && msr <= 0x493);
}

struct field_row {
	uint32_t msr;
	const char *tsv;
	uint64_t mask;                  /* the field in place */
	const char *ours, *ours2;       /* the macro names it covers */
};
#define BIT(msr, tsv, n) { msr, tsv, n, #n, NULL }
#define FIELD(msr, tsv, n) { msr, tsv, n##_MASK << n##_SHIFT, #n "_MASK", #n "_SHIFT" }
static const struct field_row our_fields[] = {
	BIT(0x3a, "LOCK", FEATURE_CONTROL_LOCK),
	BIT(0x3a, "ENABLE_VMX_INSIDE_SMX", FEATURE_CONTROL_VMX_INSIDE_SMX),
	BIT(0x3a, "ENABLE_VMX_OUTSIDE_SMX", FEATURE_CONTROL_VMX_OUTSIDE_SMX),
	BIT(0x480, "VMCS_REVISION_ID", VMX_BASIC_REVISION_MASK),
	FIELD(0x480, "VMCS_REGION_SIZE", VMX_BASIC_REGION_SIZE),
	FIELD(0x480, "VMCS_MEMORY_TYPE", VMX_BASIC_MEMTYPE),
	BIT(0x480, "INS_OUTS_INFO", VMX_BASIC_INS_OUTS_INFO),
	BIT(0x480, "TRUE_CONTROLS", VMX_BASIC_TRUE_CONTROLS),
	BIT(0x485, "PREEMPTION_TIMER_RATE", VMX_MISC_PREEMPT_RATE_MASK),
	BIT(0x485, "STORE_EFER_LMA", VMX_MISC_STORE_EFER_LMA),
	BIT(0x485, "ACTIVITY_HLT", VMX_MISC_ACTIVITY_HLT),
	BIT(0x480, "NO_ERROR_CODE_REQUIREMENT", VMX_BASIC_NO_ERROR_CODE_REQUIREMENT),
	BIT(0x485, "ACTIVITY_SHUTDOWN", VMX_MISC_ACTIVITY_SHUTDOWN),
	BIT(0x485, "ACTIVITY_WAIT_SIPI", VMX_MISC_ACTIVITY_WAIT_SIPI),
	FIELD(0x485, "CR3_TARGET_COUNT", VMX_MISC_CR3_TARGET_COUNT),
	FIELD(0x485, "MAX_MSR_LIST", VMX_MISC_MAX_MSR_LIST),
	BIT(0x485, "ZERO_LENGTH_INJECTION", VMX_MISC_ZERO_LENGTH_INJECTION),
	BIT(0x491, "EPTP_SWITCHING", VMX_VMFUNC_EPTP_SWITCHING),
};

struct control_row {
	const char *group, *tsv;
	uint32_t mask;            /* controls.h defines masks: exactly one bit set */
	const char *ours;
};
/* Our name, and the table's name where it differs from ours without the group prefix. */
#define CTL(group, prefix, name) { group, #name, prefix##name, #prefix #name }
#define CTLN(group, prefix, name, tsv) { group, tsv, prefix##name, #prefix #name }
static const struct control_row our_controls[] = {
	CTL("pin", PIN_, EXTERNAL_INTERRUPT_EXITING),
	CTL("pin", PIN_, NMI_EXITING),
	CTL("pin", PIN_, VIRTUAL_NMIS),
	CTLN("pin", PIN_, PREEMPTION_TIMER, "ACTIVATE_VMX_PREEMPTION_TIMER"),
	CTL("pin", PIN_, PROCESS_POSTED_INTERRUPTS),
	CTL("proc", PROC_, INTERRUPT_WINDOW_EXITING),
	CTL("proc", PROC_, USE_TSC_OFFSETTING),
	CTL("proc", PROC_, HLT_EXITING),
	CTL("proc", PROC_, INVLPG_EXITING),
	CTL("proc", PROC_, MWAIT_EXITING),
	CTL("proc", PROC_, RDPMC_EXITING),
	CTL("proc", PROC_, RDTSC_EXITING),
	CTL("proc", PROC_, CR3_LOAD_EXITING),
	CTL("proc", PROC_, CR3_STORE_EXITING),
	CTL("proc", PROC_, CR8_LOAD_EXITING),
	CTL("proc", PROC_, CR8_STORE_EXITING),
	CTL("proc", PROC_, USE_TPR_SHADOW),
	CTL("proc", PROC_, NMI_WINDOW_EXITING),
	CTL("proc", PROC_, MOV_DR_EXITING),
	CTL("proc", PROC_, UNCONDITIONAL_IO_EXITING),
	CTL("proc", PROC_, USE_IO_BITMAPS),
	CTL("proc", PROC_, MONITOR_TRAP_FLAG),
	CTL("proc", PROC_, USE_MSR_BITMAPS),
	CTL("proc", PROC_, MONITOR_EXITING),
	CTL("proc", PROC_, PAUSE_EXITING),
	CTL("proc", PROC_, ACTIVATE_SECONDARY_CONTROLS),
	CTL("proc", PROC_, ACTIVATE_TERTIARY_CONTROLS),
	CTL("proc2", PROC2_, VIRTUALIZE_APIC_ACCESSES),
	CTL("proc2", PROC2_, ENABLE_EPT),
	CTL("proc2", PROC2_, DESCRIPTOR_TABLE_EXITING),
	CTL("proc2", PROC2_, ENABLE_RDTSCP),
	CTL("proc2", PROC2_, ENABLE_VPID),
	CTL("proc2", PROC2_, WBINVD_EXITING),
	CTL("proc2", PROC2_, UNRESTRICTED_GUEST),
	CTL("proc2", PROC2_, ENABLE_INVPCID),
	CTLN("proc2", PROC2_, MODE_BASED_EPT_EXEC, "MODE_BASED_EXECUTE_CONTROL_FOR_EPT"),
	CTLN("proc2", PROC2_, ENABLE_XSAVES, "ENABLE_XSAVES_XRSTORS"),
	CTL("proc2", PROC2_, ENABLE_USER_WAIT_PAUSE),
	CTL("proc2", PROC2_, ENABLE_PCONFIG),
	CTL("proc2", PROC2_, VIRTUALIZE_X2APIC_MODE),
	CTL("proc2", PROC2_, APIC_REGISTER_VIRTUALIZATION),
	CTL("proc2", PROC2_, VIRTUAL_INTERRUPT_DELIVERY),
	CTL("proc2", PROC2_, ENABLE_VM_FUNCTIONS),
	CTL("proc2", PROC2_, VMCS_SHADOWING),
	CTL("proc2", PROC2_, ENABLE_PML),
	CTL("proc2", PROC2_, EPT_VIOLATION_VE),
	CTL("proc2", PROC2_, SUB_PAGE_WRITE_PERMISSIONS_FOR_EPT),
	CTL("proc2", PROC2_, PT_USES_GUEST_PHYSICAL_ADDRESSES),
	CTL("exit", EXIT_, SAVE_DEBUG_CONTROLS),
	CTL("exit", EXIT_, HOST_ADDRESS_SPACE_SIZE),
	CTLN("exit", EXIT_, ACK_INTERRUPT_ON_EXIT, "ACKNOWLEDGE_INTERRUPT_ON_EXIT"),
	CTL("exit", EXIT_, SAVE_IA32_PAT),
	CTL("exit", EXIT_, LOAD_IA32_PAT),
	CTL("exit", EXIT_, SAVE_IA32_EFER),
	CTL("exit", EXIT_, LOAD_IA32_EFER),
	CTLN("exit", EXIT_, SAVE_PREEMPTION_TIMER, "SAVE_VMX_PREEMPTION_TIMER_VALUE"),
	CTL("exit", EXIT_, LOAD_IA32_PERF_GLOBAL_CTRL),
	CTL("exit", EXIT_, CLEAR_IA32_RTIT_CTL),
	CTL("exit", EXIT_, LOAD_CET_STATE),
	CTL("exit", EXIT_, LOAD_IA32_PKRS),
	CTL("entry", ENTRY_, LOAD_DEBUG_CONTROLS),
	CTL("entry", ENTRY_, IA32E_MODE_GUEST),
	CTL("entry", ENTRY_, LOAD_IA32_PAT),
	CTL("entry", ENTRY_, LOAD_IA32_EFER),
	CTL("entry", ENTRY_, ENTRY_TO_SMM),
	CTL("entry", ENTRY_, DEACTIVATE_DUAL_MONITOR_TREATMENT),
	CTL("entry", ENTRY_, LOAD_IA32_PERF_GLOBAL_CTRL),
	CTL("entry", ENTRY_, LOAD_IA32_BNDCFGS),
	CTL("entry", ENTRY_, LOAD_IA32_RTIT_CTL),
	CTL("entry", ENTRY_, LOAD_UINV),
	CTL("entry", ENTRY_, LOAD_CET_STATE),
	CTL("entry", ENTRY_, LOAD_IA32_LBR_CTL),
	CTL("entry", ENTRY_, LOAD_IA32_PKRS),
};

/* ------------------------------------------------------------------ helpers */

static uint64_t cell_u64(const struct ref_tsv *t, size_t row, const char *col)
{
	return ref_number(ref_tsv_get(t, row, col), col);
}

/* The row of vmx_msrs.tsv for MSR msr with the given bits ("63:0" = the MSR) or name; -1 if none. */
static long msrs_find(const struct ref_tsv *t, uint32_t msr, const char *col, const char *value)
{
	for (size_t r = 0; r < ref_tsv_rows(t); r++)
		if (cell_u64(t, r, "msr") == msr && !strcmp(ref_tsv_get(t, r, col), value))
			return (long)r;
	return -1;
}

/* Is name one of ours? Names our tables cover, for the header scan. */
static int known_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(our_msrs); i++)
		if (!strcmp(name, our_msrs[i].name))
			return 1;
	for (size_t i = 0; i < ARRAY_SIZE(our_fields); i++)
		if (!strcmp(name, our_fields[i].ours) || (our_fields[i].ours2 && !strcmp(name, our_fields[i].ours2)))
			return 1;
	for (size_t i = 0; i < ARRAY_SIZE(our_controls); i++)
		if (!strcmp(name, our_controls[i].ours))
			return 1;
	return 0;
}

/* Every "#define NAME" in the header whose name starts with one of prefixes must be known;
 * returns how many it checked. */
static size_t scan_header(const char *rel, const char *const *prefixes)
{
	char line[512], name[128];
	size_t n = 0;
	FILE *f = ref_source(rel);

	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " #define %127[A-Za-z0-9_]", name) != 1)
			continue;
		for (const char *const *p = prefixes; *p; p++) {
			if (strncmp(name, *p, strlen(*p)))
				continue;
			n++;
			if (!known_name(name)) {
				fclose(f);
				fail_msg("%s: %s has no row in test_vmx_reference.c", rel, name);
			}
			break;
		}
	}
	fclose(f);
	return n;
}

/* ------------------------------------------------------------------ MSRs */

static void test_msr_numbers(void **state)
{
	struct ref_tsv *t = ref_table("vmx_msrs.tsv");
	size_t in_scope = 0;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(our_msrs); i++) {
		const struct msr_row *m = &our_msrs[i];
		long r = msrs_find(t, m->msr, "bits", "63:0");

		if (!msr_in_table_scope(m->msr)) {
			assert_int_equal(r, -1);
			continue;
		}
		in_scope++;
		if (r < 0)
			fail_msg("%s = 0x%x: no such MSR in vmx_msrs.tsv", m->name, m->msr);
		if (strcmp(ref_tsv_get(t, (size_t)r, "name"), m->name))
			fail_msg("%s = 0x%x, but vmx_msrs.tsv names 0x%x %s", m->name, m->msr, m->msr,
				 ref_tsv_get(t, (size_t)r, "name"));
	}
	assert_int_equal(in_scope, 20);
	ref_tsv_close(t);
}

static void test_msr_bit_fields(void **state)
{
	struct ref_tsv *t = ref_table("vmx_msrs.tsv");

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(our_fields); i++) {
		const struct field_row *f = &our_fields[i];
		long r = msrs_find(t, f->msr, "name", f->tsv);

		if (r < 0)
			fail_msg("%s: no field %s of MSR 0x%x in vmx_msrs.tsv", f->ours, f->tsv, f->msr);
		uint64_t want = ref_bits_mask(ref_tsv_get(t, (size_t)r, "bits"));
		if (want != f->mask)
			fail_msg("%s = 0x%llx, but vmx_msrs.tsv has %s at bits %s (0x%llx)", f->ours,
				 (unsigned long long)f->mask, f->tsv, ref_tsv_get(t, (size_t)r, "bits"),
				 (unsigned long long)want);
	}
	ref_tsv_close(t);
}

static void test_msr_header_covered(void **state)
{
	static const char *const prefixes[] = {
		"IA32_", "FEATURE_CONTROL_", "VMX_BASIC_", "VMX_MISC_", "VMX_VMFUNC_", NULL,
	};
	size_t names = ARRAY_SIZE(our_msrs);

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(our_fields); i++)
		names += our_fields[i].ours2 ? 2 : 1;   /* a FIELD row covers _MASK and _SHIFT */
	assert_int_equal(scan_header("arch/x86_64/msr.h", prefixes), names);
}

/* ------------------------------------------------------------------ controls */

static void test_control_bits(void **state)
{
	struct ref_tsv *t = ref_table("vmx_controls.tsv");

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(our_controls); i++) {
		const struct control_row *c = &our_controls[i];
		long r = -1;

		for (size_t k = 0; k < ref_tsv_rows(t) && r < 0; k++)
			if (!strcmp(ref_tsv_get(t, k, "control"), c->group) && !strcmp(ref_tsv_get(t, k, "name"), c->tsv))
				r = (long)k;
		if (r < 0)
			fail_msg("%s: no %s control named %s in vmx_controls.tsv", c->ours, c->group, c->tsv);
		uint64_t bit = cell_u64(t, (size_t)r, "bit");
		if (c->mask == 0 || (c->mask & (c->mask - 1)))
			fail_msg("%s = 0x%x is not a one-bit mask", c->ours, c->mask);
		if (c->mask != 1u << bit)
			fail_msg("%s = 0x%x, but vmx_controls.tsv has %s %s at bit %llu", c->ours, c->mask, c->group,
				 c->tsv, (unsigned long long)bit);
	}
	ref_tsv_close(t);
}

static void test_controls_header_covered(void **state)
{
	static const char *const prefixes[] = { "PIN_", "PROC_", "PROC2_", "EXIT_", "ENTRY_", NULL };

	(void)state;
	assert_int_equal(scan_header("vmm/vmx/controls.h", prefixes), ARRAY_SIZE(our_controls));
}

/* ------------------------------------------------------------------ VM-instruction errors */

#define RESERVED_TEXT "reserved or unknown error number"

/* The table's meaning without a trailing " (...)" remark: "VMRESUME after VMXOFF (VMXOFF and
 * VMXON between ...)" -> "VMRESUME after VMXOFF"; "field(s)" is kept (no blank before '('). */
static void strip_remark(char *s)
{
	size_t n = strlen(s);
	int depth = 0;

	if (n == 0 || s[n - 1] != ')')
		return;
	for (size_t i = n; i-- > 0;) {
		depth += s[i] == ')';
		depth -= s[i] == '(';
		if (depth == 0) {
			if (i > 0 && s[i - 1] == ' ')
				s[i - 1] = '\0';
			return;
		}
	}
}

static void test_strip_remark(void **state)
{
	static const char *const rows[][2] = {
		{ "VMRESUME after VMXOFF (VMXOFF and VMXON between VMLAUNCH and VMRESUME)", "VMRESUME after VMXOFF" },
		{ "VM entry with invalid control field(s)", "VM entry with invalid control field(s)" },
		{ "a (b (c) d)", "a" },
		{ "(reserved)", "(reserved)" },
		{ "plain", "plain" },
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		char buf[128];

		snprintf(buf, sizeof(buf), "%s", rows[i][0]);
		strip_remark(buf);
		assert_string_equal(buf, rows[i][1]);
	}
}

static void test_instruction_errors(void **state)
{
	struct ref_tsv *t = ref_table("vm_instruction_errors.tsv");
	size_t reserved = 0;

	(void)state;
	assert_int_equal(ref_tsv_rows(t), 28);
	for (uint32_t n = 1; n <= 28; n++) {
		char want[256];
		long r = ref_tsv_find(t, "number", (snprintf(want, sizeof(want), "%u", n), want), 0);

		if (r < 0)
			fail_msg("vm_instruction_errors.tsv has no row %u", n);
		snprintf(want, sizeof(want), "%s", ref_tsv_get(t, (size_t)r, "meaning"));
		if (!strcmp(want, "(reserved)")) {
			reserved++;
			snprintf(want, sizeof(want), "%s", RESERVED_TEXT);
		}
		strip_remark(want);
		if (strcmp(vmx_instruction_error_name(n), want))
			fail_msg("error %u: \"%s\", the table says \"%s\"", n, vmx_instruction_error_name(n), want);
	}
	assert_int_equal(reserved, 3);
	ref_tsv_close(t);
}

static void test_instruction_error_out_of_range(void **state)
{
	(void)state;
	assert_string_equal(vmx_instruction_error_name(0), RESERVED_TEXT);
	assert_string_equal(vmx_instruction_error_name(29), RESERVED_TEXT);
	assert_string_equal(vmx_instruction_error_name(64), RESERVED_TEXT);
	assert_string_equal(vmx_instruction_error_name(UINT32_MAX), RESERVED_TEXT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_msr_numbers),
		cmocka_unit_test(test_msr_bit_fields),
		cmocka_unit_test(test_msr_header_covered),
		cmocka_unit_test(test_control_bits),
		cmocka_unit_test(test_controls_header_covered),
		cmocka_unit_test(test_strip_remark),
		cmocka_unit_test(test_instruction_errors),
		cmocka_unit_test(test_instruction_error_out_of_range),
	};

	return cmocka_run_group_tests_name("vmx_reference", tests, NULL, NULL);
}
