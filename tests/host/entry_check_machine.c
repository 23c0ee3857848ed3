// SPDX-License-Identifier: MIT
/*
 * tests/host/entry_check_machine.c - the VM-entry checker's test machine (entry_check_machine.h):
 * fake CPU to struct vmx_caps, the VMCS as a table, memory pages, and the VMCS vmm/vm/vmcs_setup.c
 * writes, field by field.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86_64/gdt.h"
#include "ept/ept_bits.h"
#include "tests/host/entry_check_machine.h"
#include "vmm/vm/layout.h"
#include "vmm/vmx/controls.h"
#include "vmm/vmx/errata.h"
#include "vmm/vmx/vmcs_fields.h"

/* ------------------------------------------------------------------ the CPU */

bool ecm_init(struct ec_machine *m, const struct fake_cpu_model *cpu, uint64_t vmfunc)
{
	struct fake_cpu fc;
	struct cpu_ops ops = fake_cpu_ops(&fc, cpu, true);
	char why[200];

	memset(m, 0, sizeof(*m));
	if (vmx_probe(&ops, &m->caps, why, sizeof(why)) != HV_OK) {
		fail_msg("%s: vmx_probe refused the CPU: %s", cpu->name, why);
		return false;
	}
	m->facts.vmfunc = vmfunc;
	m->facts.linear_width = (cpu->ext8_eax >> 8) & 0xff;
	m->facts.current_vmcs = ECM_VMCS;
	return true;
}

/* ------------------------------------------------------------------ the VMCS table and memory */

static struct ecm_field *find(const struct ec_machine *m, uint32_t enc)
{
	for (size_t i = 0; i < m->nfields; i++)
		if (m->field[i].encoding == enc)
			return (struct ecm_field *)&m->field[i];
	return NULL;
}

void ecm_set(struct ec_machine *m, uint32_t enc, uint64_t value)
{
	struct ecm_field *f = find(m, enc);

	if (!f) {
		assert_true(m->nfields < ECM_MAX_FIELDS);
		f = &m->field[m->nfields++];
		f->encoding = enc;
	}
	f->value = value;
}

uint64_t ecm_get(const struct ec_machine *m, uint32_t enc)
{
	const struct ecm_field *f = find(m, enc);

	return f ? f->value : 0;
}

bool ecm_has(const struct ec_machine *m, uint32_t enc)
{
	return find(m, enc) != NULL;
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

static uint64_t read_field(void *ctx, uint32_t enc)
{
	struct ec_machine *m = ctx;

	if (!find(m, enc) && m->nunwritten < sizeof(m->unwritten) / sizeof(m->unwritten[0]))
		m->unwritten[m->nunwritten++] = enc;
	return ecm_get(m, enc);
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

/* ------------------------------------------------------------------ what vmm/vm/vmcs_setup.c writes */

struct ecm_controls {
	uint32_t pin, proc, proc2, exit, entry;
};

/* compute_controls() of vmm/vm/vmcs_setup.c. */
static void compute_controls(const struct vmx_caps *c, struct ecm_controls *k)
{
	const char *missing = "";

	assert_int_equal(vmx_ctl_compute(c->pinbased, vmx_pin_want.want, vmx_pin_want.n, &k->pin, &missing), 0);
	assert_int_equal(vmx_ctl_compute(c->procbased, vmx_proc_want.want, vmx_proc_want.n, &k->proc, &missing), 0);
	assert_int_equal(vmx_ctl_compute(c->procbased2, vmx_proc2_want.want, vmx_proc2_want.n, &k->proc2, &missing), 0);
	assert_int_equal(vmx_ctl_compute(c->exit, vmx_exit_want.want, vmx_exit_want.n, &k->exit, &missing), 0);
	assert_int_equal(vmx_ctl_compute(c->entry, vmx_entry_want.want, vmx_entry_want.n, &k->entry, &missing), 0);
	if (!(k->pin & PIN_NMI_EXITING))
		k->pin &= ~PIN_VIRTUAL_NMIS;
	if (!(k->exit & EXIT_SAVE_PREEMPTION_TIMER) || !(k->pin & PIN_PREEMPTION_TIMER) ||
	    vmx_preemption_timer_erratum(c->signature)) {
		k->pin &= ~PIN_PREEMPTION_TIMER;
		k->exit &= ~EXIT_SAVE_PREEMPTION_TIMER;
	}
}

/* write_controls(). */
static void write_controls(struct ec_machine *m, const struct ecm_controls *k)
{
	const struct vmx_caps *c = &m->caps;

	ecm_set(m, PIN_BASED_VM_EXEC_CONTROL, k->pin);
	ecm_set(m, CPU_BASED_VM_EXEC_CONTROL, k->proc);
	ecm_set(m, SECONDARY_VM_EXEC_CONTROL, k->proc2);
	ecm_set(m, VM_EXIT_CONTROLS, k->exit);
	ecm_set(m, VM_ENTRY_CONTROLS, k->entry);
	ecm_set(m, EXCEPTION_BITMAP, 0);
	ecm_set(m, PAGE_FAULT_ERROR_CODE_MASK, 0);
	ecm_set(m, PAGE_FAULT_ERROR_CODE_MATCH, 0);
	ecm_set(m, CR3_TARGET_COUNT, 0);
	ecm_set(m, VM_EXIT_MSR_STORE_COUNT, 0);
	ecm_set(m, VM_EXIT_MSR_LOAD_COUNT, 0);
	ecm_set(m, VM_ENTRY_MSR_LOAD_COUNT, 0);
	ecm_set(m, VM_ENTRY_INTR_INFO_FIELD, 0);
	ecm_set(m, IO_BITMAP_A, ECM_IO_BITMAP_A);
	ecm_set(m, IO_BITMAP_B, ECM_IO_BITMAP_B);
	ecm_set(m, MSR_BITMAP, ECM_MSR_BITMAP);
	ecm_set(m, TSC_OFFSET, 0);
	/* ept_eptp() of ept/ept_init.c: write-back, 4 levels, no A/D (guest_ept_build asks for none). */
	ecm_set(m, EPT_POINTER, EPTP_MEMTYPE_WB | EPTP_WALK_LENGTH_4 | ECM_EPT_ROOT);
	if (k->proc2 & PROC2_ENABLE_VPID)
		ecm_set(m, VIRTUAL_PROCESSOR_ID, 1);
	ecm_set(m, CR0_GUEST_HOST_MASK, c->cr0_fixed0 | ~c->cr0_fixed1);
	ecm_set(m, CR4_GUEST_HOST_MASK, c->cr4_fixed0 | ~c->cr4_fixed1);
	ecm_set(m, CR0_READ_SHADOW, GUEST_CR0_AT_ENTRY);
	ecm_set(m, CR4_READ_SHADOW, GUEST_CR4_AT_ENTRY);
}

/* write_host_state(), with CR0/CR4 as vmm/vmx/enable.c leaves them. */
static void write_host_state(struct ec_machine *m)
{
	const struct vmx_caps *c = &m->caps;
	uint64_t cr0, cr4;
	char why[200];

	assert_int_equal(vmx_cr_fixup("CR0", ECM_FIRMWARE_CR0, c->cr0_fixed0, c->cr0_fixed1, CR0_PE | CR0_PG, &cr0, why,
				      sizeof(why)), HV_OK);
	assert_int_equal(vmx_cr_fixup("CR4", ECM_FIRMWARE_CR4 | CR4_VMXE, c->cr4_fixed0, c->cr4_fixed1,
				      CR4_PAE | CR4_VMXE, &cr4, why, sizeof(why)), HV_OK);
	ecm_set(m, HOST_CR0, cr0);
	ecm_set(m, HOST_CR3, ECM_HOST_CR3);
	ecm_set(m, HOST_CR4, cr4);
	ecm_set(m, HOST_CS_SELECTOR, GDT_SEL_CODE64);
	ecm_set(m, HOST_SS_SELECTOR, GDT_SEL_DATA);
	ecm_set(m, HOST_DS_SELECTOR, GDT_SEL_DATA);
	ecm_set(m, HOST_ES_SELECTOR, GDT_SEL_DATA);
	ecm_set(m, HOST_FS_SELECTOR, GDT_SEL_DATA);
	ecm_set(m, HOST_GS_SELECTOR, GDT_SEL_DATA);
	ecm_set(m, HOST_TR_SELECTOR, GDT_SEL_TSS);
	ecm_set(m, HOST_FS_BASE, 0);
	ecm_set(m, HOST_GS_BASE, 0);
	ecm_set(m, HOST_TR_BASE, ECM_HOST_TSS);
	ecm_set(m, HOST_GDTR_BASE, ECM_HOST_GDT);
	ecm_set(m, HOST_IDTR_BASE, ECM_HOST_IDT);
	ecm_set(m, HOST_IA32_SYSENTER_CS, 0);
	ecm_set(m, HOST_IA32_SYSENTER_ESP, 0);
	ecm_set(m, HOST_IA32_SYSENTER_EIP, 0);
	ecm_set(m, HOST_IA32_EFER, ECM_FIRMWARE_EFER);
	ecm_set(m, HOST_IA32_PAT, PAT_POWER_ON);
	ecm_set(m, HOST_RSP, ECM_EXIT_STACK);
	ecm_set(m, HOST_RIP, ECM_HOST_RIP);
}

static void write_segment(struct ec_machine *m, uint32_t sel_f, uint32_t base_f, uint32_t limit_f, uint32_t ar_f,
			  uint16_t sel, uint64_t base, uint32_t limit, uint32_t ar)
{
	ecm_set(m, sel_f, sel);
	ecm_set(m, base_f, base);
	ecm_set(m, limit_f, limit);
	ecm_set(m, ar_f, ar);
}

/* write_guest_state(). */
static void write_guest_state(struct ec_machine *m)
{
	const struct vmx_caps *c = &m->caps;
	const uint64_t b = ECM_GUEST_BASE;

	ecm_set(m, GUEST_CR0, (GUEST_CR0_AT_ENTRY | c->cr0_fixed0) & c->cr0_fixed1);
	ecm_set(m, GUEST_CR3, b + GUEST_PML4_OFFSET);
	ecm_set(m, GUEST_CR4, (GUEST_CR4_AT_ENTRY | c->cr4_fixed0) & c->cr4_fixed1);
	ecm_set(m, GUEST_DR7, DR7_RESET);
	ecm_set(m, GUEST_IA32_DEBUGCTL, 0);
	ecm_set(m, GUEST_IA32_EFER, GUEST_EFER_AT_ENTRY);
	ecm_set(m, GUEST_IA32_PAT, PAT_POWER_ON);
	ecm_set(m, GUEST_RSP, b + ECM_GUEST_SIZE);
	ecm_set(m, GUEST_RIP, ECM_GUEST_ENTRY);
	ecm_set(m, GUEST_RFLAGS, RFLAGS_RESERVED1);
	write_segment(m, GUEST_CS_SELECTOR, GUEST_CS_BASE, GUEST_CS_LIMIT, GUEST_CS_AR_BYTES, GUEST_SEL_CODE64, 0,
		      SEG_LIMIT_4G_BYTES, GUEST_AR_CODE64);
	write_segment(m, GUEST_SS_SELECTOR, GUEST_SS_BASE, GUEST_SS_LIMIT, GUEST_SS_AR_BYTES, GUEST_SEL_DATA, 0,
		      SEG_LIMIT_4G_BYTES, GUEST_AR_DATA);
	write_segment(m, GUEST_DS_SELECTOR, GUEST_DS_BASE, GUEST_DS_LIMIT, GUEST_DS_AR_BYTES, GUEST_SEL_DATA, 0,
		      SEG_LIMIT_4G_BYTES, GUEST_AR_DATA);
	write_segment(m, GUEST_ES_SELECTOR, GUEST_ES_BASE, GUEST_ES_LIMIT, GUEST_ES_AR_BYTES, GUEST_SEL_DATA, 0,
		      SEG_LIMIT_4G_BYTES, GUEST_AR_DATA);
	write_segment(m, GUEST_FS_SELECTOR, GUEST_FS_BASE, GUEST_FS_LIMIT, GUEST_FS_AR_BYTES, GUEST_SEL_DATA, 0,
		      SEG_LIMIT_4G_BYTES, GUEST_AR_DATA);
	write_segment(m, GUEST_GS_SELECTOR, GUEST_GS_BASE, GUEST_GS_LIMIT, GUEST_GS_AR_BYTES, GUEST_SEL_DATA, 0,
		      SEG_LIMIT_4G_BYTES, GUEST_AR_DATA);
	write_segment(m, GUEST_TR_SELECTOR, GUEST_TR_BASE, GUEST_TR_LIMIT, GUEST_TR_AR_BYTES, GUEST_SEL_TSS,
		      b + GUEST_TSS_OFFSET, GUEST_TSS_LIMIT, GUEST_AR_TSS);
	write_segment(m, GUEST_LDTR_SELECTOR, GUEST_LDTR_BASE, GUEST_LDTR_LIMIT, GUEST_LDTR_AR_BYTES, 0, 0, 0,
		      SEG_AR_UNUSABLE);
	ecm_set(m, GUEST_GDTR_BASE, b + GUEST_GDT_OFFSET);
	ecm_set(m, GUEST_GDTR_LIMIT, GUEST_GDT_LIMIT);
	ecm_set(m, GUEST_IDTR_BASE, 0);
	ecm_set(m, GUEST_IDTR_LIMIT, 0);
	ecm_set(m, GUEST_SYSENTER_CS, 0);
	ecm_set(m, GUEST_SYSENTER_ESP, 0);
	ecm_set(m, GUEST_SYSENTER_EIP, 0);
	ecm_set(m, GUEST_ACTIVITY_STATE, 0);
	ecm_set(m, GUEST_INTERRUPTIBILITY_INFO, 0);
	ecm_set(m, GUEST_PENDING_DBG_EXCEPTIONS, 0);
	ecm_set(m, VMCS_LINK_POINTER, VMCS_LINK_POINTER_NONE);
}

void ecm_minihv_vmcs(struct ec_machine *m)
{
	struct ecm_controls k;

	m->nfields = 0;
	compute_controls(&m->caps, &k);
	write_controls(m, &k);
	write_host_state(m);
	write_guest_state(m);
	/* budget_setup() (vmm/vm/budget.c) */
	if (k.pin & PIN_PREEMPTION_TIMER)
		ecm_set(m, VMX_PREEMPTION_TIMER_VALUE, 0x12345678);
}
