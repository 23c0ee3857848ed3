/* The MSR bitmap (SDM Vol. 3C §25.6.9 "MSR-Bitmap Address"): one 4 KiB page of four 1 KiB
 * bitmaps, one bit per MSR; a 1 makes RDMSR or WRMSR of that MSR exit, a 0 lets the guest reach
 * the MSR itself. Only MSRs 0-0x1fff ("low") and 0xc0000000-0xc0001fff ("high") have bits; any
 * other MSR always exits. */
#ifndef VMM_VMX_MSR_BITMAP_H
#define VMM_VMX_MSR_BITMAP_H

#include <stdbool.h>
#include <stdint.h>

#define MSR_BITMAP_READ_LOW    0x000   /* byte offsets of the four bitmaps in the page */
#define MSR_BITMAP_READ_HIGH   0x400
#define MSR_BITMAP_WRITE_LOW   0x800
#define MSR_BITMAP_WRITE_HIGH  0xC00
#define MSR_BITMAP_HIGH_BASE   0xC0000000u
#define MSR_BITMAP_RANGE       0x2000u  /* MSRs in each range */
#define MSR_BITMAP_SIZE        0x1000u

/* Every bit set: every RDMSR and WRMSR exits. */
void msr_bitmap_exit_all(uint8_t *page);
/* Clear msr's read and write bits: the guest reads and writes it without an exit. False (and
 * nothing changed) for an MSR outside both ranges, which always exits. */
bool msr_bitmap_pass(uint8_t *page, uint32_t msr);

#endif
