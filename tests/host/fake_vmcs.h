// SPDX-License-Identifier: MIT
/*
 * tests/host/fake_vmcs.h - the machine under the VM-exit dispatcher, faked for host tests and
 * the exit fuzzer, so that the hypervisor's own vmm/exit/ and vmm/vm/hypercall.c run unchanged
 * as a Linux process (built with -DHV_HOST_TEST, see vmm/vmx/insn.h and cpu.h).
 *
 * - A current VMCS: field -> value. Every field reads 0 until set. A field the test marks absent
 *   fails VMREAD/VMWRITE with VMfailValid, VM-instruction error 12, like an unsupported component
 *   on a real CPU (fake_vmcs_reset_cpu marks the fields a given CPU lacks); a VMWRITE to a
 *   read-only field (exit information, encoding bits 11:10 = 1) fails with error 13. Every
 *   VMWRITE is recorded, failed ones counted.
 * - The privileged CPU operations of the exit path and of VMCS setup (vmm/vm/vmcs_setup.c): CPUID
 *   (a fixed Skylake-like table, so leaf 1 answers are deterministic; a test may replace it), CR0,
 *   CR3, CR4, SGDT/SIDT, RDMSR/WRMSR over a table, XSETBV, port I/O, VMCLEAR/VMPTRLD, INVEPT. Each
 *   call is recorded.
 * - The symbols of objects that cannot run on the host: hv_end/hv_fatal (the real ones power
 *   off; these longjmp back to fake_exit), the VMX failure reporters of vmm/vmx/insn.c,
 *   vmcs_dump_guest_state, tss_base (arch/x86_64/gdt.c: fake_hw.tss_base), and the entry points
 *   of vmm/vmx/entry.asm (fake_exit emulates them).
 * - A guest (struct fake_vm): memory from mmap, 2 MiB aligned, with an inaccessible page on each
 *   side, whose address is its GPA (an MHVGUEST guest's GPA == HPA), or GPA 0 at that address (a
 *   Multiboot guest, opts.multiboot); its EPT built in simulated physical memory
 *   (tests/host/ept_test_arena.c) the way vmm/vm/guest_ept.c builds it.
 * - Log capture: a log sink (registered by fake_vm_create) that keeps every line, with accessors.
 */
#ifndef TESTS_HOST_FAKE_VMCS_H
#define TESTS_HOST_FAKE_VMCS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cr.h"
#include "tests/host/ept_test_arena.h"
#include "vmm/boot_info.h"
#include "vmm/status.h"
#include "vmm/vm/vm.h"
#include "vmm/vmx/caps.h"

/* ------------------------------------------------------------------ the current VMCS */

#define FAKE_VMCS_MAX_FIELDS 256
#define FAKE_VMCS_MAX_WRITES 256

struct fake_vmwrite {
	uint32_t field;
	uint64_t value;
};

void fake_vmcs_reset(void);                       /* all fields 0 and present, nothing recorded */
void fake_vmcs_set(uint32_t field, uint64_t value);  /* no recording */
uint64_t fake_vmcs_get(uint32_t field);
void fake_vmcs_set_absent(uint32_t field, bool absent);
bool fake_vmcs_is_read_only(uint32_t field);
/* Set since the last reset (by VMWRITE or fake_vmcs_set) and not absent. */
bool fake_vmcs_has(uint32_t field);
/* fake_vmcs_reset, then the fields a CPU with these capabilities lacks are absent: a field that
 * belongs to a control exists only where the control may be 1 (SDM Vol. 3D Appendix B "Field
 * Encoding in VMCS"). */
void fake_vmcs_reset_cpu(const struct vmx_caps *c);

/* Recorded VMWRITEs since the last fake_vmcs_clear_writes() (or reset). */
void fake_vmcs_clear_writes(void);
size_t fake_vmcs_nwrites(void);                   /* all attempts, also past the record's end */
const struct fake_vmwrite *fake_vmcs_write_at(size_t i);
size_t fake_vmcs_writes_to(uint32_t field);
size_t fake_vmcs_failed_writes(void);             /* absent or read-only */
size_t fake_vmcs_failed_reads(void);              /* of absent fields */
/* A copy of every field (malloc'd; free it), and the VMCS put back from one: two VMCS in one test. */
void *fake_vmcs_save(void);
void fake_vmcs_restore(const void *copy);

/* ------------------------------------------------------------------ the CPU */

typedef void (*fake_cpuid_fn)(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *out);

#define FAKE_MSR_MAX 16

struct fake_msr {
	uint32_t index;
	uint64_t value;
};

struct fake_cpu_hw {
	fake_cpuid_fn cpuid;                      /* fake_cpuid_table unless a test sets another */
	unsigned cpuid_calls;
	uint32_t cpuid_last_leaf, cpuid_last_subleaf;
	uint64_t cr0, cr3;                        /* read_cr0(), read_cr3(); 0 by default */
	uint64_t cr4;                             /* read_cr4(); OSXSAVE (bit 18) set by default */
	unsigned cr4_writes;
	struct desc_ptr gdtr, idtr;               /* sgdt(), sidt() */
	uint64_t tss_base;                        /* tss_base(): where the hypervisor's TSS is */
	/* RDMSR and WRMSR: the MSRs a test set (fake_msr_set) or the code wrote. RDMSR of any other
	 * MSR aborts: a test names every MSR the code it runs reads. */
	struct fake_msr msr[FAKE_MSR_MAX];
	unsigned nmsr, msr_writes;
	uint64_t current_vmcs;                    /* VMPTRLD's pointer; VMCLEAR of it makes it 0 */
	unsigned vmclears;
	unsigned xsetbv_calls;
	uint32_t xsetbv_index;
	uint64_t xsetbv_value;
	unsigned port_writes, port_reads;         /* outb / inb */
	unsigned invept_calls;
	uint64_t invept_type, invept_eptp;
	unsigned invvpid_calls;
	uint64_t invvpid_type;
	unsigned vmcs_dumps;                      /* vmcs_dump_guest_state() calls */
	unsigned nmi_unblocks;                    /* nmi_unblock() calls (an IRET in the image) */
	uint64_t tsc;                             /* the log's rate-limit clock */
	unsigned uart_room;                       /* bytes the serial port takes per log_pump round */
	unsigned uart_patience;                   /* with uart_room 0: polls until 16 bytes go (default 100) */
	unsigned uart_busy_polls;
	uint64_t uart_bytes;                      /* bytes sent to it */
	uint64_t sink_calls;                      /* lines the capture sink received */
	uint64_t exits, reference_exits;          /* fake_exit calls; CPUID exits the reference path took */
};
extern struct fake_cpu_hw fake_hw;

/* The default CPUID: a fixed Skylake-like table (leaf 1 ECX has VMX, not the hypervisor bit;
 * leaf 0xD subleaf 0 offers XCR0 bits 0-2 and 5-7), other leaves a fixed function of the input. */
void fake_cpuid_table(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *out);
#define FAKE_CPUID_1_ECX 0x7ffefbffu              /* bit 5 (VMX) set, bit 31 clear */
#define FAKE_CPUID_D_EAX 0x000000e7u              /* XCR0 x87 SSE AVX opmask ZMM_Hi256 Hi16_ZMM */
#define FAKE_CR4_DEFAULT (CR4_PAE | CR4_PGE | CR4_VMXE | (1ull << 18))
#define FAKE_UART_ROOM_DEFAULT (1u << 20)         /* never full: every pump writes everything */
#define FAKE_TSC_START (1ull << 40)

void fake_hw_reset(void);
/* Put an MSR in fake_hw's table (or change it). */
void fake_msr_set(uint32_t index, uint64_t value);

/* ------------------------------------------------------------------ running exits */

/* One VM exit with the fake VMCS as it is now, taken where HOST_RIP points: vmx_exit_entry, i.e.
 * vmx_exit_dispatch(regs), or vmx_exit_reference (HC_BENCH_REFERENCE), emulated like
 * vmm/vmx/entry.asm does it. Returns false when the exit path went back to the guest, true when
 * it ended the run (hv_end or hv_fatal), with the status in fake_end_status. Log lines of a
 * resumed exit wait in the ring (the next exit pumps them out; log_pump() does it now). */
bool fake_exit(struct guest_regs *regs);
/* Any function that may end the run (e.g. vmx_resume_failed): true if it did. */
bool fake_call(void (*fn)(void *arg), void *arg);
extern enum hv_status fake_end_status;
extern unsigned fake_end_calls;
extern unsigned fake_parked;     /* vcpu_park calls (an AP's vCPU ended) */

/* ------------------------------------------------------------------ a guest */

struct fake_vm_opts {
	uint64_t mem_size;          /* default 4 MiB (docs/guest-abi.md) */
	uint64_t ept_vpid_cap;      /* default Skylake-X: 2M, 1G, exec-only, INVEPT single+all */
	uint64_t arena_pages;       /* simulated physical memory for EPT tables; default 64 */
	bool no_poison_fill;        /* leave guest memory zero (default: a fixed byte pattern) */
	bool exit_log_off;          /* HV.CFG exit_log=off */
	bool multiboot;             /* a Multiboot guest: GPA 0 at the mmap'd memory (GPA != HPA), the
	                               entry state of vmm/vm/entry_state.c, "unrestricted guest" */
};

struct fake_vm {
	struct vm vm;
	struct vcpu vcpu;           /* its one vCPU (this_vcpu() while it runs) */
	struct vmx_caps caps;
	struct boot_info bi;
	struct ept_arena arena;
	uint8_t *mem;               /* == (uint8_t *)vm.mem_hpa (and vm.mem_base but for a Multiboot guest) */
	uint64_t mem_size;
	void *map;                  /* the whole mapping, guard pages included */
	size_t map_size;
	bool multiboot;
	void *pool;                 /* the page pool (arch/lib/page_pool.c): protected-page records */
};
#define FAKE_POOL_PAGES 512

#define FAKE_ENTRY_OFFSET 0x10020ull   /* where RIP starts, as for the default guest */
/* The local APIC's register page as the exit path sees it (host_lapic, xAPIC mode). */
extern uint32_t fake_lapic_page[1024];

/* Memory, EPT (identity map, rwx, WB), VM fields as vm_run/guest_load set them, current_vm, a
 * fresh VMCS (GUEST_RIP = base + FAKE_ENTRY_OFFSET, GUEST_RSP = end of memory, GUEST_CR3 = base,
 * CR0, CR4, EFER, PAT and DR7 as at entry, the VM-entry controls vmm/vmx/controls.c asks for,
 * HOST_RIP = vmx_exit_entry, EPT_POINTER = the EPTP), a 48-bit linear-address width, fake_hw
 * reset, and the log as while a guest
 * runs: log_reset(), deferred, the capture sink, a serial port taking fake_hw.uart_room bytes per
 * round, fake_hw.tsc as its clock. False (and nothing allocated) on failure. */
bool fake_vm_create(struct fake_vm *fv, const struct fake_vm_opts *opts);
/* A fresh VM in the same memory (not cleared: the caller owns its contents): state, EPT and VMCS
 * as after fake_vm_create. Checks the previous EPT freed every table (false if not). */
bool fake_vm_reset(struct fake_vm *fv);
/* Another CPU's IA32_VMX_EPT_VPID_CAP: caps and the EPT from the next fake_vm_reset on. */
void fake_vm_set_ept_caps(struct fake_vm *fv, uint64_t ept_vpid_cap);
void fake_vm_destroy(struct fake_vm *fv);
/* Make guest memory read-only (or writable again); a write by the hypervisor then crashes. */
void fake_vm_protect_memory(struct fake_vm *fv, bool read_only);

/* Registers as a guest would have them at a VM exit: zero except RDI/RSI/RDX as at launch. */
void fake_regs_init(const struct fake_vm *fv, struct guest_regs *r);

/* Set up one exit: reason, qualification, instruction length; everything else stays. */
void fake_set_exit(uint32_t reason, uint64_t qualification, uint64_t insn_len);

/* ------------------------------------------------------------------ the log */

/* Every line that leaves the log (its sinks' view) is kept in a buffer; reset empties it. */
void fake_log_reset(void);
/* The log as before VMLAUNCH, everything forgotten: log_reset(), the capture sink, not deferred
 * (fake_vm_create does this, then defers). */
void fake_log_capture(void);
const char *fake_log_text(void);             /* NUL-terminated, everything since the reset */
size_t fake_log_len(void);
bool fake_log_overflowed(void);
size_t fake_log_nlines(void);                /* complete lines (ending in '\n') */
/* Line i without its '\n', copied into buf (NUL-terminated); false past the last line. */
bool fake_log_line(size_t i, char *buf, size_t len);
/* Index of the first line starting with prefix at or after line from, or -1. */
long fake_log_find(const char *prefix, size_t from);
/* How many lines start with prefix. */
size_t fake_log_count(const char *prefix);

#endif /* TESTS_HOST_FAKE_VMCS_H */
