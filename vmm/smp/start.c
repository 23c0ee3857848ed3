/* The INIT-SIPI-SIPI sequence for one AP and the line that reports it (SDM Vol. 3A §9.4.4.1
 * "Typical BSP Initialization Sequence", §9.4.4.2 "Typical AP Initialization Sequence"). */
#include "vmm/smp/start.h"
#include "arch/lib/fmt.h"
#include "arch/x86_64/lapic.h"

static void wait_us(const struct smp_ops *ops, const struct smp_timing *t, uint64_t us)
{
	uint64_t start = ops->now_ticks(ops->ctx), ticks = t->ticks_per_ms * us / 1000;

	while (ops->now_ticks(ops->ctx) - start < ticks)
		;
}

static bool send(const struct smp_ops *ops, struct smp_ap *ap, uint32_t icr, const char *what)
{
	if (ops->send_ipi(ops->ctx, ap->apic_id, icr))
		return true;
	hv_snprintf(ap->why, sizeof(ap->why), "the %s IPI stayed pending in the local APIC", what);
	return false;
}

static enum ap_result wait_answer(const struct smp_ops *ops, const struct smp_timing *t, struct smp_ap *ap)
{
	uint64_t start = ops->now_ticks(ops->ctx), ticks = t->ticks_per_ms * SMP_ANSWER_TIMEOUT_MS;
	enum ap_state s = AP_STATE_NONE;

	do {
		s = ops->read_state(ops->ctx, ap->cpu, ap->why, sizeof(ap->why));
		if (s == AP_STATE_UP)
			return AP_RESULT_UP;
		if (s == AP_STATE_FAILED)
			return AP_RESULT_FAILED;
	} while (ops->now_ticks(ops->ctx) - start < ticks);
	return s == AP_STATE_RUNNING ? AP_RESULT_STUCK : AP_RESULT_SILENT;
}

static enum ap_result start_one(const struct smp_ops *ops, const struct smp_timing *t, struct smp_ap *ap)
{
	uint32_t sipi = LAPIC_ICR_STARTUP | t->sipi_vector;

	ops->prepare(ops->ctx, ap->cpu);
	if (!send(ops, ap, LAPIC_ICR_INIT, "INIT"))
		return AP_RESULT_IPI;
	wait_us(ops, t, SMP_INIT_DELAY_US);
	if (!send(ops, ap, sipi, "first START-UP"))
		return AP_RESULT_IPI;
	wait_us(ops, t, SMP_SIPI_DELAY_US);
	if (!send(ops, ap, sipi, "second START-UP"))
		return AP_RESULT_IPI;
	return wait_answer(ops, t, ap);
}

enum ap_result smp_start_one(const struct smp_ops *ops, const struct smp_timing *t, struct smp_ap *ap)
{
	ap->why[0] = '\0';
	ap->result = start_one(ops, t, ap);
	return ap->result;
}

void smp_ap_line(const struct smp_ap *ap, char *buf, size_t len)
{
	switch (ap->result) {
	case AP_RESULT_UP:
		hv_snprintf(buf, len, "cpu %u: apic_id=%u vmxon=ok", ap->cpu, ap->apic_id);
		break;
	case AP_RESULT_FAILED:
		hv_snprintf(buf, len, "cpu %u: apic_id=%u left out: %s", ap->cpu, ap->apic_id, ap->why);
		break;
	case AP_RESULT_STUCK:
		hv_snprintf(buf, len, "cpu %u: apic_id=%u started but did not finish VT-x setup within %u ms: left out",
			    ap->cpu, ap->apic_id, SMP_ANSWER_TIMEOUT_MS);
		break;
	case AP_RESULT_IPI:
		hv_snprintf(buf, len, "cpu %u: apic_id=%u not started: %s: left out", ap->cpu, ap->apic_id, ap->why);
		break;
	default:
		hv_snprintf(buf, len, "cpu %u: apic_id=%u did not start within %u ms: left out", ap->cpu, ap->apic_id,
			    SMP_ANSWER_TIMEOUT_MS);
		break;
	}
}
