/* The MSR bitmap: filling it and clearing an MSR's bits (SDM Vol. 3C §25.6.9 "MSR-Bitmap Address"). */
#include "vmm/vmx/msr_bitmap.h"

void msr_bitmap_exit_all(uint8_t *page)
{
	for (uint32_t i = 0; i < MSR_BITMAP_SIZE; i++)
		page[i] = 0xff;
}

bool msr_bitmap_pass(uint8_t *page, uint32_t msr)
{
	uint32_t read, write, bit;

	if (msr < MSR_BITMAP_RANGE) {
		read = MSR_BITMAP_READ_LOW;
		write = MSR_BITMAP_WRITE_LOW;
		bit = msr;
	} else if (msr - MSR_BITMAP_HIGH_BASE < MSR_BITMAP_RANGE) {
		read = MSR_BITMAP_READ_HIGH;
		write = MSR_BITMAP_WRITE_HIGH;
		bit = msr - MSR_BITMAP_HIGH_BASE;
	} else {
		return false;
	}
	page[read + bit / 8] &= (uint8_t)~(1u << (bit % 8));
	page[write + bit / 8] &= (uint8_t)~(1u << (bit % 8));
	return true;
}
