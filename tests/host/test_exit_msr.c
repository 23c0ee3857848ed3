// SPDX-License-Identifier: MIT
/*
 * tests/host/test_exit_msr.c - the guest's MSRs (vmm/exit/msr.c, docs/guest-abi.md "MSRs"):
 * the ones the VMCS keeps, read with VMREAD and written with VMWRITE after the CPU's own checks
 * (each bad value #GP(0), one msr: line, nothing written); and the MSR bitmap, whose bits are
 * checked here against the SDM's layout (Vol. 3C §25.6.9 "MSR-Bitmap Address") by a decoder of
 * this file's own. MSRs the guest does not have: test_exit_msr_xsetbv_cr.c. Run on the host
 * through the real vmx_exit_dispatch over the fake VMCS and CPU (tests/host/exit_harness.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "arch/lib/array.h"
#include "arch/x86_64/msr.h"
#include "tests/host/exit_harness.h"
#include "vmm/exit/exit.h"
#include "vmm/vm/layout.h"
#include "vmm/vmx/controls.h"
#include "vmm/vmx/msr_bitmap.h"

#define LEN_MSR 2   /* RDMSR and WRMSR: 0f 32, 0f 30 */

/* The MSRs the VMCS keeps, with their guest-state fields. */
static const struct { uint32_t msr, field; const char *name; } kept[] = {
	{ 0x174, GUEST_SYSENTER_CS, "IA32_SYSENTER_CS" },
	{ 0x175, GUEST_SYSENTER_ESP, "IA32_SYSENTER_ESP" },
	{ 0x176, GUEST_SYSENTER_EIP, "IA32_SYSENTER_EIP" },
	{ 0x1d9, GUEST_IA32_DEBUGCTL, "IA32_DEBUGCTL" },
	{ 0x277, GUEST_IA32_PAT, "IA32_PAT" },
	{ 0xc0000080, GUEST_IA32_EFER, "IA32_EFER" },
	{ 0xc0000100, GUEST_FS_BASE, "IA32_FS_BASE" },
	{ 0xc0000101, GUEST_GS_BASE, "IA32_GS_BASE" },
};

/* One RDMSR or WRMSR exit that must resume the guest, no event pending before it. */
static void msr_exit(uint32_t reason, uint64_t rcx)
{
	regs.gpr[GPR_RCX] = rcx;
	fake_vmcs_set(VM_ENTRY_INTR_INFO_FIELD, 0);   /* the CPU clears it on VM entry */
	run_resumed(reason, 0, LEN_MSR);
}

static uint64_t rdmsr_guest(uint64_t rcx)
{
	uint64_t rip0 = rip();

	regs.gpr[GPR_RAX] = 0xdeadbeefcafef00dull;    /* RDMSR writes EAX and EDX, clearing 63:32 */
	regs.gpr[GPR_RDX] = 0x0123456789abcdefull;
	msr_exit(EXIT_REASON_RDMSR, rcx);
	assert_int_equal(rip(), rip0 + LEN_MSR);
	assert_int_equal(fake_vmcs_writes_to(VM_ENTRY_INTR_INFO_FIELD), 0);
	assert_int_equal(regs.gpr[GPR_RAX] >> 32, 0);
	assert_int_equal(regs.gpr[GPR_RDX] >> 32, 0);
	return regs.gpr[GPR_RDX] << 32 | regs.gpr[GPR_RAX];
}

/* WRMSR of value (EDX:EAX; garbage above bit 31 of each, which the CPU ignores). */
static void wrmsr_guest(uint64_t rcx, uint64_t value)
{
	regs.gpr[GPR_RAX] = 0xaaaaaaaa00000000ull | (uint32_t)value;
	regs.gpr[GPR_RDX] = 0x5555555500000000ull | (value >> 32);
	msr_exit(EXIT_REASON_WRMSR, rcx);
}

/* ------------------------------------------------------------------ reads and writes */

static void test_rdmsr_reads_the_vmcs(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(kept); i++) {
		uint64_t v = 0x0000700011110000ull + i;

		fake_vmcs_set(kept[i].field, v);
		if (kept[i].field == GUEST_SYSENTER_CS)
			v = (uint32_t)v;              /* a 32-bit field */
		if (rdmsr_guest(kept[i].msr) != v)
			fail_msg("RDMSR %s: 0x%llx, the VMCS holds 0x%llx", kept[i].name,
				 ULL(regs.gpr[GPR_RDX] << 32 | regs.gpr[GPR_RAX]), ULL(v));
	}
	/* The state at entry (docs/guest-abi.md): EFER = NXE|LMA|LME, PAT at its power-on value. */
	assert_true(fake_vm_reset(&fv));
	assert_int_equal(rdmsr_guest(IA32_EFER), 0xd00);
	assert_int_equal(rdmsr_guest(IA32_PAT), 0x0007040600070406ull);
	/* Only ECX names the MSR. */
	fake_vmcs_set(GUEST_FS_BASE, 0x1234000);
	assert_int_equal(rdmsr_guest(0xffffffff00000000ull | IA32_FS_BASE), 0x1234000);
	assert_int_equal(rip(), RIP0 + 3 * LEN_MSR);
	assert_log_empty();
}

/* A value the CPU takes, and what the VMCS then holds. */
static const struct { uint32_t msr; uint64_t value, stored; } good[] = {
	{ IA32_SYSENTER_CS, 0x10, 0x10 },
	{ IA32_SYSENTER_CS, 0xdeadbeef00000008ull, 8 },             /* bits 63:32 dropped */
	{ IA32_SYSENTER_ESP, 0xffff800000001000ull, 0xffff800000001000ull },
	{ IA32_SYSENTER_EIP, 0x00007ffffffff000ull, 0x00007ffffffff000ull },
	{ IA32_DEBUGCTL, DEBUGCTL_LBR | DEBUGCTL_BTF, 3 },
	{ IA32_DEBUGCTL, 0, 0 },
	{ IA32_PAT, 0x0007010600070406ull, 0x0007010600070406ull },   /* entry 5 write-combining */
	{ IA32_PAT, 0x0706050401000706ull, 0x0706050401000706ull },   /* every valid type */
	{ IA32_EFER, 0xd01, 0xd01 },                                    /* SCE on */
	{ IA32_EFER, 0x501, 0x501 },                                    /* NXE off */
	{ IA32_EFER, 0x100, 0x500 },                                    /* LMA kept: IA-32e mode guest */
	{ IA32_EFER, 0xd00, 0xd00 },
	{ IA32_FS_BASE, 0xffffffffffffffffull, 0xffffffffffffffffull },
	{ IA32_FS_BASE, 0x00007fffffffffffull, 0x00007fffffffffffull },
	{ IA32_FS_BASE, 0, 0 },
	{ IA32_GS_BASE, 0xffff800000000000ull, 0xffff800000000000ull },
};

static void test_wrmsr_writes_the_vmcs(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		uint64_t rip0 = rip();
		uint32_t field = 0;

		for (size_t k = 0; k < ARRAY_SIZE(kept); k++)
			if (kept[k].msr == good[i].msr)
				field = kept[k].field;
		wrmsr_guest(good[i].msr, good[i].value);
		if (fake_vmcs_get(field) != good[i].stored || rip() != rip0 + LEN_MSR)
			fail_msg("WRMSR 0x%x = 0x%llx: the VMCS holds 0x%llx (want 0x%llx), RIP +%lld", good[i].msr,
				 ULL(good[i].value), ULL(fake_vmcs_get(field)), ULL(good[i].stored),
				 (long long)(rip() - rip0));
		assert_int_equal(fake_vmcs_writes_to(field), 1);
		assert_int_equal(fake_vmcs_writes_to(VM_ENTRY_INTR_INFO_FIELD), 0);
		/* ... and reads back as written */
		assert_int_equal(rdmsr_guest(good[i].msr), good[i].stored);
	}
	assert_log_empty();
}

/* Values the CPU's WRMSR refuses with #GP(0), and why the line says it was refused. */
static const struct { uint32_t msr; uint64_t value; const char *why; } bad[] = {
	{ IA32_FS_BASE, 0x0000800000000000ull, "non-canonical address" },
	{ IA32_FS_BASE, 0x8000000000000000ull, "non-canonical address" },
	{ IA32_FS_BASE, 0xffff7fffffffffffull, "non-canonical address" },
	{ IA32_GS_BASE, 0x0001000000000000ull, "non-canonical address" },
	{ IA32_SYSENTER_ESP, 0x00ff800000000000ull, "non-canonical address" },
	{ IA32_SYSENTER_EIP, 0xfff0000000000000ull, "non-canonical address" },
	{ IA32_EFER, 0xd02, "reserved bits" },
	{ IA32_EFER, 0x1d00, "reserved bits" },                          /* SVME: AMD only */
	{ IA32_EFER, 0x8000000000000d00ull, "reserved bits" },
	{ IA32_EFER, 0x800, "EFER.LME changed while CR0.PG=1" },
	{ IA32_EFER, 0xc00, "EFER.LME changed while CR0.PG=1" },
	{ IA32_PAT, 0x0007040600070402ull, "reserved memory type" },
	{ IA32_PAT, 0x0007040600070306ull, "reserved memory type" },
	{ IA32_PAT, 0x0807040600070406ull, "reserved memory type" },
	{ IA32_PAT, 0xff07040600070406ull, "reserved memory type" },
	{ IA32_DEBUGCTL, 1u << 2, "bits minihv does not offer" },
	{ IA32_DEBUGCTL, 1u << 7, "bits minihv does not offer" },          /* BTS */
	{ IA32_DEBUGCTL, 1ull << 32, "bits minihv does not offer" },
};

static void test_wrmsr_bad_value_injects_gp(void **state)
{
	char want[200];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		uint32_t field = 0;

		for (size_t k = 0; k < ARRAY_SIZE(kept); k++)
			if (kept[k].msr == bad[i].msr)
				field = kept[k].field;
		fake_log_reset();
		wrmsr_guest(bad[i].msr, bad[i].value);
		assert_gp_injected();
		assert_int_equal(rip(), RIP0);
		if (fake_vmcs_writes_to(field))
			fail_msg("WRMSR 0x%x = 0x%llx was written to the VMCS", bad[i].msr, ULL(bad[i].value));
		snprintf(want, sizeof(want), "[hv] msr: guest WRMSR 0x%x value=0x%llx refused (%s): #GP injected (rip=0x%llx)",
			 bad[i].msr, ULL(bad[i].value), bad[i].why, ULL(RIP0));
		assert_log_lines(1, want);
	}
	/* Nothing changed. */
	assert_int_equal(fake_vmcs_get(GUEST_IA32_EFER), 0xd00);
	assert_int_equal(fake_vmcs_get(GUEST_IA32_PAT), 0x0007040600070406ull);
	assert_int_equal(fake_vmcs_get(GUEST_FS_BASE), 0);
}

/* EFER.LMA is the CPU's: a WRMSR keeps the guest's LMA, whatever it writes (an MHVGUEST guest's is
 * 1, as its "IA-32e mode guest" entry control; a Multiboot guest's follows its CR0.PG writes); with
 * CR0.PG = 0, LME may change. */
static void test_efer_lma_is_kept(void **state)
{
	(void)state;
	fake_vmcs_set(VM_ENTRY_CONTROLS, fake_vmcs_get(VM_ENTRY_CONTROLS) & ~ENTRY_IA32E_MODE_GUEST);
	fake_vmcs_set(GUEST_CR0, GUEST_CR0_AT_ENTRY & ~CR0_PG);
	fake_vmcs_set(GUEST_IA32_EFER, 0);
	wrmsr_guest(IA32_EFER, 0xd00);
	assert_int_equal(fake_vmcs_get(GUEST_IA32_EFER), 0x900);
	wrmsr_guest(IA32_EFER, 0x400);
	assert_int_equal(fake_vmcs_get(GUEST_IA32_EFER), 0);
	/* LMA comes from the guest's EFER, not from the entry control: with paging off LMA is 0
	 * whatever the control says (the control follows LMA, never the other way round). */
	fake_vmcs_set(VM_ENTRY_CONTROLS, fake_vmcs_get(VM_ENTRY_CONTROLS) | ENTRY_IA32E_MODE_GUEST);
	wrmsr_guest(IA32_EFER, 0x100);
	assert_int_equal(fake_vmcs_get(GUEST_IA32_EFER), 0x100);
	/* Long mode (PG = 1, LMA = 1): LME stays, LMA stays whatever the write says. */
	fake_vmcs_set(VM_ENTRY_CONTROLS, fake_vmcs_get(VM_ENTRY_CONTROLS) | ENTRY_IA32E_MODE_GUEST);
	fake_vmcs_set(GUEST_CR0, GUEST_CR0_AT_ENTRY);
	fake_vmcs_set(GUEST_IA32_EFER, 0xd00);
	wrmsr_guest(IA32_EFER, 0x100);
	assert_int_equal(fake_vmcs_get(GUEST_IA32_EFER), 0x500);
	assert_int_equal(fake_vmcs_get(VM_ENTRY_CONTROLS) & ENTRY_IA32E_MODE_GUEST, ENTRY_IA32E_MODE_GUEST);
	assert_log_empty();
}

/* On a CPU with 5-level paging, canonical means 57 bits (what its WRMSR and VM entry check). */
static void test_canonical_57_bits(void **state)
{
	(void)state;
	fv.vm.linear_addr_bits = 57;
	wrmsr_guest(IA32_FS_BASE, 0x00ff800000000000ull);
	assert_int_equal(fake_vmcs_get(GUEST_FS_BASE), 0x00ff800000000000ull);
	wrmsr_guest(IA32_GS_BASE, 0xff00000000000000ull);
	assert_int_equal(fake_vmcs_get(GUEST_GS_BASE), 0xff00000000000000ull);
	assert_log_empty();
	wrmsr_guest(IA32_FS_BASE, 0x0100000000000000ull);
	assert_gp_injected();
	assert_int_equal(fake_vmcs_get(GUEST_FS_BASE), 0x00ff800000000000ull);
}

/* ------------------------------------------------------------------ the MSR bitmap */

/* Does an access exit? The SDM's layout, decoded here independently of vmm/vmx/msr_bitmap.c:
 * read bitmap for low MSRs at 0x000, high at 0x400, write low at 0x800, write high at 0xC00;
 * MSR n's bit is bit n % 8 of byte n / 8; MSRs outside both ranges always exit. */
static bool exits(const uint8_t *page, uint32_t msr, bool write)
{
	uint32_t off;

	if (msr <= 0x1fff)
		off = write ? 0x800 : 0x000;
	else if (msr >= 0xc0000000u && msr <= 0xc0001fffu)
		off = write ? 0xc00 : 0x400, msr -= 0xc0000000u;
	else
		return true;
	return (page[off + msr / 8] >> (msr % 8)) & 1;
}

static bool passes(uint32_t msr, bool rdtscp)
{
	static const uint32_t pass[] = { 0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084, 0xc0000102 };

	for (size_t i = 0; i < ARRAY_SIZE(pass); i++)
		if (msr == pass[i])
			return true;
	return rdtscp && msr == 0xc0000103;
}

static void check_bitmap(bool rdtscp)
{
	static uint8_t page[4096];
	unsigned cleared = 0;

	memset(page, 0, sizeof(page));
	guest_msr_bitmap_build(page, rdtscp);
	static const uint32_t ranges[] = { 0, 0xc0000000u };

	for (size_t r = 0; r < ARRAY_SIZE(ranges); r++)
		for (uint32_t msr = ranges[r]; msr < ranges[r] + 0x2000; msr++)
			for (int w = 0; w < 2; w++)
				if (exits(page, msr, w) == passes(msr, rdtscp))
					fail_msg("rdtscp=%d: %s of MSR 0x%x %s", rdtscp, w ? "WRMSR" : "RDMSR", msr,
						 passes(msr, rdtscp) ? "exits" : "does not exit");
	for (size_t i = 0; i < sizeof(page); i++)
		cleared += 8 - (unsigned)__builtin_popcount(page[i]);
	assert_int_equal(cleared, rdtscp ? 12 : 10);
	/* The MSRs the VMCS keeps exit both ways, so the hypervisor checks every write. */
	for (size_t i = 0; i < ARRAY_SIZE(kept); i++)
		assert_true(exits(page, kept[i].msr, false) && exits(page, kept[i].msr, true));
	/* Bits by hand: IA32_LSTAR (0xc0000082) is bit 2 of byte 0x10 in the high bitmaps. */
	assert_int_equal(page[0x400 + 0x10], 0xff & ~((1u << 1) | (1u << 2) | (1u << 3) | (1u << 4)));
	assert_int_equal(page[0xc00 + 0x10], page[0x400 + 0x10]);
	assert_int_equal(page[0x400 + 0x20], rdtscp ? 0xff & ~((1u << 2) | (1u << 3)) : 0xff & ~(1u << 2));
}

static void test_msr_bitmap(void **state)
{
	(void)state;
	check_bitmap(false);
	check_bitmap(true);
}

static void test_msr_bitmap_pass_outside_ranges(void **state)
{
	static uint8_t page[4096], copy[4096];
	static const uint32_t outside[] = { 0x2000, 0x40000000, 0xbfffffff, 0xc0002000, 0xffffffff };

	(void)state;
	msr_bitmap_exit_all(page);
	memcpy(copy, page, sizeof(page));
	for (size_t i = 0; i < ARRAY_SIZE(outside); i++)
		assert_false(msr_bitmap_pass(page, outside[i]));
	assert_memory_equal(page, copy, sizeof(page));
	assert_true(msr_bitmap_pass(page, 0x1fff));
	assert_int_equal(page[0x3ff], 0x7f);
	assert_int_equal(page[0xbff], 0x7f);
	assert_true(msr_bitmap_pass(page, 0xc0001fff));
	assert_int_equal(page[0x7ff], 0x7f);
	assert_int_equal(page[0xfff], 0x7f);
	assert_true(msr_bitmap_pass(page, 0));
	assert_int_equal(page[0x000], 0xfe);
	assert_int_equal(page[0x800], 0xfe);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_rdmsr_reads_the_vmcs),
		T(test_wrmsr_writes_the_vmcs),
		T(test_wrmsr_bad_value_injects_gp),
		T(test_efer_lma_is_kept),
		T(test_canonical_57_bits),
		cmocka_unit_test(test_msr_bitmap),
		cmocka_unit_test(test_msr_bitmap_pass_outside_ranges),
	};
#undef T
	return cmocka_run_group_tests_name("exit_msr", tests, NULL, NULL);
}
