/* The hypervisor's own GDT (flat 64-bit code and data) and TSS. VM entry needs a non-zero TR
 * for the host (SDM Vol. 3C §27.2.3 "Checks on Host Segment and Descriptor-Table Registers"). */
#ifndef ARCH_X86_64_GDT_H
#define ARCH_X86_64_GDT_H

#include <stdint.h>

#define GDT_SEL_CODE64 0x08
#define GDT_SEL_DATA   0x10
#define GDT_SEL_TSS    0x18
#define GDT_ENTRIES    5      /* null, code, data, and the TSS descriptor's two slots */

/* Interrupt stack table slot for #DF, NMI and #MC, so a blown stack still reports. */
#define IST_CRITICAL 1

struct __attribute__((packed)) tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
};

/* The BSP's GDT and TSS. */
void gdt_install(uint64_t ist_stack_top);
/* This CPU's own: table has GDT_ENTRIES slots; both stay in use as long as the CPU runs. */
void gdt_install_at(uint64_t *table, struct tss64 *t, uint64_t ist_stack_top);
uint64_t gdt_base(void);
uint64_t tss_base(void);

#endif
