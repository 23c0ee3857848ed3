/* Where guest memory lives and how large a guest file may be (docs/guest-abi.md). */
#ifndef VMM_GUEST_IMAGE_H
#define VMM_GUEST_IMAGE_H

#define GUEST_MEM_PREFERRED_BASE 0x08000000ull   /* 128 MiB; RDI tells the guest where it really is */
#define GUEST_MEM_SIZE           0x00400000ull   /* 4 MiB */
#define GUEST_FILE_MAX           0x00100000ull   /* 1 MiB */

#endif
