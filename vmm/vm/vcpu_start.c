/* Starting vCPUs. A vCPU's CPU waits halted with interrupts off; HC_VCPU_START records where it
 * starts, marks it STARTING and wakes it with an NMI (the only interrupt a halted CPU with IF = 0
 * takes; the NMI handler returns into the wait loop, which sees the new state). Guest vCPUs are
 * never put into the wait-for-SIPI activity state (Bochs 2.7 mishandles it: docs/real-hardware.md). */
#include "vmm/vm/vcpu_start.h"
#include "arch/lib/fmt.h"
#include "arch/lib/log.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/msr.h"
#include "vmm/vm/budget.h"
#include "vmm/vm/end.h"
#include "vmm/vm/shootdown.h"
#include "vmm/vm/vmcs_setup.h"
#include "vmm/vmx/insn.h"

#define START_NMI_RESEND_MS 1       /* a wake-up NMI that came before the CPU halted is sent again */

struct vcpu vcpu_slots[HV_CPUS_MAX];

void vcpus_init(uint64_t bsp_tss)
{
	for (unsigned i = 0; i < HV_CPUS_MAX; i++) {
		vcpu_slots[i].self = &vcpu_slots[i];
		vcpu_slots[i].index = i;
	}
	vcpu_bind_this_cpu(&vcpu_slots[0], host_lapic.id, bsp_tss);
}

void vcpu_bind_this_cpu(struct vcpu *v, uint32_t apic_id, uint64_t host_tss)
{
	v->apic_id = apic_id;
	v->host_tss = host_tss;
	wrmsr(IA32_GS_BASE, (uint64_t)v);   /* after the GDT: loading GS clears its base */
}

unsigned vcpu_this_index(void)
{
	return this_vcpu()->index;
}

#ifndef HV_HOST_TEST   /* host tests: tests/host/fake_vmcs.c (they never run a second CPU) */
__attribute__((noreturn)) static void launch_failed(const char *why)
{
	char what[VCPU_END_WHAT_MAX];

	hv_snprintf(what, sizeof(what), "ended: %s", why);
	vm_end(HV_E_VMLAUNCH, what);
}

/* Running: from here on the vCPU takes shootdowns; then it flushes whatever changed before (its
 * CPU has run no guest since VMXON's all-context INVEPT). */
static void enter_running(struct vcpu *v)
{
	vcpu_set_state(v, VCPU_RUNNING);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);   /* the state before the generation (shootdown.c) */
	shootdown_poll(v);
}

__attribute__((noreturn)) static void launch(struct vcpu *v)
{
	char why[LOG_LINE_MAX];
	uint64_t rflags;

	if (vmcs_setup_vcpu(v, why, sizeof(why)) != HV_OK)
		launch_failed(why);
	hv_log("vcpu %u: vmlaunch rip=0x%llx rsp=0x%llx (started by vcpu %u)", v->index,
	       (unsigned long long)v->start_rip, (unsigned long long)v->start_rsp, v->started_by);
	budget_start(v);
	enter_running(v);
	rflags = vmx_launch(&v->launch_regs);
	/* Only reached when VMLAUNCH itself failed. */
	vmx_describe_entry_failure("VMLAUNCH", rflags, why, sizeof(why));
	launch_failed(why);
}

void vcpu_ap_main(struct vcpu *v)
{
	while (vcpu_state(v) != VCPU_STARTING)
		__asm__ volatile("hlt" ::: "memory");   /* interrupts off: an NMI wakes it */
	launch(v);
}
#endif

static int64_t start_check(const struct vcpu *caller, uint64_t index, uint64_t rip, uint64_t rsp)
{
	const struct vm *vm = caller->vm;

	if (index == 0 || index >= vm->nvcpus || index == caller->index)
		return HC_E_VCPU;
	if (!guest_gpa_in_region(vm, rip, 1) || rsp < 8 || !guest_gpa_in_region(vm, rsp - 8, 8))
		return HC_E_RANGE;
	return 0;
}

/* Wake t's CPU until it has left STARTING (it launched, or failed to and ended), at most
 * VCPU_START_TIMEOUT_MS; answer invalidations meanwhile. */
static void wake(struct vcpu *caller, struct vcpu *t)
{
	uint64_t ms = caller->vm->tsc_per_ms, start = log_now(), sent = 0;

	while (vcpu_state(t) == VCPU_STARTING) {
		uint64_t now = log_now();

		if (now - start > ms * VCPU_START_TIMEOUT_MS) {
			hv_log("vcpu %u: its CPU has not launched it within %u ms of HC_VCPU_START; it may start later",
			       t->index, VCPU_START_TIMEOUT_MS);
			return;
		}
		if (!sent || now - sent > ms * START_NMI_RESEND_MS) {
			shootdown_send_nmi(t);
			sent = now ? now : 1;
		}
		shootdown_poll(caller);
		cpu_relax();
	}
}

int64_t vcpu_start(struct vcpu *caller, uint64_t index, uint64_t rip, uint64_t rsp)
{
	struct vm *vm = caller->vm;
	int64_t err = start_check(caller, index, rip, rsp);
	struct vcpu *t;
	uint32_t waiting = VCPU_WAITING;

	if (err)
		return err;
	t = &vm->vcpu[index];
	/* Claim it: one caller wins, and only a waiting vCPU is started. */
	if (!__atomic_compare_exchange_n(&t->start_claimed, &waiting, 1, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return HC_E_STARTED;
	t->start_rip = rip;
	t->start_rsp = rsp;
	t->started_by = caller->index;
	t->launch_regs = vm->vcpu[0].launch_regs;   /* vCPU 0's entry registers ... */
	t->launch_regs.gpr[GPR_RAX] = 0;            /* ... not a Multiboot entry's magic */
	t->launch_regs.gpr[GPR_RBX] = index;
	vcpu_set_state(t, VCPU_STARTING);
	wake(caller, t);
	return 0;
}
