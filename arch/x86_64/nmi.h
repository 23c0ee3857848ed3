/* NMIs in VMX root operation: counted and returned from, never fatal (an NMI is the platform's:
 * a BMC watchdog, SERR, `virsh inject-nmi`). NMIs during the guest are VM exits (vmm/exit/). */
#ifndef ARCH_X86_64_NMI_H
#define ARCH_X86_64_NMI_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/idt.h"

/* NMIs taken in root mode so far (the platform's: not those the hook claims). */
extern volatile uint64_t nmi_root_count;
/* Called first by host_nmi when set: true if the NMI was the hypervisor's own (vmm/vm/shootdown.c:
 * an EPT invalidation or a vCPU's wake-up from another CPU), which is then not counted. */
extern bool (*nmi_root_hook)(void);

/* Called by arch/x86_64/isr.asm with the interrupted state, which it then returns to (IRET). */
void host_nmi(struct trap_frame *f);
/* End the NMI blocking a VM exit caused by an NMI leaves in root mode (an IRET to itself). */
void nmi_unblock(void);

#endif
