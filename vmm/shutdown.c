/* The end of a run: status line, VMXOFF, power-off (docs/boot-options.md: poweroff=, panic=). */
#include "vmm/shutdown.h"
#include "arch/lib/log.h"
#include "arch/x86_64/cpu.h"
#include "vmm/vmx/enable.h"

static const struct boot_info *boot;

void shutdown_init(const struct boot_info *bi)
{
	boot = bi;
}

static __attribute__((noreturn)) void power_off(void)
{
	enum hv_poweroff how = boot ? boot->cfg.poweroff : HV_POWEROFF_SHUTDOWN;

	hv_log("poweroff: %s", how == HV_POWEROFF_REBOOT ? "reboot" : how == HV_POWEROFF_HALT ? "halt" : "shutdown");
	if (how != HV_POWEROFF_HALT && boot && boot->reset) {
		log_drain();    /* the last lines must leave the UART before the power goes (bounded) */
		boot->reset(how);
	}
	if (how != HV_POWEROFF_HALT)
		hv_log("poweroff: ResetSystem returned; halting");
	halt_forever();
}

void hv_end(enum hv_status s)
{
	log_set_deferred(false);
	vmx_disable();
	hv_log("end: status=%s code=%d", hv_status_name(s), (int)s);
	power_off();
}

void hv_fatal(enum hv_status s, const char *why)
{
	hv_log("FATAL %s (code %d): %s; %s", hv_status_name(s), (int)s, why, hv_status_advice(s));
	hv_end(s);
}

void hv_exception_end(void)
{
	if (boot && boot->cfg.panic_poweroff) {
		hv_log("end: status=EXCEPTION code=-1");
		log_drain();
		if (boot->reset)
			boot->reset(HV_POWEROFF_SHUTDOWN);
	}
	hv_log("halted: power-cycle the machine");
}
