// SPDX-License-Identifier: MIT
/*
 * tests/fuzz/fuzz_exit_dispatch.c - bytes -> a sequence of VM exits fed to the hypervisor's own
 * vmx_exit_dispatch (vmm/exit/, vmm/vm/hypercall.c, arch/lib/log.c, ept/) over the fake VMCS and CPU
 * of tests/host/fake_vmcs.c. Every input starts from a fresh VM; an exit that ends the guest
 * longjmps back (fake hv_end) and ends the input; an input that did not end the guest is ended
 * with HC_DONE, so the end-of-guest lines are checked every time.
 *
 * Input: one header byte (bit 0: HV.CFG exit_log=off; bit 1: a CPU without execute-only EPT
 * and with all-context INVEPT only; bits 2-3: TSC ticks left before the budget's deadline at the
 * start: 0, 1, 2^32, 3 * (2^32 - 1) - 1), then records of REC_SIZE bytes, one exit each (at most
 * MAX_EXITS; a short tail is ignored):
 *   [0]  exit reason: < 160 one of common_reasons (handled ones weighted, a few unhandled),
 *        < 248 that number - 160 (0..87), else a raw 16-bit reason from [28..29]
 *   [1]  flags: bit 0 the entry-failure bit; 1 reason bits 30:16 from [30..31]; 2 the TSC jumps
 *        a rate-limit interval; 3 the UART's room changes ([3] % 3: none, 16 bytes, plenty);
 *        4 the next EPT-table allocation fails; 5 CR4.OSXSAVE clear; 6-7 how [12..19] becomes an
 *        address: raw, near the guest's memory (a page either side), a page inside, its last bytes
 *   [2]  instruction length (< 240: mod 16, else as is)
 *   [3]  selector: VMCALL number (< 200: mod 10, 8-9 unknown; else raw [24..31]; bit 6 raw RSI,
 *        bit 5 raw RDX); CPUID leaf (< 200: from a table); I/O bit 0: the port is COM1's; MSR
 *        (< 160: ECX from a table; bit 6 raw EDX, else bit 5 a negative one, else a small one)
 *   [4..11] exit qualification   [12..19] address / RAX / MSR / CR value
 *   [20..27] RSI / RCX / GLA / interruption info / MSR value (RAX)
 *   [28..31] RDX / XSETBV's ECX / error code / MSR value (EDX)
 * Guest memory holds a fixed pattern (tests/host/fake_vmcs.c fill_pattern: text, NULs, newlines,
 * control bytes; no NUL in the last page). The seeds in tests/fuzz/corpus/fuzz_exit_dispatch/
 * cover each handler and hypercall; those named bug-* reproduce open hypervisor bugs, regress-*
 * fixed ones.
 *
 * Invariants (a violation prints why and traps; sanitizers report the rest):
 *  - guest memory is never written (it is mapped read-only: a write faults);
 *  - RIP: an instruction the hypervisor completes advances by exactly the instruction length;
 *    a refused one (#GP injected) and a kept EPT violation leave it; a refused EPT access moves it
 *    to the guest's resume address, which is inside its memory; nothing else;
 *  - only the registers an instruction writes change (CPUID: RAX-RDX; IN, VMCALL: RAX, IN only
 *    its width; MOV from CR3: its GPR; RDMSR: RAX, RDX); a hypercall returns 0..200 or a
 *    documented error;
 *  - VMWRITEs only to GUEST_RIP, the VM-entry event fields, GUEST_CR3, HOST_RIP and (WRMSR) the
 *    written MSR's guest-state field; none fails; no VMREAD fails; RDMSR/WRMSR of an MSR the VMCS
 *    keeps read or write its field, with the value checked by a model of the CPU's WRMSR here;
 *    #GP is injected exactly as other MSRs, bad MSR values and bad XSETBV need, and an XSETBV the
 *    hypervisor executes is one the CPU would not fault on (arch/x86_64/xsave.c); the preemption
 *    timer re-arms while the deadline is ahead (min(ticks left, 2^32 - 1) counts), else the guest
 *    ends; an NMI or an external interrupt resumes the guest untouched;
 *  - the per-reason count (and so vm_exits_total) goes up by one per dispatched exit in the table;
 *  - the EPT maps only the guest's memory, GPA == HPA, write-back, rwx except the pages the
 *    guest protected (with the permissions it asked for) and the planted misconfiguration;
 *    tables are never leaked (the arena is empty after ept_destroy);
 *  - every log line starts with "[hv] " or "[guest] ", fits LOG_LINE_MAX and is printable; the
 *    end of the guest comes in the documented order with a passing ept-audit; log: lines= is
 *    the number of lines written, suppressed= and dropped= the sums of the ratelimit and dropped
 *    notices; per tag msr and ept-violation, lines printed + suppressed (+ dropped) = events
 *    (msr: each #GP injected for RDMSR/WRMSR).
 *
 * FUZZ_DISPATCH_PRINT_LOG=1 prints each input's log (to see what a seed does).
 *
 * The seeds named regress-* are inputs that once found a hypervisor bug (guest bytes forging
 * [hv] lines, a resume at RIP 0, an I/O size of 8, HC_PROTECT recording a page it failed to map,
 * HC_PROTECT overwriting the planted misconfiguration); all are fixed.
 */
#define _GNU_SOURCE   /* memmem */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86_64/cr.h"
#include "arch/x86_64/xsave.h"
#include "arch/x86_64/msr.h"
#include "ept/ept.h"
#include "vmm/vm/protect.h"
#include "tests/host/fake_vmcs.h"
#include "vmm/decode/exit_qual_cr.h"
#include "vmm/decode/exit_qual_io.h"
#include "vmm/vm/hypercall.h"
#include "vmm/decode/interruption_info.h"
#include "arch/lib/log.h"
#include "vmm/vmx/vmcs_fields.h"

#define REC_SIZE 32
#define MAX_EXITS 256
#define K4 4096ull

#define CHECK(c, ...)                                                                       \
	do {                                                                                \
		if (!(c)) {                                                                 \
			fprintf(stderr, "invariant failed: %s (line %d): ", #c, __LINE__); \
			fprintf(stderr, __VA_ARGS__);                                       \
			fprintf(stderr, "\n");                                              \
			dump_log();                                                         \
			__builtin_trap();                                                   \
		}                                                                           \
	} while (0)

static struct fake_vm fv;
static bool print_log;

/* Events counted by the fuzzer, to compare with the log at the end. */
static uint64_t ev_msr, ev_violation;

static void dump_log(void)
{
	size_t n = fake_log_len();
	const char *t = fake_log_text();

	fprintf(stderr, "---- log (%zu bytes, last 4000) ----\n%s\n----\n", n, n > 4000 ? t + n - 4000 : t);
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}


/* ------------------------------------------------------------------ building an exit */

static const uint16_t common_reasons[] = {
	EXIT_REASON_CPUID, EXIT_REASON_CPUID, EXIT_REASON_VMCALL, EXIT_REASON_VMCALL, EXIT_REASON_VMCALL,
	EXIT_REASON_VMCALL, EXIT_REASON_VMCALL, EXIT_REASON_VMCALL, EXIT_REASON_IO_INSTRUCTION,
	EXIT_REASON_IO_INSTRUCTION, EXIT_REASON_IO_INSTRUCTION, EXIT_REASON_IO_INSTRUCTION,
	EXIT_REASON_EPT_VIOLATION, EXIT_REASON_EPT_VIOLATION, EXIT_REASON_EPT_VIOLATION,
	EXIT_REASON_EPT_VIOLATION, EXIT_REASON_EPT_MISCONFIG, EXIT_REASON_RDMSR, EXIT_REASON_WRMSR,
	EXIT_REASON_XSETBV, EXIT_REASON_XSETBV, EXIT_REASON_CR_ACCESS, EXIT_REASON_CR_ACCESS,
	EXIT_REASON_HLT, EXIT_REASON_INVD, EXIT_REASON_WBINVD, EXIT_REASON_TRIPLE_FAULT,
	EXIT_REASON_EXCEPTION_NMI, EXIT_REASON_PREEMPTION_TIMER, EXIT_REASON_EXTERNAL_INTERRUPT,
	EXIT_REASON_INVALID_GUEST_STATE, 85, 86,
};
#define NCOMMON (sizeof(common_reasons) / sizeof(common_reasons[0]))

static uint64_t make_addr(unsigned mode, uint64_t raw)
{
	uint64_t base = fv.vm.mem_base, size = fv.vm.mem_size;

	switch (mode & 3) {
	case 0:
		return raw;
	case 1:
		return base - K4 + raw % (size + 2 * K4);     /* a page either side included */
	case 2:
		return base + ((raw % size) & ~(K4 - 1));     /* a page inside */
	default:
		return base + size - 1 - raw % 512;           /* its last bytes */
	}
}

static const uint32_t cpuid_leaves[] = { 0, 1, 7, 0xd, 0x40000000, 0x40000001, 0x40000002, 0x400000ff,
					 0x40000100, 0x80000000 };

static const uint32_t fuzz_msrs[] = { IA32_SYSENTER_CS, IA32_SYSENTER_ESP, IA32_SYSENTER_EIP, IA32_DEBUGCTL,
				      IA32_PAT, IA32_EFER, IA32_FS_BASE, IA32_GS_BASE, 0x10, 0x1b, 0x1d8,
				      IA32_KERNEL_GS_BASE, 0xc0000103, 0x40000000 };
#define NMSRS (sizeof(fuzz_msrs) / sizeof(fuzz_msrs[0]))

struct exit_in {
	uint32_t reason;
	uint64_t qual, len, addr;
	struct guest_regs regs;
};

/* Fill the VMCS and registers for one record. */
static void build_exit(const uint8_t *r, struct exit_in *e)
{
	uint8_t flags = r[1];
	uint64_t qual = get64(r + 4), a1 = get64(r + 12), a2 = get64(r + 20);
	uint32_t a3 = get32(r + 28);
	uint32_t reason;
	uint64_t *g = e->regs.gpr;

	if (r[0] < 160)
		reason = common_reasons[r[0] % NCOMMON];
	else if (r[0] < 248)
		reason = r[0] - 160u;
	else
		reason = a3 & 0xffff;
	if (flags & 2)
		reason |= a3 & 0x7fff0000u;
	if (flags & 1)
		reason |= EXIT_REASON_ENTRY_FAILURE;
	e->reason = reason;
	e->len = r[2] < 240 ? r[2] % 16 : r[2];
	e->addr = make_addr(flags >> 6, a1);
	g[GPR_RSP] = 0;                                   /* vmm/vmx/entry.asm pushes 0 there */

	switch (reason & EXIT_REASON_BASIC_MASK) {
	case EXIT_REASON_CPUID:
		g[GPR_RAX] = r[3] < 200 ? cpuid_leaves[r[3] % 10] | (a1 & 0xffffffff00000000ull) : a1;
		g[GPR_RCX] = a2;
		break;
	case EXIT_REASON_VMCALL:
		g[GPR_RAX] = r[3] < 200 ? r[3] % 10 : get64(r + 24);
		g[GPR_RDI] = e->addr;
		g[GPR_RSI] = r[3] & 0x40 ? a2 : a2 & 0x1ff;  /* permissions, a HC_WRITE count */
		g[GPR_RDX] = r[3] & 0x20 ? a3 : a3 & 3;       /* a policy */
		break;
	case EXIT_REASON_IO_INSTRUCTION:
		if (r[3] & 1)
			qual = (qual & ~0xffff0000ull) | ((uint64_t)(0x3f8 + (r[3] >> 1) % 8) << 16);
		g[GPR_RAX] = a1;
		break;
	case EXIT_REASON_EPT_VIOLATION:
	case EXIT_REASON_EPT_MISCONFIG:
		fake_vmcs_set(GUEST_PHYSICAL_ADDRESS, e->addr);
		fake_vmcs_set(GUEST_LINEAR_ADDRESS, a2);
		fake_vmcs_set(IDT_VECTORING_INFO_FIELD, a3 & 1 ? INTR_INFO_VALID : 0);
		break;
	case EXIT_REASON_RDMSR:
	case EXIT_REASON_WRMSR:
		/* Mostly an MSR the guest has (or a neighbour), with values near the canonical edges. */
		g[GPR_RCX] = r[3] < 160 ? (a1 & 0xffffffff00000000ull) | fuzz_msrs[r[3] % NMSRS] : a1;
		g[GPR_RAX] = a2;
		g[GPR_RDX] = r[3] & 0x40 ? a3 : r[3] & 0x20 ? 0xffff8000u | (a3 & 0x7fff) : a3 & 0x7fff;
		break;
	case EXIT_REASON_XSETBV:
		g[GPR_RCX] = a3 & 0x10 ? a3 : 0;
		g[GPR_RAX] = a1;
		g[GPR_RDX] = a3 & 0x20 ? a2 : 0;
		break;
	case EXIT_REASON_CR_ACCESS:
		g[(qual >> 8) & 15] = a1;
		if (((qual >> 8) & 15) == GPR_RSP)
			g[GPR_RSP] = 0;
		break;
	case EXIT_REASON_EXCEPTION_NMI:
		fake_vmcs_set(VM_EXIT_INTR_INFO, a2);
		fake_vmcs_set(VM_EXIT_INTR_ERROR_CODE, a3);
		break;
	default:
		g[GPR_RAX] = a1;
		g[r[3] & 15] = a2;
		g[GPR_RSP] = 0;
		break;
	}
	e->qual = qual;
	fake_set_exit(reason, qual, e->len);
	if (flags & 4)
		fake_hw.tsc += LOG_RATELIMIT_INTERVAL;
	fake_hw.tsc += 1000 + r[3] * 97u;                     /* time passes: the log polls the UART */
	if (flags & 8)
		fake_hw.uart_room = r[3] % 3 == 0 ? 0 : r[3] % 3 == 1 ? 16 : FAKE_UART_ROOM_DEFAULT;
	fake_hw.cr4 = flags & 0x20 ? FAKE_CR4_DEFAULT & ~(1ull << 18) : FAKE_CR4_DEFAULT;
	fv.arena.fail_after = flags & 0x10 ? 0 : -1;
}

/* ------------------------------------------------------------------ the checks */

static bool is_allowed_write(uint32_t f)
{
	return f == GUEST_RIP || f == VM_ENTRY_INTR_INFO_FIELD || f == VM_ENTRY_EXCEPTION_ERROR_CODE ||
	       f == GUEST_CR3 || f == HOST_RIP || f == VMX_PREEMPTION_TIMER_VALUE;
}

/* The MSRs the VMCS keeps for the guest (docs/guest-abi.md), and a model of what the CPU's WRMSR
 * takes (linear addresses of 48 bits, CR0.PG = 1 and IA-32e mode, as the fake guest has them):
 * true with *stored = what the field then holds, false for #GP. */
static uint32_t kept_field(uint32_t msr)
{
	switch (msr) {
	case IA32_SYSENTER_CS: return GUEST_SYSENTER_CS;
	case IA32_SYSENTER_ESP: return GUEST_SYSENTER_ESP;
	case IA32_SYSENTER_EIP: return GUEST_SYSENTER_EIP;
	case IA32_DEBUGCTL: return GUEST_IA32_DEBUGCTL;
	case IA32_PAT: return GUEST_IA32_PAT;
	case IA32_EFER: return GUEST_IA32_EFER;
	case IA32_FS_BASE: return GUEST_FS_BASE;
	case IA32_GS_BASE: return GUEST_GS_BASE;
	default: return 0;
	}
}

static bool wrmsr_takes(uint32_t msr, uint64_t v, uint64_t efer_before, uint64_t *stored)
{
	int64_t sv = (int64_t)v;

	*stored = v;
	switch (msr) {
	case IA32_SYSENTER_CS:
		*stored = v & 0xffffffffull;
		return true;
	case IA32_DEBUGCTL:
		return v <= 3;
	case IA32_PAT:
		for (int i = 0; i < 64; i += 8)
			if (((v >> i) & 0xff) > 7 || ((v >> i) & 0xfe) == 2)
				return false;
		return true;
	case IA32_EFER:
		*stored = v | 0x400;
		return (v & ~0xd01ull) == 0 && ((v ^ efer_before) & 0x100) == 0;
	default:   /* the bases */
		return sv >= -(1ll << 47) && sv < (1ll << 47);
	}
}

static bool gp_injected(void)
{
	return fake_vmcs_writes_to(VM_ENTRY_INTR_INFO_FIELD) == 1 && fake_vmcs_get(VM_ENTRY_INTR_INFO_FIELD) == 0x80000b0du &&
	       fake_vmcs_writes_to(VM_ENTRY_EXCEPTION_ERROR_CODE) == 1 && fake_vmcs_get(VM_ENTRY_EXCEPTION_ERROR_CODE) == 0;
}

/* EPT: leaves only inside guest memory, GPA == HPA, WB; permissions as the guest set them (the
 * protected pages, sorted by GPA for the walk). */
struct ept_check {
	uint64_t mapped;
	uint64_t bad_gpa;
	int bad;
};

static void check_leaf(void *ctx, uint64_t gpa, uint64_t size, uint64_t entry)
{
	struct ept_check *c = ctx;
	uint64_t hpa = entry & 0x000ffffffffff000ull & ~(size - 1);
	unsigned perm = (unsigned)(entry & 7);

	c->mapped += size;
	if (c->bad)
		return;
	if (hpa != gpa || gpa < fv.vm.mem_base || gpa - fv.vm.mem_base >= fv.vm.mem_size ||
	    size > fv.vm.mem_size - (gpa - fv.vm.mem_base)) {
		c->bad = 1, c->bad_gpa = gpa;
		return;
	}
	if (fv.vcpu.misconfig_gpa && gpa == fv.vcpu.misconfig_gpa && size == K4) {
		if (perm != EPT_WRITE)
			c->bad = 2, c->bad_gpa = gpa;
		return;
	}
	if (((entry >> 3) & 7) != EPT_MT_WB) {
		c->bad = 3, c->bad_gpa = gpa;
		return;
	}
	/* The protected pages in [gpa, gpa + size) have this leaf's permissions; the others are rwx. */
	for (uint64_t page = gpa; page < gpa + size; page += K4) {
		const struct protected_page *p = protect_find(&fv.vm, page);
		unsigned want = p ? p->perm : (EPT_READ | EPT_WRITE | EPT_EXEC);

		if (want != perm) {
			c->bad = 4, c->bad_gpa = page;
			return;
		}
	}
}

static void check_ept(void)
{
	struct ept_check c;
	uint64_t unmapped = 0;

	c.mapped = c.bad_gpa = 0;
	c.bad = 0;
	for (uint64_t page = fv.vm.mem_base; page < fv.vm.mem_base + fv.vm.mem_size; page += K4) {
		const struct protected_page *p = protect_find(&fv.vm, page);

		if (p && !p->perm)
			unmapped += K4;
	}
	ept_for_each_leaf(&fv.vm.ept, check_leaf, &c);
	CHECK(!c.bad, "EPT leaf at gpa=0x%llx: %s", (unsigned long long)c.bad_gpa,
	      c.bad == 1 ? "outside the guest or GPA != HPA" : c.bad == 2 ? "misconfig page not write-only" :
	      c.bad == 3 ? "memory type not WB" : "permissions not as the guest set them");
	CHECK(c.mapped + unmapped == fv.vm.mem_size, "mapped 0x%llx + unmapped 0x%llx != memory",
	      (unsigned long long)c.mapped, (unsigned long long)unmapped);
}

static bool in_region(uint64_t a)
{
	return a >= fv.vm.mem_base && a - fv.vm.mem_base < fv.vm.mem_size;
}

/* After an exit the guest resumed from. */
static void check_msr(uint32_t basic, const struct guest_regs *before, const struct guest_regs *now, uint16_t changed,
		      uint64_t rip, uint64_t rip_before, uint64_t next, uint64_t efer_before)
{
	uint32_t msr = (uint32_t)before->gpr[GPR_RCX], field = kept_field(msr);
	uint64_t v, stored;

	if (!field) {
		CHECK(rip == rip_before && !changed && gp_injected(), "RDMSR/WRMSR of 0x%x: #GP, RIP and registers unchanged", msr);
		return;
	}
	if (basic == EXIT_REASON_RDMSR) {
		v = fake_vmcs_get(field);
		CHECK(rip == next && !(changed & ~((1u << GPR_RAX) | (1u << GPR_RDX))) && !fake_vmcs_writes_to(VM_ENTRY_INTR_INFO_FIELD) &&
		      now->gpr[GPR_RAX] == (uint32_t)v && now->gpr[GPR_RDX] == v >> 32,
		      "RDMSR 0x%x: EDX:EAX = its field, RIP +len", msr);
		return;
	}
	v = (before->gpr[GPR_RDX] << 32) | (uint32_t)before->gpr[GPR_RAX];
	CHECK(!changed, "WRMSR changed registers");
	if (wrmsr_takes(msr, v, efer_before, &stored))
		CHECK(rip == next && fake_vmcs_writes_to(field) == 1 && fake_vmcs_get(field) == stored &&
		      !fake_vmcs_writes_to(VM_ENTRY_INTR_INFO_FIELD), "WRMSR 0x%x = 0x%llx: written, RIP +len", msr,
		      (unsigned long long)v);
	else
		CHECK(rip == rip_before && !fake_vmcs_writes_to(field) && gp_injected(), "WRMSR 0x%x = 0x%llx: #GP, nothing written",
		      msr, (unsigned long long)v);
}

static void check_resumed(const struct exit_in *e, const struct guest_regs *before, uint64_t rip_before,
			  uint64_t total_before, uint64_t count_before, uint64_t budget_before, bool reference,
			  uint64_t efer_before)
{
	const struct guest_regs *now = &e->regs;
	uint32_t basic = e->reason & EXIT_REASON_BASIC_MASK;
	uint64_t rip = fake_vmcs_get(GUEST_RIP), next = rip_before + e->len;
	uint16_t changed = 0;

	uint32_t msr_field = basic == EXIT_REASON_WRMSR ? kept_field((uint32_t)before->gpr[GPR_RCX]) : 0;

	CHECK(fake_vmcs_failed_writes() == 0 && fake_vmcs_failed_reads() == 0, "a VMREAD/VMWRITE failed");
	for (size_t i = 0; i < fake_vmcs_nwrites() && i < FAKE_VMCS_MAX_WRITES; i++)
		CHECK(is_allowed_write(fake_vmcs_write_at(i)->field) || (msr_field && fake_vmcs_write_at(i)->field == msr_field),
		      "VMWRITE to field 0x%x", fake_vmcs_write_at(i)->field);
	for (int i = 0; i < 16; i++)
		if (i != GPR_RSP && now->gpr[i] != before->gpr[i])
			changed |= (uint16_t)(1u << i);
	if (reference) {
		CHECK(rip == next && !changed, "reference path: RIP must advance, registers stay");
		CHECK(vcpu_exits_total(&fv.vcpu) == total_before, "reference path exits are not counted");
		return;
	}
	CHECK(vcpu_exits_total(&fv.vcpu) == total_before + (basic < EXIT_REASON_COUNT), "vm_exits_total");
	if (basic < EXIT_REASON_COUNT)
		CHECK(fv.vcpu.exit_counts[basic] == count_before + 1, "exit_counts[%u]", basic);

	switch (basic) {
	case EXIT_REASON_CPUID:
		CHECK(rip == next, "CPUID: RIP");
		CHECK(!(changed & ~0xfu), "CPUID changed registers beyond RAX-RDX (0x%x)", changed);
		for (int i = 0; i < 4; i++)
			CHECK(now->gpr[i] >> 32 == 0, "CPUID result not zero-extended");
		break;
	case EXIT_REASON_HLT:
	case EXIT_REASON_INVD:
	case EXIT_REASON_WBINVD:
	case EXIT_REASON_MWAIT:
	case EXIT_REASON_MONITOR:
		CHECK(rip == next && !changed, "HLT/INVD/WBINVD/MWAIT/MONITOR: RIP +len, nothing else");
		break;
	case EXIT_REASON_VMCALL: {
		int64_t ret = (int64_t)now->gpr[GPR_RAX];
		CHECK(rip == next, "VMCALL: RIP");
		CHECK(!(changed & ~1u), "VMCALL changed registers beyond RAX (0x%x)", changed);
		CHECK(ret >= HC_E_STARTED && ret <= HC_PRINT_MAX, "VMCALL %llu returned %lld",
		      (unsigned long long)before->gpr[GPR_RAX], (long long)ret);
		if (before->gpr[GPR_RAX] == HC_VCPU_START)   /* one vCPU: there is none to start */
			CHECK(ret == HC_E_VCPU || ret == HC_E_RANGE, "HC_VCPU_START returned %lld", (long long)ret);
		if (before->gpr[GPR_RAX] == HC_VCPU_INDEX)
			CHECK(ret == 0, "HC_VCPU_INDEX returned %lld", (long long)ret);
		if (before->gpr[GPR_RAX] > HC_VCPU_INDEX)
			CHECK(ret == HC_E_UNKNOWN, "unknown hypercall returned %lld", (long long)ret);
		break;
	}
	case EXIT_REASON_IO_INSTRUCTION: {
		struct io_qual q;
		uint64_t mask;
		io_qual_decode(e->qual, &q);
		/* Sizes are 1, 2 or 4 (SDM Table 28-5); the hypervisor takes any other encoding as 4.
		 * IN AL/AX keep the rest of RAX; IN EAX clears RAX[63:32] as a 32-bit write does. */
		mask = q.size == 1 ? 0xffull : q.size == 2 ? 0xffffull : 0xffffffffull;
		CHECK(rip == next, "I/O: RIP");
		CHECK(!(changed & ~1u), "I/O changed registers beyond RAX");
		if (q.in && mask != 0xffffffffull)
			CHECK((now->gpr[GPR_RAX] & ~mask) == (before->gpr[GPR_RAX] & ~mask), "IN changed RAX beyond its width");
		else if (q.in)
			CHECK(now->gpr[GPR_RAX] >> 32 == 0, "IN EAX left RAX[63:32] set");
		else
			CHECK(!changed, "OUT changed RAX");
		break;
	}
	case EXIT_REASON_RDMSR:
	case EXIT_REASON_WRMSR:
		check_msr(basic, before, now, changed, rip, rip_before, next, efer_before);
		break;
	case EXIT_REASON_XSETBV:
		CHECK(!changed, "XSETBV changed registers");
		if (fake_vmcs_writes_to(VM_ENTRY_INTR_INFO_FIELD))
			CHECK(gp_injected() && rip == rip_before && fake_hw.xsetbv_calls == 0, "refused XSETBV: #GP, no XSETBV");
		else
			CHECK(rip == next && fake_hw.xsetbv_calls == 1 && !fake_vmcs_writes_to(VM_ENTRY_INTR_INFO_FIELD) &&
			      fake_hw.xsetbv_value == ((before->gpr[GPR_RDX] << 32) | (uint32_t)before->gpr[GPR_RAX]),
			      "XSETBV done: RIP +len, the guest's value");
		/* Never an XSETBV the CPU would fault on: XCR0 only, host CR4.OSXSAVE on, a valid value. */
		if (fake_hw.xsetbv_calls)
			CHECK(fake_hw.xsetbv_index == 0 && (fake_hw.cr4 & CR4_OSXSAVE) &&
			      xcr0_check(fake_hw.xsetbv_value, FAKE_CPUID_D_EAX) == XCR0_OK,
			      "XSETBV of 0x%llx executed: it would fault", (unsigned long long)fake_hw.xsetbv_value);
		break;
	case EXIT_REASON_CR_ACCESS: {
		struct cr_qual q;
		cr_qual_decode(e->qual, &q);
		if (q.cr == 8) {
			/* The guest's own CR8: a reserved bit gets #GP, else the value is kept. */
			if (q.type == CR_ACCESS_MOV_TO && before->gpr[q.gpr] > 15) {
				CHECK(gp_injected() && rip == rip_before && !changed, "MOV to CR8 of 0x%llx: #GP",
				      (unsigned long long)before->gpr[q.gpr]);
				break;
			}
			CHECK(rip == next, "CR8 access: RIP");
			if (q.type == CR_ACCESS_MOV_TO)
				CHECK(!changed && fv.vcpu.tpr == before->gpr[q.gpr], "MOV to CR8: kept");
			else
				CHECK(!(changed & ~(1u << q.gpr)) && now->gpr[q.gpr] == fv.vcpu.tpr, "MOV from CR8");
			break;
		}
		CHECK(q.cr == 3 && q.gpr != GPR_RSP, "a CR access other than CR3 or CR8 resumed the guest");
		CHECK(rip == next, "CR3 access: RIP");
		CHECK(!(changed & ~(1u << q.gpr)) && (q.type == CR_ACCESS_MOV_FROM || !changed),
		      "CR3 access changed registers it should not");
		if (q.type == CR_ACCESS_MOV_TO)
			CHECK(fake_vmcs_get(GUEST_CR3) == before->gpr[q.gpr], "MOV to CR3: GUEST_CR3");
		break;
	}
	case EXIT_REASON_EPT_VIOLATION:
		CHECK(!changed, "EPT violation changed registers");
		if (rip != rip_before || fake_vmcs_writes_to(GUEST_RIP)) {
			CHECK(fake_vmcs_writes_to(GUEST_RIP) == 1 && rip == fv.vm.resume_rip, "EPT violation: RIP not the resume address");
			CHECK(in_region(rip), "EPT violation resumed the guest at 0x%llx, outside its memory",
			      (unsigned long long)rip);
		}
		break;
	case EXIT_REASON_PREEMPTION_TIMER: {
		/* Guest time is up but wall time is left: re-armed with what is left of the deadline. */
		uint64_t counts = budget_before >> (fv.vm.caps->misc & 0x1f);
		uint64_t round = counts == 0 ? 1 : counts > VMX_PREEMPTION_TIMER_MAX ? VMX_PREEMPTION_TIMER_MAX : counts;
		CHECK(budget_before && !changed && rip == rip_before, "preemption timer resumed past the deadline");
		CHECK(fake_vmcs_get(VMX_PREEMPTION_TIMER_VALUE) == round, "preemption timer: re-armed with the rest");
		break;
	}
	case EXIT_REASON_EXCEPTION_NMI: {
		struct intr_info ii;
		intr_info_decode((uint32_t)fake_vmcs_get(VM_EXIT_INTR_INFO), &ii);
		CHECK(ii.type == INTR_TYPE_NMI && !changed && rip == rip_before, "only an NMI resumes the guest, untouched");
		break;
	}
	case EXIT_REASON_EXTERNAL_INTERRUPT:
		CHECK(!changed && rip == rip_before, "an external interrupt resumes the guest untouched");
		break;
	case EXIT_REASON_EPT_MISCONFIG:
		CHECK(!changed && rip == rip_before, "EPT misconfig repaired: RIP and registers unchanged");
		CHECK(fv.vcpu.misconfig_gpa == 0, "EPT misconfig repaired but still planted");
		break;
	default:
		CHECK(0, "exit reason 0x%x resumed the guest", e->reason);
	}
	if (basic == EXIT_REASON_EPT_VIOLATION && fake_vmcs_writes_to(VM_ENTRY_INTR_INFO_FIELD)) {
		/* An event whose delivery was interrupted, delivered again (same vector and type). */
		uint32_t vec = (uint32_t)fake_vmcs_get(IDT_VECTORING_INFO_FIELD);
		CHECK((vec & INTR_INFO_VALID) && rip == rip_before &&
		      (fake_vmcs_get(VM_ENTRY_INTR_INFO_FIELD) & 0x80000fffu) == (vec & 0x80000fffu),
		      "EPT violation: only the interrupted event is delivered again");
	} else if (basic != EXIT_REASON_RDMSR && basic != EXIT_REASON_WRMSR && basic != EXIT_REASON_XSETBV &&
		   basic != EXIT_REASON_CR_ACCESS) {
		CHECK(!fake_vmcs_writes_to(VM_ENTRY_INTR_INFO_FIELD), "an event injected on exit reason %u", basic);
	}
}

static bool printable(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return false;
	return true;
}

static bool starts(const char *p, size_t len, const char *prefix)
{
	size_t pl = strlen(prefix);
	return len >= pl && memcmp(p, prefix, pl) == 0;
}

/* The whole log of one guest, which has ended: one pass over its lines. */
static void check_log(enum hv_status status)
{
	const char *t = fake_log_text(), *end = t + fake_log_len();
	unsigned long long lines = 0, suppressed = 0, dropped = 0, n;
	unsigned long long notices_dropped = 0, notices_suppressed = 0, supp_msr = 0, supp_violation = 0;
	uint64_t msr_lines = 0, violation_lines = 0, policy_lines = 0;
	long nlines = 0, g = -1, sum = -1, lg = -1, audit = -1, nguest = 0, late_ratelimit = 0;
	char tag[32];

	CHECK(!fake_log_overflowed(), "capture overflowed");
	CHECK(fake_log_len() && end[-1] == '\n', "log does not end in a newline");
	for (const char *p = t; p < end; nlines++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)(nl - p);
		bool guest = starts(p, len, "[guest] ");
		CHECK(guest || starts(p, len, "[hv] "), "line %ld has no [hv]/[guest] prefix: %.*s", nlines, (int)len, p);
		CHECK(len < LOG_LINE_MAX, "line %ld too long (%zu)", nlines, len);
		CHECK(printable(p, len), "line %ld not printable: %.*s", nlines, (int)len, p);
		if (guest) {
			p = nl + 1;
			continue;
		}
		if (starts(p, len, "[hv] msr: "))
			msr_lines++;
		else if (starts(p, len, "[hv] ept-violation "))
			violation_lines++;
		else if (starts(p, len, "[hv] ept-policy: ") && !memmem(p, len, "misconfiguration planted", 24))
			policy_lines++;
		else if (sscanf(p, "[hv] log: %llu lines dropped", &n) == 1)
			notices_dropped += n;
		else if (sscanf(p, "[hv] ratelimit: %31[a-z-]: %llu lines suppressed", tag, &n) == 2) {
			notices_suppressed += n;
			supp_msr += strcmp(tag, "msr") ? 0 : n;
			supp_violation += strcmp(tag, "ept-violation") ? 0 : n;
			late_ratelimit += g >= 0;
		} else if (starts(p, len, "[hv] guest: ")) {
			g = nlines;
			nguest++;
		} else if (starts(p, len, "[hv] summary: ") && sum < 0) {
			sum = nlines;
		} else if (starts(p, len, "[hv] log: lines=")) {
			lg = nlines;
			CHECK(sscanf(p, "[hv] log: lines=%llu suppressed=%llu dropped=%llu", &lines, &suppressed, &dropped) == 3,
			      "log: line shape");
		} else if (starts(p, len, "[hv] ept-audit: ")) {
			audit = nlines;
			CHECK(starts(p, len, "[hv] ept-audit: leaves="), "ept-audit failed: %.*s", (int)len, p);
		}
		p = nl + 1;
	}
	CHECK(nguest == 1 && g < sum && sum < lg && audit == lg + 1 && nlines == lg + 3,
	      "guest:, summary:, log:, ept-audit:, end: in this order, once");
	CHECK(late_ratelimit == 0, "ratelimit reports come before guest:");
	CHECK(lines == (unsigned long long)lg, "log: lines=%llu, %ld lines written before it", lines, lg);
	CHECK(suppressed == notices_suppressed, "log: suppressed=%llu, ratelimit lines say %llu", suppressed,
	      notices_suppressed);
	CHECK(dropped == notices_dropped, "log: dropped=%llu, dropped notices say %llu", dropped, notices_dropped);
	msr_lines += supp_msr;
	CHECK(dropped ? msr_lines <= ev_msr && msr_lines + dropped >= ev_msr : msr_lines == ev_msr,
	      "msr lines %llu printed+suppressed, %llu events, %llu dropped", (unsigned long long)msr_lines,
	      (unsigned long long)ev_msr, dropped);
	if (fv.vm.exit_log) {
		violation_lines += supp_violation;
		CHECK(dropped ? violation_lines <= ev_violation && violation_lines + dropped >= ev_violation :
				violation_lines == ev_violation,
		      "ept-violation lines %llu printed+suppressed, %llu events", (unsigned long long)violation_lines,
		      (unsigned long long)ev_violation);
	} else {
		/* (The misconfiguration repair is an ept-policy line that exit_log=off keeps.) */
		CHECK(violation_lines == 0 && policy_lines == 0, "exit_log=off still logged violations");
	}
	CHECK(fake_end_status == status || status == (enum hv_status)-1, "status");
}

/* ------------------------------------------------------------------ one input */

static void end_with_done(void)
{
	struct guest_regs r;

	fake_regs_init(&fv, &r);
	r.gpr[GPR_RAX] = HC_DONE;
	r.gpr[GPR_RDI] = 0;
	fake_set_exit(EXIT_REASON_VMCALL, 0, 3);
	fake_vmcs_clear_writes();
	fv.arena.fail_after = -1;
	fake_hw.uart_room = FAKE_UART_ROOM_DEFAULT;
	CHECK(fake_exit(&r), "HC_DONE returned");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	static uint64_t current_caps;
	uint64_t caps;
	struct exit_in e;
	bool ended = false;
	size_t nexits = 0;
	unsigned ept_checks = 0;

	if (!ready) {
		struct fake_vm_opts o = { .arena_pages = 32 };
		print_log = getenv("FUZZ_DISPATCH_PRINT_LOG") != 0;
		if (!fake_vm_create(&fv, &o))
			abort();
		fake_vm_protect_memory(&fv, true);
		current_caps = fv.caps.ept_vpid_cap;
		ready = true;
	}
	if (!size)
		return 0;
	caps = data[0] & 2 ? 0x00000f0104114140ull : 0x00000f0106334141ull;
	if (caps != current_caps) {
		fake_vm_set_ept_caps(&fv, caps);
		current_caps = caps;
	}
	CHECK(fake_vm_reset(&fv), "EPT tables leaked by the previous guest");
	fv.vm.exit_log = !(data[0] & 1);
	fake_hw.tsc = fv.vcpu.deadline - (uint64_t[]){ 0, 1, 0x100000000ull, 0x2fffffffeull }[(data[0] >> 2) & 3];
	ev_msr = ev_violation = 0;
	fake_regs_init(&fv, &e.regs);
	data++, size--;

	for (; size >= REC_SIZE && nexits < MAX_EXITS; data += REC_SIZE, size -= REC_SIZE, nexits++) {
		struct guest_regs before;
		uint64_t rip_before, total_before, count_before, budget_before, efer_before;
		unsigned invepts = fake_hw.invept_calls;
		bool reference;

		build_exit(data, &e);
		budget_before = fv.vcpu.deadline > fake_hw.tsc ? fv.vcpu.deadline - fake_hw.tsc : 0;
		before = e.regs;
		rip_before = fake_vmcs_get(GUEST_RIP);
		total_before = vcpu_exits_total(&fv.vcpu);
		count_before = (e.reason & EXIT_REASON_BASIC_MASK) < EXIT_REASON_COUNT ?
			       fv.vcpu.exit_counts[e.reason & EXIT_REASON_BASIC_MASK] : 0;
		reference = fake_vmcs_get(HOST_RIP) == (uint64_t)(uintptr_t)vmx_exit_reference &&
			    e.reason == EXIT_REASON_CPUID;
		if (!reference && !(e.reason & EXIT_REASON_ENTRY_FAILURE))
			ev_violation += (e.reason & EXIT_REASON_BASIC_MASK) == EXIT_REASON_EPT_VIOLATION;
		efer_before = fake_vmcs_get(GUEST_IA32_EFER);
		fake_vmcs_clear_writes();
		fake_vmcs_set(VM_ENTRY_INTR_INFO_FIELD, 0);   /* the CPU clears its valid bit on VM entry */
		fake_hw.xsetbv_calls = 0;
		if (fake_exit(&e.regs)) {
			ended = true;
			break;
		}
		check_resumed(&e, &before, rip_before, total_before, count_before, budget_before, reference, efer_before);
		/* A refused RDMSR/WRMSR logs one msr: line (a kept MSR read or written logs nothing). */
		if (!reference && ((e.reason & EXIT_REASON_BASIC_MASK) == EXIT_REASON_RDMSR ||
				   (e.reason & EXIT_REASON_BASIC_MASK) == EXIT_REASON_WRMSR))
			ev_msr += gp_injected();
		/* The EPT changed: walk it now, for the first few changes (then only at the end: the
		 * walk costs more than the exit). */
		if (fake_hw.invept_calls != invepts && ept_checks < 4) {
			ept_checks++;
			check_ept();
		}
	}
	fv.arena.fail_after = -1;
	if (!ended)
		end_with_done();
	check_ept();
	if (print_log)
		fwrite(fake_log_text(), 1, fake_log_len(), stderr);
	check_log(ended ? (enum hv_status)-1 : HV_OK);
	return 0;
}
