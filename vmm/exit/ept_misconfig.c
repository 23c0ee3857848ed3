/* EPT misconfigurations (exit reason 49): the faulty entry diagnosed in one line. The one
 * HC_EPT_MISCONFIG_DEMO planted is repaired and the guest goes on; any other ends it. */
#include "arch/lib/log.h"
#include "ept/ept_misconfig.h"
#include "vmm/exit/exit.h"
#include "vmm/vm/end.h"
#include "vmm/vm/misconfig_demo.h"

void handle_ept_misconfig(struct vm *vm, struct guest_regs *r)
{
	struct ept_misconfig m;
	uint64_t gpa = vmread64(GUEST_PHYSICAL_ADDRESS);
	char body[LOG_LINE_MAX - 40];

	ept_misconfig_diagnose(&vm->ept, gpa, &m);
	ept_misconfig_format(&m, body, sizeof(body));
	hv_log("ept-misconfig rip=0x%llx %s", (unsigned long long)vmread64(GUEST_RIP), body);
	if (!misconfig_demo_repair(vm, gpa)) {
		vm_log_registers(r);
		vm_end(HV_E_EPT, "ended: EPT misconfiguration the hypervisor did not plant");
	}
}
