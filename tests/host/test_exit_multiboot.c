// SPDX-License-Identifier: MIT
/*
 * tests/host/test_exit_multiboot.c - the exit path of a Multiboot guest (GPA 0 at the fake guest's
 * mmap'd memory: GPA != HPA; the entry state of vmm/vm/entry_state.c; "unrestricted guest"):
 * its own mode switches through MOV to CR0, LMSW, MOV to CR3 and CR4 and WRMSR EFER
 * (vmm/exit/cr_mode.c, vmm/exit/msr.c): real mode and back, paging, PAE paging with its PDPTEs,
 * long mode in and out, and every #GP(0) the CPU would raise instead; and every place that reads
 * or maps guest memory translating GPA to HPA: HC_PRINT/HC_WRITE, HC_PROTECT's re-grant, the EPT
 * audit, an access outside guest memory. Run through the real vmx_exit_dispatch over the fake
 * VMCS and CPU (tests/host/exit_harness.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86_64/msr.h"
#include "arch/x86_64/segment.h"
#include "tests/host/exit_harness.h"
#include "vmm/decode/exit_qual_cr.h"
#include "vmm/vm/entry_state.h"
#include "vmm/vmx/controls.h"

#define LEN_MOV_CR 3
#define LEN_WRMSR  2
#define HPA(gpa) ((uint64_t)(uintptr_t)fv.mem + (gpa))

/* The guest's MOV to CR<cr> from RAX, or from a register given as gpr. */
static bool mov_to_cr(unsigned cr, uint64_t value)
{
	regs.gpr[GPR_RAX] = value;
	return run(EXIT_REASON_CR_ACCESS, cr_q(cr, CR_ACCESS_MOV_TO, GPR_RAX), LEN_MOV_CR);
}

static void mov_to_cr0_resumed(uint64_t value)
{
	assert_false(mov_to_cr(0, value));
}

/* What the guest reads with MOV from CR0: its own bits, the shadow's in the host-owned ones. */
static uint64_t guest_cr0(void)
{
	uint64_t mask = fake_vmcs_get(CR0_GUEST_HOST_MASK);

	return (fake_vmcs_get(GUEST_CR0) & ~mask) | (fake_vmcs_get(CR0_READ_SHADOW) & mask);
}

static void wrmsr_efer(uint64_t value)
{
	regs.gpr[GPR_RCX] = IA32_EFER;
	regs.gpr[GPR_RAX] = (uint32_t)value;
	regs.gpr[GPR_RDX] = value >> 32;
	run_resumed(EXIT_REASON_WRMSR, 0, LEN_WRMSR);
}

static bool ia32e_control(void)
{
	return (fake_vmcs_get(VM_ENTRY_CONTROLS) & ENTRY_IA32E_MODE_GUEST) != 0;
}

/* #GP(0) and nothing else: no control register, EFER or entry control written. */
static void assert_gp_only(const char *what)
{
	if (fake_vmcs_writes_to(GUEST_CR0) || fake_vmcs_writes_to(CR0_READ_SHADOW) || fake_vmcs_writes_to(GUEST_CR3) ||
	    fake_vmcs_writes_to(GUEST_IA32_EFER) || fake_vmcs_writes_to(VM_ENTRY_CONTROLS) ||
	    fake_vmcs_writes_to(GUEST_PDPTR0))
		fail_msg("%s: state changed along with the #GP", what);
	assert_gp_injected();
	fake_vmcs_set(VM_ENTRY_INTR_INFO_FIELD, 0);
}

/* ------------------------------------------------------------------ the entry state */

static void test_entry_state(void **state)
{
	(void)state;
	assert_int_equal(guest_cr0(), CR0_PE | CR0_ET);                       /* what the kernel reads */
	assert_int_equal(fake_vmcs_get(GUEST_CR0), CR0_PE | CR0_ET | CR0_NE);   /* VMX needs NE */
	assert_int_equal(fake_vmcs_get(GUEST_IA32_EFER), 0);
	assert_false(ia32e_control());
	assert_int_equal(fake_vmcs_get(SECONDARY_VM_EXEC_CONTROL) & PROC2_UNRESTRICTED_GUEST, PROC2_UNRESTRICTED_GUEST);
	assert_int_equal(fake_vmcs_get(GUEST_CS_AR_BYTES), MB_AR_CODE32);
	assert_int_equal(fake_vmcs_get(GUEST_RFLAGS), RFLAGS_RESERVED1);
	assert_int_equal(fake_vmcs_get(GUEST_GDTR_BASE), MB_GDT_GPA);
	assert_int_equal(regs.gpr[GPR_RAX], 0x2badb002);
	assert_int_equal(regs.gpr[GPR_RBX], 0x8000);
}

/* ------------------------------------------------------------------ real mode */

/* realmode.c's round trip: PE off from 16-bit protected mode, on again from real mode. The real CR0
 * keeps NE (a VMX fixed bit), the guest reads what it wrote. */
static void test_real_mode_round_trip(void **state)
{
	(void)state;
	mov_to_cr0_resumed(guest_cr0() & ~CR0_PE);
	assert_int_equal(rip(), RIP0 + LEN_MOV_CR);
	assert_int_equal(fake_vmcs_get(GUEST_CR0), CR0_ET | CR0_NE);
	assert_int_equal(guest_cr0(), CR0_ET);
	assert_int_equal(fake_vmcs_get(VM_ENTRY_INTR_INFO_FIELD), 0);
	mov_to_cr0_resumed(guest_cr0() | CR0_PE);
	assert_int_equal(fake_vmcs_get(GUEST_CR0), CR0_PE | CR0_ET | CR0_NE);
	assert_int_equal(guest_cr0(), CR0_PE | CR0_ET);
	assert_int_equal(fake_hw.invvpid_calls, 0);       /* paging did not change */
	assert_false(ia32e_control());
	assert_log_empty();
}

/* In real mode an exception has no error code, and VM entry refuses one: the #GP of a bad MOV to
 * CR0 (or of an MSR the guest does not have) is injected without. */
static void test_gp_in_real_mode(void **state)
{
	(void)state;
	mov_to_cr0_resumed(CR0_ET);                                /* real mode */
	assert_false(mov_to_cr(0, CR0_PG | CR0_ET));               /* PG without PE */
	assert_int_equal(fake_vmcs_get(VM_ENTRY_INTR_INFO_FIELD), 0x80000300 | 13);   /* valid, hw exception, #GP */
	assert_int_equal(fake_vmcs_writes_to(VM_ENTRY_EXCEPTION_ERROR_CODE), 0);
	assert_int_equal(rip(), RIP0 + LEN_MOV_CR);
	fake_vmcs_set(VM_ENTRY_INTR_INFO_FIELD, 0);
	regs.gpr[GPR_RCX] = 0x12345678;                            /* no such MSR */
	run_resumed(EXIT_REASON_RDMSR, 0, LEN_WRMSR);
	assert_int_equal(fake_vmcs_get(VM_ENTRY_INTR_INFO_FIELD), 0x80000300 | 13);
	/* Back in protected mode the error code is there again. */
	fake_vmcs_set(VM_ENTRY_INTR_INFO_FIELD, 0);
	mov_to_cr0_resumed(CR0_PE | CR0_ET);
	assert_false(mov_to_cr(0, CR0_PG | CR0_ET));
	assert_gp_injected();
}

/* Outside 64-bit mode MOV to CR0 moves 32 bits: RAX[63:32] are no fault. */
static void test_upper_bits_outside_64_bit_mode(void **state)
{
	(void)state;
	mov_to_cr0_resumed(0xffffffff00000000ull | CR0_PE | CR0_MP);
	assert_int_equal(guest_cr0(), CR0_PE | CR0_MP | CR0_ET);
}

/* LMSW loads CR0[3:0] and can set PE, never clear it. */
static void test_lmsw(void **state)
{
	(void)state;
	mov_to_cr0_resumed(CR0_ET);                                             /* real mode */
	run_resumed(EXIT_REASON_CR_ACCESS, (0x1ull << 16) | (CR_ACCESS_LMSW << 4), LEN_MOV_CR);
	assert_int_equal(guest_cr0(), CR0_PE | CR0_ET);
	assert_int_equal(fake_vmcs_get(GUEST_CR0), CR0_PE | CR0_ET | CR0_NE);
	run_resumed(EXIT_REASON_CR_ACCESS, (0xfff8ull << 16) | (CR_ACCESS_LMSW << 4), LEN_MOV_CR);   /* TS, not PE */
	assert_int_equal(guest_cr0(), CR0_PE | CR0_TS | CR0_ET);
	assert_int_equal(rip(), RIP0 + 3 * LEN_MOV_CR);
}

/* ------------------------------------------------------------------ long mode */

/* crt64.asm's way in (SDM Vol. 3A §10.8.5): CR4.PAE, CR3, EFER.LME, CR0.PG; then out again from
 * compatibility mode. EFER.LMA and the IA-32e entry control follow; the guest's TLB is flushed. */
static void test_long_mode_in_and_out(void **state)
{
	(void)state;
	fake_vmcs_set(GUEST_CR4, fake_vmcs_get(GUEST_CR4) | CR4_PAE);   /* a guest-owned bit: no exit */
	fake_vmcs_set(GUEST_CR3, 0x109000);
	wrmsr_efer(EFER_LME);
	assert_int_equal(fake_vmcs_get(GUEST_IA32_EFER), EFER_LME);
	assert_false(ia32e_control());
	mov_to_cr0_resumed(guest_cr0() | CR0_PG);
	assert_int_equal(fake_vmcs_get(GUEST_IA32_EFER), EFER_LME | EFER_LMA);
	assert_true(ia32e_control());
	assert_int_equal(fake_vmcs_get(GUEST_CR0), CR0_PG | CR0_PE | CR0_ET | CR0_NE);
	assert_int_equal(guest_cr0(), CR0_PG | CR0_PE | CR0_ET);
	assert_int_equal(fake_hw.invvpid_calls, 1);
	assert_int_equal(fake_hw.invvpid_type, 2);                         /* all-context */
	/* EFER.LME stays while paging is on; a WRMSR keeps LMA whatever it writes. */
	wrmsr_efer(EFER_LME | EFER_NXE);
	assert_int_equal(fake_vmcs_get(GUEST_IA32_EFER), EFER_LME | EFER_LMA | EFER_NXE);
	/* 64-bit mode (the far jump is the CPU's): paging cannot go off, nor can RAX[63:32] be set. */
	fake_vmcs_set(GUEST_CS_AR_BYTES, SEG_AR_CODE64 | SEG_TYPE_ACCESSED);
	assert_false(mov_to_cr(0, CR0_PE | CR0_ET));
	assert_gp_only("PG off in 64-bit mode");
	assert_false(mov_to_cr(0, (1ull << 32) | guest_cr0()));
	assert_gp_only("CR0[63:32] in 64-bit mode");
	/* Compatibility mode: out of long mode. */
	fake_vmcs_set(GUEST_CS_AR_BYTES, MB_AR_CODE32);
	mov_to_cr0_resumed(CR0_PE | CR0_ET);
	assert_int_equal(fake_vmcs_get(GUEST_IA32_EFER), EFER_LME | EFER_NXE);
	assert_false(ia32e_control());
	assert_int_equal(fake_vmcs_get(GUEST_CR0), CR0_PE | CR0_ET | CR0_NE);
	assert_int_equal(fake_hw.invvpid_calls, 2);
	assert_log_empty();
}

/* Every MOV to CR0 the CPU refuses with #GP(0) (SDM Vol. 2B "MOV—Move to/from Control Registers"):
 * nothing changes, the guest takes the fault at the instruction. */
static void test_cr0_faults(void **state)
{
	static const struct {
		const char *what;
		uint64_t efer, cr4, cs_ar, cr0_before, value;
	} cases[] = {
		{ "PG without PE", 0, 0, MB_AR_CODE32, CR0_PE | CR0_ET, CR0_PG | CR0_ET },
		{ "NW without CD", 0, 0, MB_AR_CODE32, CR0_PE | CR0_ET, CR0_NW | CR0_PE | CR0_ET },
		{ "IA-32e mode without PAE", EFER_LME, 0, MB_AR_CODE32, CR0_PE | CR0_ET, CR0_PG | CR0_PE | CR0_ET },
		{ "IA-32e mode with CS.L", EFER_LME, CR4_PAE, MB_AR_CODE32 | SEG_AR_L, CR0_PE | CR0_ET,
		  CR0_PG | CR0_PE | CR0_ET },
		{ "PG off with PCIDE", EFER_LME | EFER_LMA, CR4_PAE | CR4_PCIDE, MB_AR_CODE32,
		  CR0_PG | CR0_PE | CR0_ET, CR0_PE | CR0_ET },
		{ "WP off with CET", 0, CR4_CET, MB_AR_CODE32, CR0_WP | CR0_PE | CR0_ET, CR0_PE | CR0_ET },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t mask = fake_vmcs_get(CR0_GUEST_HOST_MASK);

		fake_vmcs_set(GUEST_IA32_EFER, cases[i].efer);
		fake_vmcs_set(GUEST_CR4, cases[i].cr4 | CR4_VMXE);
		fake_vmcs_set(GUEST_CS_AR_BYTES, cases[i].cs_ar);
		fake_vmcs_set(GUEST_CR0, cases[i].cr0_before | CR0_NE);
		fake_vmcs_set(CR0_READ_SHADOW, cases[i].cr0_before & mask);
		assert_false(mov_to_cr(0, cases[i].value));
		assert_gp_only(cases[i].what);
		assert_int_equal(rip(), RIP0);
	}
	assert_log_empty();
}

/* ------------------------------------------------------------------ PAE paging */

static void put_pdptes(uint64_t gpa, const uint64_t e[4])
{
	memcpy(fv.mem + gpa, e, 4 * sizeof(e[0]));
}

/* PAE paging (LME = 0): VM entry loads the PDPTEs from the VMCS, so enabling paging loads them
 * from guest memory at CR3 (a GPA, read through its HPA); a reserved bit in a present one is #GP;
 * so is MOV to CR3 where it exits. */
static void test_pae_pdptes(void **state)
{
	static const uint64_t good[4] = { 0x201001, 0x202001, 0, 0x203001 };
	uint64_t bad[4] = { 0x201001, 0x202001, 0x203001 | (1ull << 50), 0 };   /* above MAXPHYADDR 48 */

	(void)state;
	fake_vmcs_set(GUEST_CR4, fake_vmcs_get(GUEST_CR4) | CR4_PAE);
	put_pdptes(0x3000, bad);
	fake_vmcs_set(GUEST_CR3, 0x3000);
	assert_false(mov_to_cr(0, guest_cr0() | CR0_PG));
	assert_gp_only("a reserved PDPTE bit");
	bad[2] = 0x203001 | 0x2;                                                /* bit 1: reserved in a PDPTE */
	put_pdptes(0x3000, bad);
	assert_false(mov_to_cr(0, guest_cr0() | CR0_PG));
	assert_gp_only("PDPTE bit 1");
	put_pdptes(0x3000, good);
	mov_to_cr0_resumed(guest_cr0() | CR0_PG);
	assert_int_equal(fake_vmcs_get(GUEST_PDPTR0), good[0]);
	assert_int_equal(fake_vmcs_get(GUEST_PDPTR1), good[1]);
	assert_int_equal(fake_vmcs_get(GUEST_PDPTR2), good[2]);
	assert_int_equal(fake_vmcs_get(GUEST_PDPTR3), good[3]);
	assert_int_equal(fake_vmcs_get(GUEST_IA32_EFER), 0);                   /* not long mode */
	assert_false(ia32e_control());
	/* MOV to CR3 (where CR3-load exiting is forced on) loads the new table's. */
	put_pdptes(0x5000, (const uint64_t[4]){ 0x301001, 0, 0, 0 });
	assert_false(mov_to_cr(3, 0x5000));
	assert_int_equal(fake_vmcs_get(GUEST_CR3), 0x5000);
	assert_int_equal(fake_vmcs_get(GUEST_PDPTR0), 0x301001);
	assert_int_equal(fake_vmcs_get(GUEST_PDPTR3), 0);
	assert_int_equal(fake_hw.invvpid_calls, 2);
	assert_log_empty();
}

/* A PDPT outside guest memory is an access outside it: the guest ends. */
static void test_pae_pdpt_outside_memory(void **state)
{
	(void)state;
	fake_vmcs_set(GUEST_CR4, fake_vmcs_get(GUEST_CR4) | CR4_PAE);
	fake_vmcs_set(GUEST_CR3, fv.mem_size);
	assert_true(mov_to_cr(0, guest_cr0() | CR0_PG));
	assert_ended(HV_E_GUEST, "ended: PAE paging with its PDPT at gpa=0x%llx, outside its memory 0x0-0x%llx",
		     ULL(fv.mem_size), ULL(fv.mem_size - 1));
}

/* CR4.VMXE is host-owned and CPUID says no VMX: setting it is #GP, as on a CPU without VMX. */
static void test_cr4_host_owned_bit(void **state)
{
	(void)state;
	assert_false(mov_to_cr(4, CR4_VMXE | CR4_PAE));
	assert_gp_only("CR4.VMXE");
	assert_int_equal(fake_vmcs_writes_to(GUEST_CR4), 0);
}

/* ------------------------------------------------------------------ GPA != HPA */

static void test_hc_print_reads_through_the_hpa(void **state)
{
	(void)state;
	memcpy(fv.mem + 0x2000, "from gpa 0x2000", 16);
	assert_int_equal(hypercall(HC_PRINT, 0x2000, 0, 0), 15);
	assert_int_equal(hypercall(HC_WRITE, 0x2005, 3, 0), 3);
	/* The host address is no guest address. */
	assert_int_equal(hypercall(HC_PRINT, HPA(0x2000), 0, 0), HC_E_RANGE);
	assert_int_equal(hypercall(HC_WRITE, fv.mem_size - 1, 2, 0), HC_E_RANGE);
	assert_log_lines(2, "[guest] from gpa 0x2000", "[guest] gpa");
}

/* The EPT maps GPA 0 onto the memory; the audit proves every leaf maps the GPA's own byte. */
static void test_ept_audit(void **state)
{
	(void)state;
	assert_int_equal(translate(0).hpa, HPA(0));
	assert_int_equal(translate(0x123456).hpa, HPA(0x123456));
	done(0);
	assert_ended(HV_OK, "done exit_code=0");
	assert_line(3, "[hv] ept-audit: leaves=2 mapped=0x400000 outside=0 region=0x0-0x%llx hpa=0x%llx-0x%llx",
		    ULL(fv.mem_size - 1), ULL(HPA(0)), ULL(HPA(fv.mem_size - 1)));
}

/* HC_PROTECT and its re-grant map the page back onto its own HPA, never GPA == HPA. */
static void test_protect_regrant_maps_the_hpa(void **state)
{
	(void)state;
	assert_int_equal(hypercall(HC_PROTECT, 0x200000, HC_PERM_R, HC_FAULT_REGRANT), 0);
	assert_int_equal(translate(0x200000).hpa, HPA(0x200000));
	assert_int_equal(translate(0x200000).perm, EPT_READ);
	set_violation(0x200010, 0x200010);
	run_resumed(EXIT_REASON_EPT_VIOLATION, 0x18a, 0);
	assert_int_equal(translate(0x200010).hpa, HPA(0x200010));
	assert_int_equal(translate(0x200010).perm, EPT_READ | EPT_WRITE | EPT_EXEC);
	assert_int_equal(hypercall(HC_EPT_MISCONFIG_DEMO, 0x300000, 0, 0), 0);
	set_violation(0x300000, 0x300000);
	run_resumed(EXIT_REASON_EPT_MISCONFIG, 0, 0);
	assert_int_equal(translate(0x300000).hpa, HPA(0x300000));
	fake_log_reset();
	done(0);
	assert_ended(HV_OK, "done exit_code=0");
	assert_line(3, "[hv] ept-audit: leaves=2 mapped=0x400000 outside=0 region=0x0-0x%llx hpa=0x%llx-0x%llx",
		    ULL(fv.mem_size - 1), ULL(HPA(0)), ULL(HPA(fv.mem_size - 1)));
}

/* A leaf with GPA == HPA inside the region is someone else's memory here: the audit fails. */
static void test_ept_audit_catches_an_identity_leaf(void **state)
{
	struct ept_attr rwx = { EPT_READ | EPT_WRITE | EPT_EXEC, EPT_MT_WB, false };

	(void)state;
	assert_int_equal(ept_map(&fv.vm.ept, 0x1000, 0x1000, 4096, rwx, EPT_MAP_REPLACE, 0), EPT_OK);
	done(0);
	assert_ended(HV_E_EPT, "done exit_code=0");
	assert_line(3, "[hv] ept-audit: FAILED leaves=%d outside=1 first gpa=0x1000 entry=0x%016llx region=0x0-0x%llx "
		    "hpa=0x%llx-0x%llx", 512 + 1, ULL(ept_debug_get_raw_leaf(&fv.vm.ept, 0x1000, 0)),
		    ULL(fv.mem_size - 1), ULL(HPA(0)), ULL(HPA(fv.mem_size - 1)));
}

static void test_access_outside_memory(void **state)
{
	(void)state;
	set_violation(fv.mem_size, fv.mem_size);
	assert_true(run(EXIT_REASON_EPT_VIOLATION, 0x181, 0));
	assert_ended(HV_E_GUEST, "ended: access to gpa=0x%llx outside its memory 0x0-0x%llx", ULL(fv.mem_size),
		     ULL(fv.mem_size - 1));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup_multiboot, teardown)
	const struct CMUnitTest tests[] = {
		T(test_entry_state),
		T(test_real_mode_round_trip),
		T(test_gp_in_real_mode),
		T(test_upper_bits_outside_64_bit_mode),
		T(test_lmsw),
		T(test_long_mode_in_and_out),
		T(test_cr0_faults),
		T(test_pae_pdptes),
		T(test_pae_pdpt_outside_memory),
		T(test_cr4_host_owned_bit),
		T(test_hc_print_reads_through_the_hpa),
		T(test_ept_audit),
		T(test_protect_regrant_maps_the_hpa),
		T(test_ept_audit_catches_an_identity_leaf),
		T(test_access_outside_memory),
	};
#undef T
	return cmocka_run_group_tests_name("exit_multiboot", tests, NULL, NULL);
}
