// SPDX-License-Identifier: MIT
/*
 * tests/host/fake_cpu.c - CPU models and the fake struct cpu_ops.
 *
 * The models are the Bochs 2.7 CPU models (values a probe application read from each model)
 * (VMCS revision, secondary allowed-1 settings and IA32_VMX_EPT_VPID_CAP as
 * read there); the other control MSRs are typical values of each generation.
 * The TRUE_ control MSRs differ from the plain ones in their allowed-0 half
 * (default1 bits that may be 0), so a test can tell which one was read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86_64/cr.h"
#include "arch/x86_64/msr.h"
#include "tests/host/fake_cpu.h"

#define CR0_FIXED0_USUAL 0x80000021ull
#define CR0_FIXED1_USUAL 0xffffffffull
#define CR4_FIXED0_USUAL 0x2000ull
#define CR4_FIXED1_USUAL 0x3727ffull
#define BASIC_REV_2B     0x00d810000000002bull

/* Control MSRs of a Nehalem..Skylake class CPU (allowed-1 high, allowed-0 low). */
#define MODERN_CONTROLS                                   \
	.pinbased = 0x0000007f00000016ull,                \
	.procbased = 0xfff9fffe0401e172ull,               \
	.exit = 0x01ffffff00036dffull,                    \
	.entry = 0x0003ffff000011ffull,                   \
	.true_pinbased = 0x0000007f00000006ull,           \
	.true_procbased = 0xfff9fffe04006172ull,          \
	.true_exit = 0x01ffffff00036dfbull,               \
	.true_entry = 0x0003ffff000011fbull,              \
	.misc = 0x000000007004c1e7ull,                    \
	.cr0_fixed0 = CR0_FIXED0_USUAL,                   \
	.cr0_fixed1 = CR0_FIXED1_USUAL,                   \
	.cr4_fixed0 = CR4_FIXED0_USUAL,                   \
	.cr4_fixed1 = CR4_FIXED1_USUAL

#define INTEL_ECX (0x7ffefb9fu | CPUID1_ECX_VMX)

static const struct fake_cpu_model skylake_x = {
	.name = "corei7_skylake_x", .vendor = "GenuineIntel",
	.signature = 0x00050654, .cpuid1_ecx = INTEL_ECX,
	.max_ext_leaf = 0x80000008, .ext8_eax = 0x302e,
	.basic = BASIC_REV_2B, MODERN_CONTROLS,
	.procbased2 = 0x02177fffull << 32, .ept_vpid_cap = 0x00000f0106334141ull,
};

static const struct fake_cpu_model sandy_bridge = {
	.name = "corei7_sandy_bridge_2600k", .vendor = "GenuineIntel",
	.signature = 0x000206a7, .cpuid1_ecx = INTEL_ECX,
	.max_ext_leaf = 0x80000008, .ext8_eax = 0x3024,
	.basic = BASIC_REV_2B, MODERN_CONTROLS,
	.procbased2 = 0x000000ffull << 32, .ept_vpid_cap = 0x00000f0106114141ull,
};

static const struct fake_cpu_model lynnfield = {
	.name = "corei5_lynnfield_750", .vendor = "GenuineIntel",
	.signature = 0x000106e5, .cpuid1_ecx = INTEL_ECX,
	.max_ext_leaf = 0x80000008, .ext8_eax = 0x3024,
	.basic = BASIC_REV_2B, MODERN_CONTROLS,
	.procbased2 = 0x0000007full << 32, .ept_vpid_cap = 0x00000f0106114141ull,
};

/* VMX without EPT or VPID, and no VMX-preemption timer (pin 6, exit 22). */
static const struct fake_cpu_model penryn = {
	.name = "core2_penryn_t9600", .vendor = "GenuineIntel",
	.signature = 0x00010676, .cpuid1_ecx = INTEL_ECX | CPUID1_ECX_SMX,
	.max_ext_leaf = 0x80000008, .ext8_eax = 0x3024,
	.feature_control = 0x5, .basic = BASIC_REV_2B,
	.pinbased = 0x0000003f00000016ull, .procbased = 0xfff9fffe0401e172ull,
	.exit = 0x0003ffff00036dffull, .entry = 0x00003fff000011ffull,
	.true_pinbased = 0x0000003f00000006ull, .true_procbased = 0xfff9fffe04006172ull,
	.true_exit = 0x0003ffff00036dfbull, .true_entry = 0x00003fff000011fbull,
	.misc = 0x00000000000403c0ull,
	.cr0_fixed0 = CR0_FIXED0_USUAL, .cr0_fixed1 = CR0_FIXED1_USUAL,
	.cr4_fixed0 = CR4_FIXED0_USUAL, .cr4_fixed1 = 0x67ffull,
	.procbased2 = 0x00000041ull << 32,
};

static const struct fake_cpu_model tigerlake = {
	.name = "tigerlake", .vendor = "GenuineIntel",
	.signature = 0x000806c1, .cpuid1_ecx = INTEL_ECX,
	.max_ext_leaf = 0x80000008, .ext8_eax = 0x3027,
	.basic = 0x00d8100000000004ull, MODERN_CONTROLS,
	.procbased2 = 0x02977fffull << 32, .ept_vpid_cap = 0x00000f0106b34141ull,
};

/* No VMX; CPUID.1:ECX[5] is 0 on AMD. Its MSR values are never readable. */
static const struct fake_cpu_model ryzen = {
	.name = "ryzen", .vendor = "AuthenticAMD",
	.signature = 0x00870f10, .cpuid1_ecx = 0x7ed8320b,
	.max_ext_leaf = 0x80000020, .ext8_eax = 0x3030,
};

const struct fake_cpu_model *const fake_cpu_models[] = {
	&skylake_x, &sandy_bridge, &lynnfield, &penryn, &tigerlake, &ryzen, NULL,
};

const struct fake_cpu_model *fake_cpu_model(const char *name)
{
	for (size_t i = 0; fake_cpu_models[i]; i++)
		if (!strcmp(fake_cpu_models[i]->name, name))
			return fake_cpu_models[i];
	fail_msg("no CPU model named %s", name);
	return NULL;
}

static void fake_cpuid(void *ctx, uint32_t leaf, uint32_t subleaf, struct cpuid_regs *out)
{
	struct fake_cpu *cpu = ctx;
	const struct fake_cpu_model *m = cpu->m;
	uint32_t v[3] = { 0 };

	(void)subleaf;
	cpu->cpuid_calls++;
	*out = (struct cpuid_regs){ 0 };
	switch (leaf) {
	case 0:
		memcpy(v, m->vendor, 12);
		*out = (struct cpuid_regs){ .eax = 0x16, .ebx = v[0], .edx = v[1], .ecx = v[2] };
		break;
	case 1:
		out->eax = m->signature;
		out->ecx = m->cpuid1_ecx;
		break;
	case 0x80000000u:
		out->eax = m->max_ext_leaf;
		break;
	case 0x80000008u:
		out->eax = m->ext8_eax;
		break;
	}
}

static bool vmx_msrs_exist(const struct fake_cpu_model *m)
{
	return !strcmp(m->vendor, "GenuineIntel") && (m->cpuid1_ecx & CPUID1_ECX_VMX);
}

bool fake_cpu_msr_exists(const struct fake_cpu_model *m, uint32_t msr)
{
	bool has2 = (m->procbased >> 63) & 1;

	if (msr == IA32_FEATURE_CONTROL)
		return !strcmp(m->vendor, "GenuineIntel") &&
		       (m->cpuid1_ecx & (CPUID1_ECX_VMX | CPUID1_ECX_SMX));
	if (!vmx_msrs_exist(m))
		return false;
	if (msr >= IA32_VMX_BASIC && msr <= IA32_VMX_VMCS_ENUM)
		return true;
	if (msr == IA32_VMX_PROCBASED_CTLS2)
		return has2;
	if (msr == IA32_VMX_EPT_VPID_CAP)
		return has2 && ((m->procbased2 >> 33) & 1 || (m->procbased2 >> 37) & 1);
	if (msr >= IA32_VMX_TRUE_PINBASED_CTLS && msr <= IA32_VMX_TRUE_ENTRY_CTLS)
		return (m->basic >> 55) & 1;
	return false;
}

static uint64_t msr_value(const struct fake_cpu_model *m, uint32_t msr)
{
	switch (msr) {
	case IA32_FEATURE_CONTROL: return m->feature_control;
	case IA32_VMX_BASIC: return m->basic;
	case IA32_VMX_PINBASED_CTLS: return m->pinbased;
	case IA32_VMX_PROCBASED_CTLS: return m->procbased;
	case IA32_VMX_EXIT_CTLS: return m->exit;
	case IA32_VMX_ENTRY_CTLS: return m->entry;
	case IA32_VMX_MISC: return m->misc;
	case IA32_VMX_CR0_FIXED0: return m->cr0_fixed0;
	case IA32_VMX_CR0_FIXED1: return m->cr0_fixed1;
	case IA32_VMX_CR4_FIXED0: return m->cr4_fixed0;
	case IA32_VMX_CR4_FIXED1: return m->cr4_fixed1;
	case IA32_VMX_VMCS_ENUM: return 0x2e;
	case IA32_VMX_PROCBASED_CTLS2: return m->procbased2;
	case IA32_VMX_EPT_VPID_CAP: return m->ept_vpid_cap;
	case IA32_VMX_TRUE_PINBASED_CTLS: return m->true_pinbased;
	case IA32_VMX_TRUE_PROCBASED_CTLS: return m->true_procbased;
	case IA32_VMX_TRUE_EXIT_CTLS: return m->true_exit;
	case IA32_VMX_TRUE_ENTRY_CTLS: return m->true_entry;
	}
	return 0;
}

static uint64_t fake_rdmsr(void *ctx, uint32_t msr)
{
	struct fake_cpu *cpu = ctx;

	if (cpu->nreads < FAKE_CPU_MAX_READS)
		cpu->reads[cpu->nreads] = msr;
	cpu->nreads++;
	if (!fake_cpu_msr_exists(cpu->m, msr)) {
		cpu->bad_reads++;
		if (cpu->strict)
			fail_msg("%s: RDMSR 0x%x, an MSR this CPU does not have (#GP)", cpu->m->name, msr);
		return 0;
	}
	return msr_value(cpu->m, msr);
}

struct cpu_ops fake_cpu_ops(struct fake_cpu *cpu, const struct fake_cpu_model *m, bool strict)
{
	*cpu = (struct fake_cpu){ .m = m, .strict = strict };
	return (struct cpu_ops){ .ctx = cpu, .cpuid = fake_cpuid, .rdmsr = fake_rdmsr };
}

size_t fake_cpu_read_count(const struct fake_cpu *cpu, uint32_t msr)
{
	size_t n = 0, lim = cpu->nreads < FAKE_CPU_MAX_READS ? cpu->nreads : FAKE_CPU_MAX_READS;

	for (size_t i = 0; i < lim; i++)
		n += cpu->reads[i] == msr;
	return n;
}
