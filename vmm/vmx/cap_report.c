/* The capability report: what this CPU's VMX offers, one topic per line (docs/log-format.md). */
#include "vmm/vmx/cap_report.h"
#include "arch/lib/log.h"

static const char *yn(bool b)
{
	return b ? "yes" : "no";
}

static const char *invept_types(const struct vmx_caps *c)
{
	if (!c->invept)
		return "none";
	if (c->invept_single && c->invept_all)
		return "single,all";
	return c->invept_single ? "single" : c->invept_all ? "all" : "none";
}

void vmx_report_caps(const struct vmx_caps *c)
{
	hv_log("cap: vmcs_revision=0x%x vmcs_size=%u true_controls=%s basic=0x%016llx", c->vmcs_revision,
	       c->vmcs_size, yn(c->true_controls), (unsigned long long)c->basic);
	hv_log("cap: ept=%s walk4=%s wb=%s 2m=%s 1g=%s ad=%s exec_only=%s ept_vpid_cap=0x%016llx", yn(c->ept),
	       yn(c->ept_walk4), yn(c->ept_wb), yn(c->ept_2m), yn(c->ept_1g), yn(c->ept_ad), yn(c->ept_exec_only),
	       (unsigned long long)c->ept_vpid_cap);
	hv_log("cap: vpid=%s unrestricted_guest=%s preemption_timer=%s invept=%s procbased2=0x%08x",
	       yn(c->vpid), yn(c->unrestricted_guest), yn(c->preemption_timer), invept_types(c),
	       (unsigned)(c->procbased2 >> 32));
}
