// SPDX-License-Identifier: MIT
/*
 * tests/host/test_smp_start.c - starting an AP (vmm/smp/start.c) against a fake APIC and clock:
 * the exact ICR values (INIT 0x4500, START-UP 0x4600 | vector), the 10 ms and 200 µs delays in
 * order, an AP that answers, one that never does, one that reports a VT-x failure, one that starts
 * but never finishes, an IPI that stays pending; each one's log line. And the ICR encodings of
 * lapic_send_ipi (arch/x86_64/lapic.c): x2APIC one 64-bit MSR write, xAPIC high then low.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86_64/lapic.h"
#include "arch/x86_64/msr.h"
#include "arch/x86_64/ap_start.h"
#include "vmm/config.h"
#include "vmm/smp/caps_match.h"
#include "vmm/smp/plan.h"
#include "vmm/smp/start.h"

#define TICKS_PER_MS 1000     /* one tick a microsecond */
#define VECTOR 0x9a

enum behaviour { ANSWER_UP, NEVER, FAIL_VMX, STUCK_RUNNING, IPI_PENDING };

struct event {
	char kind;                /* 'p' prepare, 'i' IPI */
	uint32_t apic_id;
	uint32_t icr;
	uint64_t at;
};

struct fake {
	uint64_t now;
	enum behaviour how;
	uint64_t answer_after;    /* ticks after the first SIPI */
	uint64_t first_sipi;
	bool sipi_seen;
	unsigned nevents;
	struct event ev[16];
};

static struct fake f;

static bool fake_send(void *ctx, uint32_t apic_id, uint32_t icr)
{
	(void)ctx;
	f.ev[f.nevents++] = (struct event){ 'i', apic_id, icr, f.now };
	if ((icr & LAPIC_DELIVERY_MODE_MASK) == LAPIC_DELIVERY_STARTUP && !f.sipi_seen) {
		f.sipi_seen = true;
		f.first_sipi = f.now;
	}
	return f.how != IPI_PENDING;
}

static uint64_t fake_now(void *ctx)
{
	(void)ctx;
	return f.now++;
}

static void fake_prepare(void *ctx, unsigned cpu)
{
	(void)ctx;
	f.ev[f.nevents++] = (struct event){ 'p', cpu, 0, f.now };
}

static enum ap_state fake_state(void *ctx, unsigned cpu, char *why, size_t why_len)
{
	(void)ctx;
	(void)cpu;
	if (!f.sipi_seen || f.now - f.first_sipi < f.answer_after)
		return AP_STATE_NONE;
	switch (f.how) {
	case ANSWER_UP:
		return AP_STATE_UP;
	case FAIL_VMX:
		snprintf(why, why_len, "its VT-x differs from the boot processor's: secondary controls");
		return AP_STATE_FAILED;
	case STUCK_RUNNING:
		return AP_STATE_RUNNING;
	default:
		return AP_STATE_NONE;
	}
}

static const struct smp_ops ops = { 0, fake_send, fake_now, fake_prepare, fake_state };
static const struct smp_timing timing = { TICKS_PER_MS, VECTOR };

static enum ap_result run(enum behaviour how, uint64_t answer_after, struct smp_ap *ap, char *line)
{
	memset(&f, 0, sizeof(f));
	f.now = 5000;
	f.how = how;
	f.answer_after = answer_after;
	*ap = (struct smp_ap){ .cpu = 1, .apic_id = 4 };
	smp_start_one(&ops, &timing, ap);
	smp_ap_line(ap, line, 200);
	return ap->result;
}

/* prepare, INIT, >= 10 ms, SIPI, >= 200 µs, SIPI: all to the AP's APIC ID. */
static void assert_sequence(void)
{
	assert_int_equal(f.nevents, 4);
	assert_int_equal(f.ev[0].kind, 'p');
	assert_int_equal(f.ev[0].apic_id, 1);
	for (unsigned i = 1; i < 4; i++) {
		assert_int_equal(f.ev[i].kind, 'i');
		assert_int_equal(f.ev[i].apic_id, 4);
	}
	assert_int_equal(f.ev[1].icr, 0x4500);
	assert_int_equal(f.ev[2].icr, 0x4600 | VECTOR);
	assert_int_equal(f.ev[3].icr, 0x4600 | VECTOR);
	assert_true(f.ev[2].at - f.ev[1].at >= 10 * TICKS_PER_MS);
	assert_true(f.ev[2].at - f.ev[1].at < 11 * TICKS_PER_MS);
	assert_true(f.ev[3].at - f.ev[2].at >= 200);
	assert_true(f.ev[3].at - f.ev[2].at < 300);
}

static void test_answers(void **state)
{
	struct smp_ap ap;
	char line[200];

	(void)state;
	assert_int_equal(run(ANSWER_UP, 3000, &ap, line), AP_RESULT_UP);
	assert_sequence();
	assert_true(f.now - f.ev[3].at < 4000);       /* stopped waiting once it answered */
	assert_string_equal(line, "cpu 1: apic_id=4 vmxon=ok");
}

static void test_never_answers(void **state)
{
	struct smp_ap ap;
	char line[200];

	(void)state;
	assert_int_equal(run(NEVER, 0, &ap, line), AP_RESULT_SILENT);
	assert_sequence();
	assert_true(f.now - f.ev[3].at >= 100 * TICKS_PER_MS);
	assert_true(f.now - f.ev[3].at < 101 * TICKS_PER_MS);
	assert_string_equal(line, "cpu 1: apic_id=4 did not start within 100 ms: left out");
	/* answering just after the timeout is too late */
	assert_int_equal(run(ANSWER_UP, 100 * TICKS_PER_MS + 400, &ap, line), AP_RESULT_SILENT);
}

static void test_vmx_failure(void **state)
{
	struct smp_ap ap;
	char line[200];

	(void)state;
	assert_int_equal(run(FAIL_VMX, 10, &ap, line), AP_RESULT_FAILED);
	assert_sequence();
	assert_string_equal(line, "cpu 1: apic_id=4 left out: its VT-x differs from the boot processor's: "
				  "secondary controls");
}

static void test_stuck(void **state)
{
	struct smp_ap ap;
	char line[200];

	(void)state;
	assert_int_equal(run(STUCK_RUNNING, 10, &ap, line), AP_RESULT_STUCK);
	assert_string_equal(line, "cpu 1: apic_id=4 started but did not finish VT-x setup within 100 ms: left out");
}

static void test_ipi_pending(void **state)
{
	struct smp_ap ap;
	char line[200];

	(void)state;
	assert_int_equal(run(IPI_PENDING, 0, &ap, line), AP_RESULT_IPI);
	assert_int_equal(f.nevents, 2);               /* prepare, INIT: nothing after a failed IPI */
	assert_string_equal(line, "cpu 1: apic_id=4 not started: the INIT IPI stayed pending in the local APIC: "
				  "left out");
}

/* lapic_send_ipi over a fake CPU: every WRMSR recorded. */
static struct {
	unsigned n;
	uint32_t msr[4];
	uint64_t val[4];
	uint64_t apic_base;
} cpu;

static uint64_t fake_rdmsr(void *ctx, uint32_t msr)
{
	(void)ctx;
	return msr == IA32_APIC_BASE ? cpu.apic_base : 0;
}

static void fake_wrmsr(void *ctx, uint32_t msr, uint64_t v)
{
	(void)ctx;
	cpu.msr[cpu.n] = msr;
	cpu.val[cpu.n++] = v;
}

static const struct cpu_ops cops = { 0, 0, fake_rdmsr, fake_wrmsr, 0, 0 };

static void test_icr_x2apic(void **state)
{
	struct lapic l;

	(void)state;
	memset(&cpu, 0, sizeof(cpu));
	cpu.apic_base = 0xfee00000ull | APIC_BASE_ENABLE | APIC_BASE_X2APIC_ENABLE;
	lapic_init(&l, &cops, 0);
	cpu.n = 0;
	assert_true(lapic_send_ipi(&l, 0x123, LAPIC_ICR_INIT));
	assert_true(lapic_send_ipi(&l, 0x123, LAPIC_ICR_STARTUP | VECTOR));
	assert_int_equal(cpu.n, 2);
	assert_int_equal(cpu.msr[0], 0x830);
	assert_int_equal(cpu.val[0], 0x12300004500ull);
	assert_int_equal(cpu.msr[1], 0x830);
	assert_int_equal(cpu.val[1], 0x1230000469aull);
}

static void test_icr_xapic(void **state)
{
	static uint32_t page[1024];
	struct lapic l;

	(void)state;
	memset(&cpu, 0, sizeof(cpu));
	memset(page, 0, sizeof(page));
	cpu.apic_base = 0xfee00000ull | APIC_BASE_ENABLE;
	lapic_init(&l, &cops, page);
	assert_true(lapic_send_ipi(&l, 3, LAPIC_ICR_STARTUP | VECTOR));
	assert_int_equal(page[LAPIC_ICR_HIGH / 4], 3u << 24);
	assert_int_equal(page[LAPIC_ICR_LOW / 4], 0x4600 | VECTOR);
	assert_int_equal(cpu.n, 0);
	/* a delivery status that never clears (the page keeps the bit written): false, after a bounded wait */
	assert_false(lapic_send_ipi(&l, 3, LAPIC_ICR_INIT | LAPIC_ICR_SEND_PENDING));
	/* no APIC: nothing sent */
	cpu.apic_base = 0;
	lapic_init(&l, &cops, page);
	assert_false(lapic_send_ipi(&l, 3, LAPIC_ICR_INIT));
}

static void test_cpus_to_use(void **state)
{
	(void)state;
	assert_int_equal(smp_cpus_to_use(4, 1), 1);
	assert_int_equal(smp_cpus_to_use(4, 3), 3);
	assert_int_equal(smp_cpus_to_use(4, HV_CPUS_ALL), 4);
	assert_int_equal(smp_cpus_to_use(2, 8), 2);
	assert_int_equal(smp_cpus_to_use(1, HV_CPUS_ALL), 1);
}

static void test_cpus_lines(void **state)
{
	struct hv_cpus c = { .source = HV_CPUS_SOURCE_MP, .count = 2, .total = 2, .bsp = 0, .apic_id = { 0, 1 } };
	struct hv_config cfg;
	char line[256];

	(void)state;
	config_defaults(&cfg);
	c.use = smp_cpus_to_use(c.count, cfg.cpus);
	smp_cpus_line(&c, &cfg, line, sizeof(line));
	assert_string_equal(line, "cpus: count=2 source=mp-services apic_ids=0-1 bsp=0 use=2 (HV.CFG cpus=all, the default)");
	smp_cpus_ask_line(&c, &cfg, line, sizeof(line));
	assert_string_equal(line, "");
	smp_cpus_cap_line(&c, line, sizeof(line));
	assert_string_equal(line, "");
	assert_int_equal(config_parse("cpus=8", 6, &cfg, line, sizeof(line)), 0);
	c.use = smp_cpus_to_use(c.count, cfg.cpus);
	smp_cpus_line(&c, &cfg, line, sizeof(line));
	assert_string_equal(line, "cpus: count=2 source=mp-services apic_ids=0-1 bsp=0 use=2 (HV.CFG cpus=8)");
	smp_cpus_ask_line(&c, &cfg, line, sizeof(line));
	assert_string_equal(line, "cpus: HV.CFG cpus=8 but the machine has 2: minihv takes the 2 there are");

	/* runs of IDs, the BSP not first, the MADT */
	c = (struct hv_cpus){ .source = HV_CPUS_SOURCE_MADT, .count = 6, .total = 6, .bsp = 2,
			      .apic_id = { 0, 2, 4, 5, 6, 9 }, .use = 6 };
	assert_int_equal(config_parse("cpus=all", 8, &cfg, line, sizeof(line)), 0);
	smp_cpus_line(&c, &cfg, line, sizeof(line));
	assert_string_equal(line, "cpus: count=6 source=madt apic_ids=0,2,4-6,9 bsp=4 use=6 (HV.CFG cpus=all)");
	smp_cpus_ask_line(&c, &cfg, line, sizeof(line));
	assert_string_equal(line, "");

	/* more than minihv records, every other ID: the list is cut short */
	c = (struct hv_cpus){ .source = HV_CPUS_SOURCE_MP, .count = HV_CPUS_MAX, .total = 80, .use = HV_CPUS_MAX };
	for (unsigned i = 0; i < HV_CPUS_MAX; i++)
		c.apic_id[i] = 2 * i;
	smp_cpus_line(&c, &cfg, line, sizeof(line));
	assert_non_null(strstr(line, "cpus: count=80 source=mp-services apic_ids=0,2,4,"));
	assert_non_null(strstr(line, ",... bsp=0 use=64 (HV.CFG cpus=all)"));
	assert_true(strlen(line) < 230);
	smp_cpus_cap_line(&c, line, sizeof(line));
	assert_string_equal(line, "cpus: the firmware reports 80 processors; minihv records 64 of them, the boot processor "
				  "included");

	/* the BSP alone */
	c = (struct hv_cpus){ .count = 1, .total = 1, .apic_id = { 7 }, .use = 1 };
	smp_cpus_line(&c, &cfg, line, sizeof(line));
	assert_string_equal(line, "cpus: count=1 source=bsp-only apic_ids=7 bsp=7 use=1 (HV.CFG cpus=all)");
}

static void test_caps_match(void **state)
{
	struct vmx_caps bsp = { .basic = 0x00d810000000002bull, .procbased2 = 0x02177fff00000000ull, .maxphyaddr = 40 };
	struct vmx_caps ap = bsp;
	char why[160] = "";

	(void)state;
	assert_true(vmx_caps_match(&bsp, &ap, why, sizeof(why)));
	ap.feature_control = 5;       /* not a capability: each CPU's own lock */
	ap.family = 7;
	assert_true(vmx_caps_match(&bsp, &ap, why, sizeof(why)));
	ap.procbased2 = 0x0000007f00000000ull;
	assert_false(vmx_caps_match(&bsp, &ap, why, sizeof(why)));
	assert_string_equal(why, "its VT-x differs from the boot processor's: secondary controls 0x7f00000000 here, "
				 "0x2177fff00000000 there");
	ap = bsp;
	ap.cr4_fixed1 = 1;
	assert_false(vmx_caps_match(&bsp, &ap, why, sizeof(why)));
	assert_non_null(strstr(why, "IA32_VMX_CR4_FIXED1 0x1 here"));
	ap = bsp;
	ap.maxphyaddr = 39;
	assert_false(vmx_caps_match(&bsp, &ap, why, sizeof(why)));
	assert_string_equal(why, "its MAXPHYADDR is 39, the boot processor's 40");
}

/* The start-up code's parameter offsets (%define AP_P_* in arch/x86_64/ap_start.asm) against
 * struct ap_start_params. */
static void test_start_code_offsets(void **state)
{
	static const struct {
		const char *name;
		size_t off;
	} want[] = {
		{ "AP_P_CR3", offsetof(struct ap_start_params, cr3) },
		{ "AP_P_EFER", offsetof(struct ap_start_params, efer) },
		{ "AP_P_CR4", offsetof(struct ap_start_params, cr4) },
		{ "AP_P_STACK", offsetof(struct ap_start_params, stack_top) },
		{ "AP_P_ENTRY", offsetof(struct ap_start_params, entry) },
		{ "AP_P_ARG", offsetof(struct ap_start_params, arg) },
		{ "AP_P_APIC_ID", offsetof(struct ap_start_params, apic_id) },
		{ "AP_P_END", sizeof(struct ap_start_params) },
	};
	FILE *fp = fopen("arch/x86_64/ap_start.asm", "r");
	char line[256], name[64];
	unsigned found = 0, value;

	(void)state;
	assert_non_null(fp);
	while (fgets(line, sizeof(line), fp)) {
		if (sscanf(line, "%%define %63s %u", name, &value) != 2)
			continue;
		for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
			if (strcmp(name, want[i].name) != 0)
				continue;
			if (value != AP_START_PARAMS_OFF + want[i].off)
				fail_msg("%s is %u in ap_start.asm, %zu in C", name, value, AP_START_PARAMS_OFF + want[i].off);
			found++;
		}
	}
	fclose(fp);
	assert_int_equal(found, sizeof(want) / sizeof(want[0]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answers),
		cmocka_unit_test(test_never_answers),
		cmocka_unit_test(test_vmx_failure),
		cmocka_unit_test(test_stuck),
		cmocka_unit_test(test_ipi_pending),
		cmocka_unit_test(test_icr_x2apic),
		cmocka_unit_test(test_icr_xapic),
		cmocka_unit_test(test_cpus_to_use),
		cmocka_unit_test(test_cpus_lines),
		cmocka_unit_test(test_caps_match),
		cmocka_unit_test(test_start_code_offsets),
	};

	return cmocka_run_group_tests_name("smp_start", tests, NULL, NULL);
}
