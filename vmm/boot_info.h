/* What the UEFI loader (boot/) hands the hypervisor after ExitBootServices. No UEFI types:
 * everything below boot/ is freestanding. Addresses are physical; the hypervisor runs on an
 * identity map, so they are also valid pointers. */
#ifndef VMM_BOOT_INFO_H
#define VMM_BOOT_INFO_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/x86_64/fbcon.h"

enum hv_poweroff { HV_POWEROFF_SHUTDOWN = 0, HV_POWEROFF_REBOOT = 1, HV_POWEROFF_HALT = 2 };

/* HV.CFG entry_check=: run the VM-entry checker before VMLAUNCH and refuse a VMCS that fails (on),
 * list the failures and launch anyway (warn), or skip it (off). */
enum hv_entry_check { HV_ENTRY_CHECK_ON = 0, HV_ENTRY_CHECK_WARN = 1, HV_ENTRY_CHECK_OFF = 2 };

/* HV.CFG vmwrite=<encoding>:<value>: a VMCS field written after setup, before the checker. */
struct hv_vmwrite {
	uint32_t encoding;
	uint64_t value;
};
#define HV_VMWRITE_MAX 64

/* HV.CFG mem_mib=: a Multiboot guest's memory in MiB (docs/boot-options.md). Over 1 MiB (the upper
 * RAM starts there), at most 4 GiB (a 32-bit kernel's addresses). An MHVGUEST guest gets it too
 * when HV.CFG sets more than its 4 MiB (boot/efi_main.c). */
#define HV_MEM_MIB_DEFAULT 64
#define HV_MEM_MIB_MIN 2
#define HV_MEM_MIB_MAX 4096
/* HV.CFG cmdline=: room for any line HV.CFG (at most 4096 bytes) can hold. */
#define HV_CMDLINE_MAX 4096

/* HV.CFG cpus=: how many processors minihv takes (the boot processor counts), or all of them
 * (HV_CPUS_ALL, the default): each runs one vCPU of the guest. */
#define HV_CPUS_ALL 0
#define HV_CPUS_MAX 64
#define HV_CPUS_DEFAULT HV_CPUS_ALL

/* Options from \EFI\BOOT\HV.CFG (docs/boot-options.md). */
struct hv_config {
	enum hv_poweroff poweroff;     /* at the end: shutdown (default), reboot, halt */
	bool panic_poweroff;           /* on a hypervisor exception: power off instead of halting */
	char guest_name[32];           /* "default" or a built-in test guest's name */
	uint64_t guest_budget_mtsc;    /* guest time budget in millions of TSC ticks (docs/boot-options.md) */
	bool exit_log;                 /* log ept-violation/ept-policy lines (default on) */
	bool test_nmi;                 /* send this CPU NMIs before VMLAUNCH (docs/boot-options.md) */
	bool test_leak_addresses;      /* the guest gets R8 = image base, R9 = page pool at launch */
	enum hv_entry_check entry_check;
	bool entry_probe;              /* try each vmwrite alone, then power off (docs/boot-options.md) */
	unsigned vmwrite_count;
	struct hv_vmwrite vmwrite[HV_VMWRITE_MAX];
	uint32_t mem_mib;              /* a Multiboot guest's memory, MiB */
	bool mem_mib_set;              /* HV.CFG gave mem_mib (an MHVGUEST guest then gets it, if over 4) */
	char cmdline[HV_CMDLINE_MAX];  /* a Multiboot guest's command line ("" without cmdline=) */
	uint32_t cpus;                 /* 1..HV_CPUS_MAX, or HV_CPUS_ALL */
	bool cpus_set;                 /* HV.CFG gave cpus= */
};

/* Where the loader found the processors (boot/efi_mp.c). */
enum hv_cpus_source { HV_CPUS_SOURCE_NONE = 0, HV_CPUS_SOURCE_MP = 1, HV_CPUS_SOURCE_MADT = 2 };

/* The processors, found before ExitBootServices, and the start-up pages for the APs. */
struct hv_cpus {
	enum hv_cpus_source source;
	unsigned count;                /* APIC IDs recorded, the BSP's included (at most HV_CPUS_MAX) */
	unsigned total;                /* processors the firmware reported (can be over HV_CPUS_MAX) */
	unsigned bsp;                  /* the BSP's index in apic_id[] */
	uint32_t apic_id[HV_CPUS_MAX];
	unsigned use;                  /* how many minihv takes, the BSP included (1: the BSP alone) */
	uint64_t startup_page;         /* AP start-up code, a page below 1 MiB (0 when use is 1) */
	uint64_t startup_table;        /* a page below 1 MiB for the APs' first page table */
};

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
	/* A Multiboot guest's memory (only when the chosen guest is a Multiboot kernel): mem_mib MiB,
	 * zeroed, 2 MiB aligned, anywhere; or mb_mem_size 0 and mb_mem_error says why not. */
	uint64_t mb_mem_hpa, mb_mem_size;
	char mb_mem_error[160];
	const uint8_t *guest_file;     /* GUEST.BIN from the boot volume, or 0 */
	uint64_t guest_file_size;
	char guest_file_error[96];     /* why GUEST.BIN was not usable, or "" */
	struct fb_info fb;
	struct hv_config cfg;
	struct hv_cpus cpus;
};

#endif
