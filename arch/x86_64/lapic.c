/* Local APIC access in xAPIC or x2APIC mode, LVT masking, EOI, self-NMI (SDM Vol. 3A §11.5.1
 * "Local Vector Table", §11.6.1 "Interrupt Command Register (ICR)", §11.12 "Extended XAPIC
 * (x2APIC)"). */
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/msr.h"

struct lapic host_lapic;

void lapic_init(struct lapic *l, const struct cpu_ops *ops, volatile uint32_t *mmio_override)
{
	uint64_t base = ops->rdmsr(ops->ctx, IA32_APIC_BASE);

	*l = (struct lapic){ .ops = ops };
	l->present = base & APIC_BASE_ENABLE;
	if (!l->present)
		return;
	l->x2apic = base & APIC_BASE_X2APIC_ENABLE;
	l->mmio = mmio_override ? mmio_override : (volatile uint32_t *)(base & APIC_BASE_ADDR_MASK);
	l->id = lapic_read(l, LAPIC_ID);
	if (!l->x2apic)
		l->id >>= 24;   /* xAPIC: ID in bits 31:24 */
	l->max_lvt = LAPIC_VERSION_MAXLVT(lapic_read(l, LAPIC_VERSION));
}

uint32_t lapic_read(const struct lapic *l, uint32_t reg)
{
	if (l->x2apic)
		return (uint32_t)l->ops->rdmsr(l->ops->ctx, IA32_X2APIC_BASE + reg / 16);
	return l->mmio[reg / 4];
}

void lapic_write(const struct lapic *l, uint32_t reg, uint32_t value)
{
	if (l->x2apic)
		l->ops->wrmsr(l->ops->ctx, IA32_X2APIC_BASE + reg / 16, value);
	else
		l->mmio[reg / 4] = value;
}

static unsigned mask_lvt(const struct lapic *l, uint32_t reg)
{
	uint32_t v = lapic_read(l, reg);

	if (v & LAPIC_LVT_MASKED)
		return 0;
	lapic_write(l, reg, v | LAPIC_LVT_MASKED);
	return 1;
}

unsigned lapic_mask_local_interrupts(const struct lapic *l)
{
	unsigned n = 0;

	if (!l->present)
		return 0;
	n += mask_lvt(l, LAPIC_LVT_TIMER);
	lapic_write(l, LAPIC_TIMER_INIT, 0);
	n += mask_lvt(l, LAPIC_LVT_LINT0);
	if ((lapic_read(l, LAPIC_LVT_LINT1) & LAPIC_DELIVERY_MODE_MASK) != LAPIC_DELIVERY_NMI)
		n += mask_lvt(l, LAPIC_LVT_LINT1);
	n += mask_lvt(l, LAPIC_LVT_ERROR);
	/* Entries beyond the first four exist only as far as the version register's count says. */
	if (l->max_lvt >= 4)
		n += mask_lvt(l, LAPIC_LVT_PERF);
	if (l->max_lvt >= 5)
		n += mask_lvt(l, LAPIC_LVT_THERMAL);
	if (l->max_lvt >= 6)
		n += mask_lvt(l, LAPIC_LVT_CMCI);
	return n;
}

void lapic_eoi(const struct lapic *l)
{
	lapic_write(l, LAPIC_EOI, 0);
}

bool lapic_send_ipi(const struct lapic *l, uint32_t apic_id, uint32_t icr_low)
{
	if (!l->present)
		return false;
	if (l->x2apic) {
		l->ops->wrmsr(l->ops->ctx, IA32_X2APIC_BASE + LAPIC_ICR_LOW / 16, ((uint64_t)apic_id << 32) | icr_low);
		return true;
	}
	lapic_write(l, LAPIC_ICR_HIGH, apic_id << LAPIC_XAPIC_DEST_SHIFT);
	lapic_write(l, LAPIC_ICR_LOW, icr_low);
	for (unsigned i = 0; i < LAPIC_IPI_SEND_POLLS; i++)
		if (!(lapic_read(l, LAPIC_ICR_LOW) & LAPIC_ICR_SEND_PENDING))
			return true;
	return false;
}

void lapic_send_self_nmi(const struct lapic *l)
{
	(void)lapic_send_ipi(l, l->id, LAPIC_DELIVERY_NMI | LAPIC_ICR_ASSERT);
}
