/* Starting the APs over the real local APIC and TSC (vmm/smp/start.c sequences it), and what an
 * AP runs once the start-up code (arch/x86_64/ap_start.asm) reaches long mode: the BSP's control
 * registers and page tables, a GDT, TSS and IST stack of its own, the same VT-x checks, VMXON;
 * then, once the BSP gives it a vCPU slot, it waits for its vCPU to be started (vmm/vm/vcpu_start.c).
 * It reports through its status word; the BSP logs. */
#include "vmm/smp/ap.h"
#include "arch/lib/fmt.h"
#include "arch/lib/log.h"
#include "arch/lib/page_pool.h"
#include "arch/lib/str.h"
#include "arch/x86_64/ap_start.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpu_ops.h"
#include "arch/x86_64/cr.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/msr.h"
#include "arch/x86_64/tsc.h"
#include "vmm/smp/caps_match.h"
#include "vmm/smp/start.h"
#include "vmm/vm/vcpu_start.h"
#include "vmm/vmx/enable.h"

#define AP_STACK_PAGES 4            /* 16 KiB */
#define CR3_ADDR_MASK (~0xfffull)
#define AP_SLOT_WAIT_TICKS (1ull << 32)   /* seconds at any clock rate; the BSP answers in microseconds */

/* One AP's page: its status word and everything it keeps while it runs. */
struct ap_cpu {
	uint32_t state;                 /* enum ap_state: the AP stores it (release), the BSP loads it */
	char why[SMP_WHY_LEN];
	uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(16)));
	struct tss64 tss __attribute__((aligned(16)));
	uint32_t apic_id;
	uint64_t stack_top, ist_top, vmxon_region;
	uint64_t cr0, cr3, cr4;         /* the BSP's, CR4.VMXE clear */
	const struct vmx_caps *bsp_caps;
	struct vmx_caps caps;
	struct vcpu *vcpu;              /* its slot, stored by the BSP once it saw AP_STATE_UP */
};

_Static_assert(sizeof(struct ap_cpu) <= PAGE_SIZE, "struct ap_cpu is one pool page");

struct bsp_side {
	struct ap_start_params *params;
	struct ap_cpu *ap[HV_CPUS_MAX];
};

static struct bsp_side bsp;

static void set_state(struct ap_cpu *ap, enum ap_state s)
{
	__atomic_store_n(&ap->state, (uint32_t)s, __ATOMIC_RELEASE);
}

__attribute__((noreturn)) static void ap_fail(struct ap_cpu *ap, const char *why)
{
	hv_snprintf(ap->why, sizeof(ap->why), "%s", why);
	set_state(ap, AP_STATE_FAILED);
	halt_forever();   /* interrupts off; an NMI returns into the loop */
}

/* Wait (briefly: the BSP assigns it right after it sees AP_STATE_UP) for the vCPU slot, then run
 * it. An AP the BSP gave up on (too slow) never gets one and stays halted. */
__attribute__((noreturn)) static void ap_take_slot(struct ap_cpu *ap)
{
	struct vcpu *v;
	uint64_t start = rdtsc();

	while (!(v = __atomic_load_n(&ap->vcpu, __ATOMIC_ACQUIRE))) {
		if (rdtsc() - start > AP_SLOT_WAIT_TICKS)
			halt_forever();
		pause();
	}
	vcpu_bind_this_cpu(v, ap->apic_id, (uint64_t)&ap->tss);
	vcpu_ap_main(v);
}

static void ap_main(struct ap_cpu *ap)
{
	char why[SMP_WHY_LEN];

	write_cr3(ap->cr3);
	write_cr0(ap->cr0);
	write_cr4(ap->cr4);
	gdt_install_at(ap->gdt, &ap->tss, ap->ist_top);
	idt_load();
	set_state(ap, AP_STATE_RUNNING);
	if (vmx_probe(&hw_cpu_ops, &ap->caps, why, sizeof(why)) != HV_OK)
		ap_fail(ap, why);
	if (!vmx_caps_match(ap->bsp_caps, &ap->caps, why, sizeof(why)))
		ap_fail(ap, why);
	if (vmx_enable_quiet(&ap->caps, ap->vmxon_region, why, sizeof(why)) != HV_OK)
		ap_fail(ap, why);
	set_state(ap, AP_STATE_UP);
	ap_take_slot(ap);
}

static bool hw_send_ipi(void *ctx, uint32_t apic_id, uint32_t icr)
{
	(void)ctx;
	return lapic_send_ipi(&host_lapic, apic_id, icr);
}

static uint64_t hw_now(void *ctx)
{
	(void)ctx;
	return rdtsc();
}

static void hw_prepare(void *ctx, unsigned cpu)
{
	struct bsp_side *b = ctx;
	struct ap_cpu *ap = b->ap[cpu];

	set_state(ap, AP_STATE_NONE);
	b->params->stack_top = ap->stack_top;
	b->params->arg = (uint64_t)ap;
	b->params->apic_id = ap->apic_id;
	/* Visible before the IPI: a WRMSR to the x2APIC ICR does not wait for earlier stores. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static enum ap_state hw_read_state(void *ctx, unsigned cpu, char *why, size_t why_len)
{
	struct ap_cpu *ap = ((struct bsp_side *)ctx)->ap[cpu];
	enum ap_state s = (enum ap_state)__atomic_load_n(&ap->state, __ATOMIC_ACQUIRE);

	if (s == AP_STATE_FAILED)
		hv_snprintf(why, why_len, "%s", ap->why);
	__asm__ volatile("pause");
	return s;
}

static const struct smp_ops hw_smp_ops = { &bsp, hw_send_ipi, hw_now, hw_prepare, hw_read_state };

/* The start-up code and the APs' first page table (a copy of the BSP's top level, below 4 GiB). */
static void install_startup_code(const struct hv_cpus *c)
{
	mem_copy((void *)c->startup_page, ap_start_code, ap_start_code_size);
	mem_copy((void *)c->startup_table, (const void *)(read_cr3() & CR3_ADDR_MASK), PAGE_SIZE);
	bsp.params = (struct ap_start_params *)(c->startup_page + AP_START_PARAMS_OFF);
	bsp.params->cr3 = c->startup_table;
	bsp.params->efer = rdmsr(IA32_EFER) & (EFER_LME | EFER_NXE);
	bsp.params->cr4 = read_cr4() & (CR4_PAE | CR4_LA57);
	bsp.params->entry = (uint64_t)ap_main;
}

static struct ap_cpu *alloc_ap(uint32_t apic_id, const struct vmx_caps *caps)
{
	struct ap_cpu *ap = (struct ap_cpu *)pool_alloc_page();
	uint64_t stack = pool_alloc_contiguous(AP_STACK_PAGES), ist = pool_alloc_page(), vmxon = pool_alloc_page();

	if (!ap || !stack || !ist || !vmxon)
		return 0;
	ap->apic_id = apic_id;
	ap->stack_top = stack + AP_STACK_PAGES * PAGE_SIZE;
	ap->ist_top = ist + PAGE_SIZE;
	ap->vmxon_region = vmxon;
	ap->cr0 = read_cr0();
	ap->cr3 = read_cr3();
	ap->cr4 = read_cr4() & ~CR4_VMXE;
	ap->bsp_caps = caps;
	return ap;
}

/* Start one AP as cpu number cpu; true when it is up, and then it runs vCPU slot. */
static bool start_ap(unsigned cpu, unsigned slot, uint32_t apic_id, const struct smp_timing *t,
		     const struct vmx_caps *caps)
{
	struct smp_ap r = { .cpu = cpu, .apic_id = apic_id };
	char line[LOG_LINE_MAX];

	if (!host_lapic.x2apic && apic_id > 0xff) {
		hv_log("cpu %u: apic_id=%u left out: an xAPIC cannot address it (the firmware left x2APIC off; turn "
		       "x2APIC on in its setup)", cpu, apic_id);
		return false;
	}
	bsp.ap[cpu] = alloc_ap(apic_id, caps);
	if (!bsp.ap[cpu]) {
		hv_log("cpu %u: apic_id=%u left out: the page pool (%llu pages) is exhausted; take fewer with HV.CFG "
		       "cpus=", cpu, apic_id, (unsigned long long)pool_pages_total());
		return false;
	}
	smp_start_one(&hw_smp_ops, t, &r);
	smp_ap_line(&r, line, sizeof(line));
	hv_log("%s", line);
	if (r.result != AP_RESULT_UP)
		return false;
	__atomic_store_n(&bsp.ap[cpu]->vcpu, &vcpu_slots[slot], __ATOMIC_RELEASE);
	return true;
}

unsigned smp_start_aps(const struct boot_info *bi, const struct vmx_caps *caps, uint64_t *tsc_per_ms)
{
	const struct hv_cpus *c = &bi->cpus;
	struct smp_timing t = { 0 };
	const char *how;
	unsigned up = 1, cpu = 1;

	*tsc_per_ms = 0;
	if (c->use < 2)
		return 1;
	t.ticks_per_ms = tsc_ticks_per_ms(&how);
	if (!t.ticks_per_ms || !host_lapic.present) {
		hv_log("cpus: %s; the boot processor runs alone", host_lapic.present ?
		       "no time source for the start-up delays (no PIT, no CPUID leaf 0x16)" : "no local APIC");
		return 1;
	}
	t.sipi_vector = (uint32_t)(c->startup_page >> 12);
	install_startup_code(c);
	for (unsigned i = 0; i < c->count && cpu < c->use; i++) {
		if (i == c->bsp)
			continue;
		up += start_ap(cpu++, up, c->apic_id[i], &t, caps);
	}
	hv_log("cpus: %u of %u in VMX root operation, one vCPU each (tsc %llu ticks/ms from %s)", up, c->use,
	       (unsigned long long)t.ticks_per_ms, how);
	*tsc_per_ms = t.ticks_per_ms;
	return up;
}
