/* The local APIC of this CPU, in whichever mode the firmware left it: xAPIC (memory-mapped) or
 * x2APIC (MSRs) (SDM Vol. 3A §11 "Advanced Programmable Interrupt Controller (APIC)").
 * The hypervisor uses it to keep interrupts away (masking the local vector table), to end an
 * interrupt that arrived anyway (EOI) and to send itself an NMI (the test_nmi option). */
#ifndef ARCH_X86_64_LAPIC_H
#define ARCH_X86_64_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/cpu_ops.h"

/* Register offsets in the xAPIC page (Table 11-1); the x2APIC MSR is 0x800 + offset / 16. */
#define LAPIC_ID          0x020
#define LAPIC_VERSION     0x030
#define LAPIC_EOI         0x0B0
#define LAPIC_LVT_CMCI    0x2F0
#define LAPIC_ICR_LOW     0x300
#define LAPIC_ICR_HIGH    0x310   /* xAPIC only: x2APIC has one 64-bit ICR at 0x830 */
#define LAPIC_LVT_TIMER   0x320
#define LAPIC_LVT_THERMAL 0x330
#define LAPIC_LVT_PERF    0x340
#define LAPIC_LVT_LINT0   0x350
#define LAPIC_LVT_LINT1   0x360
#define LAPIC_LVT_ERROR   0x370
#define LAPIC_TIMER_INIT  0x380

#define LAPIC_LVT_MASKED          (1u << 16)
#define LAPIC_DELIVERY_MODE_MASK  (7u << 8)
#define LAPIC_DELIVERY_NMI        (4u << 8)
#define LAPIC_ICR_ASSERT          (1u << 14)
/* ICR fields for starting a processor (SDM Vol. 3A §11.6.1 "Interrupt Command Register (ICR)",
 * §9.4.4.1 "Typical BSP Initialization Sequence"): INIT with level assert (0x4500), then
 * START-UP with the start-up page number as vector (0x4600 | page). */
#define LAPIC_DELIVERY_INIT       (5u << 8)
#define LAPIC_DELIVERY_STARTUP    (6u << 8)
#define LAPIC_ICR_SEND_PENDING    (1u << 12)   /* xAPIC delivery status: the IPI is not sent yet */
#define LAPIC_ICR_INIT            (LAPIC_DELIVERY_INIT | LAPIC_ICR_ASSERT)
#define LAPIC_ICR_STARTUP         (LAPIC_DELIVERY_STARTUP | LAPIC_ICR_ASSERT)
#define LAPIC_XAPIC_DEST_SHIFT    24           /* ICR high: destination in bits 63:56 */
#define LAPIC_IPI_SEND_POLLS      100000       /* xAPIC: reads of the delivery status before giving up */
#define LAPIC_VERSION_MAXLVT(v)   (((v) >> 16) & 0xff)   /* entries in the LVT, minus 1 */

struct lapic {
	bool present;                 /* IA32_APIC_BASE says the APIC is enabled */
	bool x2apic;
	volatile uint32_t *mmio;      /* xAPIC: the register page (identity-mapped) */
	const struct cpu_ops *ops;    /* x2APIC: RDMSR/WRMSR */
	uint32_t id;
	unsigned max_lvt;
};

/* The LAPIC of the CPU that runs the hypervisor (one CPU today). */
extern struct lapic host_lapic;

/* Find it through IA32_APIC_BASE. mmio_override: for host tests, the register page to use
 * instead of the physical address (0 in the image). */
void lapic_init(struct lapic *l, const struct cpu_ops *ops, volatile uint32_t *mmio_override);
uint32_t lapic_read(const struct lapic *l, uint32_t reg);
void lapic_write(const struct lapic *l, uint32_t reg, uint32_t value);
/* Mask every local interrupt the firmware may have left on (timer, thermal, performance
 * counters, LINT0, error, CMCI) and stop the timer; LINT1 stays as it is when it delivers NMIs
 * (the platform's NMI line). Returns the number of entries masked. */
unsigned lapic_mask_local_interrupts(const struct lapic *l);
void lapic_eoi(const struct lapic *l);
/* An IPI to apic_id: x2APIC one 64-bit ICR write; xAPIC ICR high, then low, then wait for the
 * delivery status to clear. False when it stays pending (xAPIC) or there is no APIC. */
bool lapic_send_ipi(const struct lapic *l, uint32_t apic_id, uint32_t icr_low);
/* A fixed-destination NMI to this CPU. */
void lapic_send_self_nmi(const struct lapic *l);

#endif
