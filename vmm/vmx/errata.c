/* The VMX-preemption timer erratum: the processor signatures on which the timer does not count
 * at the rate IA32_VMX_MISC[4:0] reports. Each line names the specification-update document,
 * erratum and stepping, as listed by KVM's vmx_preemption_cpu_tfms and VirtualBox's HMR0.cpp. */
#include "vmm/vmx/errata.h"
#include "arch/lib/array.h"

/* CPUID.1:EAX with the reserved bits 15:14 and 31:28 cleared. */
#define SIGNATURE_MASK (~((0x3u << 14) | (0xfu << 28)))

static const uint32_t preemption_timer_broken[] = {
	0x000206E6,   /* 323344 BA86, D0: Xeon 7500 */
	0x00020652,   /* 323056 AAX65, 322814 AAT59, 322911 AAU65, C2: Xeon L3406, Core i7-600/i5-500/i3-300 */
	0x00020655,   /* 322911 AAU65, K0: Core i5-600, i3-500, Pentium G6950 */
	0x000106E5,   /* 322373 AAO95, 322166 AAN92, 320767 AAP86, B1: Xeon 3400, Core i7-800/i5-700 */
	0x000106A0,   /* 321333 AAM126, C0: Xeon 3500 */
	0x000106A1,   /* 321333 AAM126, C1: Xeon 3500 */
	0x000106A4,   /* 320836 AAJ124, C0: Core i7-900 */
	0x000106A5,   /* 321333 AAM126, 321324 AAK139, 320836 AAJ124, D0: Xeon 3500/5500, Core i7-900 */
	0x000306A8,   /* Xeon E3-1220 v2 */
};

bool vmx_preemption_timer_erratum(uint32_t cpuid1_eax)
{
	for (unsigned i = 0; i < ARRAY_SIZE(preemption_timer_broken); i++)
		if ((cpuid1_eax & SIGNATURE_MASK) == preemption_timer_broken[i])
			return true;
	return false;
}
