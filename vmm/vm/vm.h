/* One guest: its memory, EPT, VMCS, exit counters and state (vm_run, vmm/vm/run.h, runs it). */
#ifndef VMM_VM_VM_H
#define VMM_VM_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/lib/page_pool.h"
#include "arch/lib/spinlock.h"
#include "arch/lib/types.h"
#include "ept/ept.h"
#include "vmm/boot_info.h"
#include "vmm/decode/exit_reasons.h"
#include "vmm/status.h"
#include "vmm/vm/abi.h"
#include "vmm/vm/vcpu.h"
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
	unsigned linear_addr_bits;            /* 48, or 57 on a CPU with 5-level paging: canonical checks */
	/* The vCPUs: vcpu[i] runs on CPU i (vmm/vm/vcpu.h). One vCPU is today's one-CPU run, every
	 * line and figure as before; with more, lines carry CPU tags and each vCPU ends itself. */
	struct vcpu *vcpu;
	unsigned nvcpus;
	uint64_t tsc_per_ms;                  /* shootdown and end-of-run timeouts */
	/* Changes to the shared EPT tables and page records are made under ept_lock when nvcpus > 1,
	 * then every other running vCPU flushes (vmm/vm/shootdown.c). */
	struct spinlock ept_lock;
	uint64_t ept_gen;                     /* bumped by each change that needs other CPUs to flush */
	uint64_t shootdowns;                  /* changes that had other running vCPUs to invalidate */
	uint32_t abort;                       /* set when the run must end at once (a CPU did not acknowledge) */
	uint32_t ending;                      /* one CPU writes the run's last lines: the first to set it */
	/* The run's status: the first vCPU that ended not OK (vmm/vm/end.c), or -1. */
	int32_t first_fail;
	/* Hypercall state. */
	struct protected_page **protect_dir;  /* mem_size / 2 MiB chunk pointers (protect_init) */
	uint64_t protect_chunks;
	uint64_t nprotected;                  /* pages protected now */
	uint64_t nresume;                     /* ... of them with the HC_FAULT_RESUME policy */
	gpa_t resume_rip;                     /* HC_SET_RESUME: where a refused access continues, or 0 */
	bool exit_log;                        /* HV.CFG exit_log: log ept-violation/ept-policy lines */
	/* The time budget (vmm/vm/budget.c), the same for every vCPU. */
	uint64_t budget_ticks;                /* HV.CFG budget_mtsc in TSC ticks */
	bool timer;                           /* the VMX-preemption timer is on */
};

/* Exits so far, every vCPU's. */
static inline uint64_t vm_exits_total(const struct vm *vm)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < vm->nvcpus; i++)
		n += vcpu_exits_total(&vm->vcpu[i]);
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

/* The vCPU whose HC_EPT_MISCONFIG_DEMO page holds gpa (each vCPU may have one planted), or 0. */
static inline struct vcpu *vm_misconfig_owner(const struct vm *vm, gpa_t gpa)
{
	for (unsigned i = 0; i < vm->nvcpus; i++) {
		gpa_t planted = vm->vcpu[i].misconfig_gpa;

		if (planted && (gpa & ~(PAGE_SIZE - 1)) == planted)
			return &vm->vcpu[i];
	}
	return 0;
}

static inline void *guest_ptr(const struct vm *vm, gpa_t gpa)
{
	return (void *)(uintptr_t)guest_hpa(vm, gpa);
}

#endif
