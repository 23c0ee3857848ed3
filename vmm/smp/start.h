/* Starting the application processors (APs) from VMX root operation on the boot processor: the
 * INIT-SIPI-SIPI sequence, its delays and timeouts, and what each AP reported (SDM Vol. 3A
 * §9.4.4.1 "Typical BSP Initialization Sequence"). Written over struct smp_ops so host tests run
 * it against a fake APIC and clock (tests/host/test_smp_start.c). */
#ifndef VMM_SMP_START_H
#define VMM_SMP_START_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SMP_INIT_DELAY_US 10000     /* INIT, then 10 ms, then the first SIPI */
#define SMP_SIPI_DELAY_US 200       /* 200 µs between the two SIPIs */
#define SMP_ANSWER_TIMEOUT_MS 100   /* after the second SIPI: the AP's final word */
#define SMP_WHY_LEN 200          /* an AP's reason; its cpu line stays under LOG_LINE_MAX */

/* An AP's per-CPU status word: 0 until it runs, then what it reached. The AP stores it last
 * (release), after why; the BSP reads it first (acquire). */
enum ap_state {
	AP_STATE_NONE = 0,      /* not started, or not running yet */
	AP_STATE_RUNNING = 1,   /* in C on its own stack, checking VT-x */
	AP_STATE_UP = 2,        /* VMXON done, parked halted in VMX root operation */
	AP_STATE_FAILED = 3,    /* left out: why says what went wrong (VT-x differs, VMXON failed) */
};

/* What the BSP found for one AP. */
enum ap_result {
	AP_RESULT_UP,           /* VMXON ok, parked */
	AP_RESULT_FAILED,       /* the AP reported a failure (why) */
	AP_RESULT_SILENT,       /* never answered */
	AP_RESULT_STUCK,        /* started, but did not finish its VT-x setup in time */
	AP_RESULT_IPI,          /* an IPI could not be sent */
};

struct smp_ops {
	void *ctx;
	/* Write one ICR value for apic_id (lapic_send_ipi); false if it could not be sent. */
	bool (*send_ipi)(void *ctx, uint32_t apic_id, uint32_t icr_low);
	uint64_t (*now_ticks)(void *ctx);
	/* Point the start-up page at this AP (its APIC ID, stack, per-CPU data) and clear its status. */
	void (*prepare)(void *ctx, unsigned cpu);
	/* The AP's status word (acquire) and, once it is AP_STATE_FAILED, its reason. */
	enum ap_state (*read_state)(void *ctx, unsigned cpu, char *why, size_t why_len);
};

struct smp_timing {
	uint64_t ticks_per_ms;      /* of now_ticks */
	uint32_t sipi_vector;       /* the start-up page's number (its physical address >> 12) */
};

struct smp_ap {
	unsigned cpu;               /* 1.. in the order started; 0 is the BSP */
	uint32_t apic_id;
	enum ap_result result;
	char why[SMP_WHY_LEN];
};

/* Start one AP: INIT, 10 ms, SIPI, 200 µs, SIPI, then wait up to 100 ms for its final status. */
enum ap_result smp_start_one(const struct smp_ops *ops, const struct smp_timing *t, struct smp_ap *ap);
/* The log line for one AP, without the "[hv] " prefix: "cpu 1: apic_id=1 vmxon=ok" and so on. */
void smp_ap_line(const struct smp_ap *ap, char *buf, size_t len);

#endif
