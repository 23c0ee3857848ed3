/* Segment descriptors (SDM Vol. 3A §3.4.5 "Segment Descriptors", §8.2.3 "TSS Descriptor in
 * 64-bit mode") and access rights in the VMCS format (SDM Vol. 3C §25.4.1 "Guest Register State",
 * Table 25-2), which is bits 55:40 of a descriptor with the limit's bits 19:16 cleared, plus bit 16
 * "unusable". */
#ifndef ARCH_X86_64_SEGMENT_H
#define ARCH_X86_64_SEGMENT_H

#include <stdint.h>

/* Types (bits 3:0 of the access rights). */
#define SEG_TYPE_ACCESSED   0x1   /* code/data: accessed */
#define SEG_TYPE_DATA_RW    0x2   /* data, read/write */
#define SEG_TYPE_CODE_XR    0xa   /* code, execute/read */
#define SEG_TYPE_TSS_AVAIL  0x9   /* 64-bit TSS, available */
#define SEG_TYPE_TSS_BUSY   0xb   /* 64-bit TSS, busy */
#define SEG_TYPE_LDT        0x2   /* system: LDT */
#define SEG_TYPE_TSS16_BUSY 0x3   /* system: 16-bit TSS, busy */
#define SEG_AR_TYPE_MASK    0xfu
#define SEG_TYPE_CODE            (1u << 3)   /* code (1) or data (0), when S = 1 */
#define SEG_TYPE_CODE_CONFORMING (1u << 2)
#define SEG_TYPE_CODE_READABLE   (1u << 1)
#define SEG_TYPE_DATA_EXPAND_DOWN (1u << 2)

#define SEG_AR_S        (1u << 4)    /* code or data (0: system) */
#define SEG_AR_DPL_SHIFT 5           /* bits 6:5: descriptor privilege level */
#define SEG_AR_DPL_MASK (3u << SEG_AR_DPL_SHIFT)
#define SEG_AR_P        (1u << 7)    /* present */
#define SEG_AR_AVL      (1u << 12)
#define SEG_AR_L        (1u << 13)   /* 64-bit code */
#define SEG_AR_DB       (1u << 14)   /* default operation size 32 */
#define SEG_AR_G        (1u << 15)   /* limit in 4 KiB units */
#define SEG_AR_UNUSABLE (1u << 16)   /* VMCS only: segment unusable */

/* Flat 64-bit code and data, DPL 0. */
#define SEG_AR_CODE64 (SEG_TYPE_CODE_XR | SEG_AR_S | SEG_AR_P | SEG_AR_L | SEG_AR_G)
#define SEG_AR_DATA   (SEG_TYPE_DATA_RW | SEG_AR_S | SEG_AR_P | SEG_AR_DB | SEG_AR_G)
#define SEG_LIMIT_4G  0xfffffu       /* in a descriptor, with G: 4 GiB */
#define SEG_LIMIT_4G_BYTES 0xffffffffu   /* the same limit in bytes, as the VMCS holds it */
#define SEG_LIMIT_PAGE_LOW  0x00000fffu  /* limit bits 11:0: with G = 1 these read as 1 */
#define SEG_LIMIT_PAGE_HIGH 0xfff00000u  /* limit bits 31:20: set only with G = 1 */

/* Real-address and virtual-8086 segments: base = selector * 16, limit 0xffff. */
#define SEG_REAL_BASE_SHIFT 4
#define SEG_LIMIT_64K       0xffffu

/* Selectors (SDM Vol. 3A §3.4.2 "Segment Selectors"). */
#define SEL_RPL_MASK 0x3u
#define SEL_TI       (1u << 2)   /* table indicator: LDT */

/* GDTR and IDTR limits are 16 bits. */
#define DTR_LIMIT_MASK 0xffffull

/* An 8-byte code/data descriptor from base, a 20-bit limit and VMCS-format access rights. */
static inline uint64_t seg_desc(uint32_t base, uint32_t limit, uint32_t ar)
{
	return (limit & 0xffffull) | ((uint64_t)(base & 0xffffff) << 16) | ((uint64_t)(ar & 0xff) << 40) |
	       ((uint64_t)((limit >> 16) & 0xf) << 48) | ((uint64_t)((ar >> 12) & 0xf) << 52) |
	       ((uint64_t)(base >> 24) << 56);
}

/* A 16-byte system descriptor (a TSS in 64-bit mode) in slot[0..1]. */
static inline void seg_desc_system64(uint64_t slot[2], uint64_t base, uint32_t limit, uint32_t ar)
{
	slot[0] = seg_desc((uint32_t)base, limit, ar);
	slot[1] = base >> 32;
}

#endif
