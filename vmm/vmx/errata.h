/* CPU errata the hypervisor works around. */
#ifndef VMM_VMX_ERRATA_H
#define VMM_VMX_ERRATA_H

#include <stdbool.h>
#include <stdint.h>

/* Does the VMX-preemption timer count at the wrong rate on the CPU with this CPUID.1:EAX?
 * (Nehalem and Westmere parts; their specification updates list it, and KVM and VirtualBox
 * turn the timer off there.) */
bool vmx_preemption_timer_erratum(uint32_t cpuid1_eax);

#endif
