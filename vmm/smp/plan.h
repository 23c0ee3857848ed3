/* How many processors minihv takes, and the lines that say what the loader found
 * (docs/log-format.md, "cpus:"). */
#ifndef VMM_SMP_PLAN_H
#define VMM_SMP_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "vmm/boot_info.h"

#define SMP_APIC_IDS_TEXT_MAX 160   /* the apic_ids= list ends in ",..." beyond this */

/* HV.CFG cpus= (HV_CPUS_ALL or 1..HV_CPUS_MAX) against the count found: at most what exists. */
unsigned smp_cpus_to_use(unsigned count, uint32_t cfg_cpus);
/* "cpus: count=2 source=mp-services apic_ids=0-1 bsp=0 use=2 (HV.CFG cpus=all)". */
void smp_cpus_line(const struct hv_cpus *c, const struct hv_config *cfg, char *buf, size_t len);
/* The notes that go with it, each "" when it does not apply: more processors than minihv records,
 * and HV.CFG cpus= asking for more than the machine has. */
void smp_cpus_cap_line(const struct hv_cpus *c, char *buf, size_t len);
void smp_cpus_ask_line(const struct hv_cpus *c, const struct hv_config *cfg, char *buf, size_t len);

#endif
