/* The hypervisor proper, entered by the UEFI loader. */
#ifndef VMM_HV_H
#define VMM_HV_H

#include "vmm/boot_info.h"
#include "vmm/status.h"
#include "vmm/vmx_caps.h"

#define HV_NAME "minihv"
#ifndef HV_VERSION
#define HV_VERSION "0.0.0"
#endif
#ifndef HV_COMMIT
#define HV_COMMIT "unknown"
#endif

void hv_banner(const struct boot_info *bi);
/* After ExitBootServices, on the hypervisor's stack. Never returns. */
__attribute__((noreturn)) void hv_main(void *boot_info);
/* Log "FATAL <name> (code N): <why>; <advice>", then end the run. */
__attribute__((noreturn)) void hv_fatal(enum hv_status s, const char *why);
/* VMXOFF if on, "[hv] end: status=... code=...", then power off as configured. */
__attribute__((noreturn)) void hv_end(enum hv_status s);

/* vmm/vmx_enable.c */
extern const struct cpu_ops hw_cpu_ops;
enum hv_status vmx_enable(const struct vmx_caps *caps, char *why, size_t why_len);
void vmx_disable(void);
bool vmx_is_on(void);
void vmx_report_caps(const struct vmx_caps *caps);
const char *hv_status_advice(enum hv_status s);

#endif
