/* The VM-entry checker's core: one run over the sections (controls, host state, guest state, MSR
 * loading, in the SDM's order), the record of each failure, the log lines, and the verdict the CPU
 * would give. The checks themselves are in entry_check_controls.c, entry_check_host.c,
 * entry_check_guest.c, entry_check_segments.c and entry_check_guest_state.c. */
#include "vmm/vmx/entry_check.h"
#include "arch/lib/fmt.h"
#include "arch/lib/str.h"
#include "arch/x86_64/cpuid_info.h"
#include "arch/x86_64/cr.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/msr.h"
#include "arch/x86_64/pte.h"
#include "arch/x86_64/segment.h"
#include "vmm/vmx/controls.h"
#include "vmm/vmx/entry_check_ctx.h"
#include "vmm/vmx/vmcs_fields.h"


static const struct entry_check_facts default_facts;

uint64_t ec_read(const struct ec_ctx *c, uint32_t field)
{
	return c->in->read(c->in->ctx, field);
}

bool ec_has_memory(const struct ec_ctx *c)
{
	return c->in->read_phys != NULL;
}

bool ec_read_phys(const struct ec_ctx *c, uint64_t pa, void *buf, size_t len)
{
	return c->in->read_phys && c->in->read_phys(c->in->ctx, pa, buf, len);
}

static const struct entry_check_def *def_of(enum ec_id id)
{
	size_t n;

	return &entry_check_defs(&n)[id];
}

void ec_check(struct ec_ctx *c, enum ec_id id, bool ok, uint32_t field, uint64_t value, uint64_t detail)
{
	struct entry_check_report *r = c->out;

	r->checked++;
	if (ok)
		return;
	if (r->failed < ENTRY_CHECK_MAX_FAILURES)
		r->fail[r->failed] = (struct entry_check_failure){ def_of(id), field, value, detail };
	r->failed++;
}

void ec_skip(struct ec_ctx *c, enum ec_id id)
{
	(void)id;
	c->out->skipped++;
}

/* The controls and the guest values several sections need. A control field the CPU does not have
 * is not read (VMREAD would fail): its control bit is then one the allowed-1 check refuses. */
static void read_state(struct ec_ctx *c)
{
	const struct vmx_caps *caps = c->caps;

	c->pin = (uint32_t)ec_read(c, PIN_BASED_VM_EXEC_CONTROL);
	c->proc = (uint32_t)ec_read(c, CPU_BASED_VM_EXEC_CONTROL);
	if ((c->proc & PROC_ACTIVATE_SECONDARY_CONTROLS) && caps->has_procbased2)
		c->proc2 = (uint32_t)ec_read(c, SECONDARY_VM_EXEC_CONTROL);
	if ((c->proc & PROC_ACTIVATE_TERTIARY_CONTROLS) && vmx_ctl_allowed1(caps->procbased, PROC_ACTIVATE_TERTIARY_CONTROLS))
		c->proc3 = ec_read(c, TERTIARY_VM_EXEC_CONTROL);
	c->exit = (uint32_t)ec_read(c, VM_EXIT_CONTROLS);
	c->entry = (uint32_t)ec_read(c, VM_ENTRY_CONTROLS);
	c->intr_info = (uint32_t)ec_read(c, VM_ENTRY_INTR_INFO_FIELD);
	c->urg = c->proc2 & PROC2_UNRESTRICTED_GUEST;
	c->ia32e_guest = c->entry & ENTRY_IA32E_MODE_GUEST;
	c->host64 = c->exit & EXIT_HOST_ADDRESS_SPACE_SIZE;
	c->guest_cr0 = ec_read(c, GUEST_CR0);
	c->guest_cr4 = ec_read(c, GUEST_CR4);
	c->guest_rflags = ec_read(c, GUEST_RFLAGS);
	c->cs_ar = (uint32_t)ec_read(c, GUEST_CS_AR_BYTES);
	c->ss_ar = (uint32_t)ec_read(c, GUEST_SS_AR_BYTES);
}

unsigned entry_check_run(const struct entry_check_input *in, struct entry_check_report *out)
{
	const struct entry_check_facts *f = in->facts ? in->facts : &default_facts;
	struct ec_ctx c = { .in = in, .caps = in->caps, .facts = f, .out = out };

	mem_zero(out, sizeof(*out));
	c.maxphyaddr = in->caps->maxphyaddr ? in->caps->maxphyaddr : MAXPHYADDR_DEFAULT;
	c.linear_width = f->linear_width ? f->linear_width : LINEAR_WIDTH_4LEVEL;
	c.efer_valid = f->efer_valid ? f->efer_valid : EFER_DEFINED_INTEL;
	c.debugctl_valid = f->debugctl_valid ? f->debugctl_valid : DEBUGCTL_DEFINED_BITS;
	read_state(&c);
	ec_check_exec_controls(&c);
	ec_check_exit_entry_controls(&c);
	ec_check_host(&c);
	ec_check_guest_regs(&c);
	ec_check_guest_segments(&c);
	ec_check_guest_state(&c);
	return out->failed;
}

/* ------------------------------------------------------------------ verdicts */

/* The order the CPU checks in: §27.2 (error 7 or 8, in any order), §27.3 (exit 33), §27.4 (34). */
static int stage(uint16_t verdict)
{
	switch (verdict) {
	case ENTRY_VERDICT_ERROR_CONTROLS:
	case ENTRY_VERDICT_ERROR_HOST:
		return 1;
	case ENTRY_VERDICT_EXIT_GUEST:
		return 2;
	case ENTRY_VERDICT_EXIT_MSR_LOAD:
		return 3;
	default:
		return 4;
	}
}

static uint64_t qual_of(const struct entry_check_failure *f)
{
	if (f->def->verdict == ENTRY_VERDICT_EXIT_MSR_LOAD)
		return f->detail;
	return f->def->verdict == ENTRY_VERDICT_EXIT_GUEST ? f->def->qual : 0;
}

static size_t stored(const struct entry_check_report *r)
{
	return r->failed < ENTRY_CHECK_MAX_FAILURES ? r->failed : ENTRY_CHECK_MAX_FAILURES;
}

uint16_t entry_check_expected(const struct entry_check_report *r, uint64_t *qual)
{
	const struct entry_check_failure *best = NULL;

	for (size_t i = 0; i < stored(r); i++)
		if (!best || stage(r->fail[i].def->verdict) < stage(best->def->verdict))
			best = &r->fail[i];
	*qual = best ? qual_of(best) : 0;
	return best ? best->def->verdict : ENTRY_VERDICT_NONE;
}

/* A check the SDM says a processor may or may not make (§27.3.1.5: blocking by STI with an NMI). */
static bool optional(const struct entry_check_failure *f)
{
	return f->def == def_of(EC_GUEST_INTR_NMI_STI);
}

bool entry_check_consistent(const struct entry_check_report *r, uint16_t verdict, uint64_t qual)
{
	for (int s = 1; s <= 3; s++) {
		bool any = false, all_optional = true;

		for (size_t i = 0; i < stored(r); i++) {
			const struct entry_check_failure *f = &r->fail[i];

			if (stage(f->def->verdict) != s)
				continue;
			any = true;
			all_optional = all_optional && optional(f);
			if (f->def->verdict == verdict && qual_of(f) == qual)
				return true;
		}
		/* The CPU stops at the first stage that fails, unless it skipped every check there. */
		if (any && !all_optional)
			return false;
	}
	return verdict == ENTRY_VERDICT_NONE;
}

/* ------------------------------------------------------------------ log lines */

int entry_check_format_verdict(uint16_t verdict, uint64_t qual, char *buf, size_t len)
{
	switch (verdict) {
	case ENTRY_VERDICT_ERROR_CONTROLS:
	case ENTRY_VERDICT_ERROR_HOST:
		return hv_snprintf(buf, len, "error %u", (unsigned)verdict);
	case ENTRY_VERDICT_EXIT_GUEST:
	case ENTRY_VERDICT_EXIT_MSR_LOAD:
		if (qual)
			return hv_snprintf(buf, len, "exit %u qual %llu", (unsigned)verdict, (unsigned long long)qual);
		return hv_snprintf(buf, len, "exit %u", (unsigned)verdict);
	default:
		return hv_snprintf(buf, len, "entry");
	}
}

/* The rule with each "{}" replaced by 0x<detail>. */
static void expand_rule(const char *rule, uint64_t detail, char *out, size_t len)
{
	size_t n = 0;

	for (const char *p = rule; *p && n + 1 < len; p++) {
		if (p[0] == '{' && p[1] == '}') {
			int w = hv_snprintf(out + n, len - n, "0x%llx", (unsigned long long)detail);

			n += (w > 0 && (size_t)w < len - n) ? (size_t)w : len - n - 1;
			p++;
			continue;
		}
		out[n++] = *p;
	}
	out[n] = '\0';
}

int entry_check_format(const struct entry_check_failure *f, char *buf, size_t len)
{
	const struct entry_check_def *d = f->def;
	char rule[192], verdict[32];

	expand_rule(d->rule, f->detail, rule, sizeof(rule));
	entry_check_format_verdict(d->verdict, qual_of(f), verdict, sizeof(verdict));
	if (f->field == ENTRY_CHECK_NO_FIELD)
		return hv_snprintf(buf, len, "vm-entry-check: FAIL %s SDM %s \"%s\": %s [%s]", d->id, d->section,
				   d->title, rule, verdict);
	return hv_snprintf(buf, len, "vm-entry-check: FAIL %s SDM %s \"%s\" %s=0x%llx: %s [%s]", d->id, d->section,
			   d->title, entry_check_field_name(f->field), (unsigned long long)f->value, rule, verdict);
}

int entry_check_format_summary(const struct entry_check_report *r, char *buf, size_t len)
{
	char verdict[32];
	uint64_t qual = 0;
	uint16_t expected;

	if (!r->failed)
		return hv_snprintf(buf, len, "vm-entry-check: ok checks=%u skipped=%u", r->checked, r->skipped);
	expected = entry_check_expected(r, &qual);
	entry_check_format_verdict(expected, qual, verdict, sizeof(verdict));
	return hv_snprintf(buf, len, "vm-entry-check: failed=%u checks=%u skipped=%u expect=\"%s\"", r->failed,
			   r->checked, r->skipped, verdict);
}
