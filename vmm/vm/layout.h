/* The guest's memory layout and entry state (docs/guest-abi.md is the interface).
 * Offsets are from the start of guest memory (its GPA, given to the guest in RDI). */
#ifndef VMM_VM_LAYOUT_H
#define VMM_VM_LAYOUT_H

#include "arch/x86_64/cr.h"
#include "arch/x86_64/msr.h"
#include "arch/x86_64/segment.h"

#define GUEST_PML4_OFFSET    0x0000   /* guest page tables built by the loader */
#define GUEST_PDPT_OFFSET    0x1000
#define GUEST_PD_OFFSET      0x2000   /* 4 page directories: GVA 0-4 GiB = GPA, 2 MiB pages */
#define GUEST_PD_COUNT       4
#define GUEST_GDT_OFFSET     0x6000
#define GUEST_GDT_LIMIT      0x27     /* null, code64, data, 16-byte TSS descriptor (0x18-0x27) */
#define GUEST_TSS_OFFSET     0x7000
#define GUEST_TSS_LIMIT      0x67
#define GUEST_IMAGE_OFFSET   0x10000  /* the guest image (header included) is loaded here */

#define GUEST_SEL_CODE64     0x08
#define GUEST_SEL_DATA       0x10
#define GUEST_SEL_TSS        0x18
/* Their access rights (VMCS format, arch/x86_64/segment.h): accessed code and data; the TSS is
 * busy in the guest's TR (VM entry requires it, SDM Vol. 3C §27.3.1.2 "Checks on Guest Segment
 * Registers") but available in the GDT, so that the guest may LTR it itself. */
#define GUEST_AR_CODE64      (SEG_AR_CODE64 | SEG_TYPE_ACCESSED)
#define GUEST_AR_DATA        (SEG_AR_DATA | SEG_TYPE_ACCESSED)
#define GUEST_AR_TSS         (SEG_TYPE_TSS_BUSY | SEG_AR_P)
#define GUEST_AR_TSS_GDT     (SEG_TYPE_TSS_AVAIL | SEG_AR_P)
#define GUEST_GDT_SLOT       8        /* bytes per GDT slot; the TSS descriptor takes two */
_Static_assert(GUEST_GDT_LIMIT == GUEST_SEL_TSS + 2 * GUEST_GDT_SLOT - 1, "the GDT ends with the TSS descriptor");

#define GUEST_CR0_AT_ENTRY   (CR0_PG | CR0_NE | CR0_ET | CR0_MP | CR0_PE)
#define GUEST_CR4_AT_ENTRY   CR4_PAE
#define GUEST_EFER_AT_ENTRY  (EFER_NXE | EFER_LMA | EFER_LME)

#endif
