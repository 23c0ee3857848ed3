/* The guest's memory layout and entry state (docs/guest-abi.md is the interface).
 * Offsets are from the start of guest memory (its GPA, given to the guest in RDI). */
#ifndef VMM_GUEST_LAYOUT_H
#define VMM_GUEST_LAYOUT_H

#define GUEST_PML4_OFFSET    0x0000   /* guest page tables built by the loader */
#define GUEST_PDPT_OFFSET    0x1000
#define GUEST_PD_OFFSET      0x2000   /* 4 page directories: GVA 0-4 GiB = GPA, 2 MiB pages */
#define GUEST_PD_COUNT       4
#define GUEST_GDT_OFFSET     0x6000
#define GUEST_GDT_LIMIT      0x1f     /* null, code64, data, 16-byte TSS descriptor */
#define GUEST_TSS_OFFSET     0x7000
#define GUEST_TSS_LIMIT      0x67
#define GUEST_IMAGE_OFFSET   0x10000  /* the guest image (header included) is loaded here */

#define GUEST_SEL_CODE64     0x08
#define GUEST_SEL_DATA       0x10
#define GUEST_SEL_TSS        0x18

#define GUEST_CR0_AT_ENTRY   0x80000033ull   /* PG, NE, ET, MP, PE */
#define GUEST_CR4_AT_ENTRY   0x00000020ull   /* PAE */
#define GUEST_EFER_AT_ENTRY  0x00000d00ull   /* NXE, LMA, LME */

#define GUEST_SERIAL_PORT    0x3F8           /* the guest's COM1, emulated */
#define GUEST_DEBUG_PORT     0x80            /* "out" here exits and is counted, nothing else */

#endif
