/* Until the guest lands: VMX is on and the capability report is out; nothing to run yet. */
#include "vmm/vm.h"
#include "vmm/log.h"

enum hv_status vm_run(struct boot_info *bi, const struct vmx_caps *caps)
{
	(void)bi;
	(void)caps;
	hv_log("guest: none yet");
	return HV_OK;
}
