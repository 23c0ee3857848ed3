/* The two legacy 8259 interrupt controllers: masked at take-over, so no interrupt the firmware
 * left routed through them reaches the hypervisor or its guest. */
#ifndef ARCH_X86_64_PIC_H
#define ARCH_X86_64_PIC_H

#define PIC1_DATA 0x21   /* interrupt mask register of the primary 8259 */
#define PIC2_DATA 0xA1   /* and of the secondary */

void pic_mask_all(void);

#endif
