/* Hypercalls (docs/guest-abi.md). Every argument is checked against the guest's own memory
 * before use: a bad argument gets an error code in RAX, never a hypervisor fault. */
#include "vmm/hypercall.h"
#include "arch/x86_64/vmx_insn.h"
#include "ept/ept.h"
#include "vmm/fmt.h"
#include "vmm/log.h"
#include "vmm/page_pool.h"
#include "vmm/vm.h"
#include "vmm/vmcs_fields.h"

#define EPT_LEAF_WRITE_ONLY 0x2ull          /* W without R: a misconfiguration (§29.3.3.1) */
#define EPT_LEAF_MEMTYPE_WB (6ull << 3)

static struct protected_page *find_protected(struct vm *vm, uint64_t gpa)
{
	for (unsigned i = 0; i < vm->nprotected; i++)
		if (vm->protected[i].gpa == gpa)
			return &vm->protected[i];
	return 0;
}

static int64_t check_page(struct vm *vm, uint64_t gpa)
{
	if (gpa & (PAGE_SIZE - 1))
		return HC_E_ALIGN;
	if (!guest_gpa_in_region(vm, gpa, PAGE_SIZE))
		return HC_E_RANGE;
	return 0;
}

static unsigned ept_perm_from_hc(uint64_t perm)
{
	return ((perm & HC_PERM_R) ? EPT_READ : 0) | ((perm & HC_PERM_W) ? EPT_WRITE : 0) |
	       ((perm & HC_PERM_X) ? EPT_EXEC : 0);
}

/* Give the page the permissions perm (0 = not present), mapped GPA == HPA, write-back. */
static int set_page_perm(struct vm *vm, uint64_t gpa, unsigned perm)
{
	struct ept_attr attr = { perm, EPT_MT_WB, false };
	enum ept_flush flush = EPT_FLUSH_NONE;
	int err = perm ? ept_map(&vm->ept, gpa, gpa, PAGE_SIZE, attr, EPT_MAP_REPLACE, &flush)
		       : ept_unmap(&vm->ept, gpa, PAGE_SIZE, &flush);

	if (err == EPT_OK)
		vm_invept(vm, flush);
	return err;
}

static int64_t hc_protect(struct vm *vm, uint64_t gpa, uint64_t perm, uint64_t on_fault)
{
	struct protected_page *p;
	int64_t bad = check_page(vm, gpa);
	unsigned ept_perm = ept_perm_from_hc(perm);

	if (bad)
		return bad;
	if ((perm & ~7ull) || ((perm & HC_PERM_W) && !(perm & HC_PERM_R)) || on_fault > HC_FAULT_RESUME)
		return HC_E_INVAL;
	if ((perm & 7) == HC_PERM_X && !vm->caps->ept_exec_only)
		return HC_E_INVAL;
	if (on_fault == HC_FAULT_RESUME && !vm->resume_rip)
		return HC_E_NORESUME;
	if (gpa == vm->misconfig_gpa)
		return HC_E_INVAL;   /* the HC_EPT_MISCONFIG_DEMO page: its planted entry stays until touched */
	p = find_protected(vm, gpa);
	if (!p && vm->nprotected == VM_MAX_PROTECTED)
		return HC_E_NOSPACE;
	/* The EPT first: a page is recorded only once its entry really changed. */
	if (set_page_perm(vm, gpa, ept_perm) != EPT_OK)
		return HC_E_NOMEM;
	if (!p) {
		p = &vm->protected[vm->nprotected++];
		*p = (struct protected_page){ .gpa = gpa };
	}
	p->perm = ept_perm;
	p->on_fault = (unsigned)on_fault;
	return 0;
}

/* Restore a protected page to full access and forget it (the REGRANT policy). */
int hypercall_regrant(struct vm *vm, struct protected_page *p)
{
	int err = set_page_perm(vm, p->gpa, EPT_READ | EPT_WRITE | EPT_EXEC);

	if (err == EPT_OK)
		*p = vm->protected[--vm->nprotected];
	return err;
}

struct protected_page *hypercall_find_protected(struct vm *vm, uint64_t gpa)
{
	return find_protected(vm, gpa & ~(PAGE_SIZE - 1));
}

static int64_t hc_misconfig_demo(struct vm *vm, uint64_t gpa)
{
	int64_t bad = check_page(vm, gpa);

	if (bad)
		return bad;
	if (vm->misconfig_gpa || find_protected(vm, gpa))
		return HC_E_INVAL;
	/* Split the page out of its large page first, then plant the bad leaf. */
	if (set_page_perm(vm, gpa, EPT_READ | EPT_WRITE) != EPT_OK)
		return HC_E_NOMEM;
	if (ept_debug_set_raw_leaf(&vm->ept, gpa, gpa | EPT_LEAF_MEMTYPE_WB | EPT_LEAF_WRITE_ONLY) != EPT_OK)
		return HC_E_INVAL;
	vm_invept(vm, vm->caps->invept_single ? EPT_FLUSH_SINGLE : EPT_FLUSH_GLOBAL);
	vm->misconfig_gpa = gpa;
	return 0;
}

static int64_t hc_print(struct vm *vm, uint64_t gpa)
{
	const char *s = (const char *)gpa;
	uint64_t n = 0;

	if (!guest_gpa_in_region(vm, gpa, 1))
		return HC_E_RANGE;
	while (n < HC_PRINT_MAX && guest_gpa_in_region(vm, gpa + n, 1) && s[n])
		n++;
	if (n == HC_PRINT_MAX || !guest_gpa_in_region(vm, gpa + n, 1))
		return HC_E_LENGTH;
	log_guest_line(s, n);
	return (int64_t)n;
}

static int64_t hc_write(struct vm *vm, uint64_t gpa, uint64_t len)
{
	if (len > HC_PRINT_MAX)
		return HC_E_LENGTH;
	if (!guest_gpa_in_region(vm, gpa, len ? len : 1))
		return HC_E_RANGE;
	log_guest_line((const char *)gpa, len);
	return (int64_t)len;
}

static int64_t hc_set_resume(struct vm *vm, uint64_t gpa)
{
	if (gpa && !guest_gpa_in_region(vm, gpa, 1))
		return HC_E_RANGE;
	if (!gpa) {
		for (unsigned i = 0; i < vm->nprotected; i++)
			if (vm->protected[i].on_fault == HC_FAULT_RESUME)
				return HC_E_NORESUME;   /* that page would have nowhere to resume */
	}
	vm->resume_rip = gpa;
	return 0;
}

/* The reference exit path for benchmarks (vmm/vmx_entry.asm): CPUID exits only advance RIP,
 * until the first other exit, which puts vmx_exit_entry back. */
static int64_t hc_bench_reference(void)
{
	vmwrite(HOST_RIP, (uint64_t)vmx_exit_reference);
	return 0;
}

void hypercall_dispatch(struct vm *vm, struct guest_regs *r)
{
	uint64_t *g = r->gpr;
	int64_t ret;

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
	case HC_PROTECT:
		ret = hc_protect(vm, g[GPR_RDI], g[GPR_RSI], g[GPR_RDX]);
		break;
	case HC_EPT_MISCONFIG_DEMO:
		ret = hc_misconfig_demo(vm, g[GPR_RDI]);
		break;
	case HC_SET_RESUME:
		ret = hc_set_resume(vm, g[GPR_RDI]);
		break;
	case HC_BENCH_REFERENCE:
		ret = hc_bench_reference();
		break;
	case HC_WRITE:
		ret = hc_write(vm, g[GPR_RDI], g[GPR_RSI]);
		break;
	default:
		ret = HC_E_UNKNOWN;
		break;
	}
	g[GPR_RAX] = (uint64_t)ret;
}
