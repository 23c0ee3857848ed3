/* Hypercalls (docs/guest-abi.md). Every argument is checked against the guest's own memory
 * before use: a bad argument gets an error code in RAX, never a hypervisor fault. */
#include "vmm/vm/hypercall.h"
#include "arch/lib/fmt.h"
#include "arch/lib/log.h"
#include "arch/x86_64/segment.h"
#include "vmm/vm/end.h"
#include "vmm/vm/misconfig_demo.h"
#include "vmm/vm/protect.h"
#include "vmm/vm/shootdown.h"
#include "vmm/vm/vcpu_start.h"
#include "vmm/vmx/insn.h"
#include "vmm/vmx/vmcs_fields.h"

/* Guest text from a hypercall, as the serial port shows it: lines of at most GUEST_LINE_MAX
 * bytes (a longer text continues on the next line). */
static void print_guest_text(const char *s, uint64_t n)
{
	do {
		uint64_t k = n > GUEST_LINE_MAX ? GUEST_LINE_MAX : n;

		log_guest_line(s, (size_t)k);
		s += k, n -= k;
	} while (n);
}

static int64_t hc_print(struct vm *vm, uint64_t gpa)
{
	const char *s;
	uint64_t n = 0;

	if (!guest_gpa_in_region(vm, gpa, 1))
		return HC_E_RANGE;
	s = guest_ptr(vm, gpa);   /* the bytes run on in host memory as they do in guest memory */
	while (n < HC_PRINT_MAX && guest_gpa_in_region(vm, gpa + n, 1) && s[n])
		n++;
	if (n == HC_PRINT_MAX || !guest_gpa_in_region(vm, gpa + n, 1))
		return HC_E_LENGTH;
	print_guest_text(s, n);
	return (int64_t)n;
}

static int64_t hc_write(struct vm *vm, uint64_t gpa, uint64_t len)
{
	if (len > HC_PRINT_MAX)
		return HC_E_LENGTH;
	if (!guest_gpa_in_region(vm, gpa, len ? len : 1))
		return HC_E_RANGE;
	print_guest_text(guest_ptr(vm, gpa), len);
	return (int64_t)len;
}

static int64_t hc_set_resume(struct vm *vm, uint64_t gpa)
{
	if (gpa && !guest_gpa_in_region(vm, gpa, 1))
		return HC_E_RANGE;
	if (!gpa && vm->nresume)
		return HC_E_NORESUME;   /* a page with the RESUME policy would have nowhere to resume */
	vm->resume_rip = gpa;
	return 0;
}

/* The reference exit path for benchmarks (vmm/vmx/entry.asm): CPUID exits only advance RIP,
 * until the first other exit, which puts vmx_exit_entry back. */
static int64_t hc_bench_reference(void)
{
	vmwrite(HOST_RIP, (uint64_t)vmx_exit_reference);
	return 0;
}

/* The guest's current privilege level: the DPL of SS (SDM Vol. 3C §27.3.1.2 "Checks on Guest
 * Segment Registers"; CS.DPL can differ for conforming code). */
static unsigned guest_cpl(void)
{
	return (unsigned)(vmread64(GUEST_SS_AR_BYTES) >> SEG_AR_DPL_SHIFT) & 3;
}

void hypercall_dispatch(struct vcpu *v, struct guest_regs *r)
{
	struct vm *vm = v->vm;
	uint64_t *g = r->gpr;
	int64_t ret;

	if (guest_cpl() != 0 && g[GPR_RAX] != HC_NOP) {
		g[GPR_RAX] = (uint64_t)HC_E_PRIV;   /* as KVM: hypercalls are the guest kernel's */
		return;
	}
	switch (g[GPR_RAX]) {
	case HC_NOP:
		ret = 0;
		break;
	case HC_PRINT:
		ret = hc_print(vm, g[GPR_RDI]);
		break;
	case HC_DONE: {
		char what[64];
		hv_snprintf(what, sizeof(what), "done exit_code=%llu", (unsigned long long)g[GPR_RDI]);
		vm_end(g[GPR_RDI] == 0 ? HV_OK : HV_E_GUEST, what);
	}
	case HC_PROTECT:   /* these three change what every vCPU shares: one at a time */
		vm_ept_lock(vm);
		ret = protect_page(vm, g[GPR_RDI], g[GPR_RSI], g[GPR_RDX]);
		vm_ept_unlock(vm);
		break;
	case HC_EPT_MISCONFIG_DEMO:
		vm_ept_lock(vm);
		ret = misconfig_demo_plant(vm, g[GPR_RDI]);
		vm_ept_unlock(vm);
		break;
	case HC_SET_RESUME:
		vm_ept_lock(vm);
		ret = hc_set_resume(vm, g[GPR_RDI]);
		vm_ept_unlock(vm);
		break;
	case HC_BENCH_REFERENCE:
		ret = hc_bench_reference();
		break;
	case HC_WRITE:
		ret = hc_write(vm, g[GPR_RDI], g[GPR_RSI]);
		break;
	case HC_VCPU_START:
		ret = vcpu_start(v, g[GPR_RDI], g[GPR_RSI], g[GPR_RDX]);
		break;
	case HC_VCPU_INDEX:
		ret = v->index;
		break;
	default:
		ret = HC_E_UNKNOWN;
		break;
	}
	g[GPR_RAX] = (uint64_t)ret;
}
