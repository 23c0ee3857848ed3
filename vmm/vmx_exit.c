/* The VM-exit dispatcher: one table indexed by basic exit reason (SDM Vol. 3D Table C-1), one
 * handler per reason the hypervisor supports. CPUID, I/O and VMCALL are the common exits: their
 * paths do no logging, allocation or formatting. Everything else may log. */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/vmx_insn.h"
#include "ept/ept_bits.h"
#include "ept/ept_misconfig.h"
#include "ept/ept_violation.h"
#include "vmm/exit_qual_cr.h"
#include "vmm/exit_qual_io.h"
#include "vmm/fmt.h"
#include "vmm/guest_layout.h"
#include "vmm/hv.h"
#include "vmm/hypercall.h"
#include "vmm/interruption_info.h"
#include "vmm/log.h"
#include "vmm/page_pool.h"
#include "vmm/vm.h"
#include "vmm/vmcs_fields.h"

#define CPUID_HV_BASE        0x40000000u
#define CPUID_HV_LAST        0x400000ffu
#define CPUID_HV_MAX_LEAF    0x40000001u
#define CPUID_1_ECX_VMX      (1u << 5)
#define CPUID_1_ECX_HYPERVISOR (1u << 31)
#define HV_ABI_VERSION       1
/* "MiniHVMiniHV" as CPUID returns a vendor: EBX, ECX, EDX, little-endian. */
#define HV_VENDOR_EBX 0x696e694du   /* "Mini" */
#define HV_VENDOR_ECX 0x694d5648u   /* "HVMi" */
#define HV_VENDOR_EDX 0x5648696eu   /* "niHV" */

#define UART_LSR_OFFSET 5
#define UART_LSR_IDLE   0x60        /* THRE | TEMT: the emulated port is always ready */

#define VECTOR_GP 13

struct vm *current_vm;

typedef void (*exit_handler_fn)(struct vm *vm, struct guest_regs *r);

/* On the path of every common exit: raw VMREAD/VMWRITE of fields that always exist in a
 * current VMCS (a failure would be a hypervisor bug the next VM entry reports). */
static inline uint64_t vmread_hot(uint64_t field)
{
	uint64_t v = 0;

	vmx_raw_vmread(field, &v);
	return v;
}

static inline void skip_instruction(void)
{
	vmx_raw_vmwrite(GUEST_RIP, vmread_hot(GUEST_RIP) + vmread_hot(VM_EXIT_INSTRUCTION_LEN));
}

static void inject_gp(void)
{
	vmwrite(VM_ENTRY_INTR_INFO_FIELD, intr_info_encode(VECTOR_GP, INTR_TYPE_HW_EXCEPTION, true));
	vmwrite(VM_ENTRY_EXCEPTION_ERROR_CODE, 0);
}

void vm_invept(struct vm *vm, int flush)
{
	if (flush == EPT_FLUSH_NONE)
		return;
	/* Single-context when the CPU has it, else all-context (§29.4.3.1). */
	invept(vm->caps->invept_single ? EPT_FLUSH_SINGLE : EPT_FLUSH_GLOBAL, vm->eptp);
}

static void log_registers(const struct guest_regs *r)
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

static void log_summary(const struct vm *vm)
{
	char line[LOG_LINE_MAX];
	int n = hv_snprintf(line, sizeof(line), "guest=%s exits=%llu", vm->guest_name,
			    (unsigned long long)vm->exits_total);

	for (uint32_t i = 0; i < EXIT_REASON_COUNT; i++) {
		if (!vm->exit_counts[i])
			continue;
		if (n > 180) {
			hv_log("summary: %s", line);
			n = 0;
			line[0] = '\0';
		}
		n += hv_snprintf(line + n, sizeof(line) - (size_t)n, "%s%s=%llu", n ? " " : "", exit_reason_name(i),
				 (unsigned long long)vm->exit_counts[i]);
	}
	hv_log("summary: %s", line);
}

/* After the guest: walk every EPT leaf and prove none maps anything outside the guest's region
 * (GPA == HPA, both inside [mem_base, mem_base + mem_size)). */
struct ept_audit {
	const struct vm *vm;
	uint64_t mapped, outside, first_gpa, first_entry;
};

static void audit_leaf(void *ctx, uint64_t gpa, uint64_t size, uint64_t entry)
{
	struct ept_audit *a = ctx;
	uint64_t hpa = entry & EPT_PTE_ADDR_MASK & ~(size - 1);

	if (hpa == gpa && guest_gpa_in_region(a->vm, gpa, size)) {
		a->mapped += size;
		return;
	}
	if (!a->outside++) {
		a->first_gpa = gpa;
		a->first_entry = entry;
	}
}

static bool audit_ept(const struct vm *vm)
{
	struct ept_audit a = { vm, 0, 0, 0, 0 };
	uint64_t leaves = ept_for_each_leaf(&vm->ept, audit_leaf, &a);
	uint64_t last = vm->mem_base + vm->mem_size - 1;

	if (a.outside) {
		hv_log("ept-audit: FAILED leaves=%llu outside=%llu first gpa=0x%llx entry=0x%016llx region=0x%llx-0x%llx",
		       (unsigned long long)leaves, (unsigned long long)a.outside, (unsigned long long)a.first_gpa,
		       (unsigned long long)a.first_entry, (unsigned long long)vm->mem_base, (unsigned long long)last);
		return false;
	}
	hv_log("ept-audit: leaves=%llu mapped=0x%llx outside=0 region=0x%llx-0x%llx", (unsigned long long)leaves,
	       (unsigned long long)a.mapped, (unsigned long long)vm->mem_base, (unsigned long long)last);
	return true;
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
	log_log_stats();
	if (!audit_ept(vm) && s == HV_OK)
		s = HV_E_EPT;
	hv_end(s);
}

/* Any exit without a handler: say what it was, show the guest, end it. */
static __attribute__((noreturn)) void end_unexpected(struct vm *vm, struct guest_regs *r, uint32_t basic)
{
	char what[160];

	(void)vm;
	hv_snprintf(what, sizeof(what), "ended: unhandled exit %u (%s) qualification=0x%llx rip=0x%llx", basic,
		    exit_reason_sdm_name(basic), (unsigned long long)vmread64(EXIT_QUALIFICATION),
		    (unsigned long long)vmread64(GUEST_RIP));
	log_registers(r);
	vm_end(HV_E_GUEST, what);
}

/* ---------------------------------------------------------------- common exits (no logging) */

static void handle_cpuid(struct vm *vm, struct guest_regs *r)
{
	uint32_t leaf = (uint32_t)r->gpr[GPR_RAX];
	struct cpuid_regs c = { 0, 0, 0, 0 };

	(void)vm;
	if (leaf >= CPUID_HV_BASE && leaf <= CPUID_HV_LAST) {
		/* Answered here, never by the real CPUID. */
		if (leaf == CPUID_HV_BASE)
			c = (struct cpuid_regs){ CPUID_HV_MAX_LEAF, HV_VENDOR_EBX, HV_VENDOR_ECX, HV_VENDOR_EDX };
		else if (leaf == CPUID_HV_MAX_LEAF)
			c.eax = HV_ABI_VERSION;
	} else {
		cpuid(leaf, (uint32_t)r->gpr[GPR_RCX], &c);
		if (leaf == 1)
			c.ecx = (c.ecx | CPUID_1_ECX_HYPERVISOR) & ~CPUID_1_ECX_VMX;
	}
	r->gpr[GPR_RAX] = c.eax;
	r->gpr[GPR_RBX] = c.ebx;
	r->gpr[GPR_RCX] = c.ecx;
	r->gpr[GPR_RDX] = c.edx;
	skip_instruction();
}

/* The guest's serial port: bytes collect into a line, printed with a "[guest] " prefix; a line
 * is cut at GUEST_LINE_MAX bytes, and the newline that follows a cut ends nothing more. */
static void guest_serial_byte(struct vm *vm, char c)
{
	if (c == '\r')
		return;
	if (c != '\n') {
		vm->line[vm->line_len++] = c;
		vm->line_cut = false;
		if (vm->line_len < GUEST_LINE_MAX)
			return;
		vm->line_cut = true;
	} else if (vm->line_cut && vm->line_len == 0) {
		vm->line_cut = false;
		return;
	}
	log_guest_line(vm->line, vm->line_len);
	vm->line_len = 0;
}

static void handle_io(struct vm *vm, struct guest_regs *r)
{
	struct io_qual q;
	uint64_t mask;

	io_qual_decode(vmread64(EXIT_QUALIFICATION), &q);
	if (q.string) {
		char what[96];
		hv_snprintf(what, sizeof(what), "ended: string I/O (INS/OUTS) on port 0x%x is not supported, rip=0x%llx",
			    q.port, (unsigned long long)vmread64(GUEST_RIP));
		vm_end(HV_E_GUEST, what);
	}
	if (q.in) {
		/* Emulated COM1: LSR says "ready", other registers read 0. Any other port reads as
		 * all ones, like an empty bus. Sizes are 1, 2 or 4 (§28.2.1, Table 28-5); a 4-byte IN
		 * writes EAX, which clears RAX[63:32] like any 32-bit register write. */
		mask = q.size == 1 ? 0xffull : q.size == 2 ? 0xffffull : 0xffffffffull;
		uint64_t v = mask;
		if (q.port >= GUEST_SERIAL_PORT && q.port < GUEST_SERIAL_PORT + 8)
			v = q.port == GUEST_SERIAL_PORT + UART_LSR_OFFSET ? UART_LSR_IDLE : 0;
		if (mask != 0xffffffffull)
			r->gpr[GPR_RAX] = (r->gpr[GPR_RAX] & ~mask) | (v & mask);
		else
			r->gpr[GPR_RAX] = v & mask;
	} else if (q.port == GUEST_SERIAL_PORT) {
		guest_serial_byte(vm, (char)r->gpr[GPR_RAX]);
	}
	/* Writes to other ports (GUEST_DEBUG_PORT included) are dropped: the guest owns no device. */
	skip_instruction();
}

static void handle_vmcall(struct vm *vm, struct guest_regs *r)
{
	if (r->gpr[GPR_RAX] == HC_NOP)
		r->gpr[GPR_RAX] = 0;       /* the benchmark's round trip: nothing else to do */
	else
		hypercall_dispatch(vm, r);
	skip_instruction();
}

/* ---------------------------------------------------------------- instructions emulated simply */

static void handle_skip(struct vm *vm, struct guest_regs *r)
{
	/* HLT (nothing will wake a guest with IF=0: it just continues), INVD, WBINVD. */
	(void)vm;
	(void)r;
	skip_instruction();
}

static void handle_msr(struct vm *vm, struct guest_regs *r)
{
	uint32_t reason = (uint32_t)vmread64(VM_EXIT_REASON) & EXIT_REASON_BASIC_MASK;

	(void)vm;
	hv_log_tagged(LOG_TAG_MSR, "msr: guest %s 0x%llx refused: #GP injected (rip=0x%llx)", reason == EXIT_REASON_RDMSR ? "RDMSR" : "WRMSR",
	       (unsigned long long)(uint32_t)r->gpr[GPR_RCX], (unsigned long long)vmread64(GUEST_RIP));
	inject_gp();
}

static void handle_xsetbv(struct vm *vm, struct guest_regs *r)
{
	struct cpuid_regs c;
	uint64_t xcr0 = (r->gpr[GPR_RDX] << 32) | (uint32_t)r->gpr[GPR_RAX];

	(void)vm;
	cpuid(0xd, 0, &c);
	/* §13.3: ECX must be 0, x87 (bit 0) always on, AVX (bit 2) needs SSE (bit 1), nothing unsupported. */
	if ((uint32_t)r->gpr[GPR_RCX] != 0 || !(xcr0 & 1) || ((xcr0 & 4) && !(xcr0 & 2)) ||
	    (xcr0 & ~(((uint64_t)c.edx << 32) | c.eax)) || !(read_cr4() & (1ull << 18))) {
		hv_log_tagged(LOG_TAG_XSETBV, "xsetbv: guest XCR%u=0x%llx refused: #GP injected", (unsigned)r->gpr[GPR_RCX],
		       (unsigned long long)xcr0);
		inject_gp();
		return;
	}
	xsetbv(0, xcr0);
	skip_instruction();
}

static void handle_cr_access(struct vm *vm, struct guest_regs *r)
{
	struct cr_qual q;
	uint64_t *reg;
	char what[160];

	cr_qual_decode(vmread64(EXIT_QUALIFICATION), &q);
	reg = &r->gpr[q.gpr];
	if (q.cr == 3 && q.gpr != GPR_RSP) {
		/* CR3-load/store exiting may be forced on (default1 without TRUE controls). */
		if (q.type == CR_ACCESS_MOV_TO)
			vmwrite(GUEST_CR3, *reg);
		else if (q.type == CR_ACCESS_MOV_FROM)
			*reg = vmread64(GUEST_CR3);
		skip_instruction();
		return;
	}
	(void)vm;
	hv_snprintf(what, sizeof(what),
		    "ended: %s CR%u (gpr %u = 0x%llx) would change host-owned bits (VMX fixed bits), rip=0x%llx",
		    cr_access_type_name(q.type), q.cr, q.gpr, (unsigned long long)*reg,
		    (unsigned long long)vmread64(GUEST_RIP));
	vm_end(HV_E_GUEST, what);
}

/* ---------------------------------------------------------------- events that end the guest */

static void handle_triple_fault(struct vm *vm, struct guest_regs *r)
{
	char what[96];

	(void)vm;
	hv_snprintf(what, sizeof(what), "ended: triple fault (shutdown) at rip=0x%llx",
		    (unsigned long long)vmread64(GUEST_RIP));
	log_registers(r);
	vm_end(HV_E_GUEST, what);
}

static void handle_exception_nmi(struct vm *vm, struct guest_regs *r)
{
	struct intr_info ii;
	char what[160];

	(void)vm;
	intr_info_decode((uint32_t)vmread64(VM_EXIT_INTR_INFO), &ii);
	hv_snprintf(what, sizeof(what), "ended: %s vector=%u error_code=0x%llx rip=0x%llx", intr_type_name(ii.type),
		    ii.vector, (unsigned long long)(ii.has_error_code ? vmread64(VM_EXIT_INTR_ERROR_CODE) : 0),
		    (unsigned long long)vmread64(GUEST_RIP));
	log_registers(r);
	vm_end(HV_E_GUEST, what);
}

static void handle_preemption_timer(struct vm *vm, struct guest_regs *r)
{
	if (vm->budget_left) {
		/* A budget over 2^32 timer counts: the next round. */
		uint64_t next = vm->budget_left > VMX_PREEMPTION_TIMER_MAX ? VMX_PREEMPTION_TIMER_MAX : vm->budget_left;
		vm->budget_left -= next;
		vmx_raw_vmwrite(VMX_PREEMPTION_TIMER_VALUE, next);
		return;
	}
	log_registers(r);
	vm_end(HV_E_GUEST, "ended: time budget used up (VMX-preemption timer)");
}

/* ---------------------------------------------------------------- EPT */

/* The ept-violation line is formatted when it leaves the log ring, not on the exit path:
 * args = RIP, GPA, GLA, qualification, decode context (bit 0 advanced info, bit 1 NMI bit). */
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

	log_deferred(format_ept_violation, a);
}

/* ept-policy lines, formatted later too: args = what, GPA, resume RIP, fault count. */
enum { POLICY_OUTSIDE, POLICY_KEEP, POLICY_RESUME, POLICY_REGRANT };

static void format_ept_policy(char *buf, size_t len, const uint64_t a[LOG_DEFERRED_ARGS])
{
	const struct vm *vm = current_vm;
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

static __attribute__((noinline)) void log_ept_policy_line(uint64_t what, uint64_t gpa, uint64_t rip, uint64_t faults)
{
	uint64_t a[LOG_DEFERRED_ARGS] = { what, gpa, rip, faults, 0 };

	log_deferred(format_ept_policy, a);
}

/* The ept-policy line follows its ept-violation line: logged when that was, counted when not
 * (and neither with exit_log=off). */
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

static void handle_ept_violation(struct vm *vm, struct guest_regs *r)
{
	uint64_t gpa = vmread_hot(GUEST_PHYSICAL_ADDRESS);
	struct protected_page *p;
	bool logged = false;
	char what[160];

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
		hv_snprintf(what, sizeof(what), "ended: access to gpa=0x%llx outside its memory 0x%llx-0x%llx",
			    (unsigned long long)gpa, (unsigned long long)vm->mem_base,
			    (unsigned long long)(vm->mem_base + vm->mem_size - 1));
		vm_end(HV_E_GUEST, what);
	}
	p = hypercall_find_protected(vm, gpa);
	if (!p) {
		hv_snprintf(what, sizeof(what), "ended: violation at gpa=0x%llx on a page it never protected",
			    (unsigned long long)gpa);
		vm_end(HV_E_GUEST, what);
	}
	p->faults++;
	if (p->on_fault == HC_FAULT_RESUME) {
		vmx_raw_vmwrite(GUEST_RIP, vm->resume_rip);
		log_ept_policy(vm, logged, POLICY_RESUME, p->gpa, vm->resume_rip, p->faults);
		return;
	}
	if (p->on_fault == HC_FAULT_KEEP) {
		log_ept_policy(vm, logged, POLICY_KEEP, p->gpa, 0, p->faults);
		return;
	}
	uint64_t page = p->gpa;
	if (hypercall_regrant(vm, p) != EPT_OK)
		vm_end(HV_E_EPT, "ended: no memory to re-grant a protected page");
	log_ept_policy(vm, logged, POLICY_REGRANT, page, 0, 0);
}

static void handle_ept_misconfig(struct vm *vm, struct guest_regs *r)
{
	struct ept_misconfig m;
	uint64_t gpa = vmread64(GUEST_PHYSICAL_ADDRESS);
	char body[LOG_LINE_MAX - 40];
	struct ept_attr rwx = { EPT_READ | EPT_WRITE | EPT_EXEC, EPT_MT_WB, false };
	enum ept_flush flush = EPT_FLUSH_NONE;

	ept_misconfig_diagnose(&vm->ept, gpa, &m);
	ept_misconfig_format(&m, body, sizeof(body));
	hv_log("ept-misconfig rip=0x%llx %s", (unsigned long long)vmread64(GUEST_RIP), body);
	if (!vm->misconfig_gpa || (gpa & ~(PAGE_SIZE - 1)) != vm->misconfig_gpa) {
		log_registers(r);
		vm_end(HV_E_EPT, "ended: EPT misconfiguration the hypervisor did not plant");
	}
	/* The one HC_EPT_MISCONFIG_DEMO planted: put a sane leaf back, then the normal mapping. */
	ept_debug_set_raw_leaf(&vm->ept, vm->misconfig_gpa, vm->misconfig_gpa | (EPT_MT_WB << 3) | 3);
	ept_map(&vm->ept, vm->misconfig_gpa, vm->misconfig_gpa, PAGE_SIZE, rwx, EPT_MAP_REPLACE, &flush);
	vm_invept(vm, EPT_FLUSH_SINGLE);
	if (vm->exit_log)
		hv_log("ept-policy: gpa=0x%llx misconfiguration planted by HC_EPT_MISCONFIG_DEMO: repaired rwx",
		       (unsigned long long)vm->misconfig_gpa);
	vm->misconfig_gpa = 0;
}

/* ---------------------------------------------------------------- VM-entry failures */

/* Exit qualification of a VM-entry failure due to invalid guest state (§27.8). */
static const char *entry_failure_qual_name(uint32_t basic, uint64_t q)
{
	if (basic == EXIT_REASON_MSR_LOAD_FAIL)
		return "index of the failing VM-entry MSR-load entry";
	if (basic != EXIT_REASON_INVALID_GUEST_STATE)
		return "none";
	switch (q) {
	case 2:
		return "PDPTE loading";
	case 3:
		return "NMI injection blocked by STI";
	case 4:
		return "invalid VMCS link pointer";
	default:
		return "a guest-state check: see the dump";
	}
}

static __attribute__((noreturn)) void end_entry_failure(uint32_t reason)
{
	uint32_t basic = reason & EXIT_REASON_BASIC_MASK;
	uint64_t q = vmread64(EXIT_QUALIFICATION);
	char what[200];

	hv_log("vm-entry failed: exit reason %u (%s) qualification=0x%llx (%s)", basic, exit_reason_sdm_name(basic),
	       (unsigned long long)q, entry_failure_qual_name(basic, q));
	vmcs_dump_guest_state();
	hv_snprintf(what, sizeof(what), "ended: VM entry failed (%s)", exit_reason_sdm_name(basic));
	vm_end(HV_E_VMLAUNCH, what);
}

void vmx_resume_failed(uint64_t rflags)
{
	char why[120], what[160];

	vmx_report_failure("VMRESUME", vmx_describe_entry_failure("VMRESUME", rflags, why, sizeof(why)), 0);
	hv_snprintf(what, sizeof(what), "ended: %s", why);
	vmcs_dump_guest_state();
	vm_end(HV_E_VMLAUNCH, what);
}

static const exit_handler_fn handlers[EXIT_REASON_COUNT] = {
	[EXIT_REASON_EXCEPTION_NMI] = handle_exception_nmi,
	[EXIT_REASON_TRIPLE_FAULT] = handle_triple_fault,
	[EXIT_REASON_CPUID] = handle_cpuid,
	[EXIT_REASON_HLT] = handle_skip,
	[EXIT_REASON_INVD] = handle_skip,
	[EXIT_REASON_VMCALL] = handle_vmcall,
	[EXIT_REASON_CR_ACCESS] = handle_cr_access,
	[EXIT_REASON_IO_INSTRUCTION] = handle_io,
	[EXIT_REASON_RDMSR] = handle_msr,
	[EXIT_REASON_WRMSR] = handle_msr,
	[EXIT_REASON_EPT_VIOLATION] = handle_ept_violation,
	[EXIT_REASON_EPT_MISCONFIG] = handle_ept_misconfig,
	[EXIT_REASON_PREEMPTION_TIMER] = handle_preemption_timer,
	[EXIT_REASON_WBINVD] = handle_skip,
	[EXIT_REASON_XSETBV] = handle_xsetbv,
};

/* Everything but a plain exit with a handler: a failed VM entry (bit 31), the other flag bits
 * of the exit reason (§25.9.1), a reason without a handler. Kept out of the hot path. */
static __attribute__((noinline, cold)) void dispatch_rare(struct vm *vm, struct guest_regs *r, uint32_t reason)
{
	uint32_t basic = reason & EXIT_REASON_BASIC_MASK;

	if (basic < EXIT_REASON_COUNT)
		vm->exit_counts[basic]++;
	if (reason & EXIT_REASON_ENTRY_FAILURE)
		end_entry_failure(reason);
	if (basic < EXIT_REASON_COUNT && handlers[basic]) {
		handlers[basic](vm, r);
		return;
	}
	end_unexpected(vm, r, basic);
}

void vmx_exit_dispatch(struct guest_regs *r)
{
	struct vm *vm = current_vm;
	uint32_t reason = (uint32_t)vmread_hot(VM_EXIT_REASON);
	exit_handler_fn h;

	log_poll();   /* never waits: only what the UART's FIFO has room for, now and then */
	vm->exits_total++;
	/* A reason with a flag bit set (entry failure, bit 31) is out of range here. */
	if (reason < EXIT_REASON_COUNT && (h = handlers[reason]) != 0) {
		vm->exit_counts[reason]++;
		h(vm, r);
		return;
	}
	dispatch_rare(vm, r, reason);
}
