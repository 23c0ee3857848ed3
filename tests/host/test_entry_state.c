// SPDX-License-Identifier: MIT
/*
 * tests/host/test_entry_state.c - a Multiboot guest's VMCS (vmm/vm/entry_state.c) against the
 * VM-entry checker (vmm/vmx/entry_check*.c): on every CPU with "unrestricted guest" (the Bochs
 * models and the real CPUs of tests/host/entry_check_cpus.c) the 32-bit entry state passes every
 * check, and so do the states the guest reaches by its own mode switches through the exit path
 * (vmm/exit/cr_mode.c): real mode, PAE paging, long mode (compatibility and 64-bit). On a CPU
 * without it (Bochs' lynnfield) the same state fails, which is why the loader refuses the kernel
 * there. The MHVGUEST VMCS minihv writes (tests/host/entry_check_machine.c) is the baseline: the
 * entry state must write every guest-state field that one has, each once.
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
#include "arch/x86_64/msr.h"
#include "tests/host/entry_check_cpus.h"
#include "tests/host/entry_check_machine.h"
#include "tests/host/exit_harness.h"
#include "vmm/decode/exit_qual_cr.h"
#include "vmm/vm/entry_state.h"
#include "vmm/vmx/controls.h"
#include "vmm/vmx/vmcs_encoding.h"

static struct ec_machine m;

/* Fields the exit path (or the CPU) may change while the guest switches modes, copied from the fake
 * VMCS; and, of the VM-entry controls (the fake's other bits are its own), "IA-32e mode guest". */
static const uint32_t mode_fields[] = {
	GUEST_CR0, CR0_READ_SHADOW, GUEST_CR3, GUEST_CR4, GUEST_IA32_EFER,
	GUEST_PDPTR0, GUEST_PDPTR1, GUEST_PDPTR2, GUEST_PDPTR3,
	GUEST_CS_SELECTOR, GUEST_CS_BASE, GUEST_CS_LIMIT, GUEST_CS_AR_BYTES,
	GUEST_SS_SELECTOR, GUEST_SS_BASE, GUEST_SS_LIMIT, GUEST_SS_AR_BYTES,
	GUEST_DS_SELECTOR, GUEST_DS_BASE, GUEST_DS_LIMIT, GUEST_DS_AR_BYTES,
	GUEST_ES_SELECTOR, GUEST_ES_BASE, GUEST_ES_LIMIT, GUEST_ES_AR_BYTES,
	GUEST_FS_SELECTOR, GUEST_FS_BASE, GUEST_FS_LIMIT, GUEST_FS_AR_BYTES,
	GUEST_GS_SELECTOR, GUEST_GS_BASE, GUEST_GS_LIMIT, GUEST_GS_AR_BYTES,
	GUEST_RIP,
};

static bool probe(const struct fake_cpu_model *cpu, struct vmx_caps *caps)
{
	struct fake_cpu fc;
	struct cpu_ops ops = fake_cpu_ops(&fc, cpu, true);
	char why[200];

	return vmx_probe(&ops, caps, why, sizeof(why)) == HV_OK;
}

/* The Multiboot VMCS on this CPU as the real vmcs_setup() writes it (tests/host/entry_check_machine.c),
 * each guest-state field written once. */
static void multiboot_vmcs(const struct fake_cpu_model *cpu, uint64_t vmfunc)
{
	ecm_init(&m, cpu, vmfunc);
	m.multiboot = true;
	ecm_vmcs_setup(&m);
	for (size_t i = 0; i < fake_vmcs_nwrites(); i++) {
		const struct fake_vmwrite *w = fake_vmcs_write_at(i);

		if (vmcs_enc_type(w->field) == VMCS_TYPE_GUEST && fake_vmcs_writes_to(w->field) != 1)
			fail_msg("%s: field 0x%04x written %zu times", cpu->name, w->field, fake_vmcs_writes_to(w->field));
	}
	assert_int_equal(ecm_get(&m, GUEST_RIP), ECM_MB_ENTRY);
	assert_int_equal(ecm_get(&m, GUEST_CR0) & (CR0_PE | CR0_PG), CR0_PE);   /* Multiboot 3.2 */
}

static void assert_clean(const char *what)
{
	unsigned n = ecm_run(&m);

	if (n)
		fail_msg("%s: %u checks failed:\n%s", what, n, ecm_describe(&m));
}

static void test_entry_state_passes(void **state)
{
	size_t ran = 0;

	(void)state;
	for (size_t i = 0; fake_cpu_models[i]; i++) {
		struct vmx_caps caps;

		if (!probe(fake_cpu_models[i], &caps) || !caps.unrestricted_guest)
			continue;
		multiboot_vmcs(fake_cpu_models[i], 0);
		assert_clean(fake_cpu_models[i]->name);
		assert_int_equal(ecm_get(&m, SECONDARY_VM_EXEC_CONTROL) & PROC2_UNRESTRICTED_GUEST, PROC2_UNRESTRICTED_GUEST);
		ran++;
	}
	for (size_t i = 0; i < ec_real_cpu_count; i++) {
		multiboot_vmcs(&ec_real_cpus[i].m, ec_real_cpus[i].vmfunc);
		assert_clean(ec_real_cpus[i].m.name);
		ran++;
	}
	assert_true(ran >= 3 + ec_real_cpu_count);
}

/* Without "unrestricted guest" CR0.PG = 0 breaks IA32_VMX_CR0_FIXED0: VM entry would fail. */
static void test_entry_state_needs_unrestricted_guest(void **state)
{
	const struct fake_cpu_model *cpu = fake_cpu_model("corei5_lynnfield_750");
	struct vmx_caps caps;

	(void)state;
	assert_non_null(cpu);
	assert_true(probe(cpu, &caps));
	assert_false(caps.unrestricted_guest);
	multiboot_vmcs(cpu, 0);
	assert_int_equal(ecm_get(&m, SECONDARY_VM_EXEC_CONTROL) & PROC2_UNRESTRICTED_GUEST, 0);
	assert_true(ecm_run(&m) > 0);
	assert_non_null(ecm_failure(&m, "guest.cr0.fixed0"));
}

/* ------------------------------------------------------------------ after the guest's own mode switches */

static void *checker_vmcs;   /* the checker's VMCS (the real vmcs_setup's) while the fake guest runs */

/* The fake guest with this CPU's VMX facts (its memory's host addresses need MAXPHYADDR 48). The
 * fake VMCS is the guest's from here on; the checker's is kept aside. */
static void guest_on(const struct fake_cpu_model *cpu)
{
	multiboot_vmcs(cpu, 0);
	free(checker_vmcs);
	checker_vmcs = fake_vmcs_save();
	fv.caps = m.caps;
	fv.caps.maxphyaddr = 48;
	assert_true(fake_vm_reset(&fv));
	fake_regs_init(&fv, &regs);
}

/* The mode fields the exit path left in the guest's VMCS, copied into the checker's VMCS, and the
 * checker's verdict; with_event: the event the exit path injected, too. The guest's VMCS is put
 * back afterwards. */
static void check_now(const char *what, bool with_event)
{
	uint64_t v[ARRAY_SIZE(mode_fields)], entry = fake_vmcs_get(VM_ENTRY_CONTROLS);
	uint64_t intr = fake_vmcs_get(VM_ENTRY_INTR_INFO_FIELD), code = fake_vmcs_get(VM_ENTRY_EXCEPTION_ERROR_CODE);
	void *guest_vmcs = fake_vmcs_save();

	for (size_t i = 0; i < ARRAY_SIZE(mode_fields); i++)
		v[i] = fake_vmcs_get(mode_fields[i]);
	fake_vmcs_restore(checker_vmcs);
	for (size_t i = 0; i < ARRAY_SIZE(mode_fields); i++)
		ecm_set(&m, mode_fields[i], v[i]);
	ecm_set(&m, VM_ENTRY_CONTROLS, (ecm_get(&m, VM_ENTRY_CONTROLS) & ~(uint64_t)ENTRY_IA32E_MODE_GUEST) |
					       (entry & ENTRY_IA32E_MODE_GUEST));
	if (with_event) {
		assert_int_not_equal(intr, 0);
		ecm_set(&m, VM_ENTRY_INTR_INFO_FIELD, intr);
		ecm_set(&m, VM_ENTRY_EXCEPTION_ERROR_CODE, code);
		ecm_set(&m, VM_ENTRY_INSTRUCTION_LEN, 3);
	} else {
		assert_int_equal(intr, 0);   /* no #GP on the way */
	}
	assert_clean(what);
	ecm_set(&m, VM_ENTRY_INTR_INFO_FIELD, 0);
	free(checker_vmcs);
	checker_vmcs = fake_vmcs_save();
	fake_vmcs_restore(guest_vmcs);
	free(guest_vmcs);
}

static void mov_to_cr(unsigned cr, uint64_t value)
{
	regs.gpr[GPR_RAX] = value;
	run_resumed(EXIT_REASON_CR_ACCESS, cr_q(cr, CR_ACCESS_MOV_TO, GPR_RAX), 3);
}

static uint64_t guest_cr0(void)
{
	uint64_t mask = fake_vmcs_get(CR0_GUEST_HOST_MASK);

	return (fake_vmcs_get(GUEST_CR0) & ~mask) | (fake_vmcs_get(CR0_READ_SHADOW) & mask);
}

static void segment(uint32_t sel_f, uint16_t sel, uint64_t base, uint32_t limit, uint32_t ar)
{
	/* GUEST_ES_SELECTOR + 2n is the selector of segment n, and so on for base, limit and AR. */
	unsigned n = (sel_f - GUEST_ES_SELECTOR) / 2;

	fake_vmcs_set(sel_f, sel);
	fake_vmcs_set(GUEST_ES_BASE + 2 * n, base);
	fake_vmcs_set(GUEST_ES_LIMIT + 2 * n, limit);
	fake_vmcs_set(GUEST_ES_AR_BYTES + 2 * n, ar);
}

static void test_mode_switches_pass(void **state)
{
	static const char *const models[] = { "corei7_skylake_x", "corei7_sandy_bridge_2600k" };
	static const uint64_t pdpt[4] = { 0x201001, 0, 0, 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++) {
		const struct fake_cpu_model *cpu = fake_cpu_model(models[i]);

		/* realmode16.asm: 16-bit protected-mode segments (base 0x8000, 64 KiB), then PE off. */
		guest_on(cpu);
		segment(GUEST_CS_SELECTOR, 0x18, 0x8000, 0xffff, 0x9b);
		segment(GUEST_SS_SELECTOR, 0x20, 0x8000, 0xffff, 0x93);
		segment(GUEST_DS_SELECTOR, 0x20, 0x8000, 0xffff, 0x93);
		mov_to_cr(0, guest_cr0() & ~CR0_PE);
		check_now("real mode", false);
		/* A #GP in real mode (PG without PE): injected without an error code, as VM entry wants. */
		mov_to_cr(0, guest_cr0() | CR0_PG);
		check_now("#GP in real mode", true);
		fake_vmcs_set(VM_ENTRY_INTR_INFO_FIELD, 0);
		mov_to_cr(0, guest_cr0() | CR0_PE);
		check_now("back to protected mode", false);

		/* PAE paging without long mode: the PDPTEs come from the VMCS. */
		guest_on(cpu);
		memcpy(fv.mem + 0x3000, pdpt, sizeof(pdpt));
		fake_vmcs_set(GUEST_CR4, fake_vmcs_get(GUEST_CR4) | CR4_PAE);
		fake_vmcs_set(GUEST_CR3, 0x3000);
		mov_to_cr(0, guest_cr0() | CR0_PG);
		assert_int_equal(fake_vmcs_get(GUEST_PDPTR0), pdpt[0]);
		check_now("PAE paging", false);

		/* crt64.asm: PAE, CR3, EFER.LME, PG: compatibility mode, then 64-bit code. */
		guest_on(cpu);
		fake_vmcs_set(GUEST_CR4, fake_vmcs_get(GUEST_CR4) | CR4_PAE);
		fake_vmcs_set(GUEST_CR3, 0x109000);
		regs.gpr[GPR_RCX] = IA32_EFER;
		regs.gpr[GPR_RAX] = EFER_LME;
		regs.gpr[GPR_RDX] = 0;
		run_resumed(EXIT_REASON_WRMSR, 0, 2);
		mov_to_cr(0, guest_cr0() | CR0_PG);
		check_now("compatibility mode", false);
		segment(GUEST_CS_SELECTOR, 0x08, 0, 0xffffffff, SEG_AR_CODE64 | SEG_TYPE_ACCESSED);
		check_now("64-bit mode", false);
		/* And out again, from compatibility mode. */
		segment(GUEST_CS_SELECTOR, 0x08, 0, 0xffffffff, MB_AR_CODE32);
		mov_to_cr(0, guest_cr0() & ~CR0_PG);
		check_now("out of long mode", false);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entry_state_passes),
		cmocka_unit_test(test_entry_state_needs_unrestricted_guest),
		cmocka_unit_test_setup_teardown(test_mode_switches_pass, setup_multiboot, teardown),
	};

	return cmocka_run_group_tests_name("entry_state", tests, NULL, NULL);
}
