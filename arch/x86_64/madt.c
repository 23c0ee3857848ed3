/* The ACPI MADT's processor entries: which CPUs the firmware enabled, by APIC ID. */
#include "arch/x86_64/madt.h"
#include "arch/lib/bytes.h"
#include "arch/lib/fmt.h"
#include "arch/lib/str.h"

bool acpi_checksum_ok(const uint8_t *buf, size_t len)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + buf[i]);
	return sum == 0;
}

static void add_cpu(struct madt_cpus *out, uint32_t apic_id)
{
	for (unsigned i = 0; i < out->count; i++)
		if (out->apic_id[i] == apic_id)
			return;   /* a firmware may list a CPU as both a type 0 and a type 9 entry */
	out->total++;
	if (out->count < MADT_CPUS_MAX)
		out->apic_id[out->count++] = apic_id;
}

/* One entry at off of len bytes (checked to lie inside the table). */
static bool read_entry(const uint8_t *e, uint8_t len, struct madt_cpus *out, char *why, size_t why_len)
{
	uint8_t type = e[0];

	if (type == MADT_LOCAL_APIC) {
		if (len < MADT_LOCAL_APIC_LEN) {
			hv_snprintf(why, why_len, "MADT: local APIC entry of %u bytes, expected %u", len,
				    MADT_LOCAL_APIC_LEN);
			return false;
		}
		if (le32(e + 4) & MADT_CPU_ENABLED)
			add_cpu(out, e[3]);
	} else if (type == MADT_LOCAL_X2APIC) {
		if (len < MADT_LOCAL_X2APIC_LEN) {
			hv_snprintf(why, why_len, "MADT: local x2APIC entry of %u bytes, expected %u", len,
				    MADT_LOCAL_X2APIC_LEN);
			return false;
		}
		if (le32(e + 8) & MADT_CPU_ENABLED)
			add_cpu(out, le32(e + 4));
	}
	return true;
}

static bool check_header(const uint8_t *buf, size_t buf_len, uint32_t *len, char *why, size_t why_len)
{
	if (buf_len < MADT_ENTRIES_OFF) {
		hv_snprintf(why, why_len, "MADT: %zu bytes, shorter than its %u-byte header", buf_len,
			    MADT_ENTRIES_OFF);
		return false;
	}
	if (!mem_eq(buf, "APIC", 4)) {
		hv_snprintf(why, why_len, "MADT: signature is not APIC");
		return false;
	}
	*len = le32(buf + ACPI_HEADER_LENGTH_OFF);
	if (*len < MADT_ENTRIES_OFF || *len > buf_len) {
		hv_snprintf(why, why_len, "MADT: Length %u outside %u..%zu", *len, MADT_ENTRIES_OFF, buf_len);
		return false;
	}
	if (!acpi_checksum_ok(buf, *len)) {
		hv_snprintf(why, why_len, "MADT: checksum does not add up to 0");
		return false;
	}
	return true;
}

bool madt_parse(const uint8_t *buf, size_t buf_len, struct madt_cpus *out, char *why, size_t why_len)
{
	uint32_t len;
	size_t off = MADT_ENTRIES_OFF;

	mem_zero(out, sizeof(*out));
	if (!check_header(buf, buf_len, &len, why, why_len))
		return false;
	while (off < len) {
		uint8_t elen = off + 2 <= len ? buf[off + 1] : 0;

		if (elen < 2 || off + elen > len) {
			hv_snprintf(why, why_len, "MADT: entry at offset %zu runs past the table's %u bytes", off, len);
			mem_zero(out, sizeof(*out));
			return false;
		}
		if (!read_entry(buf + off, elen, out, why, why_len)) {
			mem_zero(out, sizeof(*out));
			return false;
		}
		off += elen;
	}
	return true;
}
