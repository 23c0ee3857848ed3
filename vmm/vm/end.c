/* The end of a guest: its last serial line, then "guest:", the exit summary, the log's figures
 * and the EPT audit, in that order (docs/log-format.md), then the run ends. */
#include "vmm/vm/end.h"
#include "arch/lib/fmt.h"
#include "arch/lib/log.h"
#include "arch/x86_64/nmi.h"
#include "ept/ept_bits.h"
#include "arch/x86_64/cpu.h"
#include "vmm/shutdown.h"
#include "vmm/vm/vm.h"
#include "vmm/vmx/insn.h"
#include "vmm/vmx/vmcs_fields.h"

/* A summary line ("[hv] summary: " included) is at most this long; the list goes on in the next. */
#define SUMMARY_LINE_MAX 180
#define SUMMARY_PREFIX_LEN 14   /* "[hv] summary: " */

void vm_log_registers(const struct guest_regs *r)
{
	const uint64_t *g = r->gpr;
	hv_log("guest-regs rax=0x%llx rbx=0x%llx rcx=0x%llx rdx=0x%llx rsi=0x%llx rdi=0x%llx rbp=0x%llx rsp=0x%llx",
	       (unsigned long long)g[GPR_RAX], (unsigned long long)g[GPR_RBX], (unsigned long long)g[GPR_RCX],
	       (unsigned long long)g[GPR_RDX], (unsigned long long)g[GPR_RSI], (unsigned long long)g[GPR_RDI],
	       (unsigned long long)g[GPR_RBP], (unsigned long long)vmread64(GUEST_RSP));
	hv_log("guest-regs r8=0x%llx r9=0x%llx r10=0x%llx r11=0x%llx r12=0x%llx r13=0x%llx r14=0x%llx r15=0x%llx",
	       (unsigned long long)g[8], (unsigned long long)g[9], (unsigned long long)g[10],
	       (unsigned long long)g[11], (unsigned long long)g[12], (unsigned long long)g[13],
	       (unsigned long long)g[14], (unsigned long long)g[15]);
}

/* Exits of one reason: one vCPU's, or every vCPU's (v == 0). */
static uint64_t exit_count(const struct vm *vm, const struct vcpu *v, uint32_t reason)
{
	uint64_t n = 0;

	if (v)
		return v->exit_counts[reason];
	for (unsigned i = 0; i < vm->nvcpus; i++)
		n += vm->vcpu[i].exit_counts[reason];
	return n;
}

/* "guest=<name> exits=<n> <REASON>=<n> ...": an entry that would make the line longer than
 * SUMMARY_LINE_MAX starts the next one (the first part and one entry always fit). One vCPU's
 * (head "guest=<name> vcpu=<i>") or, with v == 0, every vCPU's ("guest=<name> vcpus=<n>"); a
 * one-vCPU run has the one line it always had. */
static void log_summary(const struct vm *vm, const struct vcpu *v)
{
	char line[LOG_LINE_MAX], entry[64];
	uint64_t total = v ? vcpu_exits_total(v) : vm_exits_total(vm);
	int n = hv_snprintf(line, sizeof(line), "guest=%s", vm->guest_name);

	if (vm->nvcpus > 1)
		n += hv_snprintf(line + n, sizeof(line) - (size_t)n, v ? " vcpu=%u" : " vcpus=%u",
				 v ? v->index : vm->nvcpus);
	n += hv_snprintf(line + n, sizeof(line) - (size_t)n, " exits=%llu", (unsigned long long)total);
	for (uint32_t i = 0; i < EXIT_REASON_COUNT; i++) {
		uint64_t c = exit_count(vm, v, i);
		int len;

		if (!c)
			continue;
		len = hv_snprintf(entry, sizeof(entry), "%s=%llu", exit_reason_name(i), (unsigned long long)c);
		if (n && SUMMARY_PREFIX_LEN + n + 1 + len > SUMMARY_LINE_MAX) {
			hv_log("summary: %s", line);
			n = 0;
		}
		n += hv_snprintf(line + n, sizeof(line) - (size_t)n, "%s%s", n ? " " : "", entry);
	}
	hv_log("summary: %s", line);
}

/* After the guest: walk every EPT leaf and prove none maps anything but the guest's own memory:
 * each leaf's GPA range inside [mem_base, mem_base + mem_size), and its HPA exactly where that
 * GPA's byte lives (guest_hpa: the same address for an MHVGUEST guest, mem_hpa + GPA for a
 * Multiboot guest), so every mapped host byte is a byte of the guest's block. */
struct ept_audit {
	const struct vm *vm;
	uint64_t mapped, outside, first_gpa, first_entry;
};

static void audit_leaf(void *ctx, gpa_t gpa, uint64_t size, uint64_t entry)
{
	struct ept_audit *a = ctx;
	hpa_t hpa = entry & EPT_PTE_ADDR_MASK & ~(size - 1);

	if (guest_gpa_in_region(a->vm, gpa, size) && hpa == guest_hpa(a->vm, gpa)) {
		a->mapped += size;
		return;
	}
	if (!a->outside++) {
		a->first_gpa = gpa;
		a->first_entry = entry;
	}
}

/* "0x<first>-0x<last>", and " hpa=0x<first>-0x<last>" where EPT translates (GPA != HPA). */
static void audit_region(const struct vm *vm, char *buf, size_t len)
{
	unsigned long long first = vm->mem_base, hpa = vm->mem_hpa, last = vm->mem_size - 1;
	int n = hv_snprintf(buf, len, "0x%llx-0x%llx", first, first + last);

	if (hpa != first)
		hv_snprintf(buf + n, len - (size_t)n, " hpa=0x%llx-0x%llx", hpa, hpa + last);
}

static bool audit_ept(const struct vm *vm)
{
	struct ept_audit a = { vm, 0, 0, 0, 0 };
	uint64_t leaves = ept_for_each_leaf(&vm->ept, audit_leaf, &a);
	char region[80];

	audit_region(vm, region, sizeof(region));
	if (a.outside) {
		hv_log("ept-audit: FAILED leaves=%llu outside=%llu first gpa=0x%llx entry=0x%016llx region=%s",
		       (unsigned long long)leaves, (unsigned long long)a.outside, (unsigned long long)a.first_gpa,
		       (unsigned long long)a.first_entry, region);
		return false;
	}
	hv_log("ept-audit: leaves=%llu mapped=0x%llx outside=0 region=%s", (unsigned long long)leaves,
	       (unsigned long long)a.mapped, region);
	return true;
}

/* NMIs and interrupts the platform sent while the guest ran: only when there were any. */
static void log_interrupts(const struct vm *vm)
{
	uint64_t nmis = 0, interrupts = 0;

	for (unsigned i = 0; i < vm->nvcpus; i++) {
		nmis += vm->vcpu[i].nmis;
		interrupts += vm->vcpu[i].interrupts;
	}
	if (!nmi_root_count && !nmis && !interrupts)
		return;
	hv_log("interrupts: nmi_root=%llu nmi_guest=%llu external=%llu", (unsigned long long)nmi_root_count,
	       (unsigned long long)nmis, (unsigned long long)interrupts);
}

static void log_log_stats(void)
{
	struct log_stats st;

	log_get_stats(&st);
	hv_log("log: lines=%llu suppressed=%llu dropped=%llu", (unsigned long long)st.lines,
	       (unsigned long long)st.suppressed, (unsigned long long)st.dropped);
}

/* The lines after the last vCPU: the summary (only's, the one vCPU's; else every vCPU's), the
 * log's figures, the EPT audit; then the run ends. */
static __attribute__((noreturn)) void end_run(struct vm *vm, const struct vcpu *only, enum hv_status s)
{
	log_summary(vm, only);
	log_interrupts(vm);
	log_log_stats();
	if (!audit_ept(vm) && s == HV_OK)
		s = HV_E_EPT;
	hv_end(s);
}

/* ---- Several vCPUs: each ends itself; the boot processor ends the run after the last. */

#ifndef HV_HOST_TEST   /* host tests: tests/host/fake_vmcs.c */
void vcpu_park(void)
{
	halt_forever();   /* interrupts off; an NMI returns into the halt */
}
#endif

#define END_GRACE_MS 1000   /* past the last running vCPU's deadline: it cannot end itself */

static bool every_vcpu_ended(const struct vm *vm)
{
	for (unsigned i = 0; i < vm->nvcpus; i++) {
		enum vcpu_state st = vcpu_state(&vm->vcpu[i]);

		if (st == VCPU_STARTING || st == VCPU_RUNNING)
			return false;
	}
	return true;
}

/* The latest deadline of a running vCPU (a vCPU whose CPU has no VMX-preemption timer and never
 * exits cannot end itself), plus END_GRACE_MS. */
static uint64_t end_limit(const struct vm *vm)
{
	uint64_t last = 0;

	for (unsigned i = 0; i < vm->nvcpus; i++)
		if (vcpu_state(&vm->vcpu[i]) != VCPU_WAITING && vm->vcpu[i].deadline > last)
			last = vm->vcpu[i].deadline;
	return last + vm->tsc_per_ms * END_GRACE_MS;
}

/* The boot processor, its vCPU ended: wait for the others, moving their lines to the UART. */
static void wait_for_vcpus(struct vm *vm)
{
	uint64_t limit = end_limit(vm);

	/* Its vCPU has ended: shootdowns no longer wait for this CPU (vmm/vm/shootdown.c). */
	while (!every_vcpu_ended(vm) && !__atomic_load_n(&vm->abort, __ATOMIC_ACQUIRE)) {
		if (log_now() > limit) {
			hv_log("run: a vCPU did not end by its deadline (a CPU without the VMX-preemption timer, in a guest "
			       "that never exits); the run ends without it");
			return;
		}
		log_poll();
		cpu_relax();
	}
}

/* "1,3": the vCPUs never started (buf empty if none). */
static void never_started(const struct vm *vm, char *buf, size_t len)
{
	int n = 0;

	buf[0] = 0;
	for (unsigned i = 0; i < vm->nvcpus; i++)
		if (vcpu_state(&vm->vcpu[i]) == VCPU_WAITING)
			n += hv_snprintf(buf + n, len - (size_t)n, "%s%u", n ? "," : "", i);
}

static __attribute__((noreturn)) void end_run_vcpus(struct vm *vm)
{
	int32_t first = __atomic_load_n(&vm->first_fail, __ATOMIC_ACQUIRE);
	enum hv_status s = first < 0 ? HV_OK : vm->vcpu[first].end_status;
	char ns[4 * HV_CPUS_MAX], line[LOG_LINE_MAX];
	unsigned started = 0;
	uint32_t no = 0;
	int n;

	/* After an abort the CPU that saw it and the boot processor may both get here. */
	if (!__atomic_compare_exchange_n(&vm->ending, &no, 1, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		vcpu_park();

	for (unsigned i = 0; i < vm->nvcpus; i++)
		started += vcpu_state(&vm->vcpu[i]) != VCPU_WAITING;
	never_started(vm, ns, sizeof(ns));
	n = hv_snprintf(line, sizeof(line), "run: vcpus=%u started=%u shootdowns=%llu status=%s", vm->nvcpus, started,
			(unsigned long long)vm->shootdowns, hv_status_name(s));
	if (ns[0])
		n += hv_snprintf(line + n, sizeof(line) - (size_t)n, " never_started=%s", ns);
	if (first >= 0)
		hv_snprintf(line + n, sizeof(line) - (size_t)n, " first=vcpu%d: %s", (int)first, vm->vcpu[first].end_what);
	hv_log("%s", line);
	end_run(vm, 0, s);
}

void vcpu_end(struct vcpu *v, enum hv_status s, const char *what)
{
	struct vm *vm = v->vm;
	int32_t none = -1;

	hv_log("guest: %s", what);
	log_summary(vm, v);
	v->end_status = s;
	hv_snprintf(v->end_what, sizeof(v->end_what), "%s", what);
	if (s != HV_OK)
		__atomic_compare_exchange_n(&vm->first_fail, &none, (int32_t)v->index, false, __ATOMIC_ACQ_REL,
					    __ATOMIC_ACQUIRE);
	vcpu_set_state(v, VCPU_ENDED);
	if (v->index != 0 && !__atomic_load_n(&vm->abort, __ATOMIC_ACQUIRE))
		vcpu_park();   /* its CPU's part is done; the boot processor ends the run */
	if (v->index == 0)
		wait_for_vcpus(vm);
	log_set_deferred(false);
	log_ratelimit_report();
	end_run_vcpus(vm);
}

void vm_end(enum hv_status s, const char *what)
{
	struct vcpu *v = this_vcpu();
	struct vm *vm = v->vm;

	if (v->line_len) {        /* a last line without its newline */
		log_guest_line(v->line, v->line_len);
		v->line_len = 0;
	}
	if (vm->nvcpus > 1)
		vcpu_end(v, s, what);   /* below: never returns */
	log_set_deferred(false);   /* everything the guest's exits logged goes out first */
	log_ratelimit_report();
	hv_log("guest: %s", what);
	end_run(vm, v, s);
}
