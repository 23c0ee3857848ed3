/* Guest image files: a 32-byte header, then code and data, loaded as one block
 * (docs/guest-abi.md, "Guest file format"). Checked before anything is loaded. */
#ifndef VMM_VM_IMAGE_H
#define VMM_VM_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#define GUEST_MEM_PREFERRED_BASE 0x08000000ull   /* 128 MiB; RDI tells the guest where it really is */
#define GUEST_MEM_SIZE           0x00400000ull   /* 4 MiB */
#define GUEST_FILE_MAX           0x00100000ull   /* 1 MiB: an MHVGUEST image */
#define GUEST_FILE_READ_MAX      0x04000000ull   /* 64 MiB: GUEST.BIN as read (a Multiboot kernel may be larger) */

#define GUEST_MAGIC "MHVGUEST"
#define GUEST_FORMAT_VERSION 1

struct guest_header {
	char magic[8];           /* "MHVGUEST" */
	uint32_t version;        /* 1 */
	uint32_t header_size;    /* 32 */
	uint32_t image_size;     /* bytes in the file, header included */
	uint32_t entry_offset;   /* from the start of the image */
	uint32_t flags;          /* 0 */
	uint32_t reserved;       /* 0 */
};

enum guest_image_err {
	GUEST_IMAGE_OK = 0,
	GUEST_IMAGE_EMPTY,
	GUEST_IMAGE_TOO_SMALL,       /* shorter than the header */
	GUEST_IMAGE_BAD_MAGIC,       /* not a minihv guest (e.g. a raw binary or an ELF) */
	GUEST_IMAGE_BAD_VERSION,
	GUEST_IMAGE_BAD_HEADER,      /* header_size, flags or reserved wrong */
	GUEST_IMAGE_TRUNCATED,       /* file shorter than image_size */
	GUEST_IMAGE_TRAILING,        /* file longer than image_size */
	GUEST_IMAGE_TOO_LARGE,       /* more than the limit */
	GUEST_IMAGE_BAD_ENTRY,       /* entry point outside the image or in the header */
};

/* GUEST_IMAGE_OK with *hdr filled, or an error with a one-line reason in why. */
int guest_image_check(const uint8_t *data, uint64_t size, uint64_t max, struct guest_header *hdr, char *why,
		      size_t why_len);
const char *guest_image_err_name(int err);

#endif
