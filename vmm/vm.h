/* One guest: its memory, EPT, VMCS, exit counters, and the run loop until it ends. */
#ifndef VMM_VM_H
#define VMM_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "ept/ept.h"
#include "vmm/boot_info.h"
#include "vmm/exit_reasons.h"
#include "vmm/status.h"
#include "vmm/vmx_caps.h"

/* Guest general-purpose registers, saved by vmm/vmx_entry.asm on every exit, in the SDM's
 * register-number order (so a CR-access qualification's GPR number indexes it). The RSP slot is
 * unused: guest RSP lives in the VMCS. */
struct guest_regs {
	uint64_t gpr[16];
};
enum { GPR_RAX = 0, GPR_RCX, GPR_RDX, GPR_RBX, GPR_RSP, GPR_RBP, GPR_RSI, GPR_RDI };

#define VM_MAX_PROTECTED 64
#define GUEST_LINE_MAX 120
#define VMX_PREEMPTION_TIMER_MAX 0xffffffffull   /* the timer field is 32 bits */

/* A page of its own memory that the guest protected with HC_PROTECT. */
struct protected_page {
	uint64_t gpa;
	unsigned perm;            /* EPT_READ|EPT_WRITE|EPT_EXEC, 0 = not present */
	unsigned on_fault;        /* HC_FAULT_REGRANT or HC_FAULT_KEEP */
	uint64_t faults;
};

struct vm {
	struct boot_info *bi;
	const struct vmx_caps *caps;
	uint64_t mem_base, mem_size;          /* GPA == HPA */
	uint64_t load_gpa, entry_gpa;
	const char *guest_name;
	struct ept ept;
	uint64_t eptp;
	uint64_t vmcs_pa;
	uint64_t exit_stack_top;
	struct guest_regs launch_regs;
	/* Exit accounting. */
	uint64_t exits_total;
	uint64_t exit_counts[EXIT_REASON_COUNT];
	/* Hypercall state. */
	struct protected_page protected[VM_MAX_PROTECTED];
	unsigned nprotected;
	uint64_t misconfig_gpa;               /* page planted by HC_EPT_MISCONFIG_DEMO, or 0 */
	uint64_t resume_rip;                  /* HC_SET_RESUME: where a refused access continues, or 0 */
	bool exit_log;                        /* HV.CFG exit_log: log ept-violation/ept-policy lines */
	uint64_t budget_left;                 /* preemption-timer counts still to serve after this round */
	/* The guest's serial port: bytes until a newline. */
	char line[GUEST_LINE_MAX + 1];
	unsigned line_len;
	bool line_cut;                        /* the last line was cut at GUEST_LINE_MAX: a newline now ends nothing */
};

enum hv_status vm_run(struct boot_info *bi, const struct vmx_caps *caps);

/* vmm/vmcs.c */
enum hv_status vmcs_setup(struct vm *vm, char *why, size_t why_len);
void vmcs_dump_guest_state(void);

/* vmm/guest_loader.c */
enum hv_status guest_load(struct vm *vm, char *why, size_t why_len);
/* Is [gpa, gpa + len) inside the guest's memory? (No overflow: gpa + len is never computed.) */
static inline bool guest_gpa_in_region(const struct vm *vm, uint64_t gpa, uint64_t len)
{
	return gpa >= vm->mem_base && len <= vm->mem_size && gpa - vm->mem_base <= vm->mem_size - len;
}

/* vmm/vmx_exit.c */
void vmx_exit_dispatch(struct guest_regs *regs);
__attribute__((noreturn)) void vm_end(enum hv_status s, const char *what);
void vm_invept(struct vm *vm, int flush);
extern struct vm *current_vm __attribute__((visibility("hidden")));   /* no GOT load on exits */

/* vmm/vmx_entry.asm */
uint64_t vmx_launch(struct guest_regs *regs);   /* returns RFLAGS only if VMLAUNCH failed */
void vmx_exit_entry(void);
void vmx_exit_reference(void);                  /* the minimal exit path (HC_BENCH_REFERENCE) */

#endif
