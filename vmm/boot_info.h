/* What the UEFI loader (boot/) hands the hypervisor after ExitBootServices. No UEFI types:
 * everything below boot/ is freestanding. Addresses are physical; the hypervisor runs on an
 * identity map, so they are also valid pointers. */
#ifndef VMM_BOOT_INFO_H
#define VMM_BOOT_INFO_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/fbcon.h"

enum hv_poweroff { HV_POWEROFF_SHUTDOWN = 0, HV_POWEROFF_REBOOT = 1, HV_POWEROFF_HALT = 2 };

/* Options from \EFI\BOOT\HV.CFG (docs/boot-options.md). */
struct hv_config {
	enum hv_poweroff poweroff;     /* at the end: shutdown (default), reboot, halt */
	bool panic_poweroff;           /* on a hypervisor exception: power off instead of halting */
	char guest_name[32];           /* "default" or a built-in test guest's name */
	uint64_t guest_budget_mtsc;    /* guest time budget in millions of TSC ticks (docs/boot-options.md) */
	bool exit_log;                 /* log ept-violation/ept-policy lines (default on) */
	uint32_t test_flags;           /* deliberate faults for tests: HV_TEST_* (docs/boot-options.md) */
	bool test_nmi;                 /* send this CPU NMIs before VMLAUNCH (docs/boot-options.md) */
};

/* test_flags bits: deliberate faults, so the tests can show how each failure is reported. */
#define HV_TEST_BAD_GUEST_RFLAGS 1u    /* VMLAUNCH with RFLAGS bit 1 (reserved, must be 1) clear */
#define HV_TEST_BAD_LINK_POINTER 2u    /* VMLAUNCH with an invalid VMCS link pointer */
#define HV_TEST_BAD_CONTROL      4u    /* VMLAUNCH with CR3-target count 5 (at most 4, SDM Vol. 3C
					* §27.2.1.1 "VM-Execution Control Fields") */
#define HV_TEST_LEAK_HV_ADDRESSES 8u   /* the guest gets R8 = image base, R9 = page pool at launch */

struct boot_info {
	uint64_t image_base;           /* where UEFI loaded BOOTX64.EFI (for gdb) */
	uint64_t image_size;
	uint64_t pool_base, pool_size; /* the hypervisor's page pool (4 KiB aligned, contiguous) */
	uint64_t stack_base, stack_size;
	uint64_t phys_top;             /* end of the highest range in the memory map */
	uint32_t mmap_entries;
	uint32_t ebs_attempts;         /* ExitBootServices calls it took */
	void (*reset)(enum hv_poweroff how); /* UEFI runtime ResetSystem; returns only on failure */
	/* Guest memory, allocated by the loader; EPT maps exactly this range. */
	uint64_t guest_mem_base, guest_mem_size;
	const uint8_t *guest_file;     /* GUEST.BIN from the boot volume, or 0 */
	uint64_t guest_file_size;
	char guest_file_error[96];     /* why GUEST.BIN was not usable, or "" */
	struct fb_info fb;
	struct hv_config cfg;
};

#endif
