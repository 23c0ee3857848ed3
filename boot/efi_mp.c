/* Finding the processors before ExitBootServices: EFI_MP_SERVICES_PROTOCOL (UEFI PI spec Vol. 2
 * §13.4 "MP Services Protocol"), else the ACPI MADT, else the boot processor alone; and, when
 * HV.CFG cpus= asks for more than one, the APs' start-up pages below 1 MiB. */
#include "boot/efi_boot.h"

#include "arch/lib/bytes.h"
#include "arch/lib/log.h"
#include "arch/lib/str.h"
#include "arch/x86_64/cpu_ops.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/madt.h"
#include "vmm/smp/plan.h"

#define MP_SERVICES_GUID { 0x3fdda605, 0xa76e, 0x4f46, { 0xad, 0x29, 0x12, 0xf4, 0x53, 0x1b, 0x3d, 0x08 } }
#define PROCESSOR_AS_BSP_BIT 0x1u          /* EFI_PROCESSOR_INFORMATION.StatusFlag */
#define PROCESSOR_ENABLED_BIT 0x2u
#define STARTUP_MAX_ADDRESS 0x9ffffull     /* below the EBDA; a SIPI vector is a page number < 0x100 */
#define STARTUP_PAGES 2                    /* the start-up code, the APs' first page table */
#define RSDP_XSDT_OFF 24                   /* ACPI 6.5 §5.2.5.3 "Root System Description Pointer" */
#define RSDP_V2_LEN 36
#define RSDP_V1_LEN 20
#define RSDP_RSDT_OFF 16

typedef struct {
	UINT64 ProcessorId;                /* the APIC ID */
	UINT32 StatusFlag;
	UINT32 Location[3];                /* package, core, thread */
	UINT32 ExtendedInformation[6];     /* PI 1.7; filled only on request, room kept anyway */
} MP_PROCESSOR_INFORMATION;

typedef struct _MP_SERVICES MP_SERVICES;
struct _MP_SERVICES {
	EFI_STATUS(EFIAPI *GetNumberOfProcessors)(MP_SERVICES *This, UINTN *Number, UINTN *Enabled);
	EFI_STATUS(EFIAPI *GetProcessorInfo)(MP_SERVICES *This, UINTN Number, MP_PROCESSOR_INFORMATION *Info);
	/* StartupAllAPs, StartupThisAP, SwitchBSP, EnableDisableAP, WhoAmI: not used */
};

/* Past HV_CPUS_MAX only the BSP is still recorded, in the last slot: minihv runs on it. */
static void add_cpu(struct hv_cpus *c, uint32_t apic_id, bool bsp)
{
	c->total++;
	if (c->count == HV_CPUS_MAX) {
		if (bsp) {
			c->bsp = c->count - 1;
			c->apic_id[c->bsp] = apic_id;
		}
		return;
	}
	if (bsp)
		c->bsp = c->count;
	c->apic_id[c->count++] = apic_id;
}

static bool from_mp_services(struct hv_cpus *c)
{
	static EFI_GUID guid = MP_SERVICES_GUID;
	MP_SERVICES *mp = NULL;
	UINTN n = 0, enabled = 0;
	bool bsp_seen = false;

	if (EFI_ERROR(LibLocateProtocol(&guid, (void **)&mp)) || !mp ||
	    EFI_ERROR(uefi_call_wrapper(mp->GetNumberOfProcessors, 3, mp, &n, &enabled)))
		return false;
	for (UINTN i = 0; i < n; i++) {
		MP_PROCESSOR_INFORMATION info = { 0 };

		if (EFI_ERROR(uefi_call_wrapper(mp->GetProcessorInfo, 3, mp, i, &info)) ||
		    !(info.StatusFlag & PROCESSOR_ENABLED_BIT))
			continue;
		bsp_seen |= (info.StatusFlag & PROCESSOR_AS_BSP_BIT) != 0;
		add_cpu(c, (uint32_t)info.ProcessorId, info.StatusFlag & PROCESSOR_AS_BSP_BIT);
	}
	if (c->count && bsp_seen) {
		c->source = HV_CPUS_SOURCE_MP;
		return true;
	}
	*c = (struct hv_cpus){ 0 };
	return false;
}

static const uint8_t *find_rsdp(void)
{
	static EFI_GUID acpi20 = ACPI_20_TABLE_GUID;

	for (UINTN i = 0; i < ST->NumberOfTableEntries; i++)
		if (!CompareGuid(&ST->ConfigurationTable[i].VendorGuid, &acpi20))
			return ST->ConfigurationTable[i].VendorTable;
	return NULL;
}

/* The MADT through the XSDT (64-bit entries), or the RSDT (32-bit) when there is no XSDT. */
static const uint8_t *find_madt(void)
{
	const uint8_t *rsdp = find_rsdp(), *root;
	size_t entry;
	uint32_t len;

	if (!rsdp || !mem_eq(rsdp, "RSD PTR ", 8) || !acpi_checksum_ok(rsdp, RSDP_V1_LEN))
		return NULL;
	entry = acpi_checksum_ok(rsdp, RSDP_V2_LEN) && le64(rsdp + RSDP_XSDT_OFF) ? 8 : 4;
	root = (const uint8_t *)(entry == 8 ? le64(rsdp + RSDP_XSDT_OFF) : le32(rsdp + RSDP_RSDT_OFF));
	len = le32(root + ACPI_HEADER_LENGTH_OFF);
	if (len < ACPI_HEADER_LEN || !acpi_checksum_ok(root, len))
		return NULL;
	for (size_t off = ACPI_HEADER_LEN; off + entry <= len; off += entry) {
		const uint8_t *t = (const uint8_t *)(entry == 8 ? le64(root + off) : le32(root + off));
		if (t && mem_eq(t, "APIC", 4))
			return t;
	}
	return NULL;
}

static bool from_madt(struct hv_cpus *c, uint32_t bsp_id)
{
	const uint8_t *t = find_madt();
	struct madt_cpus m;
	char why[120];
	bool bsp_seen = false;

	if (!t)
		return false;
	if (!madt_parse(t, le32(t + ACPI_HEADER_LENGTH_OFF), &m, why, sizeof(why))) {
		hv_log("cpus: %s; the ACPI tables need a firmware update", why);
		return false;
	}
	for (unsigned i = 0; i < m.count; i++) {
		bsp_seen |= m.apic_id[i] == bsp_id;
		add_cpu(c, m.apic_id[i], m.apic_id[i] == bsp_id);
	}
	c->total = m.total;
	if (!bsp_seen && m.total > m.count) {   /* listed beyond the first HV_CPUS_MAX, most likely */
		c->bsp = c->count - 1;
		c->apic_id[c->bsp] = bsp_id;
		bsp_seen = true;
	}
	if (!bsp_seen) {
		hv_log("cpus: the ACPI MADT does not list this processor (APIC ID %u); the boot processor runs alone",
		       bsp_id);
		*c = (struct hv_cpus){ 0 };
		return false;
	}
	c->source = HV_CPUS_SOURCE_MADT;
	return true;
}

/* Two pages below 1 MiB, not page 0 (the real-mode interrupt table). */
static EFI_STATUS alloc_startup_pages(struct hv_cpus *c)
{
	EFI_PHYSICAL_ADDRESS a = STARTUP_MAX_ADDRESS;
	EFI_STATUS st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateMaxAddress, EfiLoaderData, STARTUP_PAGES, &a);

	if (!EFI_ERROR(st) && a == 0) {
		a = STARTUP_MAX_ADDRESS;   /* keep page 0 allocated, take the next block */
		st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateMaxAddress, EfiLoaderData, STARTUP_PAGES, &a);
	}
	if (EFI_ERROR(st))
		return st;
	c->startup_page = a;
	c->startup_table = a + EFI_PAGE_SIZE;
	return EFI_SUCCESS;
}

void efi_find_cpus(struct boot_info *bi)
{
	struct hv_cpus *c = &bi->cpus;
	struct lapic l;
	char line[LOG_LINE_MAX];
	EFI_STATUS st;

	lapic_init(&l, &hw_cpu_ops, 0);
	*c = (struct hv_cpus){ 0 };
	if (!from_mp_services(c) && !from_madt(c, l.id)) {
		add_cpu(c, l.id, true);
		hv_log("cpus: no MP services protocol and no usable ACPI MADT: the boot processor runs alone");
	}
	c->use = smp_cpus_to_use(c->count, bi->cfg.cpus);
	smp_cpus_line(c, &bi->cfg, line, sizeof(line));
	hv_log("%s", line);
	smp_cpus_cap_line(c, line, sizeof(line));
	if (line[0])
		hv_log("%s", line);
	smp_cpus_ask_line(c, &bi->cfg, line, sizeof(line));
	if (line[0])
		hv_log("%s", line);
	if (c->use < 2)
		return;
	st = alloc_startup_pages(c);
	if (EFI_ERROR(st)) {
		hv_log("cpus: no free page below 1 MiB for the APs' start-up code (EFI status 0x%llx); the boot "
		       "processor runs alone", (unsigned long long)st);
		c->use = 1;
	}
}
