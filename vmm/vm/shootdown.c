/* EPT shootdown: the VM's generation counter says how many changes other CPUs must have flushed;
 * each vCPU records the generation it flushed. An NMI brings a running vCPU to VMX root operation
 * whatever it does (NMI exiting is on; in the hypervisor the NMI handler runs), so no CPU is ever
 * waited on for longer than its NMI takes. INVEPT single-context, else all-context (SDM Vol. 3C
 * §29.4.3.1 "Operations that Invalidate Cached Mappings"). */
#include "vmm/vm/shootdown.h"
#include "arch/lib/fmt.h"
#include "arch/lib/log.h"
#include "arch/x86_64/lapic.h"
#include "vmm/vm/end.h"
#include "vmm/vmx/insn.h"

/* INVEPT on this CPU: single-context when the CPU has it and flush asks no more, else all-context
 * (SDM Vol. 3C §29.4.3.1 "Operations that Invalidate Cached Mappings"). */
static void invept_here(const struct vm *vm, int flush)
{
	invept(vm->caps->invept_single && flush != EPT_FLUSH_GLOBAL ? EPT_FLUSH_SINGLE : EPT_FLUSH_GLOBAL, vm->eptp);
}

static uint64_t gen_load(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

/* Record that this CPU flushed generation g. Only forward: an NMI can interrupt a poll on the
 * same CPU and acknowledge a later generation first. */
static void ack(struct vcpu *v, uint64_t g)
{
	uint64_t cur = __atomic_load_n(&v->ept_gen_seen, __ATOMIC_RELAXED);

	while (cur < g && !__atomic_compare_exchange_n(&v->ept_gen_seen, &cur, g, false, __ATOMIC_RELEASE,
						      __ATOMIC_RELAXED))
		;
}

bool shootdown_poll(struct vcpu *v)
{
	struct vm *vm = v->vm;
	uint64_t g;

	if (!vm)
		return false;
	g = gen_load(&vm->ept_gen);
	if (g <= __atomic_load_n(&v->ept_gen_seen, __ATOMIC_RELAXED))
		return false;
	invept_here(vm, EPT_FLUSH_SINGLE);
	ack(v, g);
	return true;
}

void vm_ept_changed(struct vm *vm, int flush)
{
	if (flush == EPT_FLUSH_NONE)
		return;
	invept_here(vm, flush);
	shootdown_others(vm);
}

void vm_ept_lock_smp(struct vm *vm)
{
	struct vcpu *v = this_vcpu();

	while (!spin_trylock(&vm->ept_lock)) {
		shootdown_poll(v);   /* the holder may be waiting for this CPU's acknowledgement */
		cpu_relax();
	}
}

static bool acknowledged(const struct vcpu *t, uint64_t g)
{
	return vcpu_state(t) != VCPU_RUNNING || gen_load(&t->ept_gen_seen) >= g;
}

/* Wait for every other running vCPU to reach generation g; the first that does not, or -1. */
static int wait_acks(struct vm *vm, const struct vcpu *self, uint64_t g)
{
	uint64_t start = log_now(), limit = vm->tsc_per_ms * SHOOTDOWN_TIMEOUT_MS;

	for (unsigned i = 0; i < vm->nvcpus; i++) {
		const struct vcpu *t = &vm->vcpu[i];

		if (t == self)
			continue;
		while (!acknowledged(t, g)) {
			if (log_now() - start > limit)
				return (int)i;
			cpu_relax();
		}
	}
	return -1;
}

__attribute__((noreturn)) static void end_unacknowledged(struct vm *vm, unsigned i)
{
	char what[VCPU_END_WHAT_MAX];

	hv_snprintf(what, sizeof(what), "ended: cpu %u did not acknowledge the EPT invalidation within %u ms (its "
		    "translations may be stale; the run ends)", i, SHOOTDOWN_TIMEOUT_MS);
	__atomic_store_n(&vm->abort, 1, __ATOMIC_RELEASE);
	vm_ept_unlock(vm);
	vm_end(HV_E_SMP, what);
}

void shootdown_others(struct vm *vm)
{
	struct vcpu *self;
	uint64_t g;
	unsigned sent = 0;
	int late;

	if (vm->nvcpus < 2)
		return;
	self = this_vcpu();
	g = gen_load(&vm->ept_gen) + 1;
	__atomic_store_n(&vm->ept_gen, g, __ATOMIC_RELEASE);
	ack(self, g);   /* the caller flushed already */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);   /* the generation before the states (enter_running) */
	for (unsigned i = 0; i < vm->nvcpus; i++) {
		struct vcpu *t = &vm->vcpu[i];

		if (t == self || vcpu_state(t) != VCPU_RUNNING)
			continue;
		shootdown_send_nmi(t);
		sent++;
	}
	if (!sent)
		return;
	vm->shootdowns++;
	late = wait_acks(vm, self, g);
	if (late >= 0)
		end_unacknowledged(vm, (unsigned)late);
}

void shootdown_send_nmi(struct vcpu *t)
{
	__atomic_fetch_add(&t->nmis_expected, 1, __ATOMIC_RELAXED);
	lapic_send_ipi(&host_lapic, t->apic_id, LAPIC_DELIVERY_NMI | LAPIC_ICR_ASSERT);
}

bool shootdown_claim_nmi(struct vcpu *v)
{
	bool flushed = shootdown_poll(v);
	uint32_t n = __atomic_load_n(&v->nmis_expected, __ATOMIC_RELAXED);

	while (n && !__atomic_compare_exchange_n(&v->nmis_expected, &n, n - 1, false, __ATOMIC_RELAXED,
						 __ATOMIC_RELAXED))
		;
	return n != 0 || flushed;
}

bool shootdown_nmi(void)
{
	struct vcpu *v = this_vcpu();

	return v && v->vm && shootdown_claim_nmi(v);
}
