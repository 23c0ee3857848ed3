/* Memory-type range registers, read once at take-over (SDM Vol. 3A §12.11 "Memory Type Range
 * Registers (MTRRs)"). The host identity map uses them to keep every large page inside one
 * memory type: a 2 MiB or 1 GiB page over ranges of different MTRR types is undefined (§12.11.9
 * "Large Page Size Considerations"). Plain data, so host tests build any layout. */
#ifndef ARCH_X86_64_MTRR_H
#define ARCH_X86_64_MTRR_H

#include <stdbool.h>
#include <stdint.h>

#define IA32_MTRRCAP          0x0FE
#define IA32_MTRR_PHYSBASE0   0x200       /* PHYSBASEn = 0x200 + 2n, PHYSMASKn = 0x201 + 2n */
#define IA32_MTRR_FIX64K_00000 0x250
#define IA32_MTRR_FIX16K_80000 0x258
#define IA32_MTRR_FIX16K_A0000 0x259
#define IA32_MTRR_FIX4K_C0000 0x268       /* ... 0x26F: FIX4K_F8000 */
#define IA32_MTRR_DEF_TYPE    0x2FF

#define MTRRCAP_VCNT_MASK     0xffull     /* bits 7:0: variable ranges */
#define MTRRCAP_FIX           (1ull << 8) /* fixed ranges supported */
#define MTRR_DEF_TYPE_FE      (1ull << 10) /* fixed ranges enabled */
#define MTRR_DEF_TYPE_E       (1ull << 11) /* MTRRs enabled */
#define MTRR_PHYSMASK_VALID   (1ull << 11)
#define MTRR_ADDR_MASK        0x000ffffffffff000ull

#define MTRR_FIXED_END        0x100000ull  /* the fixed ranges cover the first 1 MiB */
#define MTRR_FIXED_COUNT      88           /* 8 x 64 KiB + 16 x 16 KiB + 64 x 4 KiB */
#define MTRR_VAR_MAX          32

struct mtrr_var {
	uint64_t base, mask;                 /* PHYSBASE (type in 7:0) and PHYSMASK as read */
};

struct mtrr_state {
	bool enabled;                        /* IA32_MTRR_DEF_TYPE.E */
	bool fixed_enabled;                  /* FE, and the CPU has fixed ranges */
	uint8_t default_type;
	uint8_t fixed[MTRR_FIXED_COUNT];     /* type of each fixed range, in address order */
	unsigned nvar;
	struct mtrr_var var[MTRR_VAR_MAX];
	uint64_t phys_mask;                  /* bits below MAXPHYADDR */
};

/* Read them through rdmsr (the CPU's, or a test's). has_mtrr: CPUID.1:EDX.MTRR[bit 12]. */
void mtrr_read(struct mtrr_state *m, bool has_mtrr, unsigned maxphyaddr, uint64_t (*rdmsr_fn)(uint32_t msr));
/* Does every byte of the naturally aligned block [base, base + size) (size a power of two,
 * 4 KiB or more) have the same memory type? Conservative: false when it cannot tell. */
bool mtrr_block_uniform(const struct mtrr_state *m, uint64_t base, uint64_t size);

#endif
