/* The host identity map: 4- or 5-level (SDM Vol. 3A §4.5 "4-Level Paging and 5-Level Paging",
 * Tables 4-15..4-20), the largest page that fits each piece of a range and covers one memory
 * type (§12.11.9 "Large Page Size Considerations"). Plain C over a page allocator, so host tests
 * build it in malloc'd pages. */
#include "arch/x86_64/paging.h"
#include "arch/x86_64/cr.h"
#include "arch/x86_64/pte.h"

#define PAGE_4K 0x1000ull

unsigned paging_levels(uint64_t cr4)
{
	return (cr4 & CR4_LA57) ? 5 : 4;
}

static unsigned index_at(uint64_t addr, unsigned level)
{
	return (unsigned)(addr >> (12 + 9 * (level - 1))) & (PT_ENTRIES - 1);
}

struct builder {
	uint64_t *root;
	unsigned levels;
	uint64_t (*alloc_page)(void);
	struct paging_result *out;
};

/* Set the leaf for addr at level (1 = 4 KiB, 2 = 2 MiB, 3 = 1 GiB), creating tables on the way.
 * Ranges are merged first, so no address is mapped twice. */
static int map_leaf(struct builder *b, uint64_t addr, unsigned level)
{
	uint64_t *t = b->root;

	for (unsigned l = b->levels; l > level; l--) {
		uint64_t *e = &t[index_at(addr, l)];

		if (!(*e & PTE_P)) {
			uint64_t pa = b->alloc_page();

			if (!pa)
				return -1;
			b->out->tables++;
			*e = pa | PTE_P | PTE_RW;
		}
		t = (uint64_t *)(*e & PTE_ADDR_MASK);
	}
	t[index_at(addr, level)] = addr | PTE_P | PTE_RW | (level > 1 ? PTE_PS : 0);
	if (level == 3)
		b->out->pages_1g++;
	else if (level == 2)
		b->out->pages_2m++;
	else
		b->out->pages_4k++;
	return 0;
}

/* Can a page of this size start at a and still lie inside [a, end) and in one memory type? */
static bool fits(const struct paging_plan *p, uint64_t a, uint64_t end, uint64_t size)
{
	return !(a & (size - 1)) && end - a >= size && (!p->mtrr || mtrr_block_uniform(p->mtrr, a, size));
}

static int map_range(struct builder *b, const struct paging_plan *p, uint64_t a, uint64_t end)
{
	while (a < end) {
		unsigned level = 1;
		uint64_t size = PAGE_4K;

		if (p->page_1g && fits(p, a, end, PAGE_SIZE_1G))
			level = 3, size = PAGE_SIZE_1G;
		else if (fits(p, a, end, PAGE_SIZE_2M))
			level = 2, size = PAGE_SIZE_2M;
		if (map_leaf(b, a, level) != 0)
			return -1;
		a += size;
	}
	return 0;
}

/* The plan's ranges rounded out to 4 KiB, sorted, overlapping and touching ones merged. */
static unsigned merge_ranges(const struct paging_plan *p, uint64_t base[], uint64_t end[])
{
	unsigned n = 0;

	for (unsigned i = 0; i < p->nranges; i++) {
		uint64_t b = p->range[i].base & ~(PAGE_4K - 1);
		uint64_t e = (p->range[i].end + PAGE_4K - 1) & ~(PAGE_4K - 1);
		unsigned j = n++;

		for (; j > 0 && base[j - 1] > b; j--)
			base[j] = base[j - 1], end[j] = end[j - 1];
		base[j] = b, end[j] = e;
	}
	for (unsigned i = 1; i < n;) {
		if (base[i] <= end[i - 1]) {
			if (end[i] > end[i - 1])
				end[i - 1] = end[i];
			for (unsigned k = i + 1; k < n; k++)
				base[k - 1] = base[k], end[k - 1] = end[k];
			n--;
		} else {
			i++;
		}
	}
	return n;
}

int paging_build_identity(const struct paging_plan *p, uint64_t (*alloc_page)(void), struct paging_result *out)
{
	struct builder b;
	uint64_t root, base[PAGING_MAX_RANGES], end[PAGING_MAX_RANGES];
	unsigned n;

	*out = (struct paging_result){ 0 };
	b = (struct builder){ 0, p->levels, alloc_page, out };
	if ((p->levels != 4 && p->levels != 5) || p->nranges > PAGING_MAX_RANGES)
		return -1;
	root = alloc_page();
	if (!root)
		return -1;
	b.root = (uint64_t *)root;
	out->tables = 1;
	n = merge_ranges(p, base, end);
	for (unsigned i = 0; i < n; i++) {
		if (end[i] > out->top)
			out->top = end[i];
		if (map_range(&b, p, base[i], end[i]) != 0)
			return -1;
	}
	out->cr3 = root;
	return 0;
}
