/* The processors the ACPI MADT lists (ACPI 6.5 §5.2.12 "Multiple APIC Description Table (MADT)"),
 * and the checksum every ACPI table and the RSDP carry (§5.2.5.3, §5.2.6). Byte buffers in,
 * no firmware calls: the UEFI loader finds the table (boot/efi_mp.c), this reads it. */
#ifndef ARCH_X86_64_MADT_H
#define ARCH_X86_64_MADT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACPI_HEADER_LEN 36          /* the System Description Table Header (§5.2.6) */
#define ACPI_HEADER_LENGTH_OFF 4    /* its 32-bit Length field */
#define MADT_ENTRIES_OFF 44         /* header, Local Interrupt Controller Address, Flags */
#define MADT_LOCAL_APIC 0           /* Processor Local APIC Structure, 8 bytes (§5.2.12.2) */
#define MADT_LOCAL_APIC_LEN 8
#define MADT_LOCAL_X2APIC 9         /* Processor Local x2APIC Structure, 16 bytes (§5.2.12.12) */
#define MADT_LOCAL_X2APIC_LEN 16
#define MADT_CPU_ENABLED 1u         /* Local APIC Flags bit 0 (Table 5.23) */

/* The most processors minihv records; more are counted in total only. */
#define MADT_CPUS_MAX 64

struct madt_cpus {
	unsigned count;                 /* APIC IDs recorded (at most MADT_CPUS_MAX) */
	unsigned total;                 /* enabled processors listed, also beyond MADT_CPUS_MAX */
	uint32_t apic_id[MADT_CPUS_MAX];
};

/* The 8-bit sum of len bytes is 0. */
bool acpi_checksum_ok(const uint8_t *buf, size_t len);
/* Read a MADT of buf_len bytes: signature "APIC", its Length within buf_len, the checksum, every
 * entry whole. Enabled processors (type 0 and 9, flags bit 0) go into out, each APIC ID once.
 * False with why for a malformed table (out then holds nothing). */
bool madt_parse(const uint8_t *buf, size_t buf_len, struct madt_cpus *out, char *why, size_t why_len);

#endif
