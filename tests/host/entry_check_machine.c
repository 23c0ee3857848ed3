// SPDX-License-Identifier: MIT
/*
 * tests/host/entry_check_machine.c - the VM-entry checker's test machine (entry_check_machine.h):
 * fake CPU to struct vmx_caps, the fake CPU's state for vmm/vm/vmcs_setup.c, the real setup over
 * the fake VMCS, memory pages for the checker.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "arch/lib/page_pool.h"
#include "arch/x86_64/cr.h"
#include "arch/x86_64/msr.h"
#include "tests/host/entry_check_machine.h"
#include "tests/host/fake_vmcs.h"
#include "vmm/config.h"
#include "vmm/vm/guest_ept.h"
#include "vmm/vm/layout.h"
#include "vmm/vm/vmcs_setup.h"
#include "vmm/vmx/entry_check_image.h"

/* ------------------------------------------------------------------ the CPU */

/* CPUID as the model answers it (fake_hw.cpuid takes no context: the machine's model is here). */
static struct fake_cpu model_cpu;
static struct cpu_ops model_ops;

static void model_cpuid(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *out)
{
	model_ops.cpuid(model_ops.ctx, leaf, subleaf, out);
}

bool ecm_init(struct ec_machine *m, const struct fake_cpu_model *cpu, uint64_t vmfunc)
{
	struct fake_cpu fc;
	struct cpu_ops ops = fake_cpu_ops(&fc, cpu, true);
	char why[200];

	memset(m, 0, sizeof(*m));
	m->cpu = cpu;
	if (vmx_probe(&ops, &m->caps, why, sizeof(why)) != HV_OK) {
		fail_msg("%s: vmx_probe refused the CPU: %s", cpu->name, why);
		return false;
	}
	m->facts.vmfunc = vmfunc;
	m->facts.linear_width = (cpu->ext8_eax >> 8) & 0xff;
	config_defaults(&m->bi.cfg);
	return true;
}

void ecm_config(struct ec_machine *m, const char *text)
{
	char err[200];

	if (config_parse(text, strlen(text), &m->bi.cfg, err, sizeof(err)) != 0)
		fail_msg("HV.CFG \"%s\": %s", text, err);
}

/* The state vmcs_setup reads from the CPU, as the hypervisor has it by then: the firmware's CR0 and
 * CR4 with the VMX fixed bits applied and CR4.VMXE set (vmm/vmx/enable.c), its own CR3 and tables,
 * the firmware's IA32_EFER and IA32_PAT. */
static void host_cpu_state(const struct ec_machine *m)
{
	const struct vmx_caps *c = &m->caps;
	char why[200];

	fake_hw_reset();
	model_ops = fake_cpu_ops(&model_cpu, m->cpu, true);
	fake_hw.cpuid = model_cpuid;
	assert_int_equal(vmx_cr_fixup("CR0", ECM_FIRMWARE_CR0, c->cr0_fixed0, c->cr0_fixed1, CR0_PE | CR0_PG,
				      &fake_hw.cr0, why, sizeof(why)), HV_OK);
	assert_int_equal(vmx_cr_fixup("CR4", ECM_FIRMWARE_CR4 | CR4_VMXE, c->cr4_fixed0, c->cr4_fixed1,
				      CR4_PAE | CR4_VMXE, &fake_hw.cr4, why, sizeof(why)), HV_OK);
	fake_hw.cr3 = ECM_HOST_CR3;
	fake_hw.gdtr = (struct desc_ptr){ 0x27, ECM_HOST_GDT };
	fake_hw.idtr = (struct desc_ptr){ 0xfff, ECM_HOST_IDT };
	fake_hw.tss_base = ECM_HOST_TSS;
	fake_msr_set(IA32_EFER, ECM_FIRMWARE_EFER);
	fake_msr_set(IA32_PAT, PAT_POWER_ON);
}

/* ------------------------------------------------------------------ the real setup */

/* The pool at a fixed address below every CPU's MAXPHYADDR (36 bits at least), mapped once. */
static void map_pool(void)
{
	static bool mapped;
	void *p;

	if (mapped)
		return;
	p = mmap((void *)(uintptr_t)ECM_POOL, ECM_POOL_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p != (void *)(uintptr_t)ECM_POOL)
		fail_msg("cannot map the page pool at 0x%llx (got %p)", (unsigned long long)ECM_POOL, p);
	mapped = true;
}

/* The guest as vm_run and guest_load leave it for vmcs_setup (vmm/vm/run.c, vmm/vm/loader.c). */
static void guest(struct ec_machine *m)
{
	memset(&m->vm, 0, sizeof(m->vm));
	memset(m->vcpus, 0, sizeof(m->vcpus));
	m->vm.vcpu = m->vcpus;
	m->vm.nvcpus = m->nvcpus ? m->nvcpus : 1;
	for (unsigned i = 0; i < ECM_MAX_VCPUS; i++) {
		m->vcpus[i].vm = &m->vm;
		m->vcpus[i].self = &m->vcpus[i];
		m->vcpus[i].index = i;
		m->vcpus[i].host_tss = i ? ECM_AP_TSS(i) : ECM_HOST_TSS;
	}
	test_vcpu = &m->vcpus[0];
	m->bi.guest_mem_base = ECM_GUEST_BASE;
	m->bi.guest_mem_size = ECM_GUEST_SIZE;
	m->vm.bi = &m->bi;
	m->vm.caps = &m->caps;
	m->vm.mem_hpa = ECM_GUEST_BASE;
	m->vm.mem_size = ECM_GUEST_SIZE;
	if (m->multiboot) {   /* GPA 0 at ECM_GUEST_BASE, entered at 1 MiB (vmm/vm/mb_guest.c) */
		m->vm.multiboot = true;
		m->vm.mem_base = 0;
		m->vm.entry_gpa = ECM_MB_ENTRY;
		m->vm.guest_name = "multiboot";
	} else {
		m->vm.mem_base = ECM_GUEST_BASE;
		m->vm.entry_gpa = ECM_GUEST_ENTRY;
		m->vm.guest_name = "default";
	}
}

/* A VMWRITE that failed: the field it named is still absent. */
static void assert_no_failed_vmwrite(const struct ec_machine *m)
{
	for (size_t i = 0; i < fake_vmcs_nwrites(); i++) {
		const struct fake_vmwrite *w = fake_vmcs_write_at(i);

		assert_non_null(w);
		if (!fake_vmcs_has(w->field))
			fail_msg("%s: vmcs_setup wrote field 0x%04x, which this CPU does not have (the VMWRITE fails)",
				 m->cpu->name, w->field);
	}
	assert_int_equal(fake_vmcs_failed_writes(), 0);
}

void ecm_vmcs_setup(struct ec_machine *m)
{
	char why[200];
	enum hv_status s;

	map_pool();
	host_cpu_state(m);
	fake_vmcs_reset_cpu(&m->caps);
	fake_log_capture();
	pool_init(ECM_POOL, ECM_POOL_SIZE);
	guest(m);
	s = guest_ept_build(&m->vm, why, sizeof(why));
	if (s != HV_OK)
		fail_msg("%s: guest_ept_build: %s", m->cpu->name, why);
	s = vmcs_setup(&m->vm, why, sizeof(why));
	if (s != HV_OK)
		fail_msg("%s: vmcs_setup: %s", m->cpu->name, why);
	assert_int_equal(m->vm.eptp & ~0xfffull, ECM_EPT_ROOT);
	assert_no_failed_vmwrite(m);
	m->facts.current_vmcs = fake_hw.current_vmcs;
	assert_int_equal(m->facts.current_vmcs, m->vcpus[0].vmcs_pa);
}

void ecm_vcpu_setup(struct ec_machine *m, unsigned i, uint64_t rip, uint64_t rsp)
{
	struct vcpu *v = &m->vcpus[i];
	char why[200];

	assert_true(i > 0 && i < m->vm.nvcpus);
	v->start_rip = rip;
	v->start_rsp = rsp;
	test_vcpu = v;
	fake_vmcs_reset_cpu(&m->caps);   /* another CPU: its own current VMCS */
	if (vmcs_setup_vcpu(v, why, sizeof(why)) != HV_OK)
		fail_msg("%s: vmcs_setup_vcpu(%u): %s", m->cpu->name, i, why);
	assert_no_failed_vmwrite(m);
	m->facts.current_vmcs = fake_hw.current_vmcs;
	assert_int_equal(m->facts.current_vmcs, v->vmcs_pa);
}

/* ------------------------------------------------------------------ the VMCS and memory */

void ecm_set(struct ec_machine *m, uint32_t enc, uint64_t value)
{
	(void)m;
	fake_vmcs_set_absent(enc, false);
	fake_vmcs_set(enc, value);
}

uint64_t ecm_get(const struct ec_machine *m, uint32_t enc)
{
	(void)m;
	return fake_vmcs_get(enc);
}

bool ecm_has(const struct ec_machine *m, uint32_t enc)
{
	(void)m;
	return fake_vmcs_has(enc);
}

static uint8_t *page_of(struct ec_machine *m, uint64_t pa, bool create)
{
	uint64_t base = pa & ~0xfffull;

	for (size_t i = 0; i < m->npages; i++)
		if (m->page_pa[i] == base)
			return m->page[i];
	if (!create)
		return NULL;
	assert_true(m->npages < ECM_MAX_PAGES);
	m->page_pa[m->npages] = base;
	memset(m->page[m->npages], 0, sizeof(m->page[0]));
	return m->page[m->npages++];
}

void ecm_poke(struct ec_machine *m, uint64_t pa, const void *src, size_t len)
{
	for (size_t i = 0; i < len; i++)
		page_of(m, pa + i, true)[(pa + i) & 0xfff] = ((const uint8_t *)src)[i];
}

/* The image's reader (VMREAD of the current VMCS: here the fake one), noting fields it lacks. */
static uint64_t read_field(void *ctx, uint32_t enc)
{
	struct ec_machine *m = ctx;

	if (!fake_vmcs_has(enc) && m->nunwritten < sizeof(m->unwritten) / sizeof(m->unwritten[0]))
		m->unwritten[m->nunwritten++] = enc;
	return entry_check_vmread(NULL, enc);
}

/* Memory the machine does not have reads as zero, like RAM nobody wrote. */
static bool read_phys(void *ctx, uint64_t pa, void *buf, size_t len)
{
	struct ec_machine *m = ctx;

	for (size_t i = 0; i < len; i++) {
		const uint8_t *p = page_of(m, pa + i, false);

		((uint8_t *)buf)[i] = p ? p[(pa + i) & 0xfff] : 0;
	}
	return true;
}

unsigned ecm_run(struct ec_machine *m)
{
	struct entry_check_input in = {
		.caps = &m->caps,
		.facts = &m->facts,
		.read = read_field,
		.read_phys = m->no_memory ? NULL : read_phys,
		.ctx = m,
	};

	m->nunwritten = 0;
	return entry_check_run(&in, &m->report);
}

const struct entry_check_failure *ecm_failure(const struct ec_machine *m, const char *id)
{
	for (unsigned i = 0; i < m->report.failed && i < ENTRY_CHECK_MAX_FAILURES; i++)
		if (!strcmp(m->report.fail[i].def->id, id))
			return &m->report.fail[i];
	return NULL;
}

const char *ecm_describe(const struct ec_machine *m)
{
	static char text[8192];
	size_t n = 0;

	text[0] = '\0';
	for (unsigned i = 0; i < m->report.failed && i < ENTRY_CHECK_MAX_FAILURES && n < sizeof(text) - 300; i++) {
		char line[400];

		entry_check_format(&m->report.fail[i], line, sizeof(line));
		n += (size_t)snprintf(text + n, sizeof(text) - n, "\n  %s", line);
	}
	return text;
}
