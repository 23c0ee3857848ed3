/* What the exit handlers share: the handler type, the hot VMCS accessors, and the handlers
 * themselves (one file per family in vmm/exit/; the table is in dispatch.c). */
#ifndef VMM_EXIT_EXIT_H
#define VMM_EXIT_EXIT_H

#include <stdint.h>

#include "vmm/vm/vcpu.h"
#include "vmm/vm/vm.h"
#include "vmm/vmx/entry.h"
#include "vmm/vmx/insn.h"
#include "vmm/vmx/vmcs_fields.h"

typedef void (*exit_handler_fn)(struct vcpu *v, struct guest_regs *r);

/* On the path of every common exit: raw VMREAD/VMWRITE of fields that always exist in a
 * current VMCS (a failure would be a hypervisor bug the next VM entry reports). */
static inline uint64_t vmread_hot(uint64_t field)
{
	uint64_t v = 0;

	vmx_raw_vmread(field, &v);
	return v;
}

/* Resume the guest after the instruction that exited. */
static inline void skip_instruction(void)
{
	vmx_raw_vmwrite(GUEST_RIP, vmread_hot(GUEST_RIP) + vmread_hot(VM_EXIT_INSTRUCTION_LEN));
}

/* #GP(0) delivered to the guest at the next VM entry (exception.c). */
void inject_gp(void);

/* The bits CPUID keeps of the passthrough leaves whose features need a VM-execution control to
 * work in the guest (cpuid.c): leaf 7 subleaf 0 EBX/ECX/EDX, leaf 0xd subleaf 1 EAX, leaf
 * 0x80000001 EDX. cpuid_masks_init sets them from the controls written to the VMCS. */
struct cpuid_masks {
	uint32_t leaf7_ebx, leaf7_ecx, leaf7_edx, leafd1_eax, ext1_edx;
};
void cpuid_masks_compute(uint32_t proc_ctls, uint32_t proc2_ctls, struct cpuid_masks *m);
void cpuid_masks_init(uint32_t proc_ctls, uint32_t proc2_ctls);

/* The guest's MSR bitmap in page (4 KiB): which MSRs the guest reaches without an exit; rdtscp =
 * the "enable RDTSCP" control is on (msr.c). */
void guest_msr_bitmap_build(uint8_t *page, bool rdtscp);
/* Zero the MSRs that bitmap passes through, so the guest finds them 0 (before VMLAUNCH; msr.c). */
void guest_msrs_clear(bool rdtscp);

/* The handlers, by exit reason. */
void handle_cpuid(struct vcpu *v, struct guest_regs *r);             /* cpuid.c */
void handle_external_interrupt(struct vcpu *v, struct guest_regs *r); /* interrupt.c */
void handle_io(struct vcpu *v, struct guest_regs *r);                /* io.c */
void handle_vmcall(struct vcpu *v, struct guest_regs *r);            /* vmcall.c */
void handle_cr_access(struct vcpu *v, struct guest_regs *r);         /* cr_access.c */
void handle_msr(struct vcpu *v, struct guest_regs *r);               /* msr.c */
void handle_xsetbv(struct vcpu *v, struct guest_regs *r);            /* xsetbv.c */
void handle_hlt(struct vcpu *v, struct guest_regs *r);               /* hlt_invd_wbinvd.c */
void handle_invd_wbinvd(struct vcpu *v, struct guest_regs *r);       /* hlt_invd_wbinvd.c */
void handle_monitor_mwait(struct vcpu *v, struct guest_regs *r);     /* monitor_mwait.c */
void handle_ept_violation(struct vcpu *v, struct guest_regs *r);     /* ept_violation.c */
void handle_ept_misconfig(struct vcpu *v, struct guest_regs *r);     /* ept_misconfig.c */
void handle_exception_nmi(struct vcpu *v, struct guest_regs *r);     /* exception.c */
void handle_triple_fault(struct vcpu *v, struct guest_regs *r);      /* exception.c */
void handle_preemption_timer(struct vcpu *v, struct guest_regs *r);  /* preemption_timer.c */
/* A VM exit with bit 31 set (VM-entry failure, SDM Vol. 3C §27.8 "VM-Entry Failures During or
 * After Loading Guest State"): explain it and end the guest. */
__attribute__((noreturn)) void end_entry_failure(uint32_t reason);   /* entry_failure.c */

#endif
