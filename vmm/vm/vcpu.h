/* One vCPU of the guest: the state that is its own (VMCS, exit stack, exit counts, time budget,
 * serial line, how it ended). vCPU i runs on CPU i; everything else (memory, EPT, protected pages)
 * is the guest's, in struct vm. docs/guest-abi.md "vCPUs" is the interface. */
#ifndef VMM_VM_VCPU_H
#define VMM_VM_VCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/lib/types.h"
#include "vmm/decode/exit_reasons.h"
#include "vmm/status.h"
#include "vmm/vm/abi.h"
#include "vmm/vmx/entry.h"

struct vm;

/* A vCPU's life. Its CPU stores each state (release); others load it (acquire). */
enum vcpu_state {
	VCPU_WAITING = 0,    /* not started: its CPU waits for HC_VCPU_START (never wait-for-SIPI) */
	VCPU_STARTING = 1,   /* HC_VCPU_START accepted: its CPU sets up its VMCS and launches */
	VCPU_RUNNING = 2,    /* in the guest, or in the hypervisor on one of its exits */
	VCPU_ENDED = 3,      /* ended (end_status, end_what); its CPU no longer runs the guest */
};

#define VCPU_END_WHAT_MAX 160

struct vcpu {
	struct vcpu *self;                    /* first: %gs:0 on its CPU (this_vcpu) */
	struct vm *vm;
	unsigned index;                       /* 0 .. count-1; runs on CPU index */
	uint32_t apic_id;                     /* its CPU's local APIC (shootdown IPIs) */
	uint32_t state;                       /* enum vcpu_state */
	/* Exit accounting (the total is their sum: vcpu_exits_total). */
	uint64_t exit_counts[EXIT_REASON_COUNT];
	uint64_t nmis;                        /* NMIs that arrived during the guest (exit reason 0) */
	uint64_t interrupts;                  /* external interrupts that arrived during the guest */
	uint8_t tpr;                          /* the guest's CR8 (its own, not the APIC's) */
	/* The time budget (vmm/vm/budget.c): each vCPU's starts when it starts. */
	uint32_t budget_exits;                /* exits until the wall clock is read again */
	uint64_t deadline;                    /* TSC value at which the vCPU is ended */
	/* The guest's serial port: this vCPU's bytes until a newline. */
	char line[GUEST_LINE_MAX + 1];
	unsigned line_len;
	bool line_cut;                        /* the last line was cut at GUEST_LINE_MAX: a newline now ends nothing */
	/* EPT invalidations: the generation of the shared tables this CPU has flushed (vmm/vm/shootdown.c). */
	uint64_t ept_gen_seen;
	uint32_t nmis_expected;               /* NMIs other CPUs sent it (shootdowns, wake-ups), not yet taken */
	gpa_t misconfig_gpa;                  /* the page its HC_EPT_MISCONFIG_DEMO planted, or 0 */
	/* Its VMCS and where it starts. */
	hpa_t vmcs_pa;
	uint64_t exit_stack_top;
	uint64_t host_tss;                    /* its CPU's TSS (HOST_TR_BASE) */
	struct guest_regs launch_regs;
	uint32_t start_claimed;               /* 1 once HC_VCPU_START chose it (one caller wins) */
	gpa_t start_rip, start_rsp;
	unsigned started_by;
	/* How it ended. */
	enum hv_status end_status;
	char end_what[VCPU_END_WHAT_MAX];
};

/* The vCPU of the CPU that runs this code: GS points at it in VMX root operation (HOST_GS_BASE,
 * and IA32_GS_BASE before the first VM entry). Host tests set test_vcpu. */
#ifdef HV_HOST_TEST
extern struct vcpu *test_vcpu;
static inline struct vcpu *this_vcpu(void)
{
	return test_vcpu;
}
#else
static inline struct vcpu *this_vcpu(void)
{
	struct vcpu *v;

	__asm__("mov %%gs:0, %0" : "=r"(v));
	return v;
}
#endif

/* Exits so far: the sum of the per-reason counts. */
static inline uint64_t vcpu_exits_total(const struct vcpu *v)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < EXIT_REASON_COUNT; i++)
		n += v->exit_counts[i];
	return n;
}

static inline enum vcpu_state vcpu_state(const struct vcpu *v)
{
	return (enum vcpu_state)__atomic_load_n(&v->state, __ATOMIC_ACQUIRE);
}

static inline void vcpu_set_state(struct vcpu *v, enum vcpu_state s)
{
	__atomic_store_n(&v->state, (uint32_t)s, __ATOMIC_RELEASE);
}

#endif
