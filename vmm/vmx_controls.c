/* VMX control fields from the capability MSRs (SDM Vol. 3D Appendix A.3-A.5, §A.3.3). */
#include "vmm/vmx_controls.h"

int vmx_ctl_compute(uint64_t cap, const struct vmx_ctl_want *want, size_t n, uint32_t *value,
		    const char **missing)
{
	uint32_t must_be_1 = (uint32_t)cap, may_be_1 = (uint32_t)(cap >> 32);
	uint32_t v = must_be_1;

	for (size_t i = 0; i < n; i++) {
		uint32_t bit = 1u << want[i].bit;
		if (may_be_1 & bit) {
			v |= bit;
		} else if (want[i].required) {
			*missing = want[i].name;
			return -1;
		}
	}
	*value = v & may_be_1;
	return 0;
}
