/* VMCS field encodings: what one may be and what its field holds (vmm/vmx/vmcs_encoding.h). */
#include "vmm/vmx/vmcs_encoding.h"
#include "arch/lib/fmt.h"

static const char *const width_names[] = { "16-bit", "64-bit", "32-bit", "natural-width" };

uint64_t vmcs_enc_value_mask(uint32_t enc)
{
	if (enc & VMCS_ENC_ACCESS_HIGH)
		return 0xffffffffull;
	switch (vmcs_enc_width(enc)) {
	case VMCS_WIDTH_16:
		return 0xffffull;
	case VMCS_WIDTH_32:
		return 0xffffffffull;
	default:
		return ~0ull;
	}
}

bool vmcs_enc_check(uint32_t enc, uint64_t value, char *why, size_t why_len)
{
	if (enc & VMCS_ENC_RESERVED_HIGH) {
		hv_snprintf(why, why_len, "0x%x is not a VMCS field encoding (bits 31:15 are reserved)", enc);
		return false;
	}
	if (enc & VMCS_ENC_RESERVED_12) {
		hv_snprintf(why, why_len, "0x%x is not a VMCS field encoding (bit 12 is reserved)", enc);
		return false;
	}
	if ((enc & VMCS_ENC_ACCESS_HIGH) && vmcs_enc_width(enc) != VMCS_WIDTH_64) {
		hv_snprintf(why, why_len, "0x%x is not a VMCS field encoding (high access is for 64-bit fields)", enc);
		return false;
	}
	if (value & ~vmcs_enc_value_mask(enc)) {
		hv_snprintf(why, why_len, "value 0x%llx does not fit the %s field 0x%04x", (unsigned long long)value,
			    (enc & VMCS_ENC_ACCESS_HIGH) ? "32-bit (high half)" : width_names[vmcs_enc_width(enc)], enc);
		return false;
	}
	return true;
}
