/* GDT: null, 64-bit code, data, and a 16-byte TSS descriptor (SDM Vol. 3A §3.4.5, §8.2.3). */
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/cpu.h"

/* Access byte P=1 DPL=0 S=1; code type execute/read with L=1; data type read/write. */
#define DESC_CODE64 0x00af9a000000ffffull
#define DESC_DATA   0x00cf92000000ffffull
#define TSS_TYPE_AVAILABLE_64 0x9
#define DESC_PRESENT (1ull << 47)

static uint64_t gdt[5] __attribute__((aligned(16)));
static struct tss64 tss __attribute__((aligned(16)));

static void set_tss_descriptor(uint64_t *slot, uint64_t base, uint32_t limit)
{
	slot[0] = (limit & 0xffffull) | ((base & 0xffffffull) << 16) |
		  ((uint64_t)TSS_TYPE_AVAILABLE_64 << 40) | DESC_PRESENT |
		  ((uint64_t)((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xffull) << 56);
	slot[1] = base >> 32;
}

void gdt_install(uint64_t ist_stack_top)
{
	struct desc_ptr p;

	tss.ist[IST_CRITICAL - 1] = ist_stack_top;
	tss.iomap_base = sizeof(tss);      /* no I/O permission bitmap */
	gdt[0] = 0;
	gdt[1] = DESC_CODE64;
	gdt[2] = DESC_DATA;
	set_tss_descriptor(&gdt[3], (uint64_t)&tss, sizeof(tss) - 1);
	p.limit = sizeof(gdt) - 1;
	p.base = (uint64_t)gdt;
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
