/* The VM entry and exit stub (vmm/vmx/entry.asm) and the register frame it saves on every exit. */
#ifndef VMM_VMX_ENTRY_H
#define VMM_VMX_ENTRY_H

#include <stdint.h>

/* Guest general-purpose registers in the SDM's register-number order (so a CR-access
 * qualification's GPR number indexes it). The RSP slot is unused: guest RSP lives in the VMCS. */
struct guest_regs {
	uint64_t gpr[16];
};
enum { GPR_RAX = 0, GPR_RCX, GPR_RDX, GPR_RBX, GPR_RSP, GPR_RBP, GPR_RSI, GPR_RDI };

/* Load the guest's registers and VMLAUNCH; returns RFLAGS only if VMLAUNCH failed. */
uint64_t vmx_launch(struct guest_regs *regs);
/* HOST_RIP: saves the registers, calls vmx_exit_dispatch (vmm/exit/dispatch.h), VMRESUMEs. */
void vmx_exit_entry(void);
/* HV.CFG entry_probe: VMLAUNCH with the exit coming back here; 0 if an exit came, else the
 * RFLAGS of the failed VMLAUNCH. */
uint64_t vmx_probe_launch(void);
/* The minimal exit path for benchmarks (HC_BENCH_REFERENCE): CPUID exits only advance RIP. */
void vmx_exit_reference(void);

#endif
