/* HV.CFG cpus= against the processors the loader found, and the cpus: lines. */
#include "vmm/smp/plan.h"
#include "arch/lib/fmt.h"
#include "arch/lib/str.h"

unsigned smp_cpus_to_use(unsigned count, uint32_t cfg_cpus)
{
	if (cfg_cpus == HV_CPUS_ALL || cfg_cpus > count)
		return count;
	return cfg_cpus;
}

static const char *source_name(enum hv_cpus_source s)
{
	return s == HV_CPUS_SOURCE_MP ? "mp-services" : s == HV_CPUS_SOURCE_MADT ? "madt" : "bsp-only";
}

/* The APIC IDs as runs of consecutive IDs ("0-3,8,10-11"), ",..." once it gets long. */
static void apic_ids_text(const struct hv_cpus *c, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < c->count;) {
		unsigned j = i;

		while (j + 1 < c->count && c->apic_id[j + 1] == c->apic_id[j] + 1)
			j++;
		if (n > SMP_APIC_IDS_TEXT_MAX - 24) {
			hv_snprintf(buf + n, len - n, ",...");
			return;
		}
		if (j > i)
			hv_snprintf(buf + n, len - n, "%s%u-%u", i ? "," : "", c->apic_id[i], c->apic_id[j]);
		else
			hv_snprintf(buf + n, len - n, "%s%u", i ? "," : "", c->apic_id[i]);
		n = str_len(buf);
		i = j + 1;
	}
}

void smp_cpus_line(const struct hv_cpus *c, const struct hv_config *cfg, char *buf, size_t len)
{
	char ids[SMP_APIC_IDS_TEXT_MAX + 8];
	char want[16];

	apic_ids_text(c, ids, sizeof(ids));
	if (cfg->cpus == HV_CPUS_ALL)
		hv_snprintf(want, sizeof(want), "all");
	else
		hv_snprintf(want, sizeof(want), "%u", cfg->cpus);
	hv_snprintf(buf, len, "cpus: count=%u source=%s apic_ids=%s bsp=%u use=%u (HV.CFG cpus=%s%s)", c->total,
		    source_name(c->source), ids, c->apic_id[c->bsp], c->use, want, cfg->cpus_set ? "" : ", the default");
}

void smp_cpus_cap_line(const struct hv_cpus *c, char *buf, size_t len)
{
	buf[0] = '\0';
	if (c->total > c->count)
		hv_snprintf(buf, len,
			    "cpus: the firmware reports %u processors; minihv records %u of them, the boot processor included",
			    c->total, c->count);
}

void smp_cpus_ask_line(const struct hv_cpus *c, const struct hv_config *cfg, char *buf, size_t len)
{
	buf[0] = '\0';
	if (cfg->cpus != HV_CPUS_ALL && cfg->cpus > c->count)
		hv_snprintf(buf, len, "cpus: HV.CFG cpus=%u but the machine has %u: minihv takes the %u there are",
			    cfg->cpus, c->total, c->count);
}
