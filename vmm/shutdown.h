/* How every run ends: the status line, VMXOFF, then the power-off HV.CFG asks for. */
#ifndef VMM_SHUTDOWN_H
#define VMM_SHUTDOWN_H

#include "vmm/boot_info.h"
#include "vmm/status.h"

/* The boot information the power-off needs (HV.CFG poweroff=, panic=, ResetSystem). */
void shutdown_init(const struct boot_info *bi);
/* Log "FATAL <name> (code N): <why>; <advice>", then end the run. */
__attribute__((noreturn)) void hv_fatal(enum hv_status s, const char *why);
/* VMXOFF if on, "[hv] end: status=... code=...", then power off as configured. */
__attribute__((noreturn)) void hv_end(enum hv_status s);
/* After a hypervisor exception was reported: power off if HV.CFG says panic=poweroff. */
void hv_exception_end(void);

#endif
