/* MTRR layout and the "one memory type per large page" test of the host identity map. */
#include "arch/x86_64/mtrr.h"

/* The 11 fixed-range MSRs, 8 ranges each, in address order (SDM Vol. 3A §12.11.2.2 "Fixed Range
 * MTRRs"): one of 64 KiB ranges, two of 16 KiB, eight of 4 KiB (fixed_index decodes the sizes). */
static const uint32_t fixed_msrs[] = {
	IA32_MTRR_FIX64K_00000,     IA32_MTRR_FIX16K_80000,     IA32_MTRR_FIX16K_A0000,
	IA32_MTRR_FIX4K_C0000 + 0,  IA32_MTRR_FIX4K_C0000 + 1,  IA32_MTRR_FIX4K_C0000 + 2,
	IA32_MTRR_FIX4K_C0000 + 3,  IA32_MTRR_FIX4K_C0000 + 4,  IA32_MTRR_FIX4K_C0000 + 5,
	IA32_MTRR_FIX4K_C0000 + 6,  IA32_MTRR_FIX4K_C0000 + 7,
};

static void read_fixed(struct mtrr_state *m, uint64_t (*rdmsr_fn)(uint32_t msr))
{
	unsigned n = 0;

	for (unsigned i = 0; i < sizeof(fixed_msrs) / sizeof(fixed_msrs[0]); i++) {
		uint64_t v = rdmsr_fn(fixed_msrs[i]);

		for (unsigned b = 0; b < 8; b++)
			m->fixed[n++] = (uint8_t)(v >> (8 * b));
	}
}

void mtrr_read(struct mtrr_state *m, bool has_mtrr, unsigned maxphyaddr, uint64_t (*rdmsr_fn)(uint32_t msr))
{
	uint64_t cap, def;

	*m = (struct mtrr_state){ 0 };
	m->phys_mask = ((1ull << maxphyaddr) - 1) & ~0xfffull;
	if (!has_mtrr)
		return;   /* no MTRRs: one type everywhere as far as the page tables are concerned */
	cap = rdmsr_fn(IA32_MTRRCAP);
	def = rdmsr_fn(IA32_MTRR_DEF_TYPE);
	m->enabled = def & MTRR_DEF_TYPE_E;
	m->default_type = (uint8_t)def;
	m->fixed_enabled = m->enabled && (def & MTRR_DEF_TYPE_FE) && (cap & MTRRCAP_FIX);
	if (m->fixed_enabled)
		read_fixed(m, rdmsr_fn);
	m->nvar = (unsigned)(cap & MTRRCAP_VCNT_MASK);
	if (m->nvar > MTRR_VAR_MAX)
		m->nvar = MTRR_VAR_MAX;
	for (unsigned i = 0; i < m->nvar; i++) {
		m->var[i].base = rdmsr_fn(IA32_MTRR_PHYSBASE0 + 2 * i);
		m->var[i].mask = rdmsr_fn(IA32_MTRR_PHYSBASE0 + 2 * i + 1);
	}
}

/* Index of the fixed range holding addr (< MTRR_FIXED_END). */
static unsigned fixed_index(uint64_t addr)
{
	if (addr < 0x80000)
		return (unsigned)(addr >> 16);
	if (addr < 0xC0000)
		return 8 + (unsigned)((addr - 0x80000) >> 14);
	return 24 + (unsigned)((addr - 0xC0000) >> 12);
}

static bool fixed_uniform(const struct mtrr_state *m, uint64_t base, uint64_t size)
{
	uint64_t end = base + size;

	if (end > MTRR_FIXED_END)
		return false;   /* straddles the fixed area and the variable one: split it */
	for (uint64_t a = base; a < end; a += 0x1000)
		if (m->fixed[fixed_index(a)] != m->fixed[fixed_index(base)])
			return false;
	return true;
}

/* A variable range matches addr when (addr & mask) == (base & mask) (§12.11.2.3 "Variable
 * Range MTRRs"). Over an aligned block the match is the same for every byte when the mask has
 * no bit inside the block; when it has, the block is uniform only if the range misses it. */
static bool var_uniform(const struct mtrr_state *m, const struct mtrr_var *v, uint64_t base, uint64_t size)
{
	uint64_t mask = v->mask & MTRR_ADDR_MASK & m->phys_mask, inside = size - 1;

	if (!(v->mask & MTRR_PHYSMASK_VALID) || !(mask & inside))
		return true;
	/* The range has holes or edges inside the block: uniform only if it cannot touch it. */
	return (base & mask & ~inside) != (v->base & mask & ~inside);
}

bool mtrr_block_uniform(const struct mtrr_state *m, uint64_t base, uint64_t size)
{
	if (!m->enabled)
		return true;    /* MTRRs off: UC everywhere */
	if (m->fixed_enabled && base < MTRR_FIXED_END)
		return fixed_uniform(m, base, size);   /* below 1 MiB the fixed ranges decide alone */
	for (unsigned i = 0; i < m->nvar; i++)
		if (!var_uniform(m, &m->var[i], base, size))
			return false;
	return true;
}
