// SPDX-License-Identifier: MIT
/*
 * tests/host/test_exit_reasons.c - names and numbers the hypervisor shares
 * with the outside world:
 *
 *   vmm/decode/exit_reasons.c  exit_reason_name / exit_reason_sdm_name for 0..85 (exit_reasons.tsv)
 *   vmm/decode/exit_reasons.h  every "EXIT_REASON_<NAME> = <n>" in the header text (exit_reasons.tsv)
 *   vmm/vmx/vmcs_fields.h      every "#define NAME 0x...." in the header text (vmcs_fields.tsv)
 *   vmm/vm/abi.h               hypercall numbers, permission/policy bits, error codes, ports and the
 *                              CPUID base (compiled in) against the %define lines of guest/abi.inc
 *   vmm/vmx/entry.asm          its %define copies of VMCS encodings, the CPUID exit reason and the
 *                              struct guest_regs offsets, against the C headers (compiled in)
 *
 * Tables come from $HV_REFERENCE_DIR or tests/reference/vmx; sources from
 * $HV_SOURCE_DIR or "." (the repository root, where tests run).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arch/lib/array.h"
#include "tests/host/ref_check.h"
#include "vmm/decode/exit_reasons.h"
#include "vmm/vm/abi.h"
#include "vmm/vmx/entry.h"
#include "vmm/vmx/vmcs_fields.h"


/* ------------------------------------------------------------------ exit reasons */

static void test_exit_reason_names(void **state)
{
	struct ref_tsv *t = ref_table("exit_reasons.tsv");
	size_t rows = ref_tsv_rows(t);

	(void)state;
	assert_int_equal(rows, EXIT_REASON_COUNT);
	for (size_t r = 0; r < rows; r++) {
		uint64_t n = ref_number(ref_tsv_get(t, r, "number"), "exit_reasons.tsv number");
		const char *name = ref_tsv_get(t, r, "name"), *sdm = ref_tsv_get(t, r, "sdm_name");

		assert_int_equal(n, r);
		if (strcmp(exit_reason_name((uint32_t)n), name))
			fail_msg("exit_reason_name(%u) = \"%s\", table says \"%s\"", (unsigned)n,
				 exit_reason_name((uint32_t)n), name);
		if (strcmp(exit_reason_sdm_name((uint32_t)n), sdm))
			fail_msg("exit_reason_sdm_name(%u) = \"%s\", table says \"%s\"", (unsigned)n,
				 exit_reason_sdm_name((uint32_t)n), sdm);
	}
	ref_tsv_close(t);
}

static void test_exit_reason_unknown(void **state)
{
	static const uint32_t beyond[] = { EXIT_REASON_COUNT, 86, 87, 100, 255, 0xffff, 0x10000,
					   EXIT_REASON_ENTRY_FAILURE | 33, 0xffffffffu };

	(void)state;
	assert_int_equal(EXIT_REASON_COUNT, 86);
	for (size_t i = 0; i < ARRAY_SIZE(beyond); i++) {
		assert_string_equal(exit_reason_name(beyond[i]), "UNKNOWN");
		assert_string_equal(exit_reason_sdm_name(beyond[i]), "unknown exit reason");
	}
	/* the basic reason is what callers pass: a VM-entry failure masks down to a name */
	assert_string_equal(exit_reason_name((EXIT_REASON_ENTRY_FAILURE | 33) & EXIT_REASON_BASIC_MASK),
			    "INVALID_GUEST_STATE");
}

/* Every "EXIT_REASON_<NAME> = <n>," in the header: the table's number for NAME. */
static void test_exit_reason_enum(void **state)
{
	struct ref_tsv *t = ref_table("exit_reasons.tsv");
	FILE *f = ref_source("vmm/decode/exit_reasons.h");
	char line[512], name[128];
	unsigned long n;
	size_t checked = 0;

	(void)state;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " EXIT_REASON_%127[A-Za-z0-9_] = %lu", name, &n) != 2)
			continue;
		long r = ref_tsv_find(t, "name", name, 0);

		if (r < 0)
			fail_msg("vmm/decode/exit_reasons.h: EXIT_REASON_%s = %lu has no row in exit_reasons.tsv", name, n);
		if (ref_number(ref_tsv_get(t, (size_t)r, "number"), name) != n)
			fail_msg("vmm/decode/exit_reasons.h: EXIT_REASON_%s = %lu, exit_reasons.tsv says %s", name, n,
				 ref_tsv_get(t, (size_t)r, "number"));
		assert_string_equal(exit_reason_name((uint32_t)n), name);
		checked++;
	}
	fclose(f);
	ref_tsv_close(t);
	/* the scan saw the enum (20 constants when this test was written) */
	assert_true(checked >= 20);
	/* and the compiler agrees with the text the scan read */
	assert_int_equal(EXIT_REASON_EPT_VIOLATION, 48);
	assert_int_equal(EXIT_REASON_IO_INSTRUCTION, 30);
	assert_int_equal(EXIT_REASON_XSETBV, 55);
}

/* ------------------------------------------------------------------ VMCS encodings */

/* Every "#define NAME 0x...." in vmm/vmx/vmcs_fields.h is a row of vmcs_fields.tsv. */
static void test_vmcs_fields(void **state)
{
	struct ref_tsv *t = ref_table("vmcs_fields.tsv");
	FILE *f = ref_source("vmm/vmx/vmcs_fields.h");
	char line[512], name[128], value[32];
	size_t checked = 0;

	(void)state;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " #define %127[A-Za-z0-9_] %31[0-9A-Fa-fx]", name, value) != 2 ||
		    strncmp(value, "0x", 2))
			continue;
		uint64_t enc = ref_number(value, name);
		long r = ref_tsv_find(t, "name", name, 0);

		if (r < 0)
			fail_msg("vmm/vmx/vmcs_fields.h: %s = %s has no row in vmcs_fields.tsv", name, value);
		uint64_t want = ref_number(ref_tsv_get(t, (size_t)r, "encoding"), name);
		if (enc != want)
			fail_msg("vmm/vmx/vmcs_fields.h: %s = 0x%04llx, vmcs_fields.tsv says 0x%04llx", name,
				 (unsigned long long)enc, (unsigned long long)want);
		/* and the encoding names no other field */
		for (size_t i = 0; i < ref_tsv_rows(t); i++)
			if (ref_number(ref_tsv_get(t, i, "encoding"), "encoding") == enc &&
			    strcmp(ref_tsv_get(t, i, "name"), name))
				fail_msg("vmm/vmx/vmcs_fields.h: %s = 0x%04llx, but the table names it %s", name,
					 (unsigned long long)enc, ref_tsv_get(t, i, "name"));
		checked++;
	}
	fclose(f);
	ref_tsv_close(t);
	assert_true(checked >= 100);   /* 112 when this test was written */
}

/* ------------------------------------------------------------------ hypercall ABI: C against NASM */

struct abi_const {
	const char *name;
	long long value;
};
#define ABI(n) { #n, n }
static const struct abi_const c_abi[] = {
	ABI(HC_NOP), ABI(HC_PRINT), ABI(HC_DONE), ABI(HC_PROTECT), ABI(HC_EPT_MISCONFIG_DEMO),
	ABI(HC_SET_RESUME), ABI(HC_BENCH_REFERENCE), ABI(HC_WRITE), ABI(HC_VCPU_START), ABI(HC_VCPU_INDEX),
	ABI(HC_PERM_R), ABI(HC_PERM_W), ABI(HC_PERM_X), ABI(HC_FAULT_REGRANT), ABI(HC_FAULT_KEEP),
	ABI(HC_FAULT_RESUME),
	ABI(HC_E_UNKNOWN), ABI(HC_E_RANGE), ABI(HC_E_ALIGN), ABI(HC_E_LENGTH), ABI(HC_E_INVAL),
	ABI(HC_E_NOSPACE), ABI(HC_E_NOMEM), ABI(HC_E_NORESUME), ABI(HC_E_PRIV), ABI(HC_E_VCPU),
	ABI(HC_E_STARTED),
	ABI(GUEST_SERIAL_PORT), ABI(GUEST_DEBUG_PORT), ABI(GUEST_EXIT_PORT), ABI(CPUID_HV_BASE),
	ABI(CPUID_HV_MAX_LEAF),
};

/* Is name one of the constants (or a HC_ name, which must be one)? */
static bool abi_checked(const char *name)
{
	if (!strncmp(name, "HC_", 3))
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(c_abi); i++)
		if (!strcmp(c_abi[i].name, name))
			return true;
	return false;
}

/* Every C constant has a %define of the same value in guest/abi.inc, and every
 * HC_* %define there is a C constant. */
static void test_hypercall_abi(void **state)
{
	FILE *f = ref_source("guest/abi.inc");
	char line[512], name[128], value[64], *end;
	int found[ARRAY_SIZE(c_abi)] = { 0 };

	(void)state;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " %%define %127s %63s", name, value) != 2 || !abi_checked(name))
			continue;
		long long v = strtoll(value, &end, 0);
		size_t i;

		if (*end)
			fail_msg("guest/abi.inc: %s = \"%s\" is not a number", name, value);
		for (i = 0; i < ARRAY_SIZE(c_abi); i++)
			if (!strcmp(c_abi[i].name, name))
				break;
		if (i == ARRAY_SIZE(c_abi))
			fail_msg("guest/abi.inc: %s has no counterpart in vmm/vm/abi.h (or this test)", name);
		if (v != c_abi[i].value)
			fail_msg("%s: guest/abi.inc says %lld, vmm/vm/abi.h says %lld", name, v, c_abi[i].value);
		found[i]++;
	}
	fclose(f);
	for (size_t i = 0; i < ARRAY_SIZE(c_abi); i++)
		if (found[i] != 1)
			fail_msg("%s: %d %%define lines in guest/abi.inc, want 1", c_abi[i].name, found[i]);
}

/* The numbers are distinct: no two hypercalls or two errors collide. */
static void test_hypercall_distinct(void **state)
{
	static const long long calls[] = { HC_NOP, HC_PRINT, HC_DONE, HC_PROTECT, HC_EPT_MISCONFIG_DEMO,
					   HC_SET_RESUME, HC_BENCH_REFERENCE, HC_WRITE, HC_VCPU_START,
					   HC_VCPU_INDEX };
	static const long long errors[] = { HC_E_UNKNOWN, HC_E_RANGE, HC_E_ALIGN, HC_E_LENGTH,
					    HC_E_INVAL, HC_E_NOSPACE, HC_E_NOMEM, HC_E_NORESUME, HC_E_PRIV,
					    HC_E_VCPU, HC_E_STARTED };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(calls); i++)
		assert_int_equal(calls[i], (long long)i);
	for (size_t i = 0; i < ARRAY_SIZE(errors); i++)
		assert_int_equal(errors[i], -1 - (long long)i);
	assert_int_equal(HC_PERM_R | HC_PERM_W | HC_PERM_X, 7);
	assert_int_not_equal(HC_FAULT_REGRANT, HC_FAULT_KEEP);
}

/* ------------------------------------------------------------------ the exit stub: NASM against C */

#define ASM(n, v) { #n, (long long)(v) }
static const struct abi_const asm_consts[] = {
	ASM(VM_EXIT_REASON, VM_EXIT_REASON), ASM(VM_EXIT_INSTRUCTION_LEN, VM_EXIT_INSTRUCTION_LEN),
	ASM(GUEST_RIP, GUEST_RIP), ASM(HOST_RSP, HOST_RSP), ASM(HOST_RIP, HOST_RIP), ASM(EXIT_REASON_CPUID, EXIT_REASON_CPUID),
	ASM(R_RAX, GPR_RAX * 8), ASM(R_RCX, GPR_RCX * 8), ASM(R_RDX, GPR_RDX * 8), ASM(R_RBX, GPR_RBX * 8),
	ASM(R_RBP, GPR_RBP * 8), ASM(R_RSI, GPR_RSI * 8), ASM(R_RDI, GPR_RDI * 8), ASM(R_R8, 8 * 8),
	ASM(R_R9, 9 * 8), ASM(R_R10, 10 * 8), ASM(R_R11, 11 * 8), ASM(R_R12, 12 * 8), ASM(R_R13, 13 * 8),
	ASM(R_R14, 14 * 8), ASM(R_R15, 15 * 8),
};

/* Every %define of vmm/vmx/entry.asm has the value the C side gives it, and each is there once. */
static void test_entry_stub_constants(void **state)
{
	FILE *f = ref_source("vmm/vmx/entry.asm");
	char line[512], name[128], value[64], *end;
	int found[ARRAY_SIZE(asm_consts)] = { 0 };

	(void)state;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " %%define %127s %63s", name, value) != 2)
			continue;
		long long v = strtoll(value, &end, 0);
		size_t i;

		for (i = 0; i < ARRAY_SIZE(asm_consts); i++)
			if (!strcmp(asm_consts[i].name, name))
				break;
		if (i == ARRAY_SIZE(asm_consts))
			fail_msg("vmm/vmx/entry.asm: %%define %s is not checked against C (add it to this test)", name);
		if (*end || v != asm_consts[i].value)
			fail_msg("vmm/vmx/entry.asm: %s = %s, the C headers say 0x%llx", name, value, asm_consts[i].value);
		found[i]++;
	}
	fclose(f);
	for (size_t i = 0; i < ARRAY_SIZE(asm_consts); i++)
		if (found[i] != 1)
			fail_msg("%s: %d %%define lines in vmm/vmx/entry.asm, want 1", asm_consts[i].name, found[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_reason_names),
		cmocka_unit_test(test_exit_reason_unknown),
		cmocka_unit_test(test_exit_reason_enum),
		cmocka_unit_test(test_vmcs_fields),
		cmocka_unit_test(test_hypercall_abi),
		cmocka_unit_test(test_hypercall_distinct),
		cmocka_unit_test(test_entry_stub_constants),
	};

	return cmocka_run_group_tests_name("exit_reasons", tests, NULL, NULL);
}
