/* GDT: null, 64-bit code, data, and a 16-byte TSS descriptor (SDM Vol. 3A §3.4.5 "Segment Descriptors",
 * §8.2.3 "TSS Descriptor in 64-bit mode"). */
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/segment.h"

/* The BSP's; each AP has its own pair (vmm/smp/ap.c): LTR marks a TSS busy. */
static uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(16)));
static struct tss64 tss __attribute__((aligned(16)));

void gdt_install(uint64_t ist_stack_top)
{
	gdt_install_at(gdt, &tss, ist_stack_top);
}

void gdt_install_at(uint64_t *table, struct tss64 *t, uint64_t ist_stack_top)
{
	struct desc_ptr p;

	t->ist[IST_CRITICAL - 1] = ist_stack_top;
	t->iomap_base = sizeof(*t);        /* no I/O permission bitmap */
	table[0] = 0;
	table[GDT_SEL_CODE64 / 8] = seg_desc(0, SEG_LIMIT_4G, SEG_AR_CODE64);
	table[GDT_SEL_DATA / 8] = seg_desc(0, SEG_LIMIT_4G, SEG_AR_DATA);
	seg_desc_system64(&table[GDT_SEL_TSS / 8], (uint64_t)t, sizeof(*t) - 1, SEG_TYPE_TSS_AVAIL | SEG_AR_P);
	p.limit = GDT_ENTRIES * sizeof(table[0]) - 1;
	p.base = (uint64_t)table;
	/* Load GDTR, reload CS with a far return, then the data segments and TR. */
	__asm__ volatile("lgdt %0\n\t"
			 "pushq %1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movw %w2, %%ax\n\t"
			 "movw %%ax, %%ds\n\t"
			 "movw %%ax, %%es\n\t"
			 "movw %%ax, %%ss\n\t"
			 "movw %%ax, %%fs\n\t"
			 "movw %%ax, %%gs\n\t"
			 "movw %w3, %%ax\n\t"
			 "ltr %%ax"
			 :
			 : "m"(p), "i"(GDT_SEL_CODE64), "i"(GDT_SEL_DATA), "i"(GDT_SEL_TSS)
			 : "rax", "memory");
}

uint64_t gdt_base(void)
{
	return (uint64_t)gdt;
}

uint64_t tss_base(void)
{
	return (uint64_t)&tss;
}
