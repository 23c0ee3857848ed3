/* Interruption-information format shared by the VM-exit interruption information, IDT-vectoring
 * information and VM-entry interruption information fields (SDM Vol. 3C §25.8.3 "VM-Entry Controls
 * for Event Injection", Table 25-17; §25.9.2 "Information for VM Exits Due to Vectored Events",
 * Table 25-19). */
#ifndef VMM_DECODE_INTERRUPTION_INFO_H
#define VMM_DECODE_INTERRUPTION_INFO_H

#include <stdbool.h>
#include <stdint.h>

enum intr_type {
	INTR_TYPE_EXTERNAL = 0,
	INTR_TYPE_NMI = 2,
	INTR_TYPE_HW_EXCEPTION = 3,
	INTR_TYPE_SW_INTERRUPT = 4,
	INTR_TYPE_PRIV_SW_EXCEPTION = 5,
	INTR_TYPE_SW_EXCEPTION = 6,
	INTR_TYPE_OTHER = 7,
};

#define INTR_INFO_VECTOR_MASK     0xffu
#define INTR_INFO_TYPE_SHIFT      8
#define INTR_INFO_ERROR_CODE      (1u << 11)
#define INTR_INFO_NMI_UNBLOCKING  (1u << 12)
#define INTR_INFO_VALID           (1u << 31)

struct intr_info {
	bool valid;
	uint8_t vector;
	enum intr_type type;
	bool has_error_code;
	bool nmi_unblocking;
};

static inline void intr_info_decode(uint32_t v, struct intr_info *out)
{
	out->valid = v & INTR_INFO_VALID;
	out->vector = (uint8_t)(v & INTR_INFO_VECTOR_MASK);
	out->type = (enum intr_type)((v >> INTR_INFO_TYPE_SHIFT) & 7);
	out->has_error_code = v & INTR_INFO_ERROR_CODE;
	out->nmi_unblocking = v & INTR_INFO_NMI_UNBLOCKING;
}

static inline uint32_t intr_info_encode(uint8_t vector, enum intr_type type, bool error_code)
{
	return INTR_INFO_VALID | ((uint32_t)type << INTR_INFO_TYPE_SHIFT) | vector |
	       (error_code ? INTR_INFO_ERROR_CODE : 0);
}

static inline const char *intr_type_name(enum intr_type t)
{
	static const char *const names[] = { "external-interrupt", "reserved", "nmi", "hardware-exception",
					     "software-interrupt", "privileged-software-exception",
					     "software-exception", "other-event" };
	return names[t & 7];
}

#endif
