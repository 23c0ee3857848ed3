// SPDX-License-Identifier: MIT
/*
 * tests/host/entry_check_machine.h - a machine for the VM-entry checker's host tests
 * (tests/host/test_entry_check*.c): a CPU (struct vmx_caps from vmx_probe over a fake CPU model),
 * the VMCS the hypervisor builds on it, and a few pages of physical memory.
 *
 * The VMCS is the one vmm/vm/vmcs_setup.c writes: ecm_vmcs_setup runs the real vmcs_setup() on a
 * struct vm, over the fake current VMCS and CPU of tests/host/fake_vmcs.c, with the EPT the real
 * guest_ept_build() makes (vmm/vm/guest_ept.c). The fake VMCS has only the fields this CPU has
 * (fake_vmcs_reset_cpu), so a VMWRITE to a field the CPU lacks fails as it would on the CPU. The
 * fake CPU answers CPUID from the model and holds the state the hypervisor has when it sets up
 * the VMCS: the firmware's CR0/CR4 with the VMX fixed bits applied as vmm/vmx/enable.c applies
 * them, the hypervisor's CR3, GDT, TSS and IDT, the firmware's IA32_EFER and IA32_PAT. The page
 * pool is host memory mapped at ECM_POOL, so every address vmcs_setup writes is one a UEFI
 * machine could have; guest memory (ECM_GUEST_BASE) is only an address range.
 *
 * There is one fake VMCS: one machine at a time.
 */
#ifndef TESTS_HOST_ENTRY_CHECK_MACHINE_H
#define TESTS_HOST_ENTRY_CHECK_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tests/host/fake_cpu.h"
#include "vmm/boot_info.h"
#include "vmm/vm/vm.h"
#include "vmm/vmx/caps.h"
#include "vmm/vmx/entry_check.h"

/* Where things are (page-aligned, below 4 GiB, like a UEFI machine's). */
#define ECM_GUEST_BASE    0x8000000ull    /* guest memory, GPA == HPA (docs/log-format.md) */
#define ECM_GUEST_SIZE    0x400000ull
#define ECM_GUEST_ENTRY   (ECM_GUEST_BASE + 0x10020)   /* where the default guest starts */
#define ECM_MB_ENTRY      0x100010ull     /* a Multiboot kernel's entry GPA (m->multiboot) */
#define ECM_POOL          0x3f000000ull   /* the page pool: EPT tables, VMCS, bitmaps, exit stack */
#define ECM_POOL_SIZE     0x20000ull
#define ECM_EPT_ROOT      ECM_POOL        /* guest_ept_build takes the pool's first page */
#define ECM_SPARE_PAGE    (ECM_POOL + ECM_POOL_SIZE)   /* free for a test: a virtual-APIC page, an MSR area */
#define ECM_HOST_CR3      0x3e000000ull   /* the hypervisor's identity map */
#define ECM_IMAGE         0x7e400000ull   /* the UEFI image: GDT, TSS, IDT */
#define ECM_HOST_GDT      (ECM_IMAGE + 0x40000)
#define ECM_HOST_TSS      (ECM_IMAGE + 0x40080)
#define ECM_HOST_IDT      (ECM_IMAGE + 0x41000)
/* Firmware state the hypervisor keeps: CR0 = PG WP NE ET MP PE, CR4 = OSXMMEXCPT OSFXSR MCE PAE DE
 * (OVMF), IA32_EFER = NXE LMA LME, IA32_PAT its power-on value. */
#define ECM_FIRMWARE_CR0  0x80010033ull
#define ECM_FIRMWARE_CR4  0x668ull
#define ECM_FIRMWARE_EFER 0xd00ull

#define ECM_MAX_PAGES 4
#define ECM_MAX_VCPUS 4
#define ECM_AP_TSS(i)     (ECM_IMAGE + 0x42000 + (i) * 0x100)   /* an AP's own TSS */

struct ec_machine {
	const struct fake_cpu_model *cpu;
	struct vmx_caps caps;
	struct entry_check_facts facts;
	struct boot_info bi;        /* bi.cfg: HV.CFG's defaults, and what ecm_config parsed */
	struct vm vm;               /* the guest as vmcs_setup leaves it */
	struct vcpu vcpus[ECM_MAX_VCPUS];   /* vCPU 0, and the others ecm_vcpu_setup makes */
	unsigned nvcpus;            /* 1 unless a test sets more before ecm_vmcs_setup */
	uint32_t unwritten[64];     /* fields the checker read that the VMCS does not have */
	size_t nunwritten;
	uint64_t page_pa[ECM_MAX_PAGES];
	uint8_t page[ECM_MAX_PAGES][4096];
	size_t npages;
	bool no_memory;             /* run without a physical-memory reader */
	bool multiboot;             /* ecm_vmcs_setup builds a Multiboot guest's VMCS (GPA 0 at ECM_GUEST_BASE) */
	struct entry_check_report report;
};

/* caps and facts from a CPU model through vmx_probe, HV.CFG's defaults; false (with a cmocka
 * failure) if the probe refuses the CPU. vmfunc is IA32_VMX_VMFUNC (0 if unknown). */
bool ecm_init(struct ec_machine *m, const struct fake_cpu_model *cpu, uint64_t vmfunc);
/* HV.CFG lines (e.g. "vmwrite=0x6820:0x0\n"), parsed by vmm/config.c; a bad line fails the test. */
void ecm_config(struct ec_machine *m, const char *text);
/* The VMCS the hypervisor builds on this CPU: the fake VMCS emptied (only the fields the CPU has),
 * a fresh pool, guest_ept_build, vmcs_setup. A failing step, or a VMWRITE the CPU refused, fails
 * the test. The log is captured (fake_log_*). */
void ecm_vmcs_setup(struct ec_machine *m);
/* vCPU i's VMCS as its CPU writes it (vmcs_setup_vcpu: m->nvcpus > i, after ecm_vmcs_setup), started
 * at rip and rsp; the fake's current VMCS is then vCPU i's. */
void ecm_vcpu_setup(struct ec_machine *m, unsigned i, uint64_t rip, uint64_t rsp);

/* The VMCS as a test edits it: the field exists from then on, even where the CPU lacks it (a test
 * that changes the CPU changes its VMCS too). */
void ecm_set(struct ec_machine *m, uint32_t encoding, uint64_t value);
uint64_t ecm_get(const struct ec_machine *m, uint32_t encoding);
bool ecm_has(const struct ec_machine *m, uint32_t encoding);
static inline void ecm_or(struct ec_machine *m, uint32_t enc, uint64_t bits) { ecm_set(m, enc, ecm_get(m, enc) | bits); }
static inline void ecm_clear(struct ec_machine *m, uint32_t enc, uint64_t bits) { ecm_set(m, enc, ecm_get(m, enc) & ~bits); }
/* Write bytes of physical memory as the checker sees it (pages appear as needed, zero-filled). */
void ecm_poke(struct ec_machine *m, uint64_t pa, const void *src, size_t len);

/* Run the checker on the fake VMCS; returns the number of failures. */
unsigned ecm_run(struct ec_machine *m);
/* The failure with this id, or NULL. */
const struct entry_check_failure *ecm_failure(const struct ec_machine *m, const char *id);
/* The report as text (one line per failure), for failure messages. */
const char *ecm_describe(const struct ec_machine *m);

#endif
