// SPDX-License-Identifier: MIT
/*
 * tests/host/entry_check_machine.h - a machine for the VM-entry checker's host tests
 * (tests/host/test_entry_check*.c): a CPU (struct vmx_caps from vmx_probe over a fake CPU model),
 * a VMCS as a table of fields, a few pages of physical memory, and the VMCS minihv writes.
 *
 * The baseline VMCS is built the way vmm/vm/vmcs_setup.c builds it: the same control computation
 * (vmx_ctl_compute over the want tables of vmm/vmx/controls.c, then virtual NMIs only with NMI
 * exiting, the VMX-preemption timer only with its save control and without the erratum of
 * vmm/vmx/errata.c), the same field values, with the addresses the hypervisor would have (its
 * pool, its image, guest memory at 0x8000000+0x400000 as docs/log-format.md shows) and the
 * control registers the firmware hands over, fixed up by vmx_cr_fixup as vmm/vmx/enable.c does.
 */
#ifndef TESTS_HOST_ENTRY_CHECK_MACHINE_H
#define TESTS_HOST_ENTRY_CHECK_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tests/host/fake_cpu.h"
#include "vmm/vmx/caps.h"
#include "vmm/vmx/entry_check.h"

/* Where things are in the baseline (page-aligned, below 4 GiB, like a UEFI machine's). */
#define ECM_GUEST_BASE    0x8000000ull    /* guest memory, GPA == HPA */
#define ECM_GUEST_SIZE    0x400000ull
#define ECM_GUEST_ENTRY   (ECM_GUEST_BASE + 0x10020)
#define ECM_POOL          0x3f000000ull   /* the page pool: VMCS, bitmaps, exit stack, EPT root */
#define ECM_VMCS          (ECM_POOL + 0x0000)
#define ECM_IO_BITMAP_A   (ECM_POOL + 0x1000)
#define ECM_IO_BITMAP_B   (ECM_POOL + 0x2000)
#define ECM_MSR_BITMAP    (ECM_POOL + 0x3000)
#define ECM_EXIT_STACK    (ECM_POOL + 0x8000)   /* top of 4 pages */
#define ECM_EPT_ROOT      (ECM_POOL + 0x9000)
#define ECM_SPARE_PAGE    (ECM_POOL + 0xa000)   /* free for a test: a virtual-APIC page, an MSR area */
#define ECM_HOST_CR3      0x3e000000ull   /* the hypervisor's identity map */
#define ECM_IMAGE         0x7e400000ull   /* the UEFI image: code, GDT, TSS, IDT */
#define ECM_HOST_RIP      (ECM_IMAGE + 0x1234)
#define ECM_HOST_GDT      (ECM_IMAGE + 0x40000)
#define ECM_HOST_TSS      (ECM_IMAGE + 0x40080)
#define ECM_HOST_IDT      (ECM_IMAGE + 0x41000)
/* Firmware state the hypervisor keeps: CR0 = PG WP NE ET MP PE, CR4 = OSXMMEXCPT OSFXSR MCE PAE DE
 * (OVMF), IA32_EFER = NXE LMA LME. */
#define ECM_FIRMWARE_CR0  0x80010033ull
#define ECM_FIRMWARE_CR4  0x668ull
#define ECM_FIRMWARE_EFER 0xd00ull

#define ECM_MAX_FIELDS 192
#define ECM_MAX_PAGES  4

struct ecm_field {
	uint32_t encoding;
	uint64_t value;
};

struct ec_machine {
	struct vmx_caps caps;
	struct entry_check_facts facts;
	struct ecm_field field[ECM_MAX_FIELDS];
	size_t nfields;
	uint32_t unwritten[64];     /* fields the checker read that were never set */
	size_t nunwritten;
	uint64_t page_pa[ECM_MAX_PAGES];
	uint8_t page[ECM_MAX_PAGES][4096];
	size_t npages;
	bool no_memory;             /* run without a physical-memory reader */
	struct entry_check_report report;
};

/* caps and facts from a CPU model through vmx_probe; false (with a cmocka failure) if the probe
 * refuses the CPU. vmfunc is IA32_VMX_VMFUNC (0 if unknown). */
bool ecm_init(struct ec_machine *m, const struct fake_cpu_model *cpu, uint64_t vmfunc);
/* The VMCS vmm/vm/vmcs_setup.c writes on this CPU (fields cleared first). */
void ecm_minihv_vmcs(struct ec_machine *m);

void ecm_set(struct ec_machine *m, uint32_t encoding, uint64_t value);
uint64_t ecm_get(const struct ec_machine *m, uint32_t encoding);
bool ecm_has(const struct ec_machine *m, uint32_t encoding);
static inline void ecm_or(struct ec_machine *m, uint32_t enc, uint64_t bits) { ecm_set(m, enc, ecm_get(m, enc) | bits); }
static inline void ecm_clear(struct ec_machine *m, uint32_t enc, uint64_t bits) { ecm_set(m, enc, ecm_get(m, enc) & ~bits); }
/* Write bytes of physical memory (pages appear as needed, zero-filled). */
void ecm_poke(struct ec_machine *m, uint64_t pa, const void *src, size_t len);

/* Run the checker; returns the number of failures. */
unsigned ecm_run(struct ec_machine *m);
/* The failure with this id, or NULL. */
const struct entry_check_failure *ecm_failure(const struct ec_machine *m, const char *id);
/* The report as text (one line per failure), for failure messages. */
const char *ecm_describe(const struct ec_machine *m);

#endif
