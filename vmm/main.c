/* The hypervisor's run, from ExitBootServices to power-off:
 * take over (GDT/TSS, IDT, page tables), check VT-x, VMXON, start the other processors when HV.CFG
 * cpus= asks (they park in VMX root operation), run the guest, VMXOFF, power off. */
#include "arch/x86_64/cet.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpu_ops.h"
#include "arch/x86_64/cpuid.h"
#include "arch/x86_64/cpuid_info.h"
#include "arch/x86_64/cr.h"
#include "arch/x86_64/fbcon.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/mtrr.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/pic.h"
#include "arch/x86_64/uart.h"
#include "arch/x86_64/xsave.h"
#include "vmm/main.h"
#include "arch/lib/log.h"
#include "arch/lib/page_pool.h"
#include "vmm/shutdown.h"
#include "vmm/smp/ap.h"
#include "vmm/vm/run.h"
#include "vmm/vm/vcpu_start.h"
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

static uint64_t hw_rdmsr(uint32_t msr)
{
	return rdmsr(msr);
}

static bool cpu_has_1g_pages(void)
{
	struct cpuid_regs r;

	cpuid(CPUID_EXT_MAX, 0, &r);
	if (r.eax < CPUID_EXT_FEATURES)
		return false;
	cpuid(CPUID_EXT_FEATURES, 0, &r);
	return r.edx & CPUID_80000001_EDX_PAGE1GB;
}

/* The host identity map: all of RAM and at least the first 4 GiB (MMIO: local APIC, flash), plus
 * the framebuffer wherever it is, each large page inside one MTRR memory type. */
static void build_identity_map(const struct boot_info *bi, struct paging_result *pr)
{
	static struct mtrr_state mtrr;
	struct paging_plan plan = { 0 };
	struct cpuid_regs r;

	cpuid(1, 0, &r);
	mtrr_read(&mtrr, r.edx & CPUID_1_EDX_MTRR, cpuid_maxphyaddr(&hw_cpu_ops), hw_rdmsr);
	plan.levels = paging_levels(read_cr4());
	plan.page_1g = cpu_has_1g_pages();
	plan.mtrr = &mtrr;
	plan.range[plan.nranges].base = 0;
	plan.range[plan.nranges++].end = bi->phys_top > MIN_IDENTITY_MAP ? bi->phys_top : MIN_IDENTITY_MAP;
	if (bi->fb.present) {
		plan.range[plan.nranges].base = bi->fb.base;
		plan.range[plan.nranges++].end = bi->fb.base + bi->fb.size;
	}
	if (paging_build_identity(&plan, pool_alloc_page, pr) != 0)
		hv_fatal(HV_E_NOMEM, "page pool exhausted while building the host identity map");
	write_cr3(pr->cr3);
}

static void take_over(struct boot_info *bi)
{
	struct paging_result pr;
	uint64_t ist = 0;
	bool cet_was_on;
	unsigned lvt_masked;

	cli();
	xsave_enable();   /* CR4.OSXSAVE, so a guest's valid XSETBV can be executed */
	pool_init(bi->pool_base, bi->pool_size);
	for (int i = 0; i < IST_STACK_PAGES; i++)
		ist = pool_alloc_page();
	cet_was_on = cet_disable(&hw_cpu_ops);   /* before gdt_install's far return */
	gdt_install(ist + PAGE_SIZE);
	idt_fatal_hook = hv_exception_end;
	idt_install();
	pic_mask_all();
	lapic_init(&host_lapic, &hw_cpu_ops, 0);
	lvt_masked = lapic_mask_local_interrupts(&host_lapic);
	build_identity_map(bi, &pr);
	fbcon_start(&bi->fb, pr.top);   /* the screen console: a log sink from here on */
	hv_log("takeover: exit_boot_services=ok attempts=%u mmap_entries=%u phys_top=0x%llx",
	       bi->ebs_attempts, bi->mmap_entries, (unsigned long long)bi->phys_top);
	hv_log("takeover: gdt=0x%llx tss=0x%llx tr=0x%x idt=0x%llx cr3=0x%llx identity=0x%llx page=%s tables=%llu",
	       (unsigned long long)gdt_base(), (unsigned long long)tss_base(), read_tr(),
	       (unsigned long long)idt_base(), (unsigned long long)pr.cr3, (unsigned long long)pr.top,
	       pr.pages_1g ? "1G" : "2M", (unsigned long long)pr.tables);
	hv_log("takeover: paging=%u-level pages 1g=%llu 2m=%llu 4k=%llu (MTRR types kept per page) cet=%s",
	       paging_levels(read_cr4()), (unsigned long long)pr.pages_1g, (unsigned long long)pr.pages_2m,
	       (unsigned long long)pr.pages_4k, cet_was_on ? "was-on,off" : "off");
	hv_log("takeover: interrupts: pic=masked lapic=%s id=%u lvt_masked=%u lint1=%s",
	       !host_lapic.present ? "none" : host_lapic.x2apic ? "x2apic" : "xapic", host_lapic.id, lvt_masked,
	       host_lapic.present && (lapic_read(&host_lapic, LAPIC_LVT_LINT1) & LAPIC_DELIVERY_MODE_MASK) ==
	       LAPIC_DELIVERY_NMI ? "nmi" : "masked");
}

void hv_main(void *arg)
{
	char why[LOG_LINE_MAX];
	enum hv_status s;
	uint64_t tsc_per_ms;
	unsigned ncpus;

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
	vcpus_init(tss_base());   /* GS: this_vcpu() from here on */
	ncpus = smp_start_aps(boot, &caps, &tsc_per_ms);
	if (ncpus > 1) {
		log_set_cpu_source(vcpu_this_index);
		log_set_cpu_tags(true);   /* several CPUs log from here on: each line says which */
	}
	vm_run(boot, &caps, ncpus, tsc_per_ms);
}
