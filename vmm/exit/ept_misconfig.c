/* EPT misconfigurations (exit reason 49): the faulty entry diagnosed in one line. The one
 * HC_EPT_MISCONFIG_DEMO planted is repaired and the guest goes on (a guest can do that in a
 * loop, so those lines are rate-limited, tag ept-misconfig); any other ends it. */
#include "arch/lib/log.h"
#include "ept/ept_misconfig.h"
#include "vmm/exit/exit.h"
#include "vmm/vm/end.h"
#include "vmm/vm/misconfig_demo.h"
#include "vmm/vm/shootdown.h"

void handle_ept_misconfig(struct vcpu *v, struct guest_regs *r)
{
	struct vm *vm = v->vm;
	struct ept_misconfig m;
	struct vcpu *owner;
	uint64_t gpa = vmread64(GUEST_PHYSICAL_ADDRESS);
	unsigned long long rip = vmread64(GUEST_RIP);
	char body[LOG_LINE_MAX - 40];

	ept_misconfig_diagnose(&vm->ept, gpa, &m);
	ept_misconfig_format(&m, body, sizeof(body));
	vm_ept_lock(vm);
	owner = vm_misconfig_owner(vm, gpa);
	if (owner) {
		bool logged = hv_log_tagged(LOG_TAG_EPT_MISCONFIG, "ept-misconfig rip=0x%llx %s", rip, body);

		misconfig_demo_repair(vm, owner, logged);
		vm_ept_unlock(vm);
		return;
	}
	/* Several vCPUs: another may have repaired its planted page since this exit; the access then
	 * runs again against the tables as they are. */
	if (vm->nvcpus > 1 && ept_misconfig_diagnose(&vm->ept, gpa, &m) == EPT_OK && !m.found) {
		vm_ept_unlock(vm);
		return;
	}
	vm_ept_unlock(vm);
	hv_log("ept-misconfig rip=0x%llx %s", rip, body);   /* the guest's last: never limited */
	vm_log_registers(r);
	vm_end(HV_E_EPT, "ended: EPT misconfiguration the hypervisor did not plant");
}
