/* Little-endian loads from byte buffers whose alignment is not known: file headers (Multiboot,
 * ELF, MHVGUEST) and firmware tables (ACPI). The one set; x86 is little-endian, but these read a
 * format's bytes, not a C object. */
#ifndef ARCH_LIB_BYTES_H
#define ARCH_LIB_BYTES_H

#include <stdint.h>

static inline uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

#endif
