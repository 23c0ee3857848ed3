/* Running the guest: load it, set up its VMCS, VMLAUNCH. From then on the guest runs until an
 * exit handler ends it (vm_end), which never returns here. */
#include "vmm/vm/run.h"
#include "arch/lib/fmt.h"
#include "arch/lib/log.h"
#include "arch/x86_64/lapic.h"
#include "vmm/shutdown.h"
#include "vmm/vm/budget.h"
#include "vmm/vm/end.h"
#include "vmm/vm/entry_gate.h"
#include "vmm/vm/entry_probe.h"
#include "vmm/vm/loader.h"
#include "arch/x86_64/nmi.h"
#include "vmm/vm/protect.h"
#include "vmm/vm/shootdown.h"
#include "vmm/vm/vcpu_start.h"
#include "vmm/vm/vm.h"
#include "vmm/vm/vmcs_setup.h"
#include "vmm/vmx/insn.h"
#include "vmm/vmx/vmcs_dump.h"

static struct vm the_vm;

/* HV.CFG test_nmi=on: an NMI to this CPU in root mode, which must be counted and returned from
 * (arch/x86_64/nmi.h). (An NMI during the guest needs a second CPU to send it: Bochs 2.7 keeps
 * a root-mode NMI blocking through VM entry; docs/real-hardware.md.) */
static void test_nmi(void)
{
	if (!host_lapic.present) {
		hv_log("test: test_nmi=on: no local APIC to send an NMI through; nothing sent");
		return;
	}
	hv_log("test: test_nmi=on: sending this CPU an NMI in root mode");
	lapic_send_self_nmi(&host_lapic);
}

/* The vCPUs: one per CPU in use, vCPU 0 on this one (vmm/vm/vcpu_start.c binds the slots). */
static void vcpus_attach(struct vm *vm, unsigned nvcpus, uint64_t tsc_per_ms)
{
	vm->vcpu = vcpu_slots;
	vm->nvcpus = nvcpus;
	vm->tsc_per_ms = tsc_per_ms;
	vm->first_fail = -1;
	for (unsigned i = 0; i < nvcpus; i++)
		vcpu_slots[i].vm = vm;
	if (nvcpus > 1)
		nmi_root_hook = shootdown_nmi;   /* every CPU's GS points at its slot by now */
}

void vm_run(struct boot_info *bi, const struct vmx_caps *caps, unsigned nvcpus, uint64_t tsc_per_ms)
{
	struct vm *vm = &the_vm;
	struct vcpu *v0 = &vcpu_slots[0];
	char why[LOG_LINE_MAX], what[LOG_LINE_MAX];
	enum hv_status s;
	uint64_t rflags;

	vm->bi = bi;
	vm->caps = caps;
	vcpus_attach(vm, nvcpus, tsc_per_ms);
	s = guest_load(vm, why, sizeof(why));
	if (s == HV_OK)
		s = protect_init(vm, why, sizeof(why));
	if (s == HV_OK)
		s = vmcs_setup(vm, why, sizeof(why));
	if (s != HV_OK)
		hv_fatal(s, why);
	if (bi->cfg.entry_probe)
		entry_probe_run(vm);
	entry_gate_vmwrites(vm);
	if (entry_gate_check(vm, why, sizeof(why)) != HV_OK) {
		hv_snprintf(what, sizeof(what), "ended: %s", why);
		vm_end(HV_E_VMLAUNCH, what);
	}
	vm->exit_log = bi->cfg.exit_log;
	if (bi->cfg.test_nmi)
		test_nmi();
	hv_log("vmlaunch: guest=%s rip=0x%llx", vm->guest_name, (unsigned long long)vm->entry_gpa);
	log_set_deferred(true);   /* from here on, exits never wait for the UART */
	budget_start(v0);
	vcpu_set_state(v0, VCPU_RUNNING);   /* HC_VCPU_START never claims vCPU 0 */
	rflags = vmx_launch(&v0->launch_regs);
	/* Only reached when VMLAUNCH itself failed (VM-entry failures after the checks arrive as exits). */
	log_set_deferred(false);
	if (vmx_describe_entry_failure("VMLAUNCH", rflags, why, sizeof(why)) == VMX_FAIL_VALID)
		entry_gate_explain(vm, (uint16_t)vmx_instruction_error(), 0, true);
	vmcs_dump_guest_state();
	hv_snprintf(what, sizeof(what), "ended: %s", why);
	vm_end(HV_E_VMLAUNCH, what);
}
