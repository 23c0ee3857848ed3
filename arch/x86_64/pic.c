/* 8259A: writing OCW1 (the data port) sets the interrupt mask (Intel 8259A data sheet). */
#include "arch/x86_64/pic.h"
#include "arch/x86_64/cpu.h"

void pic_mask_all(void)
{
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
}
