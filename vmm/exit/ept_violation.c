/* EPT violations (exit reason 48): the decoded line (formatted when it leaves the log ring, not
 * here), then the policy: outside the guest's memory refused; a protected page re-granted, kept
 * faulting or resumed elsewhere, as the guest asked with HC_PROTECT. */
#include "arch/lib/fmt.h"
#include "arch/lib/log.h"
#include "arch/lib/page_pool.h"
#include "ept/ept_violation.h"
#include "vmm/decode/interruption_info.h"
#include "vmm/exit/exit.h"
#include "vmm/vm/end.h"
#include "vmm/vm/shootdown.h"
#include "vmm/vm/protect.h"

/* The ept-violation line, formatted when it leaves the log ring: args = RIP, GPA, GLA,
 * qualification, decode context (bit 0 advanced info, bit 1 NMI bit). */
static void format_ept_violation(char *buf, size_t len, const uint64_t a[LOG_DEFERRED_ARGS])
{
	struct ept_violation v;
	struct ept_violation_ctx ctx = { .advanced_info = a[4] & 1, .nmi_bit_defined = (a[4] >> 1) & 1 };
	int n = hv_snprintf(buf, len, "ept-violation rip=0x%llx ", (unsigned long long)a[0]);

	ept_violation_decode(a[3], &ctx, &v);
	ept_violation_format(&v, a[1], v.gla_valid ? a[2] : 0, buf + n, len - (size_t)n);
}

static void log_ept_violation(const struct vm *vm, uint64_t gpa, uint64_t rip)
{
	uint64_t a[LOG_DEFERRED_ARGS] = {
		rip, gpa, vmread64(GUEST_LINEAR_ADDRESS), vmread64(EXIT_QUALIFICATION),
		(vm->caps->ept_advanced_info ? 1u : 0u) |
			((vmread64(IDT_VECTORING_INFO_FIELD) & INTR_INFO_VALID) ? 0u : 2u),
	};

	log_deferred(LOG_TAG_EPT_VIOLATION, format_ept_violation, a);
}

/* ept-policy lines, formatted later too: args = what, GPA, resume RIP, fault count. */
enum { POLICY_OUTSIDE, POLICY_KEEP, POLICY_RESUME, POLICY_REGRANT };

static void format_ept_policy(char *buf, size_t len, const uint64_t a[LOG_DEFERRED_ARGS])
{
	const struct vm *vm = this_vcpu()->vm;   /* the same guest on every CPU */
	unsigned long long gpa = a[1], rip = a[2], faults = a[3];

	if (a[0] == POLICY_OUTSIDE)
		hv_snprintf(buf, len, "ept-policy: gpa=0x%llx outside guest memory 0x%llx-0x%llx: refused, resumed at 0x%llx",
			    gpa, (unsigned long long)vm->mem_base, (unsigned long long)(vm->mem_base + vm->mem_size - 1),
			    rip);
	else if (a[0] == POLICY_KEEP)
		hv_snprintf(buf, len, "ept-policy: gpa=0x%llx protected by the guest: kept faulting (fault %llu)", gpa,
			    faults);
	else if (a[0] == POLICY_RESUME)
		hv_snprintf(buf, len, "ept-policy: gpa=0x%llx protected by the guest: kept, resumed at 0x%llx", gpa, rip);
	else
		hv_snprintf(buf, len, "ept-policy: gpa=0x%llx protected by the guest: re-granted rwx", gpa);
}

/* The ept-policy line, within the tag's own burst too (the demo's repaired lines share it). */
static __attribute__((noinline)) void log_ept_policy_line(uint64_t what, uint64_t gpa, uint64_t rip, uint64_t faults)
{
	if (log_ratelimit(LOG_TAG_EPT_POLICY)) {
		uint64_t a[LOG_DEFERRED_ARGS] = { what, gpa, rip, faults, 0 };

		log_deferred(LOG_TAG_EPT_POLICY, format_ept_policy, a);
	}
}

/* The ept-policy line follows its ept-violation line: logged when that was, counted when not
 * (and neither with exit_log=off). (A violation line that found no room in the ring leaves none
 * for its policy line either: both are counted in their tags.) */
static inline void log_ept_policy(const struct vm *vm, bool logged, uint64_t what, uint64_t gpa, uint64_t rip,
				  uint64_t faults)
{
	if (!vm->exit_log)
		return;
	if (logged)
		log_ept_policy_line(what, gpa, rip, faults);
	else
		log_suppress(LOG_TAG_EPT_POLICY);
}

/* The violation happened while the CPU delivered an event (IDT-vectoring information valid):
 * the event was not delivered. When the guest goes on at the same RIP, deliver it again (SDM
 * Vol. 3C §28.2.4 "Information for VM Exits That Occur During Event Delivery"); a software event
 * needs its instruction length. */
static void reinject_event(void)
{
	uint32_t info = (uint32_t)vmread64(IDT_VECTORING_INFO_FIELD);
	struct intr_info ii;

	if (!(info & INTR_INFO_VALID))
		return;
	intr_info_decode(info, &ii);
	vmwrite(VM_ENTRY_INTR_INFO_FIELD, intr_info_encode(ii.vector, ii.type, ii.has_error_code));
	if (ii.has_error_code)
		vmwrite(VM_ENTRY_EXCEPTION_ERROR_CODE, vmread64(IDT_VECTORING_ERROR_CODE));
	if (ii.type == INTR_TYPE_SW_INTERRUPT || ii.type == INTR_TYPE_PRIV_SW_EXCEPTION ||
	    ii.type == INTR_TYPE_SW_EXCEPTION)
		vmwrite(VM_ENTRY_INSTRUCTION_LEN, vmread64(VM_EXIT_INSTRUCTION_LEN));
}

/* "ended: ..." for an access outside guest memory, saying when it was during event delivery. */
static __attribute__((noreturn)) void end_outside(const struct vm *vm, uint64_t gpa)
{
	uint32_t info = (uint32_t)vmread64(IDT_VECTORING_INFO_FIELD);
	struct intr_info ii;
	char what[200];
	int n = hv_snprintf(what, sizeof(what), "ended: access to gpa=0x%llx outside its memory 0x%llx-0x%llx",
			    (unsigned long long)gpa, (unsigned long long)vm->mem_base,
			    (unsigned long long)(vm->mem_base + vm->mem_size - 1));

	intr_info_decode(info, &ii);
	if (ii.valid)
		hv_snprintf(what + n, sizeof(what) - (size_t)n, " while delivering %s vector %u", intr_type_name(ii.type),
			    ii.vector);
	vm_end(HV_E_GUEST, what);
}

/* With several vCPUs, another may have re-granted the page between this violation and its exit:
 * a page no longer protected is resumed (the access runs again against the tables as they are
 * now). With one vCPU such a violation cannot happen and ends the guest. */
static void not_protected(const struct vm *vm, uint64_t gpa)
{
	char what[160];

	if (vm->nvcpus > 1)
		return;
	hv_snprintf(what, sizeof(what), "ended: violation at gpa=0x%llx on a page it never protected",
		    (unsigned long long)gpa);
	vm_end(HV_E_GUEST, what);
}

/* HC_FAULT_REGRANT: the page's entry back to rwx, under the EPT lock (another vCPU may have
 * changed the record since it was read). */
static void regrant(struct vm *vm, struct protected_page *p, uint64_t page)
{
	int err = EPT_OK;

	vm_ept_lock(vm);
	if (p->is_protected && p->on_fault == HC_FAULT_REGRANT)
		err = protect_regrant(vm, p, page);
	vm_ept_unlock(vm);
	if (err != EPT_OK)
		vm_end(HV_E_EPT, "ended: no memory to re-grant a protected page");
}

/* The record is read without the EPT lock: its fields are single loads, HC_PROTECT on another
 * vCPU changes it under the lock, and the fault count is one atomic add. Only a re-grant changes
 * the tables, and takes the lock (regrant). */
void handle_ept_violation(struct vcpu *v, struct guest_regs *r)
{
	struct vm *vm = v->vm;
	uint64_t gpa = vmread_hot(GUEST_PHYSICAL_ADDRESS);
	struct protected_page *p;
	uint64_t page, faults;
	bool logged = false;

	(void)r;
	if (vm->exit_log && (logged = log_ratelimit(LOG_TAG_EPT_VIOLATION)))
		log_ept_violation(vm, gpa, vmread64(GUEST_RIP));
	if (!guest_gpa_in_region(vm, gpa, 1)) {
		/* Nothing outside the region is ever mapped: refuse, and resume the guest where it asked. */
		if (vm->resume_rip) {
			vmx_raw_vmwrite(GUEST_RIP, vm->resume_rip);
			log_ept_policy(vm, logged, POLICY_OUTSIDE, gpa, vm->resume_rip, 0);
			return;
		}
		end_outside(vm, gpa);
	}
	p = protect_record(vm, gpa);   /* inside its memory: checked above */
	page = gpa & ~(PAGE_SIZE - 1);
	if (!p || !p->is_protected) {
		not_protected(vm, gpa);
		return;
	}
	faults = __atomic_add_fetch(&p->faults, 1, __ATOMIC_RELAXED);
	if (p->on_fault == HC_FAULT_RESUME) {
		vmx_raw_vmwrite(GUEST_RIP, vm->resume_rip);
		log_ept_policy(vm, logged, POLICY_RESUME, page, vm->resume_rip, faults);
		return;
	}
	if (p->on_fault == HC_FAULT_KEEP) {
		reinject_event();
		log_ept_policy(vm, logged, POLICY_KEEP, page, 0, faults);
		return;
	}
	regrant(vm, p, page);
	reinject_event();
	log_ept_policy(vm, logged, POLICY_REGRANT, page, 0, 0);
}
