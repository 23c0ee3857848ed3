/* The end of a guest: its last serial line, then "guest:", the exit summary, the log's figures
 * and the EPT audit, in that order (docs/log-format.md), then the run ends. */
#include "vmm/vm/end.h"
#include "arch/lib/fmt.h"
#include "arch/lib/log.h"
#include "arch/x86_64/nmi.h"
#include "ept/ept_bits.h"
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

/* "guest=<name> exits=<n> <REASON>=<n> ...": an entry that would make the line longer than
 * SUMMARY_LINE_MAX starts the next one (the first part and one entry always fit). */
static void log_summary(const struct vm *vm)
{
	char line[LOG_LINE_MAX], entry[64];
	int n = hv_snprintf(line, sizeof(line), "guest=%s exits=%llu", vm->guest_name,
			    (unsigned long long)vm_exits_total(vm));

	for (uint32_t i = 0; i < EXIT_REASON_COUNT; i++) {
		int len;

		if (!vm->exit_counts[i])
			continue;
		len = hv_snprintf(entry, sizeof(entry), "%s=%llu", exit_reason_name(i),
				  (unsigned long long)vm->exit_counts[i]);
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
	if (!nmi_root_count && !vm->nmis && !vm->interrupts)
		return;
	hv_log("interrupts: nmi_root=%llu nmi_guest=%llu external=%llu", (unsigned long long)nmi_root_count,
	       (unsigned long long)vm->nmis, (unsigned long long)vm->interrupts);
}

static void log_log_stats(void)
{
	struct log_stats st;

	log_get_stats(&st);
	hv_log("log: lines=%llu suppressed=%llu dropped=%llu", (unsigned long long)st.lines,
	       (unsigned long long)st.suppressed, (unsigned long long)st.dropped);
}

void vm_end(enum hv_status s, const char *what)
{
	struct vm *vm = current_vm;

	if (vm->line_len) {        /* a last line without its newline */
		log_guest_line(vm->line, vm->line_len);
		vm->line_len = 0;
	}
	log_set_deferred(false);   /* everything the guest's exits logged goes out first */
	log_ratelimit_report();
	hv_log("guest: %s", what);
	log_summary(vm);
	log_interrupts(vm);
	log_log_stats();
	if (!audit_ept(vm) && s == HV_OK)
		s = HV_E_EPT;
	hv_end(s);
}
