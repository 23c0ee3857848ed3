/* One guest: its memory, EPT, VMCS, exit counters and state (vm_run, vmm/vm/run.h, runs it). */
#ifndef VMM_VM_VM_H
#define VMM_VM_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/lib/types.h"
#include "ept/ept.h"
#include "vmm/boot_info.h"
#include "vmm/decode/exit_reasons.h"
#include "vmm/status.h"
#include "vmm/vm/abi.h"
#include "vmm/vmx/caps.h"
#include "vmm/vmx/entry.h"

/* What the guest asked of one 4 KiB page of its memory with HC_PROTECT (vmm/vm/protect.c). */
struct protected_page {
	uint64_t faults;          /* EPT violations on it so far */
	uint8_t is_protected;
	uint8_t perm;             /* EPT_READ|EPT_WRITE|EPT_EXEC, 0 = not present */
	uint8_t on_fault;         /* HC_FAULT_REGRANT, HC_FAULT_KEEP or HC_FAULT_RESUME */
	uint8_t reserved[5];
};

/* The guest's pages, 256 to a chunk (one 4 KiB page of struct protected_page: 1 MiB of guest
 * memory), found through a directory indexed by (gpa - mem_base) / 1 MiB: finding a page costs
 * two loads however many are protected. A chunk is allocated when its first page is protected. */
#define PROTECT_CHUNK_SHIFT 20
#define PROTECT_CHUNK_PAGES 256

#define VMX_PREEMPTION_TIMER_MAX 0xffffffffull   /* the timer field is 32 bits */

struct vm {
	struct boot_info *bi;
	const struct vmx_caps *caps;
	/* Guest memory: GPA [mem_base, mem_base + mem_size) at host address mem_hpa, one block. An
	 * MHVGUEST guest has its identity map (mem_hpa == mem_base); a Multiboot guest's starts at GPA 0
	 * wherever boot/ found it, and EPT translates (docs/guest-abi.md). */
	gpa_t mem_base;
	hpa_t mem_hpa;
	uint64_t mem_size;
	bool multiboot;                       /* a Multiboot kernel: 32-bit entry, mode switches emulated */
	gpa_t load_gpa, entry_gpa;
	const char *guest_name;
	struct ept ept;
	uint64_t eptp;
	hpa_t vmcs_pa;
	uint64_t exit_stack_top;
	unsigned linear_addr_bits;            /* 48, or 57 on a CPU with 5-level paging: canonical checks */
	struct guest_regs launch_regs;
	/* Exit accounting (the total is their sum: vm_exits_total). */
	uint64_t exit_counts[EXIT_REASON_COUNT];
	uint64_t nmis;                        /* NMIs that arrived during the guest (exit reason 0) */
	uint64_t interrupts;                  /* external interrupts that arrived during the guest */
	uint8_t tpr;                          /* the guest's CR8 (its own, not the APIC's) */
	/* Hypercall state. */
	struct protected_page **protect_dir;  /* mem_size / 2 MiB chunk pointers (protect_init) */
	uint64_t protect_chunks;
	uint64_t nprotected;                  /* pages protected now */
	uint64_t nresume;                     /* ... of them with the HC_FAULT_RESUME policy */
	gpa_t misconfig_gpa;                  /* page planted by HC_EPT_MISCONFIG_DEMO, or 0 */
	gpa_t resume_rip;                     /* HC_SET_RESUME: where a refused access continues, or 0 */
	bool exit_log;                        /* HV.CFG exit_log: log ept-violation/ept-policy lines */
	/* The time budget (vmm/vm/budget.c). */
	uint64_t budget_ticks;                /* HV.CFG budget_mtsc in TSC ticks */
	uint64_t deadline;                    /* TSC value at which the guest is ended */
	uint32_t budget_exits;                /* exits until the wall clock is read again */
	bool timer;                           /* the VMX-preemption timer is on */
	/* The guest's serial port: bytes until a newline. */
	char line[GUEST_LINE_MAX + 1];
	unsigned line_len;
	bool line_cut;                        /* the last line was cut at GUEST_LINE_MAX: a newline now ends nothing */
};

/* The guest that runs (hidden: the exit path reaches it without a GOT load). */
extern struct vm *current_vm __attribute__((visibility("hidden")));

/* Exits so far: the sum of the per-reason counts. */
static inline uint64_t vm_exits_total(const struct vm *vm)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < EXIT_REASON_COUNT; i++)
		n += vm->exit_counts[i];
	return n;
}

/* Is [gpa, gpa + len) inside the guest's memory? (No overflow: gpa + len is never computed.) */
static inline bool guest_gpa_in_region(const struct vm *vm, gpa_t gpa, uint64_t len)
{
	return gpa >= vm->mem_base && len <= vm->mem_size && gpa - vm->mem_base <= vm->mem_size - len;
}

/* The host address of a GPA inside guest memory (the caller checked guest_gpa_in_region). The
 * hypervisor runs on an identity map, so it is also the pointer to the byte. */
static inline hpa_t guest_hpa(const struct vm *vm, gpa_t gpa)
{
	return vm->mem_hpa + (gpa - vm->mem_base);
}

static inline void *guest_ptr(const struct vm *vm, gpa_t gpa)
{
	return (void *)(uintptr_t)guest_hpa(vm, gpa);
}

#endif
