// SPDX-License-Identifier: MIT
/*
 * tests/host/test_vmx_caps.c - vmx_probe() on fake CPUs (tests/host/fake_cpu.c),
 * vmx_feature_control_decide(), vmx_cr_fixup() and hv_status_name().
 *
 * The fake CPU fails the test on a RDMSR of an MSR the modelled CPU does not
 * have; each probe case also checks which MSRs were read, the raw values kept
 * and every derived boolean, against expectations written out per case.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86_64/cr.h"
#include "arch/x86_64/msr.h"
#include "ept/ept_bits.h"
#include "tests/host/fake_cpu.h"
#include "vmm/status.h"
#include "vmm/vmx/caps.h"

/* ------------------------------------------------------------------ derived booleans */

enum cap_flag {
	F_EPT = 1u << 0, F_VPID = 1u << 1, F_UG = 1u << 2, F_PREEMPT = 1u << 3,
	F_MBEC = 1u << 4, F_WALK4 = 1u << 5, F_WB = 1u << 6, F_2M = 1u << 7,
	F_1G = 1u << 8, F_AD = 1u << 9, F_XO = 1u << 10, F_ADV = 1u << 11,
	F_INVEPT = 1u << 12, F_INVEPT_S = 1u << 13, F_INVEPT_A = 1u << 14,
	F_TRUE = 1u << 15, F_HAS2 = 1u << 16, F_HASCAP = 1u << 17,
};

#define FLAG(bit, field) { bit, #field, offsetof(struct vmx_caps, field) }
static const struct {
	uint32_t bit;
	const char *name;
	size_t off;
} flag_fields[] = {
	FLAG(F_EPT, ept), FLAG(F_VPID, vpid), FLAG(F_UG, unrestricted_guest),
	FLAG(F_PREEMPT, preemption_timer), FLAG(F_MBEC, mode_based_exec),
	FLAG(F_WALK4, ept_walk4), FLAG(F_WB, ept_wb), FLAG(F_2M, ept_2m), FLAG(F_1G, ept_1g),
	FLAG(F_AD, ept_ad), FLAG(F_XO, ept_exec_only), FLAG(F_ADV, ept_advanced_info),
	FLAG(F_INVEPT, invept), FLAG(F_INVEPT_S, invept_single), FLAG(F_INVEPT_A, invept_all),
	FLAG(F_TRUE, true_controls), FLAG(F_HAS2, has_procbased2), FLAG(F_HASCAP, has_ept_vpid_cap),
};

#define SKX_FLAGS (F_EPT | F_VPID | F_UG | F_PREEMPT | F_WALK4 | F_WB | F_2M | F_1G | F_AD | F_XO | \
		   F_INVEPT | F_INVEPT_S | F_INVEPT_A | F_TRUE | F_HAS2 | F_HASCAP)
#define SNB_FLAGS (SKX_FLAGS & ~(F_1G | F_AD))

/* ------------------------------------------------------------------ synthetic CPUs */

#define CTL2(bit) (1ull << (32 + (bit)))

static void no_vmx_bit(struct fake_cpu_model *m) { m->cpuid1_ecx &= ~CPUID1_ECX_VMX; }
static void vmx_bit(struct fake_cpu_model *m) { m->cpuid1_ecx |= CPUID1_ECX_VMX; }
static void no_walk4(struct fake_cpu_model *m) { m->ept_vpid_cap &= ~VMX_EPT_CAP_PAGE_WALK_LENGTH_4; }
static void no_wb(struct fake_cpu_model *m) { m->ept_vpid_cap &= ~VMX_EPT_CAP_MEMTYPE_WB; }
static void no_true(struct fake_cpu_model *m) { m->basic &= ~VMX_BASIC_TRUE_CONTROLS; }
static void no_invept(struct fake_cpu_model *m) { m->ept_vpid_cap &= ~VMX_EPT_CAP_INVEPT; }
static void no_ext_leaf8(struct fake_cpu_model *m) { m->max_ext_leaf = 0x80000004u; }

static void no_secondary(struct fake_cpu_model *m)
{
	m->procbased &= ~CTL2(31);
	m->true_procbased &= ~CTL2(31);
}

/* VPID, unrestricted guest and others, but not "enable EPT". */
static void vpid_only(struct fake_cpu_model *m) { m->procbased2 = 0xf5ull << 32; }

static void mbec_adv(struct fake_cpu_model *m)
{
	m->procbased2 |= CTL2(22);
	m->ept_vpid_cap |= VMX_EPT_CAP_ADVANCED_EXIT_INFO;
}

/* The pin control alone is not enough: the exit control must save the timer too. */
static void no_timer_save(struct fake_cpu_model *m)
{
	m->exit &= ~CTL2(22);
	m->true_exit &= ~CTL2(22);
}

/* ------------------------------------------------------------------ probe cases */

#define WHY_NO_2ND "no secondary processor-based controls, so no EPT"
#define WHY_NO_EPT "secondary controls do not allow \"enable EPT\" (IA32_VMX_PROCBASED_CTLS2[33] = 0)"
#define WHY_WALK4 "EPT has no 4-level page walk (IA32_VMX_EPT_VPID_CAP[6] = 0)"
#define WHY_WB "EPT paging structures cannot be write-back (IA32_VMX_EPT_VPID_CAP[14] = 0)"
#define WHY_AMD "CPU vendor is AuthenticAMD, not GenuineIntel: no Intel VT-x"
#define WHY_NOVMX "CPUID.1:ECX.VMX[bit 5] = 0: this CPU (or VM) offers no VT-x"

struct probe_case {
	const char *label;
	const char *model;
	void (*tweak)(struct fake_cpu_model *m);
	enum hv_status status;
	const char *why;
	uint32_t flags;
	uint32_t revision, family, cpu_model, stepping;
	unsigned maxphyaddr;
};

#define SKX 6, 0x55, 4
#define SNB 6, 0x2a, 7
#define LYN 6, 0x1e, 5
#define PNR 6, 0x17, 6
#define TGL 6, 0x8c, 1
#define ZEN 0x17, 0x71, 0

static const struct probe_case probe_cases[] = {
	{ "skylake_x", "corei7_skylake_x", NULL, HV_OK, "", SKX_FLAGS, 0x2b, SKX, 46 },
	{ "sandy_bridge", "corei7_sandy_bridge_2600k", NULL, HV_OK, "", SNB_FLAGS, 0x2b, SNB, 36 },
	{ "lynnfield", "corei5_lynnfield_750", NULL, HV_OK, "", SNB_FLAGS & ~F_UG, 0x2b, LYN, 36 },
	{ "penryn", "core2_penryn_t9600", NULL, HV_E_NO_EPT, WHY_NO_EPT, F_TRUE | F_HAS2, 0x2b, PNR, 36 },
	{ "tigerlake", "tigerlake", NULL, HV_OK, "", SKX_FLAGS, 0x04, TGL, 39 },
	{ "ryzen", "ryzen", NULL, HV_E_NO_VTX, WHY_AMD, 0, 0, ZEN, 48 },
	{ "amd_with_cpuid_vmx_bit", "ryzen", vmx_bit, HV_E_NO_VTX, WHY_AMD, 0, 0, ZEN, 48 },
	{ "intel_without_vmx", "corei7_skylake_x", no_vmx_bit, HV_E_NO_VTX, WHY_NOVMX, 0, 0, SKX, 46 },
	{ "no_secondary_controls", "corei7_skylake_x", no_secondary, HV_E_NO_EPT, WHY_NO_2ND,
	  F_PREEMPT | F_TRUE, 0x2b, SKX, 46 },
	{ "vpid_without_ept", "corei7_skylake_x", vpid_only, HV_E_NO_EPT, WHY_NO_EPT,
	  F_VPID | F_UG | F_PREEMPT | F_TRUE | F_HAS2 | F_HASCAP, 0x2b, SKX, 46 },
	{ "ept_without_4level_walk", "corei7_skylake_x", no_walk4, HV_E_NO_EPT, WHY_WALK4,
	  SKX_FLAGS & ~F_WALK4, 0x2b, SKX, 46 },
	{ "ept_without_wb", "corei7_skylake_x", no_wb, HV_E_NO_EPT, WHY_WB, SKX_FLAGS & ~F_WB, 0x2b, SKX, 46 },
	{ "basic_bit55_clear", "corei7_skylake_x", no_true, HV_OK, "", SKX_FLAGS & ~F_TRUE, 0x2b, SKX, 46 },
	{ "invept_types_without_invept", "corei7_skylake_x", no_invept, HV_OK, "",
	  SKX_FLAGS & ~(F_INVEPT | F_INVEPT_S | F_INVEPT_A), 0x2b, SKX, 46 },
	{ "mbec_and_advanced_info", "corei7_skylake_x", mbec_adv, HV_OK, "", SKX_FLAGS | F_MBEC | F_ADV,
	  0x2b, SKX, 46 },
	{ "no_preemption_timer_save", "corei7_skylake_x", no_timer_save, HV_OK, "", SKX_FLAGS & ~F_PREEMPT,
	  0x2b, SKX, 46 },
	{ "no_cpuid_80000008", "corei7_skylake_x", no_ext_leaf8, HV_OK, "", SKX_FLAGS, 0x2b, SKX, 36 },
};

static struct fake_cpu_model model_for(const struct probe_case *c)
{
	struct fake_cpu_model m = *fake_cpu_model(c->model);

	if (c->tweak)
		c->tweak(&m);
	return m;
}

static void check_flags(const char *label, const struct vmx_caps *caps, uint32_t want)
{
	for (size_t i = 0; i < sizeof(flag_fields) / sizeof(flag_fields[0]); i++) {
		bool got = *(const bool *)((const char *)caps + flag_fields[i].off);
		bool exp = (want & flag_fields[i].bit) != 0;

		if (got != exp)
			fail_msg("%s: %s = %d, want %d", label, flag_fields[i].name, got, exp);
	}
}

/* Which MSRs were read: each at most once, the optional ones exactly when they exist,
 * and the TRUE_ control MSRs instead of the plain ones exactly when BASIC[55] = 1. */
static void check_reads(const struct probe_case *c, const struct fake_cpu *cpu, bool vmx)
{
	const struct fake_cpu_model *m = cpu->m;
	bool true_ctls = (m->basic >> 55) & 1;

	assert_int_equal(cpu->bad_reads, 0);
	assert_true(cpu->nreads <= FAKE_CPU_MAX_READS);
	if (!vmx) {
		assert_int_equal(cpu->nreads, 0);
		return;
	}
	for (size_t i = 0; i < cpu->nreads; i++)
		if (fake_cpu_read_count(cpu, cpu->reads[i]) != 1)
			fail_msg("%s: MSR 0x%x read more than once", c->label, cpu->reads[i]);
	for (uint32_t k = 0; k < 4; k++) {
		assert_int_equal(fake_cpu_read_count(cpu, IA32_VMX_PINBASED_CTLS + k), !true_ctls);
		assert_int_equal(fake_cpu_read_count(cpu, IA32_VMX_TRUE_PINBASED_CTLS + k), true_ctls);
	}
	assert_int_equal(fake_cpu_read_count(cpu, IA32_VMX_PROCBASED_CTLS2),
			 fake_cpu_msr_exists(m, IA32_VMX_PROCBASED_CTLS2));
	assert_int_equal(fake_cpu_read_count(cpu, IA32_VMX_EPT_VPID_CAP),
			 fake_cpu_msr_exists(m, IA32_VMX_EPT_VPID_CAP));
	assert_int_equal(fake_cpu_read_count(cpu, IA32_VMX_BASIC), 1);
	assert_int_equal(fake_cpu_read_count(cpu, IA32_FEATURE_CONTROL), 1);
}

/* The raw values kept in struct vmx_caps. */
static void check_values(const struct fake_cpu_model *m, const struct vmx_caps *caps, bool vmx)
{
	bool t = vmx && ((m->basic >> 55) & 1);
	bool has2 = vmx && fake_cpu_msr_exists(m, IA32_VMX_PROCBASED_CTLS2);
	bool hascap = vmx && fake_cpu_msr_exists(m, IA32_VMX_EPT_VPID_CAP);

	assert_int_equal(caps->feature_control, vmx ? m->feature_control : 0);
	assert_int_equal(caps->basic, vmx ? m->basic : 0);
	assert_int_equal(caps->vmcs_size, vmx ? 0x1000 : 0);
	assert_int_equal(caps->pinbased, !vmx ? 0 : t ? m->true_pinbased : m->pinbased);
	assert_int_equal(caps->procbased, !vmx ? 0 : t ? m->true_procbased : m->procbased);
	assert_int_equal(caps->exit, !vmx ? 0 : t ? m->true_exit : m->exit);
	assert_int_equal(caps->entry, !vmx ? 0 : t ? m->true_entry : m->entry);
	assert_int_equal(caps->procbased2, has2 ? m->procbased2 : 0);
	assert_int_equal(caps->ept_vpid_cap, hascap ? m->ept_vpid_cap : 0);
	assert_int_equal(caps->misc, vmx ? m->misc : 0);
	assert_int_equal(caps->cr0_fixed0, vmx ? m->cr0_fixed0 : 0);
	assert_int_equal(caps->cr0_fixed1, vmx ? m->cr0_fixed1 : 0);
	assert_int_equal(caps->cr4_fixed0, vmx ? m->cr4_fixed0 : 0);
	assert_int_equal(caps->cr4_fixed1, vmx ? m->cr4_fixed1 : 0);
}

static void run_probe_case(const struct probe_case *c)
{
	struct fake_cpu_model m = model_for(c);
	struct fake_cpu cpu;
	struct cpu_ops ops = fake_cpu_ops(&cpu, &m, true);
	struct vmx_caps caps;
	char why[160];
	bool vmx = c->status != HV_E_NO_VTX;

	memset(&caps, 0xa5, sizeof(caps));
	memset(why, 'X', sizeof(why));
	enum hv_status st = vmx_probe(&ops, &caps, why, sizeof(why));

	print_message("# probe %s: %s \"%s\"\n", c->label, hv_status_name(st), why);
	assert_string_equal(hv_status_name(st), hv_status_name(c->status));
	assert_string_equal(why, c->why);
	assert_string_equal(caps.vendor, m.vendor);
	assert_int_equal(caps.family, c->family);
	assert_int_equal(caps.model, c->cpu_model);
	assert_int_equal(caps.stepping, c->stepping);
	assert_int_equal(caps.maxphyaddr, c->maxphyaddr);
	assert_int_equal(caps.vmcs_revision, c->revision);
	check_flags(c->label, &caps, c->flags);
	check_reads(c, &cpu, vmx);
	check_values(&m, &caps, vmx);
}

static void test_probe_cpus(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(probe_cases) / sizeof(probe_cases[0]); i++)
		run_probe_case(&probe_cases[i]);
}

/* CPUID.1:EAX decoding: extended family only for family 0xF, extended model for 6 and 0xF. */
static void test_probe_signature(void **state)
{
	static const struct {
		uint32_t eax, family, model, stepping;
	} sigs[] = {
		{ 0x00050654, 6, 0x55, 4 },   { 0x000006f2, 6, 0x0f, 2 },  { 0x00000f41, 0xf, 4, 1 },
		{ 0x00870f10, 0x17, 0x71, 0 }, { 0x00a20f12, 0x19, 0x21, 2 }, { 0x00010543, 5, 4, 3 },
		{ 0x0ff00000, 0, 0, 0 },       { 0x0fff0fff, 0x10e, 0xff, 0xf },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct fake_cpu_model m = *fake_cpu_model("corei7_skylake_x");
		struct fake_cpu cpu;
		struct cpu_ops ops;
		struct vmx_caps caps;
		char why[128];

		m.signature = sigs[i].eax;
		ops = fake_cpu_ops(&cpu, &m, true);
		assert_int_equal(vmx_probe(&ops, &caps, why, sizeof(why)), HV_OK);
		assert_int_equal(caps.family, sigs[i].family);
		assert_int_equal(caps.model, sigs[i].model);
		assert_int_equal(caps.stepping, sigs[i].stepping);
	}
}

/* A short reason buffer: truncated, NUL-terminated, nothing written past it. */
static void test_probe_why_truncated(void **state)
{
	struct fake_cpu cpu;
	struct cpu_ops ops = fake_cpu_ops(&cpu, fake_cpu_model("core2_penryn_t9600"), true);
	struct vmx_caps caps;
	char why[16];

	(void)state;
	memset(why, 'X', sizeof(why));
	assert_int_equal(vmx_probe(&ops, &caps, why, 12), HV_E_NO_EPT);
	assert_string_equal(why, "secondary c");
	assert_memory_equal(why + 12, "XXXX", 4);
}

/* The fake itself: a read of a missing MSR is counted (and fails the test in strict mode). */
static void test_fake_cpu_msr_existence(void **state)
{
	static const struct {
		const char *model;
		void (*tweak)(struct fake_cpu_model *m);
		uint32_t msr;
		bool exists;
	} rows[] = {
		{ "corei7_skylake_x", NULL, IA32_VMX_EPT_VPID_CAP, true },
		{ "corei7_skylake_x", NULL, IA32_VMX_TRUE_ENTRY_CTLS, true },
		{ "corei7_skylake_x", NULL, IA32_VMX_VMFUNC, false },
		{ "corei7_skylake_x", no_true, IA32_VMX_TRUE_PINBASED_CTLS, false },
		{ "corei7_skylake_x", no_true, IA32_VMX_PINBASED_CTLS, true },
		{ "corei7_skylake_x", no_secondary, IA32_VMX_PROCBASED_CTLS2, false },
		{ "corei7_skylake_x", no_secondary, IA32_VMX_EPT_VPID_CAP, false },
		{ "corei7_skylake_x", vpid_only, IA32_VMX_EPT_VPID_CAP, true },
		{ "corei7_skylake_x", no_vmx_bit, IA32_FEATURE_CONTROL, false },
		{ "corei7_skylake_x", no_vmx_bit, IA32_VMX_BASIC, false },
		{ "core2_penryn_t9600", NULL, IA32_VMX_PROCBASED_CTLS2, true },
		{ "core2_penryn_t9600", NULL, IA32_VMX_EPT_VPID_CAP, false },
		{ "core2_penryn_t9600", no_vmx_bit, IA32_FEATURE_CONTROL, true },
		{ "ryzen", NULL, IA32_FEATURE_CONTROL, false },
		{ "ryzen", vmx_bit, IA32_VMX_BASIC, false },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct fake_cpu_model m = *fake_cpu_model(rows[i].model);
		struct fake_cpu cpu;
		struct cpu_ops ops;

		if (rows[i].tweak)
			rows[i].tweak(&m);
		ops = fake_cpu_ops(&cpu, &m, false);
		ops.rdmsr(ops.ctx, rows[i].msr);
		assert_int_equal(cpu.nreads, 1);
		assert_int_equal(cpu.reads[0], rows[i].msr);
		assert_int_equal(cpu.bad_reads, !rows[i].exists);
	}
}

/* ------------------------------------------------------------------ IA32_FEATURE_CONTROL */

static void test_feature_control(void **state)
{
	static const struct {
		uint64_t fc;
		enum hv_status status;
		uint64_t write;
		const char *why;
	} rows[] = {
		{ 0x0, HV_OK, 0x5, "" },
		{ 0x2, HV_OK, 0x7, "" },
		{ 0x10ff02, HV_OK, 0x10ff07, "" },
		{ 0x5, HV_OK, 0, "" },
		{ 0x7, HV_OK, 0, "" },
		{ 0x100005, HV_OK, 0, "" },
		{ 0x1, HV_E_VMX_LOCKED_OFF, 0, "IA32_FEATURE_CONTROL=0x1 is locked with VMX disabled" },
		{ 0x100001, HV_E_VMX_LOCKED_OFF, 0, "IA32_FEATURE_CONTROL=0x100001 is locked with VMX disabled" },
		{ 0x3, HV_E_VMX_SMX_ONLY, 0,
		  "IA32_FEATURE_CONTROL=0x3 is locked with VMX allowed only inside SMX (TXT)" },
		{ 0xff03, HV_E_VMX_SMX_ONLY, 0,
		  "IA32_FEATURE_CONTROL=0xff03 is locked with VMX allowed only inside SMX (TXT)" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint64_t w = 0xdead;
		char why[128];

		memset(why, 'X', sizeof(why));
		enum hv_status st = vmx_feature_control_decide(rows[i].fc, &w, why, sizeof(why));
		assert_string_equal(hv_status_name(st), hv_status_name(rows[i].status));
		assert_int_equal(w, rows[i].write);
		assert_string_equal(why, rows[i].why);
	}
}

static void test_status_names(void **state)
{
	static const struct {
		int status;
		const char *name;
	} rows[] = {
		{ HV_OK, "OK" }, { HV_E_NO_VTX, "E_NO_VTX" }, { HV_E_VMX_LOCKED_OFF, "E_VMX_LOCKED_OFF" },
		{ HV_E_VMX_SMX_ONLY, "E_VMX_SMX_ONLY" }, { HV_E_NO_EPT, "E_NO_EPT" },
		{ HV_E_CR_FIXED, "E_CR_FIXED" }, { HV_E_VMXON, "E_VMXON" }, { HV_E_NOMEM, "E_NOMEM" },
		{ HV_E_BOOT, "E_BOOT" }, { HV_E_CONTROLS, "E_CONTROLS" }, { HV_E_VMLAUNCH, "E_VMLAUNCH" },
		{ HV_E_GUEST, "E_GUEST" }, { HV_E_EPT, "E_EPT" }, { HV_E_SMP, "E_SMP" }, { 1, "E_UNKNOWN" },
		{ 15, "E_UNKNOWN" },
	};
	(void)state;
	/* The codes are printed in the log: they are part of the interface. */
	assert_int_equal(HV_E_NO_VTX, 2);
	assert_int_equal(HV_E_VMX_LOCKED_OFF, 3);
	assert_int_equal(HV_E_VMX_SMX_ONLY, 4);
	assert_int_equal(HV_E_NO_EPT, 5);
	assert_int_equal(HV_E_CR_FIXED, 6);
	assert_int_equal(HV_E_SMP, 14);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		assert_string_equal(hv_status_name((enum hv_status)rows[i].status), rows[i].name);
}

/* ------------------------------------------------------------------ CR0/CR4 fixed bits */

#define PG_PE (CR0_PG | CR0_PE)

static void test_cr_fixup(void **state)
{
	static const struct {
		const char *name;
		uint64_t cr, fixed0, fixed1, keep;
		enum hv_status status;
		uint64_t out;           /* checked when HV_OK */
		const char *why;
	} rows[] = {
		{ "CR0", 0x80000013, 0x80000021, 0xffffffff, PG_PE, HV_OK, 0x80000033, "" },
		{ "CR0", 0x80010033, 0x80000021, 0xffffffff, PG_PE, HV_OK, 0x80010033, "" },
		{ "CR0", 0xc0000033, 0x80000021, 0xbfffffff, PG_PE, HV_OK, 0x80000033, "" },
		{ "CR4", 0x668, 0x2000, 0x3727ff, CR4_PAE, HV_OK, 0x2668, "" },
		{ "CR4", 0x800668, 0x2000, 0x3727ff, CR4_PAE, HV_OK, 0x2668, "" },
		{ "CR4", 0x2020, 0x2000, 0x3727ff, CR4_PAE, HV_OK, 0x2020, "" },
		{ "CR4", 0x668, 0x2000, 0x3707ff, CR4_PAE, HV_E_CR_FIXED, 0,
		  "CR4 bits 0x2000 must be both 1 (FIXED0=0x2000) and 0 (FIXED1=0x3707ff)" },
		{ "CR0", 0x80000033, 0x80000021, 0x7fffffdf, PG_PE, HV_E_CR_FIXED, 0,
		  "CR0 bits 0x80000020 must be both 1 (FIXED0=0x80000021) and 0 (FIXED1=0x7fffffdf)" },
		{ "CR0", 0x80000033, 0x21, 0x7fffffff, PG_PE, HV_E_CR_FIXED, 0,
		  "CR0=0x80000033: VMX requires clearing bits 0x80000000 that the hypervisor runs on" },
		{ "CR4", 0x6a0, 0x2000, 0x3727df, CR4_PAE | CR4_PGE, HV_E_CR_FIXED, 0,
		  "CR4=0x6a0: VMX requires clearing bits 0x20 that the hypervisor runs on" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint64_t out = 0xdead;
		char why[160];

		memset(why, 'X', sizeof(why));
		enum hv_status st = vmx_cr_fixup(rows[i].name, rows[i].cr, rows[i].fixed0, rows[i].fixed1,
						 rows[i].keep, &out, why, sizeof(why));
		assert_string_equal(hv_status_name(st), hv_status_name(rows[i].status));
		assert_string_equal(why, rows[i].why);
		if (st == HV_OK)
			assert_int_equal(out, rows[i].out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_cpus),
		cmocka_unit_test(test_probe_signature),
		cmocka_unit_test(test_probe_why_truncated),
		cmocka_unit_test(test_fake_cpu_msr_existence),
		cmocka_unit_test(test_feature_control),
		cmocka_unit_test(test_status_names),
		cmocka_unit_test(test_cr_fixup),
	};

	return cmocka_run_group_tests_name("vmx_caps", tests, NULL, NULL);
}
