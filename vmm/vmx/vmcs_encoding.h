/* The structure of a VMCS field encoding (SDM Vol. 3D Appendix B "Field Encoding in VMCS",
 * Table B-1 "Structure of VMCS Component Encoding"): bit 0 access type (1: the high 32 bits of a
 * 64-bit field), bits 9:1 index, bits 11:10 type, bit 12 reserved, bits 14:13 width, bits 31:15
 * reserved. What a field may hold follows from its width. */
#ifndef VMM_VMX_VMCS_ENCODING_H
#define VMM_VMX_VMCS_ENCODING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VMCS_ENC_ACCESS_HIGH   (1u << 0)
#define VMCS_ENC_TYPE_SHIFT    10
#define VMCS_ENC_TYPE_MASK     0x3u
#define VMCS_ENC_RESERVED_12   (1u << 12)
#define VMCS_ENC_WIDTH_SHIFT   13
#define VMCS_ENC_WIDTH_MASK    0x3u
#define VMCS_ENC_RESERVED_HIGH 0xffff8000u   /* bits 31:15 */

enum vmcs_enc_type { VMCS_TYPE_CONTROL = 0, VMCS_TYPE_EXIT_INFO = 1, VMCS_TYPE_GUEST = 2, VMCS_TYPE_HOST = 3 };
enum vmcs_enc_width { VMCS_WIDTH_16 = 0, VMCS_WIDTH_64 = 1, VMCS_WIDTH_32 = 2, VMCS_WIDTH_NATURAL = 3 };

static inline enum vmcs_enc_type vmcs_enc_type(uint32_t enc)
{
	return (enum vmcs_enc_type)((enc >> VMCS_ENC_TYPE_SHIFT) & VMCS_ENC_TYPE_MASK);
}

static inline enum vmcs_enc_width vmcs_enc_width(uint32_t enc)
{
	return (enum vmcs_enc_width)((enc >> VMCS_ENC_WIDTH_SHIFT) & VMCS_ENC_WIDTH_MASK);
}

/* The bits a field keeps: 16, 32 or 64; 32 for the high half of a 64-bit field. */
uint64_t vmcs_enc_value_mask(uint32_t enc);

/* Can enc name a field on some CPU (reserved bits 0, the high-access form only for 64-bit fields),
 * and does value fit it? If not, false and why ("0x1000: bit 12 of an encoding is reserved"). A
 * field this CPU lacks, or a read-only one, passes here: VMWRITE says so. */
bool vmcs_enc_check(uint32_t enc, uint64_t value, char *why, size_t why_len);

#endif
