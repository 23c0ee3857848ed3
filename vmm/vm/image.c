/* Guest file validation: everything is checked before a byte is copied. */
#include "vmm/vm/image.h"
#include "arch/lib/bytes.h"
#include "arch/lib/fmt.h"

const char *guest_image_err_name(int err)
{
	static const char *const names[] = {
		"OK", "EMPTY", "TOO_SMALL", "BAD_MAGIC", "BAD_VERSION", "BAD_HEADER",
		"TRUNCATED", "TRAILING", "TOO_LARGE", "BAD_ENTRY",
	};
	return err >= 0 && err <= GUEST_IMAGE_BAD_ENTRY ? names[err] : "UNKNOWN";
}

static int fail(int err, char *why, size_t why_len, const char *fmt, unsigned long long a, unsigned long long b)
{
	hv_snprintf(why, why_len, fmt, a, b);
	return err;
}

int guest_image_check(const uint8_t *d, uint64_t size, uint64_t max, struct guest_header *h, char *why,
		      size_t why_len)
{
	if (why_len)
		why[0] = '\0';
	if (size == 0)
		return fail(GUEST_IMAGE_EMPTY, why, why_len, "file is empty", 0, 0);
	if (size > max)
		return fail(GUEST_IMAGE_TOO_LARGE, why, why_len, "file is %llu bytes, more than the limit of %llu",
			    size, max);
	if (size < sizeof(*h))
		return fail(GUEST_IMAGE_TOO_SMALL, why, why_len, "file is %llu bytes, shorter than the %llu-byte header",
			    size, sizeof(*h));
	for (int i = 0; i < 8; i++)
		if (d[i] != (uint8_t)GUEST_MAGIC[i])
			return fail(GUEST_IMAGE_BAD_MAGIC, why, why_len,
				    "no \"MHVGUEST\" magic: not a minihv guest image (build it with guest/abi.inc)",
				    0, 0);
	for (int i = 0; i < 8; i++)
		h->magic[i] = (char)d[i];
	h->version = le32(d + 8);
	h->header_size = le32(d + 12);
	h->image_size = le32(d + 16);
	h->entry_offset = le32(d + 20);
	h->flags = le32(d + 24);
	h->reserved = le32(d + 28);
	if (h->version != GUEST_FORMAT_VERSION)
		return fail(GUEST_IMAGE_BAD_VERSION, why, why_len, "format version %llu, expected %llu", h->version,
			    GUEST_FORMAT_VERSION);
	if (h->header_size != sizeof(*h))
		return fail(GUEST_IMAGE_BAD_HEADER, why, why_len, "header_size is %llu, expected %llu", h->header_size,
			    sizeof(*h));
	if (h->flags)
		return fail(GUEST_IMAGE_BAD_HEADER, why, why_len, "flags is 0x%llx, must be 0", h->flags, 0);
	if (h->reserved)
		return fail(GUEST_IMAGE_BAD_HEADER, why, why_len, "reserved is 0x%llx, must be 0", h->reserved, 0);
	if (h->image_size > size)
		return fail(GUEST_IMAGE_TRUNCATED, why, why_len, "truncated: header says %llu bytes, file has %llu",
			    h->image_size, size);
	if (h->image_size < size)
		return fail(GUEST_IMAGE_TRAILING, why, why_len, "header says %llu bytes, file has %llu (trailing data)",
			    h->image_size, size);
	if (h->entry_offset < sizeof(*h) || h->entry_offset >= h->image_size)
		return fail(GUEST_IMAGE_BAD_ENTRY, why, why_len, "entry offset 0x%llx outside the code (image %llu bytes)",
			    h->entry_offset, h->image_size);
	return GUEST_IMAGE_OK;
}
