// SPDX-License-Identifier: MIT
/* tests/host/fake_vmcs.c - the machine under the exit dispatcher, see the header. */
#include "tests/host/fake_vmcs.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "arch/lib/fmt.h"
#include "arch/lib/log.h"
#include "arch/x86_64/cr.h"
#include "vmm/exit/dispatch.h"
#include "vmm/shutdown.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/nmi.h"
#include "vmm/config.h"
#include "vmm/vm/budget.h"
#include "vmm/vm/entry_state.h"
#include "vmm/vm/layout.h"
#include "vmm/vm/multiboot.h"
#include "vmm/vm/protect.h"
#include "arch/lib/page_pool.h"
#include "arch/x86_64/cpu_ops.h"
#include "vmm/vmx/entry_check_image.h"
#include "vmm/vmx/controls.h"
#include "vmm/vmx/insn.h"
#include "vmm/vmx/vmcs_dump.h"
#include "vmm/vmx/vmcs_fields.h"

/* ------------------------------------------------------------------ the current VMCS */

struct field {
	uint32_t enc;
	bool absent;
	uint64_t value;
};

static struct field fields[FAKE_VMCS_MAX_FIELDS];
static size_t nfields;
static struct fake_vmwrite writes[FAKE_VMCS_MAX_WRITES];
static size_t nwrites, failed_writes, failed_reads;

#define VMX_ERR_UNSUPPORTED_FIELD 12
#define VMX_ERR_READ_ONLY_FIELD   13

void fake_vmcs_reset(void)
{
	nfields = 0;
	fake_vmcs_clear_writes();
	failed_reads = 0;
}

void fake_vmcs_clear_writes(void)
{
	nwrites = 0;
	failed_writes = 0;
}

/* SDM Vol. 3D Appendix B: bit 0 access type, 9:1 index, 11:10 type, 12 reserved, 14:13 width,
 * 31:15 reserved. Anything else is not a field on any CPU. */
static bool valid_encoding(uint64_t enc)
{
	return enc <= 0x7fffu && !(enc & (1u << 12)) && !((enc & 1) && ((enc >> 13) & 3) != 1);
}

bool fake_vmcs_is_read_only(uint32_t enc)
{
	return ((enc >> 10) & 3) == 1;   /* VM-exit information fields */
}

/* What the field keeps of a value: 16, 64, 32 or natural (64) bits; the high half of a 64-bit
 * field (access type 1) is 32 bits. */
static uint64_t width_mask(uint32_t enc)
{
	if (enc & 1)
		return 0xffffffffull;
	switch ((enc >> 13) & 3) {
	case 0: return 0xffffull;
	case 2: return 0xffffffffull;
	default: return ~0ull;
	}
}

struct fake_vmcs_copy {
	size_t n;
	struct field f[FAKE_VMCS_MAX_FIELDS];
};

void *fake_vmcs_save(void)
{
	struct fake_vmcs_copy *c = malloc(sizeof(*c));

	if (!c)
		abort();
	c->n = nfields;
	memcpy(c->f, fields, nfields * sizeof(fields[0]));
	return c;
}

void fake_vmcs_restore(const void *copy)
{
	const struct fake_vmcs_copy *c = copy;

	nfields = c->n;
	memcpy(fields, c->f, c->n * sizeof(fields[0]));
}

static struct field *find(uint32_t enc, bool create)
{
	for (size_t i = 0; i < nfields; i++)
		if (fields[i].enc == enc)
			return &fields[i];
	if (!create)
		return 0;
	if (nfields == FAKE_VMCS_MAX_FIELDS) {
		fprintf(stderr, "fake_vmcs: more than %d distinct fields\n", FAKE_VMCS_MAX_FIELDS);
		abort();
	}
	fields[nfields] = (struct field){ .enc = enc };
	return &fields[nfields++];
}

void fake_vmcs_set(uint32_t enc, uint64_t value)
{
	find(enc, true)->value = value & width_mask(enc);
}

uint64_t fake_vmcs_get(uint32_t enc)
{
	struct field *f = find(enc, false);
	return f ? f->value : 0;
}

void fake_vmcs_set_absent(uint32_t enc, bool absent)
{
	find(enc, true)->absent = absent;
}

bool fake_vmcs_has(uint32_t enc)
{
	struct field *f = find(enc, false);

	return f && !f->absent;
}

/* The fields that belong to a control: each exists where one of (at most) two controls may be 1. */
enum ctl_msr { CTL_NONE, CTL_PIN, CTL_PROC, CTL_PROC2, CTL_EXIT, CTL_ENTRY };

struct field_control {
	uint32_t enc;
	enum ctl_msr msr;
	uint32_t bit;
	enum ctl_msr msr2;
	uint32_t bit2;
};

/* SDM Vol. 3D Appendix B "Field Encoding in VMCS", the "exists only on processors that support
 * the 1-setting of" notes. The EPTP list belongs to the EPTP-switching VM function; here to "enable
 * VM functions". The guest BNDCFGS, LBR_CTL and UINV fields also come with VM-exit "clear"
 * controls that vmm/vmx/controls.h does not name; here only with their VM-entry "load" control. */
static const struct field_control field_controls[] = {
	{ VIRTUAL_PROCESSOR_ID, CTL_PROC2, PROC2_ENABLE_VPID, CTL_NONE, 0 },
	{ POSTED_INTR_NV, CTL_PIN, PIN_PROCESS_POSTED_INTERRUPTS, CTL_NONE, 0 },
	{ GUEST_UINV, CTL_ENTRY, ENTRY_LOAD_UINV, CTL_NONE, 0 },
	{ MSR_BITMAP, CTL_PROC, PROC_USE_MSR_BITMAPS, CTL_NONE, 0 },
	{ PML_ADDRESS, CTL_PROC2, PROC2_ENABLE_PML, CTL_NONE, 0 },
	{ VIRTUAL_APIC_PAGE_ADDR, CTL_PROC, PROC_USE_TPR_SHADOW, CTL_NONE, 0 },
	{ TPR_THRESHOLD, CTL_PROC, PROC_USE_TPR_SHADOW, CTL_NONE, 0 },
	{ APIC_ACCESS_ADDR, CTL_PROC2, PROC2_VIRTUALIZE_APIC_ACCESSES, CTL_NONE, 0 },
	{ POSTED_INTR_DESC_ADDR, CTL_PIN, PIN_PROCESS_POSTED_INTERRUPTS, CTL_NONE, 0 },
	{ VM_FUNCTION_CONTROL, CTL_PROC2, PROC2_ENABLE_VM_FUNCTIONS, CTL_NONE, 0 },
	{ EPTP_LIST_ADDRESS, CTL_PROC2, PROC2_ENABLE_VM_FUNCTIONS, CTL_NONE, 0 },
	{ EPT_POINTER, CTL_PROC2, PROC2_ENABLE_EPT, CTL_NONE, 0 },
	{ GUEST_PHYSICAL_ADDRESS, CTL_PROC2, PROC2_ENABLE_EPT, CTL_NONE, 0 },
	{ GUEST_PDPTR0, CTL_PROC2, PROC2_ENABLE_EPT, CTL_NONE, 0 },
	{ GUEST_PDPTR1, CTL_PROC2, PROC2_ENABLE_EPT, CTL_NONE, 0 },
	{ GUEST_PDPTR2, CTL_PROC2, PROC2_ENABLE_EPT, CTL_NONE, 0 },
	{ GUEST_PDPTR3, CTL_PROC2, PROC2_ENABLE_EPT, CTL_NONE, 0 },
	{ VMREAD_BITMAP, CTL_PROC2, PROC2_VMCS_SHADOWING, CTL_NONE, 0 },
	{ VMWRITE_BITMAP, CTL_PROC2, PROC2_VMCS_SHADOWING, CTL_NONE, 0 },
	{ VE_INFORMATION_ADDRESS, CTL_PROC2, PROC2_EPT_VIOLATION_VE, CTL_NONE, 0 },
	{ SPP_TABLE_POINTER, CTL_PROC2, PROC2_SUB_PAGE_WRITE_PERMISSIONS_FOR_EPT, CTL_NONE, 0 },
	{ TERTIARY_VM_EXEC_CONTROL, CTL_PROC, PROC_ACTIVATE_TERTIARY_CONTROLS, CTL_NONE, 0 },
	{ SECONDARY_VM_EXEC_CONTROL, CTL_PROC, PROC_ACTIVATE_SECONDARY_CONTROLS, CTL_NONE, 0 },
	{ VMX_PREEMPTION_TIMER_VALUE, CTL_PIN, PIN_PREEMPTION_TIMER, CTL_NONE, 0 },
	{ GUEST_IA32_PAT, CTL_ENTRY, ENTRY_LOAD_IA32_PAT, CTL_EXIT, EXIT_SAVE_IA32_PAT },
	{ HOST_IA32_PAT, CTL_EXIT, EXIT_LOAD_IA32_PAT, CTL_NONE, 0 },
	{ GUEST_IA32_EFER, CTL_ENTRY, ENTRY_LOAD_IA32_EFER, CTL_EXIT, EXIT_SAVE_IA32_EFER },
	{ HOST_IA32_EFER, CTL_EXIT, EXIT_LOAD_IA32_EFER, CTL_NONE, 0 },
	{ GUEST_IA32_PERF_GLOBAL_CTRL, CTL_ENTRY, ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL, CTL_NONE, 0 },
	{ HOST_IA32_PERF_GLOBAL_CTRL, CTL_EXIT, EXIT_LOAD_IA32_PERF_GLOBAL_CTRL, CTL_NONE, 0 },
	{ GUEST_BNDCFGS, CTL_ENTRY, ENTRY_LOAD_IA32_BNDCFGS, CTL_NONE, 0 },
	{ GUEST_IA32_RTIT_CTL, CTL_ENTRY, ENTRY_LOAD_IA32_RTIT_CTL, CTL_EXIT, EXIT_CLEAR_IA32_RTIT_CTL },
	{ GUEST_IA32_LBR_CTL, CTL_ENTRY, ENTRY_LOAD_IA32_LBR_CTL, CTL_NONE, 0 },
	{ GUEST_IA32_PKRS, CTL_ENTRY, ENTRY_LOAD_IA32_PKRS, CTL_NONE, 0 },
	{ HOST_IA32_PKRS, CTL_EXIT, EXIT_LOAD_IA32_PKRS, CTL_NONE, 0 },
	{ GUEST_S_CET, CTL_ENTRY, ENTRY_LOAD_CET_STATE, CTL_NONE, 0 },
	{ GUEST_SSP, CTL_ENTRY, ENTRY_LOAD_CET_STATE, CTL_NONE, 0 },
	{ GUEST_INTR_SSP_TABLE, CTL_ENTRY, ENTRY_LOAD_CET_STATE, CTL_NONE, 0 },
	{ HOST_S_CET, CTL_EXIT, EXIT_LOAD_CET_STATE, CTL_NONE, 0 },
	{ HOST_SSP, CTL_EXIT, EXIT_LOAD_CET_STATE, CTL_NONE, 0 },
	{ HOST_INTR_SSP_TABLE, CTL_EXIT, EXIT_LOAD_CET_STATE, CTL_NONE, 0 },
};

/* May the control be 1 on this CPU? (The allowed-1 half of its capability MSR.) */
static bool may_be_1(const struct vmx_caps *c, enum ctl_msr msr, uint32_t bit)
{
	uint64_t cap = msr == CTL_PIN	  ? c->pinbased
		       : msr == CTL_PROC  ? c->procbased
		       : msr == CTL_PROC2 ? c->procbased2
		       : msr == CTL_EXIT  ? c->exit
		       : msr == CTL_ENTRY ? c->entry
					  : 0;

	return (cap >> 32) & bit;
}

void fake_vmcs_reset_cpu(const struct vmx_caps *c)
{
	fake_vmcs_reset();
	for (size_t i = 0; i < sizeof(field_controls) / sizeof(field_controls[0]); i++) {
		const struct field_control *f = &field_controls[i];

		if (!may_be_1(c, f->msr, f->bit) && !may_be_1(c, f->msr2, f->bit2))
			fake_vmcs_set_absent(f->enc, true);
	}
}

static enum vmx_result fail_valid(uint32_t err)
{
	find(VM_INSTRUCTION_ERROR, true)->value = err;
	return VMX_FAIL_VALID;
}

enum vmx_result vmx_raw_vmread(uint64_t enc, uint64_t *value)
{
	struct field *f;

	if (!valid_encoding(enc)) {
		failed_reads++;
		return fail_valid(VMX_ERR_UNSUPPORTED_FIELD);
	}
	f = find((uint32_t)enc, false);
	if (f && f->absent) {
		failed_reads++;
		return fail_valid(VMX_ERR_UNSUPPORTED_FIELD);
	}
	*value = f ? f->value : 0;
	return VMX_OK;
}

enum vmx_result vmx_raw_vmwrite(uint64_t enc, uint64_t value)
{
	struct field *f;

	if (nwrites < FAKE_VMCS_MAX_WRITES)
		writes[nwrites] = (struct fake_vmwrite){ (uint32_t)enc, value };
	nwrites++;
	if (!valid_encoding(enc) || ((f = find((uint32_t)enc, false)) && f->absent)) {
		failed_writes++;
		return fail_valid(VMX_ERR_UNSUPPORTED_FIELD);
	}
	if (fake_vmcs_is_read_only((uint32_t)enc)) {
		failed_writes++;
		return fail_valid(VMX_ERR_READ_ONLY_FIELD);
	}
	fake_vmcs_set((uint32_t)enc, value);
	return VMX_OK;
}

size_t fake_vmcs_nwrites(void) { return nwrites; }
size_t fake_vmcs_failed_writes(void) { return failed_writes; }
size_t fake_vmcs_failed_reads(void) { return failed_reads; }

const struct fake_vmwrite *fake_vmcs_write_at(size_t i)
{
	return i < nwrites && i < FAKE_VMCS_MAX_WRITES ? &writes[i] : 0;
}

size_t fake_vmcs_writes_to(uint32_t enc)
{
	size_t n = 0;

	for (size_t i = 0; i < nwrites && i < FAKE_VMCS_MAX_WRITES; i++)
		n += writes[i].field == enc;
	return n;
}

/* VMXON, INVEPT... are inline assembly in vmm/vmx/insn.c: fakes here. (The failure
 * reporters come from vmm/vmx/insn_report.c, linked as they are.) */
enum vmx_result vmclear(uint64_t vmcs_pa)
{
	fake_hw.vmclears++;
	if (fake_hw.current_vmcs == vmcs_pa)
		fake_hw.current_vmcs = 0;
	return VMX_OK;
}

enum vmx_result vmptrld(uint64_t vmcs_pa)
{
	fake_hw.current_vmcs = vmcs_pa;
	return VMX_OK;
}

enum vmx_result invept(uint64_t type, uint64_t eptp)
{
	fake_hw.invept_calls++;
	fake_hw.invept_type = type;
	fake_hw.invept_eptp = eptp;
	if (type != EPT_FLUSH_SINGLE && type != EPT_FLUSH_GLOBAL)
		return vmx_report_failure("INVEPT", fail_valid(28), type);
	return VMX_OK;
}

enum vmx_result invvpid(uint64_t type, uint16_t vpid, uint64_t gla)
{
	fake_hw.invvpid_calls++;
	fake_hw.invvpid_type = type;
	(void)vpid;
	(void)gla;
	if (type > INVVPID_TYPE_SINGLE_CONTEXT_RETAINING_GLOBALS)
		return vmx_report_failure("INVVPID", fail_valid(28), type);
	return VMX_OK;
}

/* ------------------------------------------------------------------ the CPU */

struct fake_cpu_hw fake_hw;

void fake_cpuid_table(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *out)
{
	switch (leaf) {
	case 0:
		*out = (struct cpuid_regs){ 0x16, 0x756e6547, 0x6c65746e, 0x49656e69 };   /* GenuineIntel */
		break;
	case 1:
		*out = (struct cpuid_regs){ 0x00050654, 0x00100800, FAKE_CPUID_1_ECX, 0xbfebfbff };
		break;
	case 0xd:
		if (subleaf == 0) {
			*out = (struct cpuid_regs){ FAKE_CPUID_D_EAX, 0x340, 0xa88, 0 };
			break;
		}
		/* fall through */
	default:
		out->eax = leaf * 0x9e3779b1u ^ subleaf;
		out->ebx = out->eax * 0x85ebca6bu + 1;
		out->ecx = out->ebx * 0xc2b2ae35u + 2;
		out->edx = out->ecx * 0x27d4eb2fu + 3;
		break;
	}
}

void fake_hw_reset(void)
{
	fake_hw = (struct fake_cpu_hw){ .cpuid = fake_cpuid_table, .cr4 = FAKE_CR4_DEFAULT,
					.uart_room = FAKE_UART_ROOM_DEFAULT, .uart_patience = 100, .tsc = FAKE_TSC_START };
}

void cpuid(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *r)
{
	fake_hw.cpuid_calls++;
	fake_hw.cpuid_last_leaf = leaf;
	fake_hw.cpuid_last_subleaf = subleaf;
	(fake_hw.cpuid ? fake_hw.cpuid : fake_cpuid_table)(leaf, subleaf, r);
}

/* As the CPU does it in 64-bit mode: the four results zero-extended. */
void cpuid64(uint32_t leaf, uint32_t subleaf, struct cpuid_regs64 *r)
{
	struct cpuid_regs c;

	cpuid(leaf, subleaf, &c);
	*r = (struct cpuid_regs64){ c.eax, c.ebx, c.ecx, c.edx };
}

uint64_t read_cr0(void) { return fake_hw.cr0; }
uint64_t read_cr3(void) { return fake_hw.cr3; }
uint64_t read_cr4(void) { return fake_hw.cr4; }
void write_cr4(uint64_t v) { fake_hw.cr4 = v; fake_hw.cr4_writes++; }
void sgdt(struct desc_ptr *p) { *p = fake_hw.gdtr; }
void sidt(struct desc_ptr *p) { *p = fake_hw.idtr; }

/* arch/x86_64/gdt.c: the address of the hypervisor's TSS. */
uint64_t tss_base(void) { return fake_hw.tss_base; }

static struct fake_msr *find_msr(uint32_t index)
{
	for (unsigned i = 0; i < fake_hw.nmsr; i++)
		if (fake_hw.msr[i].index == index)
			return &fake_hw.msr[i];
	return 0;
}

void fake_msr_set(uint32_t index, uint64_t value)
{
	struct fake_msr *m = find_msr(index);

	if (!m) {
		if (fake_hw.nmsr == FAKE_MSR_MAX) {
			fprintf(stderr, "fake_vmcs: more than %d MSRs\n", FAKE_MSR_MAX);
			abort();
		}
		m = &fake_hw.msr[fake_hw.nmsr++];
		m->index = index;
	}
	m->value = value;
}

uint64_t rdmsr(uint32_t msr)
{
	struct fake_msr *m = find_msr(msr);

	if (!m) {
		fprintf(stderr, "fake_vmcs: RDMSR 0x%x, which the test did not set (fake_msr_set)\n", msr);
		abort();
	}
	return m->value;
}

void wrmsr(uint32_t msr, uint64_t v)
{
	fake_hw.msr_writes++;
	fake_msr_set(msr, v);
}

void xsetbv(uint32_t index, uint64_t v)
{
	fake_hw.xsetbv_calls++;
	fake_hw.xsetbv_index = index;
	fake_hw.xsetbv_value = v;
}

void outb(uint16_t port, uint8_t v)
{
	(void)port;
	(void)v;
	fake_hw.port_writes++;
}

uint8_t inb(uint16_t port)
{
	(void)port;
	fake_hw.port_reads++;
	return 0xff;
}

/* ------------------------------------------------------------------ the VM-entry checker's inputs */

/* vmm/vmx/entry_check_image.c reads the VMCS with VMREAD and memory through the identity map;
 * here the VMCS is the fake one and there is no physical memory to read (those checks are
 * skipped, as the checker's contract allows). */
uint64_t entry_check_vmread(void *ctx, uint32_t encoding)
{
	uint64_t v = 0;

	(void)ctx;
	return vmx_raw_vmread(encoding, &v) == VMX_OK ? v : 0;
}

bool entry_check_read_identity(void *ctx, uint64_t pa, void *buf, size_t len)
{
	(void)ctx;
	(void)pa;
	(void)buf;
	(void)len;
	return false;
}

/* arch/x86_64/cpu_ops.c's hw_cpu_ops: CPUID is the fake one, every MSR reads 0. */
static void hw_cpuid(void *ctx, uint32_t leaf, uint32_t subleaf, struct cpuid_regs *out)
{
	(void)ctx;
	cpuid(leaf, subleaf, out);
}

static uint64_t hw_rdmsr(void *ctx, uint32_t msr)
{
	(void)ctx;
	(void)msr;
	return 0;
}

static void hw_wrmsr(void *ctx, uint32_t msr, uint64_t value)
{
	(void)ctx;
	(void)msr;
	(void)value;
}

static uint64_t hw_read_cr4(void *ctx)
{
	(void)ctx;
	return read_cr4();
}

static void hw_write_cr4(void *ctx, uint64_t value)
{
	(void)ctx;
	write_cr4(value);
}

const struct cpu_ops hw_cpu_ops = { .cpuid = hw_cpuid, .rdmsr = hw_rdmsr, .wrmsr = hw_wrmsr,
				    .read_cr4 = hw_read_cr4, .write_cr4 = hw_write_cr4 };

/* ------------------------------------------------------------------ objects that cannot link here */

static jmp_buf *end_jmp;
enum hv_status fake_end_status;
unsigned fake_end_calls;

/* vmm/main.c: the real one turns VMX off and powers the machine off. */
void hv_end(enum hv_status s)
{
	hv_log("end: status=%s code=%d", hv_status_name(s), (int)s);
	fake_end_status = s;
	fake_end_calls++;
	if (!end_jmp) {
		fprintf(stderr, "fake_vmcs: hv_end(%s) outside fake_exit\n", hv_status_name(s));
		abort();
	}
	longjmp(*end_jmp, 1);
}

/* vmm/vm/vcpu_start.c: an AP whose vCPU ended halts for good; here the exit ends as hv_end's. */
unsigned fake_parked;

void vcpu_park(void)
{
	fake_parked++;
	if (!end_jmp) {
		fprintf(stderr, "fake_vmcs: vcpu_park outside fake_exit\n");
		abort();
	}
	longjmp(*end_jmp, 1);
}

void vcpu_ap_main(struct vcpu *v)
{
	(void)v;
	fprintf(stderr, "fake_vmcs: vcpu_ap_main called\n");
	abort();
}

void hv_fatal(enum hv_status s, const char *why)
{
	hv_log("FATAL %s (code %d): %s", hv_status_name(s), (int)s, why);
	hv_end(s);
}

/* arch/x86_64/isr.asm: an IRET to itself in the image. */
void nmi_unblock(void)
{
	fake_hw.nmi_unblocks++;
}

void vmcs_dump_guest_state(void)
{
	fake_hw.vmcs_dumps++;
	hv_log("guest-state: rip=0x%llx (host test: fake VMCS)", (unsigned long long)fake_vmcs_get(GUEST_RIP));
}

/* vmm/vmx/entry.asm: addresses only (HOST_RIP), never called on the host; fake_exit does what
 * the CPU and these entry points would do. */
void vmx_exit_entry(void)
{
	fprintf(stderr, "fake_vmcs: vmx_exit_entry called\n");
	abort();
}

void vmx_exit_reference(void)
{
	fprintf(stderr, "fake_vmcs: vmx_exit_reference called\n");
	abort();
}

/* A vCPU's VMLAUNCH on another CPU (vmm/vm/vcpu_start.c): host tests start vCPUs but never run
 * their CPUs, so reaching it is a test bug. */
uint64_t vmx_launch(struct guest_regs *regs)
{
	(void)regs;
	fprintf(stderr, "fake_vmcs: vmx_launch called\n");
	abort();
}

/* ------------------------------------------------------------------ running exits */

bool fake_call(void (*fn)(void *arg), void *arg)
{
	jmp_buf env, *outer = end_jmp;

	if (setjmp(env)) {
		end_jmp = outer;
		return true;
	}
	end_jmp = &env;
	fn(arg);
	end_jmp = outer;
	return false;
}

static void dispatch(void *regs)
{
	vmx_exit_dispatch(regs);
}

bool fake_exit(struct guest_regs *regs)
{
	uint64_t host_rip = fake_vmcs_get(HOST_RIP);

	fake_hw.exits++;
	if (host_rip == (uint64_t)(uintptr_t)vmx_exit_reference) {
		/* The reference path (vmm/vmx/entry.asm): a CPUID exit (the whole 32-bit reason) only
		 * advances RIP; anything else puts vmx_exit_entry back and takes it. */
		if ((uint32_t)fake_vmcs_get(VM_EXIT_REASON) == EXIT_REASON_CPUID) {
			fake_hw.reference_exits++;
			vmx_raw_vmwrite(GUEST_RIP, fake_vmcs_get(GUEST_RIP) + fake_vmcs_get(VM_EXIT_INSTRUCTION_LEN));
			return false;
		}
		vmx_raw_vmwrite(HOST_RIP, (uint64_t)(uintptr_t)vmx_exit_entry);
	} else if (host_rip != (uint64_t)(uintptr_t)vmx_exit_entry) {
		fprintf(stderr, "fake_vmcs: HOST_RIP=0x%llx is no exit entry point\n", (unsigned long long)host_rip);
		abort();
	}
	return fake_call(dispatch, regs);
}

void fake_set_exit(uint32_t reason, uint64_t qualification, uint64_t insn_len)
{
	fake_vmcs_set(VM_EXIT_REASON, reason);
	fake_vmcs_set(EXIT_QUALIFICATION, qualification);
	fake_vmcs_set(VM_EXIT_INSTRUCTION_LEN, insn_len);
}

/* ------------------------------------------------------------------ a guest */

#define K4 4096ull
#define M2 (2ull << 20)

/* IA32_VMX_EPT_VPID_CAP bits (SDM Vol. 3D §A.10). */
#define CAP_EXEC_ONLY     (1ull << 0)
#define CAP_WALK4         (1ull << 6)
#define CAP_WB            (1ull << 14)
#define CAP_2M            (1ull << 16)
#define CAP_1G            (1ull << 17)
#define CAP_INVEPT        (1ull << 20)
#define CAP_AD            (1ull << 21)
#define CAP_ADVANCED_INFO (1ull << 22)
#define CAP_INVEPT_SINGLE (1ull << 25)
#define CAP_INVEPT_ALL    (1ull << 26)
#define SKYLAKE_X_EPT_VPID_CAP 0x00000f0106334141ull

static void fill_caps(struct vmx_caps *c, uint64_t cap)
{
	memset(c, 0, sizeof(*c));
	memcpy(c->vendor, "GenuineIntel", 13);
	c->maxphyaddr = 48;   /* host addresses (the GPAs here) are below 2^47 */
	c->has_procbased2 = c->has_ept_vpid_cap = c->ept = c->vpid = true;
	c->preemption_timer = true;
	c->ept_vpid_cap = cap;
	c->ept_exec_only = cap & CAP_EXEC_ONLY;
	c->ept_walk4 = cap & CAP_WALK4;
	c->ept_wb = cap & CAP_WB;
	c->ept_2m = cap & CAP_2M;
	c->ept_1g = cap & CAP_1G;
	c->ept_ad = cap & CAP_AD;
	c->ept_advanced_info = cap & CAP_ADVANCED_INFO;
	c->invept = cap & CAP_INVEPT;
	c->invept_single = c->invept && (cap & CAP_INVEPT_SINGLE);
	c->invept_all = c->invept && (cap & CAP_INVEPT_ALL);
}

/* What a Multiboot guest needs of the CPU, and the VMX fixed bits of the Bochs models (CR0: PE, NE,
 * PG must be 1, every low bit may be; CR4: VMXE must be 1). */
static void fill_caps_multiboot(struct vmx_caps *c)
{
	c->unrestricted_guest = true;
	c->procbased2 = (uint64_t)(PROC2_ENABLE_EPT | PROC2_ENABLE_VPID | PROC2_UNRESTRICTED_GUEST) << 32;
	c->invvpid_all = true;
	c->cr0_fixed0 = CR0_PG | CR0_NE | CR0_PE;
	c->cr0_fixed1 = 0xffffffffull;
	c->cr4_fixed0 = CR4_VMXE;
	c->cr4_fixed1 = 0x3767ffull;
}

/* The guest's EPT as vmm/vm/guest_ept.c builds it, in the arena. */
static bool build_ept(struct fake_vm *fv)
{
	struct ept_caps ec;
	struct ept_allocator al = arena_allocator(&fv->arena);
	struct ept_attr rwx = { EPT_READ | EPT_WRITE | EPT_EXEC, EPT_MT_WB, false };

	ept_caps_from_msr(fv->caps.ept_vpid_cap, fv->caps.maxphyaddr, false, &ec);
	if (ept_init(&fv->vm.ept, &al, &ec, false) != EPT_OK)
		return false;
	if (ept_map(&fv->vm.ept, fv->vm.mem_base, fv->vm.mem_hpa, fv->vm.mem_size, rwx, 0, 0) != EPT_OK) {
		ept_destroy(&fv->vm.ept);
		return false;
	}
	fv->vm.eptp = ept_eptp(&fv->vm.ept);
	return true;
}

uint32_t fake_lapic_page[1024];
struct vcpu *test_vcpu;   /* vmm/vm/vcpu.h: this_vcpu() in host tests */

static void init_vm_state(struct fake_vm *fv)
{
	struct vm *vm = &fv->vm;
	uint64_t base = (uint64_t)fv->mem;
	char why[120];

	struct vcpu *v = &fv->vcpu;

	memset(vm, 0, sizeof(*vm));
	memset(v, 0, sizeof(*v));
	v->self = v;
	v->vm = vm;
	vm->vcpu = v;
	vm->nvcpus = 1;
	vm->first_fail = -1;
	vm->bi = &fv->bi;
	vm->caps = &fv->caps;
	vm->multiboot = fv->multiboot;
	vm->mem_hpa = base;
	vm->mem_base = fv->multiboot ? 0 : base;
	vm->mem_size = fv->mem_size;
	vm->load_gpa = vm->mem_base + GUEST_IMAGE_OFFSET;
	vm->entry_gpa = vm->mem_base + FAKE_ENTRY_OFFSET;
	vm->guest_name = "test";
	vm->exit_log = fv->bi.cfg.exit_log;
	v->vmcs_pa = 0x1000;
	vm->linear_addr_bits = 48;
	if (fv->multiboot) {
		v->launch_regs.gpr[GPR_RAX] = MULTIBOOT_BOOTLOADER_MAGIC;
		v->launch_regs.gpr[GPR_RBX] = MB_INFO_GPA;
	} else {
		v->launch_regs.gpr[GPR_RDI] = base;
		v->launch_regs.gpr[GPR_RSI] = fv->mem_size;
		v->launch_regs.gpr[GPR_RDX] = vm->load_gpa;
	}
	pool_init((uint64_t)(uintptr_t)fv->pool, FAKE_POOL_PAGES * K4);
	if (protect_init(vm, why, sizeof(why)) != HV_OK) {
		fprintf(stderr, "fake_vm: %s\n", why);
		abort();
	}
	/* The time budget as budget_setup and budget_start leave it, at the fake clock's start. */
	vm->budget_ticks = (fv->bi.cfg.guest_budget_mtsc ? fv->bi.cfg.guest_budget_mtsc : HV_DEFAULT_BUDGET_MTSC) *
			   1000000ull;
	v->deadline = FAKE_TSC_START + vm->budget_ticks;
	v->budget_exits = BUDGET_CHECK_EXITS;
	vm->timer = true;
	memset(fake_lapic_page, 0, sizeof(fake_lapic_page));
	host_lapic = (struct lapic){ .present = true, .mmio = fake_lapic_page };
	test_vcpu = v;
	v->state = VCPU_RUNNING;
}

static void capture_sink(const char *s, size_t n);

/* A UART with no room stays so for uart_patience polls, then takes a FIFO's worth (16 bytes): a
 * serial line is slow, never stopped (log_flush waits for it). */
static unsigned uart_room(void)
{
	if (fake_hw.uart_room)
		return fake_hw.uart_room;
	if (++fake_hw.uart_busy_polls <= fake_hw.uart_patience)
		return 0;
	fake_hw.uart_busy_polls = 0;
	return 16;
}

static void uart_put(char c)
{
	(void)c;
	fake_hw.uart_bytes++;
}

static uint64_t clock_now(void)
{
	return fake_hw.tsc;
}

void fake_log_capture(void)
{
	log_reset();
	log_add_sink(capture_sink);
	log_set_serial(uart_room, uart_put, 0);
	log_test_clock = clock_now;   /* arch/lib/log.h: the TSC, in host tests a function */
	fake_log_reset();
}

/* A Multiboot guest's VMCS as vmm/vm/vmcs_setup.c leaves it: the entry state of entry_state.c, the
 * masks and shadows, the controls adjusted by entry_state_controls, EPT and VPID on. */
static void init_vmcs_multiboot(struct fake_vm *fv)
{
	const struct vmx_caps *c = &fv->caps;
	uint32_t proc2 = PROC2_ENABLE_EPT | PROC2_ENABLE_VPID, entry = ENTRY_LOAD_DEBUG_CONTROLS |
									ENTRY_IA32E_MODE_GUEST | ENTRY_LOAD_IA32_PAT |
									ENTRY_LOAD_IA32_EFER;

	entry_state_controls(&fv->vm, &proc2, &entry);
	fake_vmcs_set(SECONDARY_VM_EXEC_CONTROL, proc2);
	fake_vmcs_set(VM_ENTRY_CONTROLS, entry);
	fake_vmcs_set(VIRTUAL_PROCESSOR_ID, 1);
	fake_vmcs_set(CR0_GUEST_HOST_MASK, c->cr0_fixed0 | ~c->cr0_fixed1);
	fake_vmcs_set(CR4_GUEST_HOST_MASK, c->cr4_fixed0 | ~c->cr4_fixed1);
	fake_vmcs_set(CR0_READ_SHADOW, entry_state_cr0_shadow(&fv->vm));
	fake_vmcs_set(CR4_READ_SHADOW, entry_state_cr4_shadow(&fv->vm));
	entry_state_write_multiboot(&fv->vm);
	fake_vmcs_set(GUEST_RSP, fv->mem_size);   /* as if the kernel had set its stack */
	fake_vmcs_set(HOST_RIP, (uint64_t)(uintptr_t)vmx_exit_entry);
	fake_vmcs_set(EPT_POINTER, fv->vm.eptp);
	fake_vmcs_clear_writes();
}

/* The log as while a guest runs (vmm/vm/run.c: deferred from VMLAUNCH on), everything forgotten. */
static void init_log(void)
{
	fake_log_capture();
	log_set_deferred(true);
}

static void init_vmcs(struct fake_vm *fv)
{
	uint64_t base = fv->vm.mem_base;

	fake_vmcs_reset();
	if (fv->multiboot) {
		init_vmcs_multiboot(fv);
		return;
	}
	fake_vmcs_set(GUEST_RIP, base + FAKE_ENTRY_OFFSET);
	fake_vmcs_set(GUEST_RSP, base + fv->mem_size);
	fake_vmcs_set(GUEST_RFLAGS, 0x2);
	fake_vmcs_set(GUEST_CR0, GUEST_CR0_AT_ENTRY);
	fake_vmcs_set(GUEST_CR3, base + GUEST_PML4_OFFSET);
	fake_vmcs_set(GUEST_CR4, GUEST_CR4_AT_ENTRY | CR4_VMXE);
	fake_vmcs_set(CR4_READ_SHADOW, GUEST_CR4_AT_ENTRY);
	fake_vmcs_set(GUEST_IA32_EFER, GUEST_EFER_AT_ENTRY);
	fake_vmcs_set(GUEST_IA32_PAT, PAT_POWER_ON);
	fake_vmcs_set(GUEST_DR7, DR7_RESET);
	fake_vmcs_set(VM_ENTRY_CONTROLS, ENTRY_LOAD_DEBUG_CONTROLS | ENTRY_IA32E_MODE_GUEST | ENTRY_LOAD_IA32_PAT |
					 ENTRY_LOAD_IA32_EFER);
	fake_vmcs_set(GUEST_CS_SELECTOR, GUEST_SEL_CODE64);
	fake_vmcs_set(HOST_RIP, (uint64_t)(uintptr_t)vmx_exit_entry);
	fake_vmcs_set(EPT_POINTER, fv->vm.eptp);
}

static void fill_pattern(uint8_t *p, uint64_t n)
{
	/* What a guest could leave there: mostly printable runs of varying length ending in NUL (a
	 * string at any address has some length), with newlines, other control bytes and bytes
	 * above 0x7e mixed in; the last page has no NUL at all (a string there runs off the end of
	 * memory). */
	uint32_t x = 0x12345678u;

	for (uint64_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		switch ((x >> 24) % 128) {
		case 0: p[i] = 0; break;
		case 1: p[i] = '\n'; break;
		case 2: p[i] = (uint8_t)((x >> 16) & 0x1f); break;
		case 3: p[i] = (uint8_t)(0x7f + ((x >> 16) & 0x7f)); break;
		default: p[i] = (uint8_t)(0x20 + (x >> 16) % 95); break;
		}
	}
	for (uint64_t i = n >= K4 ? n - K4 : 0; i < n; i++)
		if (!p[i])
			p[i] = 'z';
}

bool fake_vm_create(struct fake_vm *fv, const struct fake_vm_opts *opts)
{
	struct fake_vm_opts o = opts ? *opts : (struct fake_vm_opts){ 0 };
	uint8_t *map;
	uint64_t base;

	memset(fv, 0, sizeof(*fv));
	if (!o.mem_size)
		o.mem_size = 4ull << 20;
	if (!o.ept_vpid_cap)
		o.ept_vpid_cap = SKYLAKE_X_EPT_VPID_CAP;
	if (!o.arena_pages)
		o.arena_pages = 64;
	if (o.mem_size & (K4 - 1))
		return false;
	/* 2 MiB aligned, with inaccessible memory on both sides. */
	fv->map_size = o.mem_size + 2 * M2;
	map = mmap(0, fv->map_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (map == MAP_FAILED)
		return false;
	base = ((uint64_t)(uintptr_t)map + K4 + M2 - 1) & ~(M2 - 1);
	fv->map = map;
	fv->mem = (uint8_t *)(uintptr_t)base;
	fv->mem_size = o.mem_size;
	fv->multiboot = o.multiboot;
	fv->pool = aligned_alloc(K4, FAKE_POOL_PAGES * K4);
	if (!fv->pool || mprotect(fv->mem, fv->mem_size, PROT_READ | PROT_WRITE) != 0 ||
	    !arena_init(&fv->arena, o.arena_pages)) {
		free(fv->pool);
		munmap(map, fv->map_size);
		memset(fv, 0, sizeof(*fv));
		return false;
	}
	if (!o.no_poison_fill)
		fill_pattern(fv->mem, fv->mem_size);
	memcpy(fv->bi.cfg.guest_name, "test", 5);
	fv->bi.cfg.exit_log = !o.exit_log_off;
	fv->bi.guest_mem_base = base;
	fv->bi.guest_mem_size = fv->mem_size;
	fill_caps(&fv->caps, o.ept_vpid_cap);
	if (o.multiboot)
		fill_caps_multiboot(&fv->caps);
	init_vm_state(fv);
	if (!build_ept(fv)) {
		fake_vm_destroy(fv);
		return false;
	}
	fake_hw_reset();
	init_vmcs(fv);
	init_log();
	return true;
}

bool fake_vm_reset(struct fake_vm *fv)
{
	bool clean;

	ept_destroy(&fv->vm.ept);
	clean = fv->arena.in_use == 0;
	fv->arena.fail_after = -1;
	fv->arena.failures = 0;
	init_vm_state(fv);
	if (!build_ept(fv))
		return false;
	fake_hw_reset();
	init_vmcs(fv);
	init_log();
	return clean;
}

void fake_vm_set_ept_caps(struct fake_vm *fv, uint64_t ept_vpid_cap)
{
	fill_caps(&fv->caps, ept_vpid_cap);
	if (fv->multiboot)
		fill_caps_multiboot(&fv->caps);
}

void fake_vm_destroy(struct fake_vm *fv)
{
	if (test_vcpu == &fv->vcpu)
		test_vcpu = 0;
	if (fv->vm.ept.root)
		ept_destroy(&fv->vm.ept);
	arena_fini(&fv->arena);
	free(fv->pool);
	if (fv->map)
		munmap(fv->map, fv->map_size);
	memset(fv, 0, sizeof(*fv));
}

void fake_vm_protect_memory(struct fake_vm *fv, bool read_only)
{
	if (mprotect(fv->mem, fv->mem_size, read_only ? PROT_READ : PROT_READ | PROT_WRITE) != 0)
		abort();
}

void fake_regs_init(const struct fake_vm *fv, struct guest_regs *r)
{
	*r = fv->vcpu.launch_regs;
}

/* ------------------------------------------------------------------ the log */

#define LOG_CAP (1u << 20)

static char log_buf[LOG_CAP + 1];
static size_t log_len;
static bool log_over;

static void capture_sink(const char *s, size_t n)
{
	fake_hw.sink_calls++;
	if (n > LOG_CAP - log_len) {
		n = LOG_CAP - log_len;
		log_over = true;
	}
	memcpy(log_buf + log_len, s, n);
	log_len += n;
	log_buf[log_len] = '\0';
}

void fake_log_reset(void)
{
	log_len = 0;
	log_over = false;
	log_buf[0] = '\0';
}

const char *fake_log_text(void) { return log_buf; }
size_t fake_log_len(void) { return log_len; }
bool fake_log_overflowed(void) { return log_over; }

/* Start of line i, or 0. */
static const char *line_start(size_t i, size_t *len)
{
	const char *p = log_buf, *end = log_buf + log_len;

	for (;;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return 0;
		if (i-- == 0) {
			*len = (size_t)(nl - p);
			return p;
		}
		p = nl + 1;
	}
}

size_t fake_log_nlines(void)
{
	size_t n = 0;

	for (size_t i = 0; i < log_len; i++)
		n += log_buf[i] == '\n';
	return n;
}

bool fake_log_line(size_t i, char *buf, size_t len)
{
	size_t n;
	const char *p = line_start(i, &n);

	if (!p || !len)
		return false;
	if (n > len - 1)
		n = len - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return true;
}

long fake_log_find(const char *prefix, size_t from)
{
	size_t pl = strlen(prefix), n, i = from;
	const char *p = line_start(from, &n), *end = log_buf + log_len;

	while (p) {
		if (n >= pl && memcmp(p, prefix, pl) == 0)
			return (long)i;
		p += n + 1;
		i++;
		const char *nl = p < end ? memchr(p, '\n', (size_t)(end - p)) : 0;
		if (!nl)
			return -1;
		n = (size_t)(nl - p);
	}
	return -1;
}

size_t fake_log_count(const char *prefix)
{
	size_t pl = strlen(prefix), c = 0;
	const char *p = log_buf, *end = log_buf + log_len, *nl;

	while (p < end && (nl = memchr(p, '\n', (size_t)(end - p))) != 0) {
		c += (size_t)(nl - p) >= pl && memcmp(p, prefix, pl) == 0;
		p = nl + 1;
	}
	return c;
}
