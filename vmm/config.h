/* Boot options from \EFI\BOOT\HV.CFG: "key=value" lines, '#' comments (docs/boot-options.md). */
#ifndef VMM_CONFIG_H
#define VMM_CONFIG_H

#include <stddef.h>

#include "vmm/boot_info.h"

/* Default guest time budget: 20,000 million TSC ticks (about 10 s at 2 GHz). */
#define HV_DEFAULT_BUDGET_MTSC 20000

void config_defaults(struct hv_config *cfg);
/* Apply every valid line; returns 0, or -1 with the first problem in err (the other lines still apply). */
int config_parse(const char *text, size_t len, struct hv_config *cfg, char *err, size_t err_len);
const char *config_poweroff_name(enum hv_poweroff p);

#endif
