/* Running the guest: load it, set up its VMCS, VMLAUNCH. From then on the guest runs until an
 * exit handler ends it (vm_end), which never returns here. */
#include "vmm/vm/run.h"
#include "arch/lib/fmt.h"
#include "arch/lib/log.h"
#include "vmm/shutdown.h"
#include "vmm/vm/end.h"
#include "vmm/vm/loader.h"
#include "vmm/vm/vm.h"
#include "vmm/vm/vmcs_setup.h"
#include "vmm/vmx/insn.h"
#include "vmm/vmx/vmcs_dump.h"

static struct vm the_vm;

void vm_run(struct boot_info *bi, const struct vmx_caps *caps)
{
	struct vm *vm = &the_vm;
	char why[LOG_LINE_MAX], what[LOG_LINE_MAX];
	enum hv_status s;
	uint64_t rflags;

	vm->bi = bi;
	vm->caps = caps;
	vm->mem_base = bi->guest_mem_base;
	vm->mem_size = bi->guest_mem_size;
	current_vm = vm;
	s = guest_load(vm, why, sizeof(why));
	if (s == HV_OK)
		s = vmcs_setup(vm, why, sizeof(why));
	if (s != HV_OK)
		hv_fatal(s, why);
	vm->exit_log = bi->cfg.exit_log;
	hv_log("vmlaunch: guest=%s rip=0x%llx", vm->guest_name, (unsigned long long)vm->entry_gpa);
	log_set_deferred(true);   /* from here on, exits never wait for the UART */
	rflags = vmx_launch(&vm->launch_regs);
	/* Only reached when VMLAUNCH itself failed (VM-entry failures after the checks arrive as exits). */
	log_set_deferred(false);
	vmx_describe_entry_failure("VMLAUNCH", rflags, why, sizeof(why));
	vmcs_dump_guest_state();
	hv_snprintf(what, sizeof(what), "ended: %s", why);
	vm_end(HV_E_VMLAUNCH, what);
}
