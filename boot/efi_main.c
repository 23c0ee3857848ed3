/* UEFI entry: banner, memory for the hypervisor, boot-volume files, then ExitBootServices and
 * the jump onto the hypervisor's own stack. After that, no firmware service except ResetSystem. */
#include "boot/efi_boot.h"

#include "arch/lib/fmt.h"
#include "arch/lib/log.h"
#include "arch/x86_64/uart.h"
#include "vmm/config.h"
#include "vmm/main.h"
#include "vmm/status.h"
#include "vmm/vm/guest_select.h"
#include "vmm/vm/image.h"

#define HV_STACK_PAGES 16              /* 64 KiB */
#define HV_POOL_PAGES 4096             /* 16 MiB: host page tables, VMCS, bitmaps, EPT tables */
#define HV_CFG_MAX 4096

static struct boot_info boot_info;

void switch_stack_and_call(UINT64 stack_top, void (*fn)(void *), void *arg);   /* arch/x86_64/stack.asm */

/* The UEFI console gets the banner only: firmware consoles often mirror to COM1 themselves,
 * and the log must appear there once. */
static void console_banner(const struct boot_info *bi)
{
	Print(L"%a %a (commit %a) image base 0x%lx: log continues on serial port 0x%x\r\n", HV_NAME, HV_VERSION,
	      HV_COMMIT, bi->image_base, (UINTN)uart_port());
}

static EFI_STATUS alloc_pages(UINTN pages, UINT64 *pa)
{
	EFI_PHYSICAL_ADDRESS a = 0;
	EFI_STATUS st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateAnyPages, EfiLoaderData, pages, &a);
	*pa = a;
	return st;
}

/* size bytes of identity-mapped guest memory at the documented GPA when free there
 * (docs/guest-abi.md), else anywhere below 4 GiB. */
static EFI_STATUS alloc_identity_block(UINT64 size, EFI_PHYSICAL_ADDRESS *pa)
{
	EFI_PHYSICAL_ADDRESS a = GUEST_MEM_PREFERRED_BASE;
	UINTN pages = size / EFI_PAGE_SIZE;
	EFI_STATUS st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateAddress, EfiLoaderData, pages, &a);

	if (EFI_ERROR(st)) {
		a = 0xffffffffull;
		st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateMaxAddress, EfiLoaderData, pages, &a);
	}
	*pa = a;
	return st;
}

/* An MHVGUEST guest's memory: 4 MiB, or HV.CFG mem_mib MiB when that is set and larger (and the
 * guest is not a Multiboot kernel, whose memory mem_mib sizes). A size the firmware cannot give
 * falls back to 4 MiB with one line. */
static EFI_STATUS alloc_guest_memory(struct boot_info *bi, bool multiboot)
{
	UINT64 size = GUEST_MEM_SIZE, want = (UINT64)bi->cfg.mem_mib << 20;
	EFI_PHYSICAL_ADDRESS a = 0;
	EFI_STATUS st;

	if (!multiboot && bi->cfg.mem_mib_set && want > size) {
		st = alloc_identity_block(want, &a);
		if (!EFI_ERROR(st)) {
			bi->guest_mem_base = a;
			bi->guest_mem_size = want;
			return st;
		}
		hv_log("guest: HV.CFG mem_mib=%u: the firmware has no %u MiB below 4 GiB (EFI status 0x%llx); "
		       "the guest gets its 4 MiB", bi->cfg.mem_mib, bi->cfg.mem_mib, (unsigned long long)st);
	}
	st = alloc_identity_block(size, &a);
	bi->guest_mem_base = a;
	bi->guest_mem_size = size;
	return st;
}

static void load_config(EFI_LOADED_IMAGE *li, struct boot_info *bi)
{
	UINT8 *text = NULL;
	UINTN size = 0;
	char err[160];
	EFI_STATUS st = efi_read_boot_file(li, L"HV.CFG", HV_CFG_MAX, &text, &size, err, sizeof(err));

	config_defaults(&bi->cfg);
	if (st == EFI_NOT_FOUND)
		return;
	if (EFI_ERROR(st)) {
		hv_log("config: \\EFI\\BOOT\\HV.CFG not used: %s", err);
		return;
	}
	if (config_parse((const char *)text, size, &bi->cfg, err, sizeof(err)) != 0)
		hv_log("config: \\EFI\\BOOT\\HV.CFG: %s; that line is ignored, the others apply", err);
	hv_log("config: HV.CFG read (%llu bytes) guest=%s poweroff=%s", (unsigned long long)size,
	       bi->cfg.guest_name, config_poweroff_name(bi->cfg.poweroff));
	FreePool(text);
}

static void load_guest_file(EFI_LOADED_IMAGE *li, struct boot_info *bi)
{
	UINT8 *data = NULL;
	UINTN size = 0;
	EFI_STATUS st = efi_read_boot_file(li, L"GUEST.BIN", GUEST_FILE_READ_MAX, &data, &size,
					   bi->guest_file_error, sizeof(bi->guest_file_error));
	if (st == EFI_NOT_FOUND)
		return;
	if (EFI_ERROR(st))
		return;   /* guest_file_error says why; the hypervisor reports it and falls back */
	bi->guest_file = data;
	bi->guest_file_size = size;
}

/* Whether the chosen guest (GUEST.BIN or HV.CFG guest=) is a Multiboot kernel. */
static bool guest_is_multiboot(struct boot_info *bi)
{
	struct guest_choice c;

	guest_choose(bi, &c);
	return guest_choice_is_multiboot(&c);
}

static void log_memory(const struct boot_info *bi)
{
	char mb[64] = "";

	if (bi->mb_mem_size)
		hv_snprintf(mb, sizeof(mb), " multiboot=0x%llx+0x%llx", (unsigned long long)bi->mb_mem_hpa,
			    (unsigned long long)bi->mb_mem_size);
	hv_log("memory: stack=0x%llx+0x%llx pool=0x%llx+0x%llx guest=0x%llx+0x%llx%s",
	       (unsigned long long)bi->stack_base, (unsigned long long)bi->stack_size,
	       (unsigned long long)bi->pool_base, (unsigned long long)bi->pool_size,
	       (unsigned long long)bi->guest_mem_base, (unsigned long long)bi->guest_mem_size, mb);
}

static void fatal_before_exit(EFI_STATUS st, const char *what, enum hv_status code)
{
	hv_log("FATAL %s (code %d): %s failed with EFI status 0x%llx; the machine has too little free memory "
	       "or the firmware misbehaved", hv_status_name(code), (int)code, what, (unsigned long long)st);
	hv_log("end: status=%s code=%d", hv_status_name(code), (int)code);
	efi_reset(HV_POWEROFF_SHUTDOWN);
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	EFI_LOADED_IMAGE *li = NULL;
	struct boot_info *bi = &boot_info;
	EFI_STATUS st;
	bool multiboot;

	InitializeLib(image, systab);
	uart_init(HV_SERIAL_PORT);
	log_set_serial(uart_tx_room, uart_tx_byte, uart_tx_idle);
	uefi_call_wrapper(BS->HandleProtocol, 3, image, &LoadedImageProtocol, (void **)&li);
	bi->image_base = (UINT64)li->ImageBase;
	bi->image_size = li->ImageSize;
	hv_banner(bi);
	console_banner(bi);
	/* The firmware's watchdog would reset the machine after 5 minutes (UEFI spec §7.5.1). */
	uefi_call_wrapper(BS->SetWatchdogTimer, 4, 0, 0, 0, NULL);

	load_config(li, bi);
	load_guest_file(li, bi);
	efi_find_framebuffer(&bi->fb);
	bi->reset = efi_reset;

	st = alloc_pages(HV_STACK_PAGES, &bi->stack_base);
	if (EFI_ERROR(st))
		fatal_before_exit(st, "AllocatePages(stack)", HV_E_NOMEM);
	bi->stack_size = (UINT64)HV_STACK_PAGES * EFI_PAGE_SIZE;
	st = alloc_pages(HV_POOL_PAGES, &bi->pool_base);
	if (EFI_ERROR(st))
		fatal_before_exit(st, "AllocatePages(page pool)", HV_E_NOMEM);
	bi->pool_size = (UINT64)HV_POOL_PAGES * EFI_PAGE_SIZE;
	multiboot = guest_is_multiboot(bi);
	st = alloc_guest_memory(bi, multiboot);
	if (EFI_ERROR(st))
		fatal_before_exit(st, "AllocatePages(guest memory)", HV_E_NOMEM);
	if (multiboot)   /* allocated last, so that it cannot starve the hypervisor's own memory */
		efi_alloc_multiboot_memory(bi);
	log_memory(bi);
	efi_find_cpus(bi);

	st = efi_exit_boot_services(image, bi);
	if (EFI_ERROR(st)) {
		hv_log("FATAL E_BOOT (code %d): ExitBootServices failed %u times (status 0x%llx); "
		       "a firmware driver keeps changing the memory map", HV_E_BOOT, bi->ebs_attempts,
		       (unsigned long long)st);
		return st;
	}
	switch_stack_and_call(bi->stack_base + bi->stack_size, hv_main, bi);
	return EFI_SUCCESS;   /* not reached */
}
