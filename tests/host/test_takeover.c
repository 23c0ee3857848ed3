// SPDX-License-Identifier: MIT
/*
 * tests/host/test_takeover.c - what the hypervisor does to the machine the firmware hands over,
 * for states no emulator here produces (issue 13): the host identity map in 4- and 5-level
 * paging (arch/x86_64/paging.c) with large pages kept inside one MTRR memory type
 * (arch/x86_64/mtrr.c) and the framebuffer mapped above RAM; the 8259s and the local APIC's
 * interrupts masked in xAPIC and x2APIC mode (arch/x86_64/pic.c, lapic.c); CET switched off
 * (arch/x86_64/cet.c); root-mode NMIs counted (arch/x86_64/nmi.c); the
 * VMX-preemption-timer erratum list (vmm/vmx/errata.c).
 *
 * The CPU is a fake struct cpu_ops (MSRs in a table, CR4 a variable); page-table pages come
 * from aligned_alloc, their addresses used as physical addresses (a host process's pointers are
 * below 2^47, so they fit every table format).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arch/lib/array.h"
#include "arch/x86_64/cet.h"
#include "arch/x86_64/cr.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/msr.h"
#include "arch/x86_64/mtrr.h"
#include "arch/x86_64/nmi.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/pic.h"
#include "arch/x86_64/pte.h"
#include "vmm/vmx/errata.h"

#define GIB (1ull << 30)
#define MIB (1ull << 20)

/* ------------------------------------------------------------------ the fake CPU */

#define MAX_MSRS 64
static struct {
	uint32_t msr[MAX_MSRS];
	uint64_t val[MAX_MSRS];
	unsigned n;
	uint64_t cr4;
	unsigned wrmsrs, cr4_writes;
	uint32_t last_wrmsr;
	uint64_t last_wrmsr_value;
} cpu;
static uint8_t port[0x10000];
static unsigned port_writes;

static uint64_t *msr_slot(uint32_t msr)
{
	for (unsigned i = 0; i < cpu.n; i++)
		if (cpu.msr[i] == msr)
			return &cpu.val[i];
	assert_true(cpu.n < MAX_MSRS);
	cpu.msr[cpu.n] = msr;
	cpu.val[cpu.n] = 0;
	return &cpu.val[cpu.n++];
}

static void set_msr(uint32_t msr, uint64_t v)
{
	*msr_slot(msr) = v;
}

static uint64_t fake_rdmsr(void *ctx, uint32_t msr)
{
	(void)ctx;
	return *msr_slot(msr);
}

static void fake_wrmsr(void *ctx, uint32_t msr, uint64_t v)
{
	(void)ctx;
	cpu.wrmsrs++;
	cpu.last_wrmsr = msr;
	cpu.last_wrmsr_value = v;
	*msr_slot(msr) = v;
}

static uint64_t fake_read_cr4(void *ctx)
{
	(void)ctx;
	return cpu.cr4;
}

static void fake_write_cr4(void *ctx, uint64_t v)
{
	(void)ctx;
	cpu.cr4_writes++;
	cpu.cr4 = v;
}

static const struct cpu_ops ops = { 0, 0, fake_rdmsr, fake_wrmsr, fake_read_cr4, fake_write_cr4 };

/* arch/x86_64/cpu.h declares these for host tests: the 8259 ports. */
void outb(uint16_t p, uint8_t v)
{
	port[p] = v;
	port_writes++;
}

uint8_t inb(uint16_t p)
{
	return port[p];
}

static int reset(void **state)
{
	(void)state;
	memset(&cpu, 0, sizeof(cpu));
	memset(port, 0, sizeof(port));
	port_writes = 0;
	return 0;
}

/* ------------------------------------------------------------------ page tables */

#define MAX_PAGES 4096
static void *pages[MAX_PAGES];
static unsigned npages, page_limit = MAX_PAGES;

static uint64_t alloc_page(void)
{
	void *p;

	if (npages >= page_limit)
		return 0;
	p = aligned_alloc(4096, 4096);
	assert_non_null(p);
	memset(p, 0, 4096);
	pages[npages++] = p;
	return (uint64_t)(uintptr_t)p;
}

static void free_pages(void)
{
	for (unsigned i = 0; i < npages; i++)
		free(pages[i]);
	npages = 0;
	page_limit = MAX_PAGES;
}

/* Walk the tables like the CPU: the physical address addr maps to, and the page size; 0 size when
 * not mapped. Every entry on the way must be present and writable. */
static uint64_t walk(uint64_t cr3, unsigned levels, uint64_t addr, uint64_t *size)
{
	uint64_t *t = (uint64_t *)(uintptr_t)cr3;

	for (unsigned l = levels; l >= 1; l--) {
		uint64_t e = t[(addr >> (12 + 9 * (l - 1))) & 511];
		uint64_t span = 1ull << (12 + 9 * (l - 1));

		if (!(e & PTE_P)) {
			*size = 0;
			return 0;
		}
		assert_true(e & PTE_RW);
		if (l == 1 || (e & PTE_PS)) {
			assert_true(l <= 3);
			*size = span;
			return (e & PTE_ADDR_MASK & ~(span - 1)) | (addr & (span - 1));
		}
		t = (uint64_t *)(uintptr_t)(e & PTE_ADDR_MASK);
	}
	*size = 0;
	return 0;
}

static void assert_identity(uint64_t cr3, unsigned levels, uint64_t addr, uint64_t want_size)
{
	uint64_t size, pa = walk(cr3, levels, addr, &size);

	if (size != want_size || (want_size && pa != addr))
		fail_msg("0x%llx maps to 0x%llx with a 0x%llx page; want identity, 0x%llx", (unsigned long long)addr,
			 (unsigned long long)pa, (unsigned long long)size, (unsigned long long)want_size);
}

static struct paging_plan plan(unsigned levels, bool page_1g, uint64_t end)
{
	struct paging_plan p = { .levels = levels, .page_1g = page_1g, .nranges = 1 };

	p.range[0].base = 0;
	p.range[0].end = end;
	return p;
}

static void test_paging_4_and_5_levels(void **state)
{
	static const unsigned levels[] = { 4, 5 };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(levels); i++) {
		struct paging_plan p = plan(levels[i], true, 4 * GIB);
		struct paging_result r;

		assert_int_equal(paging_build_identity(&p, alloc_page, &r), 0);
		assert_int_equal(r.pages_1g, 4);
		assert_int_equal(r.pages_2m + r.pages_4k, 0);
		/* root (+ PML4 under a PML5) + one PDPT */
		assert_int_equal(r.tables, levels[i] == 5 ? 3 : 2);
		assert_int_equal(r.top, 4 * GIB);
		for (uint64_t a = 0; a < 4 * GIB; a += GIB / 2)
			assert_identity(r.cr3, levels[i], a + 0x1234, GIB);
		assert_identity(r.cr3, levels[i], 4 * GIB, 0);
		/* read as the other depth, the tables would be wrong: the depth is part of the result */
		free_pages();
	}
	assert_int_equal(paging_levels(CR4_PAE), 4);
	assert_int_equal(paging_levels(CR4_PAE | CR4_LA57), 5);
}

static void test_paging_without_1g_pages(void **state)
{
	struct paging_plan p = plan(4, false, 2 * GIB + 3 * MIB);
	struct paging_result r;

	(void)state;
	assert_int_equal(paging_build_identity(&p, alloc_page, &r), 0);
	assert_int_equal(r.pages_1g, 0);
	assert_int_equal(r.pages_2m, 1025);       /* 2 GiB + 2 MiB */
	assert_int_equal(r.pages_4k, 256);        /* the last 1 MiB */
	assert_identity(r.cr3, 4, GIB + 5, 2 * MIB);
	assert_identity(r.cr3, 4, 2 * GIB + 2 * MIB + 0x5000, 4096);
	assert_identity(r.cr3, 4, 2 * GIB + 3 * MIB, 0);
	free_pages();
}

static void test_paging_pool_exhausted(void **state)
{
	struct paging_plan p = plan(4, false, 4 * GIB);
	struct paging_result r;

	(void)state;
	page_limit = 3;
	assert_int_equal(paging_build_identity(&p, alloc_page, &r), -1);
	free_pages();
	p.levels = 3;
	assert_int_equal(paging_build_identity(&p, alloc_page, &r), -1);
	free_pages();
}

/* The framebuffer above RAM is mapped too; overlapping ranges are merged, nothing twice. */
static void test_paging_framebuffer_above_ram(void **state)
{
	struct paging_plan p = plan(4, true, 4 * GIB);
	struct paging_result r;

	(void)state;
	p.nranges = 3;
	p.range[1].base = 0x3800000000ull + 0x1000;   /* 224 GiB + 4 KiB, 8 MiB long */
	p.range[1].end = p.range[1].base + 8 * MIB;
	p.range[2].base = GIB;                          /* inside the first range */
	p.range[2].end = 2 * GIB;
	assert_int_equal(paging_build_identity(&p, alloc_page, &r), 0);
	assert_int_equal(r.top, 0x3800000000ull + 0x1000 + 8 * MIB);
	assert_identity(r.cr3, 4, p.range[1].base, 4096);
	assert_identity(r.cr3, 4, 0x3800000000ull + 2 * MIB, 2 * MIB);
	assert_identity(r.cr3, 4, p.range[1].end - 1, 4096);
	assert_identity(r.cr3, 4, 0x3800000000ull, 0);        /* the page before it: not RAM, not asked */
	assert_identity(r.cr3, 4, p.range[1].end + 4096, 0);
	assert_int_equal(r.pages_1g, 4);
	free_pages();
}

/* ------------------------------------------------------------------ MTRRs */

/* A typical firmware layout: WB by default, fixed ranges for the first 1 MiB (the VGA hole at
 * 0xA0000-0xBFFFF uncached), and one variable range making 3-4 GiB (the MMIO window) UC. */
static void typical_mtrrs(void)
{
	set_msr(IA32_MTRRCAP, MTRRCAP_FIX | 2);
	set_msr(IA32_MTRR_DEF_TYPE, MTRR_DEF_TYPE_E | MTRR_DEF_TYPE_FE | 6);
	set_msr(IA32_MTRR_FIX64K_00000, 0x0606060606060606ull);
	set_msr(IA32_MTRR_FIX16K_80000, 0x0606060606060606ull);
	set_msr(IA32_MTRR_FIX16K_A0000, 0);          /* 0xA0000-0xBFFFF: UC */
	for (unsigned i = 0; i < 8; i++)
		set_msr(IA32_MTRR_FIX4K_C0000 + i, i < 4 ? 0x0505050505050505ull : 0x0606060606060606ull);
	set_msr(IA32_MTRR_PHYSBASE0, 3 * GIB | 0);                               /* UC */
	set_msr(IA32_MTRR_PHYSBASE0 + 1, (~(GIB - 1) & 0xfffffff000ull) | MTRR_PHYSMASK_VALID);
	set_msr(IA32_MTRR_PHYSBASE0 + 2, 0);
	set_msr(IA32_MTRR_PHYSBASE0 + 3, 0);                                     /* not valid */
}

static uint64_t test_rdmsr(uint32_t msr)
{
	return fake_rdmsr(0, msr);
}

static void test_mtrr_uniform_blocks(void **state)
{
	struct mtrr_state m;

	(void)state;
	typical_mtrrs();
	mtrr_read(&m, true, 40, test_rdmsr);
	assert_true(m.enabled && m.fixed_enabled);
	assert_int_equal(m.nvar, 2);
	assert_false(mtrr_block_uniform(&m, 0, GIB));              /* holds the fixed ranges */
	assert_false(mtrr_block_uniform(&m, 0, 2 * MIB));
	assert_true(mtrr_block_uniform(&m, 2 * MIB, 2 * MIB));     /* WB by default */
	assert_true(mtrr_block_uniform(&m, 0, 0x1000));
	assert_true(mtrr_block_uniform(&m, 0x80000, 0x10000));     /* one 16 KiB type over 64 KiB */
	assert_false(mtrr_block_uniform(&m, 0x90000, 0x20000));    /* WB then UC */
	assert_true(mtrr_block_uniform(&m, 0xA0000, 0x10000));
	assert_true(mtrr_block_uniform(&m, 0xC0000, 0x20000));     /* WP: the first four 4K registers */
	assert_false(mtrr_block_uniform(&m, 0xD0000, 0x20000));    /* WP, then WB from 0xE0000 */
	assert_true(mtrr_block_uniform(&m, 3 * GIB, GIB));         /* exactly the UC range */
	assert_true(mtrr_block_uniform(&m, 2 * GIB, GIB));         /* outside it */
	assert_false(mtrr_block_uniform(&m, 2 * GIB, 2 * GIB));    /* half in */
	/* a variable range smaller than the block, anywhere inside it */
	set_msr(IA32_MTRR_PHYSBASE0 + 2, (GIB + 16 * MIB) | 4);
	set_msr(IA32_MTRR_PHYSBASE0 + 3, (~(16 * MIB - 1) & 0xfffffff000ull) | MTRR_PHYSMASK_VALID);
	mtrr_read(&m, true, 40, test_rdmsr);
	assert_false(mtrr_block_uniform(&m, GIB, GIB));
	assert_true(mtrr_block_uniform(&m, GIB, 16 * MIB));
	assert_true(mtrr_block_uniform(&m, GIB + 16 * MIB, 2 * MIB));
	assert_true(mtrr_block_uniform(&m, GIB + 32 * MIB, 2 * MIB));
	/* MTRRs off, or none: one type everywhere */
	set_msr(IA32_MTRR_DEF_TYPE, 6);
	mtrr_read(&m, true, 40, test_rdmsr);
	assert_true(mtrr_block_uniform(&m, 0, GIB));
	mtrr_read(&m, false, 40, test_rdmsr);
	assert_true(mtrr_block_uniform(&m, 0, GIB));
}

/* Over the typical layout the map uses 4 KiB pages where the first 1 MiB's types change, 2 MiB
 * pages for the rest of the first GiB, and 1 GiB pages elsewhere. */
static void test_paging_follows_mtrrs(void **state)
{
	struct mtrr_state m;
	struct paging_plan p = plan(4, true, 4 * GIB);
	struct paging_result r;

	(void)state;
	typical_mtrrs();
	mtrr_read(&m, true, 40, test_rdmsr);
	p.mtrr = &m;
	assert_int_equal(paging_build_identity(&p, alloc_page, &r), 0);
	assert_int_equal(r.pages_1g, 3);
	assert_int_equal(r.pages_2m, 511);
	assert_int_equal(r.pages_4k, 512);
	assert_identity(r.cr3, 4, 0xA0000, 4096);
	assert_identity(r.cr3, 4, 0x100000, 4096);
	assert_identity(r.cr3, 4, 2 * MIB, 2 * MIB);
	assert_identity(r.cr3, 4, 3 * GIB + 5, GIB);
	free_pages();
}

/* ------------------------------------------------------------------ interrupts */

static void test_pic_masked(void **state)
{
	(void)state;
	pic_mask_all();
	assert_int_equal(port[PIC1_DATA], 0xff);
	assert_int_equal(port[PIC2_DATA], 0xff);
	assert_int_equal(port_writes, 2);
}

static uint32_t xapic_page[1024];

static uint32_t *xreg(uint32_t off)
{
	return &xapic_page[off / 4];
}

/* What the firmware left: the timer running, LINT0 as ExtINT, LINT1 as NMI, error, perf,
 * thermal and CMCI unmasked. */
static void firmware_lvts_xapic(unsigned max_lvt)
{
	memset(xapic_page, 0, sizeof(xapic_page));
	*xreg(LAPIC_ID) = 3u << 24;
	*xreg(LAPIC_VERSION) = (max_lvt << 16) | 0x14;
	*xreg(LAPIC_LVT_TIMER) = 0x20030;        /* periodic, vector 0x30 */
	*xreg(LAPIC_TIMER_INIT) = 123456;
	*xreg(LAPIC_LVT_LINT0) = 0x700;          /* ExtINT */
	*xreg(LAPIC_LVT_LINT1) = LAPIC_DELIVERY_NMI;
	*xreg(LAPIC_LVT_ERROR) = 0xfe;
	*xreg(LAPIC_LVT_PERF) = 0x400;           /* NMI delivery */
	*xreg(LAPIC_LVT_THERMAL) = 0x31;
	*xreg(LAPIC_LVT_CMCI) = 0x32;
}

static void test_lapic_xapic_masking(void **state)
{
	struct lapic l;

	(void)state;
	set_msr(IA32_APIC_BASE, 0xfee00000ull | APIC_BASE_ENABLE);
	firmware_lvts_xapic(6);
	lapic_init(&l, &ops, xapic_page);
	assert_true(l.present);
	assert_false(l.x2apic);
	assert_int_equal(l.id, 3);
	assert_int_equal(lapic_mask_local_interrupts(&l), 6);
	assert_true(*xreg(LAPIC_LVT_TIMER) & LAPIC_LVT_MASKED);
	assert_int_equal(*xreg(LAPIC_TIMER_INIT), 0);
	assert_int_equal(*xreg(LAPIC_LVT_LINT0), 0x700 | LAPIC_LVT_MASKED);
	assert_int_equal(*xreg(LAPIC_LVT_LINT1), LAPIC_DELIVERY_NMI);   /* the platform's NMI line stays */
	assert_true(*xreg(LAPIC_LVT_ERROR) & LAPIC_LVT_MASKED);
	assert_true(*xreg(LAPIC_LVT_PERF) & LAPIC_LVT_MASKED);
	assert_true(*xreg(LAPIC_LVT_THERMAL) & LAPIC_LVT_MASKED);
	assert_true(*xreg(LAPIC_LVT_CMCI) & LAPIC_LVT_MASKED);
	/* an LVT with four entries: nothing written past them */
	firmware_lvts_xapic(3);
	*xreg(LAPIC_LVT_LINT1) = 0x33;          /* not NMI: masked too */
	lapic_init(&l, &ops, xapic_page);
	assert_int_equal(lapic_mask_local_interrupts(&l), 4);
	assert_int_equal(*xreg(LAPIC_LVT_PERF), 0x400);
	assert_int_equal(*xreg(LAPIC_LVT_CMCI), 0x32);
	assert_int_equal(*xreg(LAPIC_LVT_LINT1), 0x33 | LAPIC_LVT_MASKED);
	/* EOI and a self-NMI */
	*xreg(LAPIC_EOI) = 0xdead;
	lapic_eoi(&l);
	assert_int_equal(*xreg(LAPIC_EOI), 0);
	lapic_send_self_nmi(&l);
	assert_int_equal(*xreg(LAPIC_ICR_HIGH), 3u << 24);
	assert_int_equal(*xreg(LAPIC_ICR_LOW), LAPIC_DELIVERY_NMI | LAPIC_ICR_ASSERT);
}

static void test_lapic_x2apic_masking(void **state)
{
	struct lapic l;

	(void)state;
	set_msr(IA32_APIC_BASE, 0xfee00000ull | APIC_BASE_ENABLE | APIC_BASE_X2APIC_ENABLE);
	set_msr(IA32_X2APIC_BASE + LAPIC_ID / 16, 0x103);
	set_msr(IA32_X2APIC_BASE + LAPIC_VERSION / 16, 5u << 16);
	set_msr(IA32_X2APIC_BASE + LAPIC_LVT_TIMER / 16, 0x30);
	set_msr(IA32_X2APIC_BASE + LAPIC_LVT_LINT0 / 16, 0x700);
	set_msr(IA32_X2APIC_BASE + LAPIC_LVT_LINT1 / 16, LAPIC_DELIVERY_NMI);
	lapic_init(&l, &ops, 0);
	assert_true(l.x2apic);
	assert_int_equal(l.id, 0x103);                /* 32-bit x2APIC ID */
	assert_int_equal(lapic_mask_local_interrupts(&l), 5);   /* timer, LINT0, error, perf, thermal */
	assert_int_equal(*msr_slot(IA32_X2APIC_BASE + LAPIC_LVT_TIMER / 16), 0x30 | LAPIC_LVT_MASKED);
	assert_int_equal(*msr_slot(IA32_X2APIC_BASE + LAPIC_LVT_LINT1 / 16), LAPIC_DELIVERY_NMI);
	lapic_send_self_nmi(&l);
	assert_int_equal(cpu.last_wrmsr, IA32_X2APIC_BASE + LAPIC_ICR_LOW / 16);
	assert_int_equal(cpu.last_wrmsr_value, (0x103ull << 32) | LAPIC_DELIVERY_NMI | LAPIC_ICR_ASSERT);
	/* disabled APIC: nothing touched */
	set_msr(IA32_APIC_BASE, 0xfee00000ull);
	lapic_init(&l, &ops, 0);
	assert_false(l.present);
	cpu.wrmsrs = 0;
	assert_int_equal(lapic_mask_local_interrupts(&l), 0);
	assert_int_equal(cpu.wrmsrs, 0);
}

/* Root-mode NMIs are counted (isr.asm then returns with IRET). */
static void test_host_nmi(void **state)
{
	struct trap_frame f = { 0 };
	uint64_t before = nmi_root_count;

	(void)state;
	host_nmi(&f);
	host_nmi(&f);
	assert_int_equal(nmi_root_count, before + 2);
}

/* ------------------------------------------------------------------ CET, errata */

static void test_cet_disabled(void **state)
{
	(void)state;
	cpu.cr4 = CR4_PAE | CR4_PGE;
	assert_false(cet_disable(&ops));
	assert_int_equal(cpu.wrmsrs + cpu.cr4_writes, 0);
	cpu.cr4 = CR4_PAE | CR4_CET;
	set_msr(IA32_S_CET, 0x5);                 /* shadow stack + IBT */
	assert_true(cet_disable(&ops));
	assert_int_equal(*msr_slot(IA32_S_CET), 0);
	assert_int_equal(cpu.cr4, CR4_PAE);
	/* IA32_S_CET first: CR4.CET is cleared with nothing left enabled */
	assert_int_equal(cpu.last_wrmsr, IA32_S_CET);
}

static void test_preemption_timer_errata(void **state)
{
	static const uint32_t broken[] = { 0x000206E6, 0x00020652, 0x00020655, 0x000106E5, 0x000106A0,
					   0x000106A1, 0x000106A4, 0x000106A5, 0x000306A8 };
	static const uint32_t fine[] = { 0x00050654 /* Skylake-X */, 0x000306A9 /* Ivy Bridge E1 */,
					 0x000206A7 /* Sandy Bridge */, 0x000106A6, 0x000706E5 /* Ice Lake */ };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(broken); i++) {
		assert_true(vmx_preemption_timer_erratum(broken[i]));
		/* the reserved bits 31:28 and 15:14 do not matter */
		assert_true(vmx_preemption_timer_erratum(broken[i] | 0xf000c000u));
	}
	for (size_t i = 0; i < ARRAY_SIZE(fine); i++)
		assert_false(vmx_preemption_timer_erratum(fine[i]));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, reset, NULL)
	const struct CMUnitTest tests[] = {
		T(test_paging_4_and_5_levels),
		T(test_paging_without_1g_pages),
		T(test_paging_pool_exhausted),
		T(test_paging_framebuffer_above_ram),
		T(test_mtrr_uniform_blocks),
		T(test_paging_follows_mtrrs),
		T(test_pic_masked),
		T(test_lapic_xapic_masking),
		T(test_lapic_x2apic_masking),
		T(test_host_nmi),
		T(test_cet_disabled),
		T(test_preemption_timer_errata),
	};
#undef T
	return cmocka_run_group_tests_name("takeover", tests, NULL, NULL);
}
