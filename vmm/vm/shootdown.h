/* Keeping the shared EPT tables coherent across vCPUs: changes one at a time (the VM's EPT lock),
 * then every other running vCPU drops its cached translations before the change is reported done
 * (docs/guest-abi.md "vCPUs"). With one vCPU none of this runs: the lock is not taken and only the
 * local INVEPT is done, as before. */
#ifndef VMM_VM_SHOOTDOWN_H
#define VMM_VM_SHOOTDOWN_H

#include <stdbool.h>

#include "vmm/vm/vm.h"

#define SHOOTDOWN_TIMEOUT_MS 100   /* a CPU that has not flushed by then is reported; the run ends */

/* Take and release the VM's EPT lock (nothing when the guest has one vCPU). While it waits, the
 * caller still answers invalidations, so two vCPUs changing tables never wait on each other. */
void vm_ept_lock_smp(struct vm *vm);

static inline void vm_ept_lock(struct vm *vm)
{
	if (vm->nvcpus > 1)
		vm_ept_lock_smp(vm);
}

static inline void vm_ept_unlock(struct vm *vm)
{
	if (vm->nvcpus > 1)
		spin_unlock(&vm->ept_lock);
}

/* A change to the shared tables, made under the lock, that needs flush (EPT_FLUSH_*): INVEPT
 * here, then shootdown_others. */
void vm_ept_changed(struct vm *vm, int flush);

/* After a change made under the lock, with the local INVEPT done: every other running vCPU
 * flushes. Each gets an NMI (handled in VMX root operation: vmm/exit/exception.c for one taken
 * during the guest, shootdown_nmi for one taken in the hypervisor), does INVEPT and acknowledges;
 * this waits for every acknowledgement, SHOOTDOWN_TIMEOUT_MS at most. On a timeout the run ends
 * (the lock is released first). */
void shootdown_others(struct vm *vm);

/* Flush this CPU's translations if a change happened since it last did, and acknowledge. True if
 * there was one. */
bool shootdown_poll(struct vcpu *v);

/* An NMI to t's CPU from the hypervisor (an invalidation, a wake-up), counted so that its CPU
 * can tell it from the platform's. */
void shootdown_send_nmi(struct vcpu *t);
/* On v's CPU, an NMI arrived: flush if needed; true if it was one the hypervisor sent (two NMIs
 * sent close together can arrive as one: the next platform NMI is then taken for the second). */
bool shootdown_claim_nmi(struct vcpu *v);

/* The hypervisor's NMI hook in root mode (arch/x86_64/nmi.h): true if the NMI was its own (a
 * shootdown, or a waiting vCPU's wake-up), which is then not counted as the platform's. */
bool shootdown_nmi(void);

#endif
