/* 4-level paging identity map (SDM Vol. 3A §4.5 "4-Level Paging and 5-Level Paging", Tables 4-15..4-18). */
#include "arch/x86_64/paging.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpuid.h"
#include "arch/x86_64/pte.h"


static int cpu_has_1g_pages(void)
{
	struct cpuid_regs r;
	cpuid(CPUID_EXT_MAX, 0, &r);
	if (r.eax < CPUID_EXT_FEATURES)
		return 0;
	cpuid(CPUID_EXT_FEATURES, 0, &r);
	return (r.edx & CPUID_80000001_EDX_PAGE1GB) != 0;
}

int paging_install_identity(uint64_t top, uint64_t (*alloc_page)(void), struct paging_result *out)
{
	int use_1g = cpu_has_1g_pages();
	uint64_t *pml4 = (uint64_t *)alloc_page();
	uint64_t tables = 1;

	if (!pml4)
		return -1;
	top = (top + PAGE_SIZE_1G - 1) & ~(PAGE_SIZE_1G - 1);
	for (uint64_t gib = 0; gib < top; gib += PAGE_SIZE_1G) {
		uint64_t i4 = (gib >> 39) & 511, i3 = (gib >> 30) & 511;
		uint64_t *pdpt;
		if (!(pml4[i4] & PTE_P)) {
			uint64_t pa = alloc_page();
			if (!pa)
				return -1;
			tables++;
			pml4[i4] = pa | PTE_P | PTE_RW;
		}
		pdpt = (uint64_t *)(pml4[i4] & PTE_ADDR_MASK);
		if (use_1g) {
			pdpt[i3] = gib | PTE_P | PTE_RW | PTE_PS;
			continue;
		}
		uint64_t *pd = (uint64_t *)alloc_page();
		if (!pd)
			return -1;
		tables++;
		for (int i2 = 0; i2 < PT_ENTRIES; i2++)
			pd[i2] = (gib + (uint64_t)i2 * PAGE_SIZE_2M) | PTE_P | PTE_RW | PTE_PS;
		pdpt[i3] = (uint64_t)pd | PTE_P | PTE_RW;
	}
	write_cr3((uint64_t)pml4);
	out->cr3 = (uint64_t)pml4;
	out->mapped_bytes = top;
	out->page_size = use_1g ? PAGE_SIZE_1G : PAGE_SIZE_2M;
	out->tables = tables;
	return 0;
}
