/* The hypervisor proper, entered by the UEFI loader (boot/). */
#ifndef VMM_MAIN_H
#define VMM_MAIN_H

#include "vmm/boot_info.h"

#define HV_NAME "minihv"
#ifndef HV_VERSION
#define HV_VERSION "0.0.0"
#endif
#ifndef HV_COMMIT
#define HV_COMMIT "unknown"
#endif

/* "[hv] banner: ...": the first line of every run. */
void hv_banner(const struct boot_info *bi);
/* After ExitBootServices, on the hypervisor's stack. Never returns. */
__attribute__((noreturn)) void hv_main(void *boot_info);

#endif
