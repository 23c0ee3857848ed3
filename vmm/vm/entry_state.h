/* A Multiboot kernel's VM-entry state (Multiboot §3.2 "Machine state"; docs/guest-abi.md "What a
 * Multiboot kernel gets"): 32-bit protected mode, flat 4 GiB segments from a GDT of its own in the
 * information area, paging and interrupts off, EAX = 0x2BADB002, EBX = the information structure.
 * It needs the "unrestricted guest" VM-execution control (CR0.PE/PG need not be 1), and the guest
 * may then switch to real mode, paging and long mode itself (vmm/exit/cr_mode.c emulates the CR0
 * writes). vmm/vm/vmcs_setup.c calls in here for a Multiboot guest; an MHVGUEST guest's entry state
 * is vmcs_setup.c's own. */
#ifndef VMM_VM_ENTRY_STATE_H
#define VMM_VM_ENTRY_STATE_H

#include <stdint.h>

#include "arch/x86_64/cr.h"
#include "arch/x86_64/segment.h"
#include "vmm/vm/vm.h"

/* The GDT, in the information area between the memory map and the boot loader's name (Multiboot
 * says the GDTR may be invalid: a kernel loads its own before reloading a segment register). */
#define MB_GDT_GPA     0x80D0u
#define MB_GDT_LIMIT   0x17u      /* null, 0x08 code, 0x10 data */
#define MB_SEL_CODE32  0x08u
#define MB_SEL_DATA32  0x10u
/* Flat 4 GiB, DPL 0, 32-bit (D/B), page granular, accessed (VMCS access-rights format). */
#define MB_AR_CODE32   (SEG_TYPE_CODE_XR | SEG_TYPE_ACCESSED | SEG_AR_S | SEG_AR_P | SEG_AR_DB | SEG_AR_G)
#define MB_AR_DATA32   (SEG_AR_DATA | SEG_TYPE_ACCESSED)
/* TR: VM entry needs a usable busy TSS (SDM Vol. 3C §27.3.1.2 "Checks on Guest Segment Registers");
 * type 11 is a busy 32-bit TSS outside IA-32e mode and a busy 64-bit one inside it, so it stays
 * valid when the guest enters long mode. Selector 0, base 0: not for use (a kernel does its own LTR). */
#define MB_AR_TR       (SEG_TYPE_TSS_BUSY | SEG_AR_P)
#define MB_TR_LIMIT    0x67u /* the smallest 32-bit TSS */

/* What the kernel reads in CR0 and CR4 at entry: PE (and ET, hardwired to 1); CR4 all 0. The VMX
 * fixed bits (CR0.NE, CR4.VMXE) are set in the real registers and hidden by the read shadows. */
#define MB_CR0_AT_ENTRY  (CR0_PE | CR0_ET)
#define MB_CR4_AT_ENTRY  0ull
#define MB_EFER_AT_ENTRY 0ull

/* The GDT above, written to guest memory (guest_mem: the host pointer to GPA 0). */
void entry_state_gdt(uint8_t *guest_mem);
/* The controls computed for the CPU, adjusted for the guest: a Multiboot guest adds
 * vmx_proc2_multiboot_want ("unrestricted guest"; the loader refused the kernel on a CPU without)
 * and enters outside IA-32e mode; an MHVGUEST guest's stay as they are. */
void entry_state_controls(const struct vm *vm, uint32_t *proc2, uint32_t *entry);
/* The CR0 and CR4 read shadows at entry: MB_CR*_AT_ENTRY, or the MHVGUEST ABI's values. */
uint64_t entry_state_cr0_shadow(const struct vm *vm);
uint64_t entry_state_cr4_shadow(const struct vm *vm);
/* One segment register's four fields. */
void entry_state_segment(uint32_t sel_f, uint32_t base_f, uint32_t limit_f, uint32_t ar_f, uint16_t sel, uint64_t base,
                         uint32_t limit, uint32_t ar);
/* The guest-state fields both kinds of guest start with alike: no IDT (an exception ends in a triple
 * fault), SYSENTER MSRs 0, active, nothing blocked or pending, no shadow VMCS. */
void entry_state_write_quiet(void);
/* Every guest-state field of a Multiboot guest, each written once. */
void entry_state_write_multiboot(const struct vm *vm);

#endif
