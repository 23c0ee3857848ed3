/* The hypervisor's run, from ExitBootServices to power-off:
 * take over (GDT/TSS, IDT, page tables), check VT-x, VMXON, run the guest, VMXOFF, power off. */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/fbcon.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/uart.h"
#include "arch/x86_64/xsave.h"
#include "vmm/main.h"
#include "arch/lib/log.h"
#include "arch/lib/page_pool.h"
#include "vmm/shutdown.h"
#include "vmm/vm/run.h"
#include "vmm/vmx/cap_report.h"
#include "vmm/vmx/enable.h"

#define IST_STACK_PAGES 4
#define MIN_IDENTITY_MAP (4ull << 30)   /* MMIO below 4 GiB (local APIC, flash, framebuffer) */

static struct boot_info *boot;
static struct vmx_caps caps;

void hv_banner(const struct boot_info *bi)
{
	hv_log("banner: %s %s commit=%s image_base=0x%llx image_size=0x%llx serial=0x%x", HV_NAME, HV_VERSION,
	       HV_COMMIT, (unsigned long long)bi->image_base, (unsigned long long)bi->image_size, uart_port());
}

static void take_over(struct boot_info *bi)
{
	struct paging_result pr;
	uint64_t ist = 0, top = bi->phys_top > MIN_IDENTITY_MAP ? bi->phys_top : MIN_IDENTITY_MAP;

	cli();
	xsave_enable();   /* CR4.OSXSAVE, so a guest's valid XSETBV can be executed */
	pool_init(bi->pool_base, bi->pool_size);
	for (int i = 0; i < IST_STACK_PAGES; i++)
		ist = pool_alloc_page();
	gdt_install(ist + PAGE_SIZE);
	idt_fatal_hook = hv_exception_end;
	idt_install();
	if (paging_install_identity(top, pool_alloc_page, &pr) != 0)
		hv_fatal(HV_E_NOMEM, "page pool exhausted while building the host identity map");
	fbcon_start(&bi->fb, pr.mapped_bytes);   /* the screen console: a log sink from here on */
	hv_log("takeover: exit_boot_services=ok attempts=%u mmap_entries=%u phys_top=0x%llx",
	       bi->ebs_attempts, bi->mmap_entries, (unsigned long long)bi->phys_top);
	hv_log("takeover: gdt=0x%llx tss=0x%llx tr=0x%x idt=0x%llx cr3=0x%llx identity=0x%llx page=%s tables=%llu",
	       (unsigned long long)gdt_base(), (unsigned long long)tss_base(), read_tr(),
	       (unsigned long long)idt_base(), (unsigned long long)pr.cr3, (unsigned long long)pr.mapped_bytes,
	       pr.page_size == (1ull << 30) ? "1G" : "2M", (unsigned long long)pr.tables);
}

void hv_main(void *arg)
{
	char why[LOG_LINE_MAX];
	enum hv_status s;

	boot = arg;
	shutdown_init(boot);
	take_over(boot);
	s = vmx_probe(&hw_cpu_ops, &caps, why, sizeof(why));
	hv_log("cpu: vendor=%s family=0x%x model=0x%x stepping=%u maxphyaddr=%u vmx=%s", caps.vendor, caps.family,
	       caps.model, caps.stepping, caps.maxphyaddr, s == HV_E_NO_VTX ? "no" : "yes");
	if (s == HV_E_NO_EPT)
		vmx_report_caps(&caps);
	if (s != HV_OK)
		hv_fatal(s, why);
	s = vmx_enable(&caps, why, sizeof(why));
	if (s != HV_OK)
		hv_fatal(s, why);
	vmx_report_caps(&caps);
	vm_run(boot, &caps);
}
