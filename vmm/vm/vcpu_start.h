/* The vCPUs' CPUs: the boot processor's slot at take-over, each AP's when it is up, the wait of a
 * vCPU not yet started, HC_VCPU_START, and an AP's VMLAUNCH (docs/guest-abi.md "vCPUs"). */
#ifndef VMM_VM_VCPU_START_H
#define VMM_VM_VCPU_START_H

#include <stdint.h>

#include "vmm/vm/vm.h"

#define VCPU_START_TIMEOUT_MS 100   /* HC_VCPU_START waits this long for the CPU to launch */

/* Slot i is vCPU i's, on the i-th CPU in use. vcpus_init numbers them and makes slot 0 the boot
 * processor's (GS base); an AP binds its slot with vcpu_bind_this_cpu. */
extern struct vcpu vcpu_slots[];
void vcpus_init(uint64_t bsp_tss);
void vcpu_bind_this_cpu(struct vcpu *v, uint32_t apic_id, uint64_t host_tss);
/* The calling CPU's vCPU index: the log's CPU tags. */
unsigned vcpu_this_index(void);

/* An AP, in VMX root operation: wait (halted; NMIs wake it) until its vCPU is started, then set up
 * its VMCS and launch. Never returns. */
__attribute__((noreturn)) void vcpu_ap_main(struct vcpu *v);

/* HC_VCPU_START from vCPU caller: 0, HC_E_VCPU, HC_E_RANGE or HC_E_STARTED. */
int64_t vcpu_start(struct vcpu *caller, uint64_t index, uint64_t rip, uint64_t rsp);

#endif
