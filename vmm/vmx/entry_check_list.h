/* Every check of the VM-entry checker, once: X(NAME, "id", SECTION, verdict, qual, "rule").
 * NAME becomes EC_NAME (vmm/vmx/entry_check_ctx.h), the rest the table entry_check_defs()
 * (vmm/vmx/entry_check_defs.c). SECTION is one of the SEC_* of entry_check_defs.c (a section of SDM
 * Vol. 3C chapter 27 "VM Entries" and its title). In a rule "{}" is the failure's detail, in hex.
 * The ids are an interface: docs/vm-entry-checks.md lists them, log lines carry them. */
#ifndef VMM_VMX_ENTRY_CHECK_LIST_H
#define VMM_VMX_ENTRY_CHECK_LIST_H

/* SDM Vol. 3C §27.2.1.1 "VM-Execution Control Fields": VM-instruction error 7. */
#define EC_CHECKS_EXEC(X) \
	X(CTL_PIN_ALLOWED0, "ctl.pin.allowed0", EXEC, 7, 0, \
	  "bits {} must be 1 (allowed 0-settings, IA32_VMX_[TRUE_]PINBASED_CTLS)") \
	X(CTL_PIN_ALLOWED1, "ctl.pin.allowed1", EXEC, 7, 0, \
	  "bits {} must be 0 (allowed 1-settings, IA32_VMX_[TRUE_]PINBASED_CTLS)") \
	X(CTL_PROC_ALLOWED0, "ctl.proc.allowed0", EXEC, 7, 0, \
	  "bits {} must be 1 (allowed 0-settings, IA32_VMX_[TRUE_]PROCBASED_CTLS)") \
	X(CTL_PROC_ALLOWED1, "ctl.proc.allowed1", EXEC, 7, 0, \
	  "bits {} must be 0 (allowed 1-settings, IA32_VMX_[TRUE_]PROCBASED_CTLS)") \
	X(CTL_PROC2_ALLOWED0, "ctl.proc2.allowed0", EXEC, 7, 0, \
	  "bits {} must be 1 (allowed 0-settings, IA32_VMX_PROCBASED_CTLS2)") \
	X(CTL_PROC2_ALLOWED1, "ctl.proc2.allowed1", EXEC, 7, 0, \
	  "bits {} must be 0 (allowed 1-settings, IA32_VMX_PROCBASED_CTLS2)") \
	X(CTL_PROC3_ALLOWED1, "ctl.proc3.allowed1", EXEC, 7, 0, \
	  "bits {} must be 0 (allowed 1-settings, IA32_VMX_PROCBASED_CTLS3)") \
	X(CTL_CR3_TARGET_COUNT, "ctl.cr3-target-count", EXEC, 7, 0, "at most {} (IA32_VMX_MISC[24:16])") \
	X(CTL_IO_BITMAP_ALIGN, "ctl.io-bitmap.align", EXEC, 7, 0, "bits 11:0 must be 0 (use I/O bitmaps)") \
	X(CTL_IO_BITMAP_WIDTH, "ctl.io-bitmap.width", EXEC, 7, 0, "bits {} are beyond the physical-address width") \
	X(CTL_MSR_BITMAP_ALIGN, "ctl.msr-bitmap.align", EXEC, 7, 0, "bits 11:0 must be 0 (use MSR bitmaps)") \
	X(CTL_MSR_BITMAP_WIDTH, "ctl.msr-bitmap.width", EXEC, 7, 0, "bits {} are beyond the physical-address width") \
	X(CTL_VAPIC_ALIGN, "ctl.virtual-apic.align", EXEC, 7, 0, "bits 11:0 must be 0 (use TPR shadow)") \
	X(CTL_VAPIC_WIDTH, "ctl.virtual-apic.width", EXEC, 7, 0, "bits {} are beyond the physical-address width") \
	X(CTL_TPR_THRESHOLD_RESERVED, "ctl.tpr-threshold.reserved", EXEC, 7, 0, \
	  "bits 31:4 must be 0 (use TPR shadow, no virtual-interrupt delivery)") \
	X(CTL_TPR_THRESHOLD_VTPR, "ctl.tpr-threshold.vtpr", EXEC, 7, 0, \
	  "must not exceed VTPR[7:4] = {} on the virtual-APIC page") \
	X(CTL_NMI_VIRTUAL, "ctl.nmi.virtual-nmis", EXEC, 7, 0, "virtual NMIs needs NMI exiting") \
	X(CTL_NMI_WINDOW, "ctl.nmi.window", EXEC, 7, 0, "NMI-window exiting needs virtual NMIs") \
	X(CTL_APIC_ACCESS_ALIGN, "ctl.apic-access.align", EXEC, 7, 0, \
	  "bits 11:0 must be 0 (virtualize APIC accesses)") \
	X(CTL_APIC_ACCESS_WIDTH, "ctl.apic-access.width", EXEC, 7, 0, "bits {} are beyond the physical-address width") \
	X(CTL_APICV_TPR_SHADOW, "ctl.apicv.tpr-shadow", EXEC, 7, 0, \
	  "bits {} (x2APIC mode, APIC-register virtualization, virtual-interrupt delivery) need use TPR shadow") \
	X(CTL_APICV_X2APIC, "ctl.apicv.x2apic", EXEC, 7, 0, \
	  "virtualize x2APIC mode and virtualize APIC accesses exclude each other") \
	X(CTL_APICV_VID_EXITING, "ctl.apicv.vid-exiting", EXEC, 7, 0, \
	  "virtual-interrupt delivery needs external-interrupt exiting") \
	X(CTL_POSTED_VID, "ctl.posted.vid", EXEC, 7, 0, "process posted interrupts needs virtual-interrupt delivery") \
	X(CTL_POSTED_ACK, "ctl.posted.ack", EXEC, 7, 0, \
	  "process posted interrupts needs acknowledge interrupt on exit") \
	X(CTL_POSTED_VECTOR, "ctl.posted.vector", EXEC, 7, 0, "bits 15:8 must be 0 (process posted interrupts)") \
	X(CTL_POSTED_DESC_ALIGN, "ctl.posted.desc-align", EXEC, 7, 0, \
	  "bits 5:0 must be 0 (process posted interrupts)") \
	X(CTL_POSTED_DESC_WIDTH, "ctl.posted.desc-width", EXEC, 7, 0, "bits {} are beyond the physical-address width") \
	X(CTL_VPID_ZERO, "ctl.vpid.zero", EXEC, 7, 0, "must not be 0 (enable VPID)") \
	X(CTL_EPTP_MEMTYPE, "ctl.eptp.memtype", EXEC, 7, 0, \
	  "memory type {} is not one IA32_VMX_EPT_VPID_CAP[8,14] allows") \
	X(CTL_EPTP_WALK, "ctl.eptp.walk", EXEC, 7, 0, \
	  "page-walk length - 1 = {}: must be 3, or 4 with IA32_VMX_EPT_VPID_CAP[7]") \
	X(CTL_EPTP_AD, "ctl.eptp.ad", EXEC, 7, 0, "bit 6 (accessed/dirty flags) needs IA32_VMX_EPT_VPID_CAP[21]") \
	X(CTL_EPTP_SSS, "ctl.eptp.sss", EXEC, 7, 0, "bit 7 (supervisor shadow stack) needs IA32_VMX_EPT_VPID_CAP[23]") \
	X(CTL_EPTP_RESERVED, "ctl.eptp.reserved", EXEC, 7, 0, "bits 11:8 must be 0") \
	X(CTL_EPTP_WIDTH, "ctl.eptp.width", EXEC, 7, 0, "bits {} are beyond the physical-address width") \
	X(CTL_PML_EPT, "ctl.pml.ept", EXEC, 7, 0, "enable PML needs enable EPT") \
	X(CTL_PML_ALIGN, "ctl.pml.align", EXEC, 7, 0, "bits 11:0 must be 0 (enable PML)") \
	X(CTL_PML_WIDTH, "ctl.pml.width", EXEC, 7, 0, "bits {} are beyond the physical-address width") \
	X(CTL_UNRESTRICTED_EPT, "ctl.unrestricted.ept", EXEC, 7, 0, "unrestricted guest needs enable EPT") \
	X(CTL_MBEC_EPT, "ctl.mbec.ept", EXEC, 7, 0, "mode-based execute control for EPT needs enable EPT") \
	X(CTL_SPP_EPT, "ctl.spp.ept", EXEC, 7, 0, "sub-page write permissions for EPT needs enable EPT") \
	X(CTL_SPP_ALIGN, "ctl.spp.align", EXEC, 7, 0, "bits 11:0 must be 0 (sub-page write permissions)") \
	X(CTL_SPP_WIDTH, "ctl.spp.width", EXEC, 7, 0, "bits {} are beyond the physical-address width") \
	X(CTL_PT_GPA_EPT, "ctl.pt-gpa.ept", EXEC, 7, 0, "Intel PT uses guest physical addresses needs enable EPT") \
	X(CTL_PT_GPA_ENTRY, "ctl.pt-gpa.entry", EXEC, 7, 0, \
	  "Intel PT uses guest physical addresses needs load IA32_RTIT_CTL") \
	X(CTL_PT_GPA_EXIT, "ctl.pt-gpa.exit", EXEC, 7, 0, \
	  "Intel PT uses guest physical addresses needs clear IA32_RTIT_CTL") \
	X(CTL_VMFUNC_ALLOWED1, "ctl.vmfunc.allowed1", EXEC, 7, 0, "bits {} must be 0 (IA32_VMX_VMFUNC)") \
	X(CTL_VMFUNC_EPT, "ctl.vmfunc.ept", EXEC, 7, 0, "EPTP switching needs enable EPT") \
	X(CTL_EPTP_LIST_ALIGN, "ctl.eptp-list.align", EXEC, 7, 0, "bits 11:0 must be 0 (EPTP switching)") \
	X(CTL_EPTP_LIST_WIDTH, "ctl.eptp-list.width", EXEC, 7, 0, "bits {} are beyond the physical-address width") \
	X(CTL_SHADOW_BITMAP_ALIGN, "ctl.vmcs-shadowing.align", EXEC, 7, 0, "bits 11:0 must be 0 (VMCS shadowing)") \
	X(CTL_SHADOW_BITMAP_WIDTH, "ctl.vmcs-shadowing.width", EXEC, 7, 0, \
	  "bits {} are beyond the physical-address width") \
	X(CTL_VE_INFO_ALIGN, "ctl.ve-info.align", EXEC, 7, 0, "bits 11:0 must be 0 (EPT-violation #VE)") \
	X(CTL_VE_INFO_WIDTH, "ctl.ve-info.width", EXEC, 7, 0, "bits {} are beyond the physical-address width")

/* §27.2.1.2 "VM-Exit Control Fields" and §27.2.1.3 "VM-Entry Control Fields": error 7. */
#define EC_CHECKS_EXIT_ENTRY(X) \
	X(CTL_EXIT_ALLOWED0, "ctl.exit.allowed0", EXIT, 7, 0, \
	  "bits {} must be 1 (allowed 0-settings, IA32_VMX_[TRUE_]EXIT_CTLS)") \
	X(CTL_EXIT_ALLOWED1, "ctl.exit.allowed1", EXIT, 7, 0, \
	  "bits {} must be 0 (allowed 1-settings, IA32_VMX_[TRUE_]EXIT_CTLS)") \
	X(CTL_EXIT_TIMER_SAVE, "ctl.exit.timer-save", EXIT, 7, 0, \
	  "save VMX-preemption timer value needs activate VMX-preemption timer") \
	X(CTL_EXIT_MSR_STORE_ALIGN, "ctl.exit.msr-store.align", EXIT, 7, 0, \
	  "bits 3:0 must be 0 (VM-exit MSR-store count > 0)") \
	X(CTL_EXIT_MSR_STORE_WIDTH, "ctl.exit.msr-store.width", EXIT, 7, 0, \
	  "bits {} are beyond the physical-address width") \
	X(CTL_EXIT_MSR_STORE_END, "ctl.exit.msr-store.end", EXIT, 7, 0, \
	  "the area's last byte {} is beyond the physical-address width") \
	X(CTL_EXIT_MSR_LOAD_ALIGN, "ctl.exit.msr-load.align", EXIT, 7, 0, \
	  "bits 3:0 must be 0 (VM-exit MSR-load count > 0)") \
	X(CTL_EXIT_MSR_LOAD_WIDTH, "ctl.exit.msr-load.width", EXIT, 7, 0, \
	  "bits {} are beyond the physical-address width") \
	X(CTL_EXIT_MSR_LOAD_END, "ctl.exit.msr-load.end", EXIT, 7, 0, \
	  "the area's last byte {} is beyond the physical-address width") \
	X(CTL_ENTRY_ALLOWED0, "ctl.entry.allowed0", ENTRY, 7, 0, \
	  "bits {} must be 1 (allowed 0-settings, IA32_VMX_[TRUE_]ENTRY_CTLS)") \
	X(CTL_ENTRY_ALLOWED1, "ctl.entry.allowed1", ENTRY, 7, 0, \
	  "bits {} must be 0 (allowed 1-settings, IA32_VMX_[TRUE_]ENTRY_CTLS)") \
	X(CTL_EVENT_TYPE, "ctl.event.type", ENTRY, 7, 0, "type {} is reserved (1; 7 without monitor trap flag)") \
	X(CTL_EVENT_VECTOR, "ctl.event.vector", ENTRY, 7, 0, \
	  "vector {} does not fit the type (NMI: 2; exception: 0-31; other: 0)") \
	X(CTL_EVENT_DELIVER_ERROR_CODE, "ctl.event.deliver-error-code", ENTRY, 7, 0, \
	  "deliver-error-code (bit 11) must be {} for this type, vector and CR0.PE") \
	X(CTL_EVENT_RESERVED, "ctl.event.reserved", ENTRY, 7, 0, "bits 30:12 must be 0") \
	X(CTL_EVENT_ERROR_CODE, "ctl.event.error-code", ENTRY, 7, 0, "bits 31:16 must be 0 (deliver-error-code)") \
	X(CTL_EVENT_INSTRUCTION_LEN, "ctl.event.insn-len", ENTRY, 7, 0, \
	  "must be 1-15 for a software event (0 too with IA32_VMX_MISC[30])") \
	X(CTL_ENTRY_MSR_LOAD_ALIGN, "ctl.entry.msr-load.align", ENTRY, 7, 0, \
	  "bits 3:0 must be 0 (VM-entry MSR-load count > 0)") \
	X(CTL_ENTRY_MSR_LOAD_WIDTH, "ctl.entry.msr-load.width", ENTRY, 7, 0, \
	  "bits {} are beyond the physical-address width") \
	X(CTL_ENTRY_MSR_LOAD_END, "ctl.entry.msr-load.end", ENTRY, 7, 0, \
	  "the area's last byte {} is beyond the physical-address width") \
	X(CTL_ENTRY_SMM, "ctl.entry.smm", ENTRY, 7, 0, \
	  "bits {} (entry to SMM, deactivate dual-monitor treatment) must be 0 outside SMM") \
	X(CTL_ENTRY_SMM_BOTH, "ctl.entry.smm-both", ENTRY, 7, 0, \
	  "entry to SMM and deactivate dual-monitor treatment are not both 1")

/* §27.2.2 "Checks on Host Control Registers, MSRs, and SSP", §27.2.3 "Checks on Host Segment and
 * Descriptor-Table Registers", §27.2.4 "Checks Related to Address-Space Size": error 8. */
#define EC_CHECKS_HOST(X) \
	X(HOST_CR0_FIXED0, "host.cr0.fixed0", HOSTCR, 8, 0, "bits {} must be 1 (IA32_VMX_CR0_FIXED0)") \
	X(HOST_CR0_FIXED1, "host.cr0.fixed1", HOSTCR, 8, 0, "bits {} must be 0 (IA32_VMX_CR0_FIXED1)") \
	X(HOST_CR4_FIXED0, "host.cr4.fixed0", HOSTCR, 8, 0, "bits {} must be 1 (IA32_VMX_CR4_FIXED0)") \
	X(HOST_CR4_FIXED1, "host.cr4.fixed1", HOSTCR, 8, 0, "bits {} must be 0 (IA32_VMX_CR4_FIXED1)") \
	X(HOST_CR3_WIDTH, "host.cr3.width", HOSTCR, 8, 0, "bits {} are beyond the physical-address width") \
	X(HOST_CET_WP, "host.cr4.cet-wp", HOSTCR, 8, 0, "CR4.CET needs CR0.WP (CR0 {})") \
	X(HOST_SYSENTER_CANONICAL, "host.sysenter.canonical", HOSTCR, 8, 0, "must be canonical") \
	X(HOST_PERF_GLOBAL_CTRL, "host.perf-global-ctrl.reserved", HOSTCR, 8, 0, \
	  "bits {} are reserved (load IA32_PERF_GLOBAL_CTRL)") \
	X(HOST_PAT, "host.pat", HOSTCR, 8, 0, "entry {} is not 0, 1, 4, 5, 6 or 7 (load IA32_PAT)") \
	X(HOST_EFER_RESERVED, "host.efer.reserved", HOSTCR, 8, 0, "bits {} are reserved (load IA32_EFER)") \
	X(HOST_EFER_LMA_LME, "host.efer.lma-lme", HOSTCR, 8, 0, \
	  "LMA and LME must both equal host address-space size ({})") \
	X(HOST_PKRS, "host.pkrs.reserved", HOSTCR, 8, 0, "bits 63:32 must be 0 (load PKRS)") \
	X(HOST_S_CET_RESERVED, "host.cet.s-cet", HOSTCR, 8, 0, \
	  "bits 9:6 must be 0 and SUPPRESS, TRACKER not both 1 (load CET state)") \
	X(HOST_S_CET_CANONICAL, "host.cet.s-cet-canonical", HOSTCR, 8, 0, "must be canonical (load CET state)") \
	X(HOST_SSP_TABLE_CANONICAL, "host.cet.ssp-table", HOSTCR, 8, 0, "must be canonical (load CET state)") \
	X(HOST_SSP_ALIGN, "host.cet.ssp-align", HOSTCR, 8, 0, "bits 1:0 must be 0 (load CET state)") \
	X(HOST_SEL_RPL_TI, "host.sel.rpl-ti", HOSTSEG, 8, 0, "RPL (bits 1:0) and TI (bit 2) must be 0") \
	X(HOST_CS_NULL, "host.sel.cs-null", HOSTSEG, 8, 0, "must not be 0") \
	X(HOST_TR_NULL, "host.sel.tr-null", HOSTSEG, 8, 0, "must not be 0") \
	X(HOST_SS_NULL, "host.sel.ss-null", HOSTSEG, 8, 0, "must not be 0 without host address-space size") \
	X(HOST_BASE_CANONICAL, "host.base.canonical", HOSTSEG, 8, 0, "must be canonical") \
	X(HOST_ASZ_OUTSIDE_GUEST, "host.asz.outside-guest", HOSTASZ, 8, 0, \
	  "IA-32e mode guest must be 0 outside IA-32e mode") \
	X(HOST_ASZ_OUTSIDE_HOST, "host.asz.outside-host", HOSTASZ, 8, 0, \
	  "host address-space size must be 0 outside IA-32e mode") \
	X(HOST_ASZ_IA32E, "host.asz.ia32e", HOSTASZ, 8, 0, "host address-space size must be 1 in IA-32e mode") \
	X(HOST_ASZ_GUEST, "host.asz.guest", HOSTASZ, 8, 0, "IA-32e mode guest needs host address-space size") \
	X(HOST_ASZ_PCIDE, "host.asz.pcide", HOSTASZ, 8, 0, "CR4.PCIDE must be 0 without host address-space size") \
	X(HOST_ASZ_RIP_HIGH, "host.asz.rip-high", HOSTASZ, 8, 0, \
	  "bits 63:32 must be 0 without host address-space size") \
	X(HOST_ASZ_PAE, "host.asz.pae", HOSTASZ, 8, 0, "CR4.PAE must be 1 with host address-space size") \
	X(HOST_ASZ_RIP_CANONICAL, "host.asz.rip-canonical", HOSTASZ, 8, 0, \
	  "must be canonical with host address-space size") \
	X(HOST_ASZ_SSP_HIGH, "host.asz.ssp-high", HOSTASZ, 8, 0, \
	  "bits 63:32 must be 0 without host address-space size (load CET state)") \
	X(HOST_ASZ_SSP_CANONICAL, "host.asz.ssp-canonical", HOSTASZ, 8, 0, \
	  "must be canonical with host address-space size (load CET state)")

/* §27.3.1.1 "Checks on Guest Control Registers, Debug Registers, and MSRs": exit reason 33. */
#define EC_CHECKS_GUEST_CR(X) \
	X(GUEST_CR0_FIXED0, "guest.cr0.fixed0", GCR, 33, 0, \
	  "bits {} must be 1 (IA32_VMX_CR0_FIXED0; PE, PG free with unrestricted guest)") \
	X(GUEST_CR0_FIXED1, "guest.cr0.fixed1", GCR, 33, 0, "bits {} must be 0 (IA32_VMX_CR0_FIXED1)") \
	X(GUEST_CR0_PG_PE, "guest.cr0.pg-pe", GCR, 33, 0, "PG needs PE") \
	X(GUEST_CR4_FIXED0, "guest.cr4.fixed0", GCR, 33, 0, "bits {} must be 1 (IA32_VMX_CR4_FIXED0)") \
	X(GUEST_CR4_FIXED1, "guest.cr4.fixed1", GCR, 33, 0, "bits {} must be 0 (IA32_VMX_CR4_FIXED1)") \
	X(GUEST_CET_WP, "guest.cr4.cet-wp", GCR, 33, 0, "CR4.CET needs CR0.WP (CR0 {})") \
	X(GUEST_DEBUGCTL, "guest.debugctl.reserved", GCR, 33, 0, "bits {} are reserved (load debug controls)") \
	X(GUEST_IA32E_PG, "guest.ia32e.pg", GCR, 33, 0, "IA-32e mode guest needs CR0.PG") \
	X(GUEST_IA32E_PAE, "guest.ia32e.pae", GCR, 33, 0, "IA-32e mode guest needs CR4.PAE") \
	X(GUEST_PCIDE, "guest.cr4.pcide", GCR, 33, 0, "CR4.PCIDE needs IA-32e mode guest") \
	X(GUEST_CR3_WIDTH, "guest.cr3.width", GCR, 33, 0, "bits {} are beyond the physical-address width") \
	X(GUEST_DR7_HIGH, "guest.dr7.high", GCR, 33, 0, "bits 63:32 must be 0 (load debug controls)") \
	X(GUEST_SYSENTER_CANONICAL, "guest.sysenter.canonical", GCR, 33, 0, "must be canonical") \
	X(GUEST_PERF_GLOBAL_CTRL, "guest.perf-global-ctrl.reserved", GCR, 33, 0, \
	  "bits {} are reserved (load IA32_PERF_GLOBAL_CTRL)") \
	X(GUEST_PAT, "guest.pat", GCR, 33, 0, "entry {} is not 0, 1, 4, 5, 6 or 7 (load IA32_PAT)") \
	X(GUEST_EFER_RESERVED, "guest.efer.reserved", GCR, 33, 0, "bits {} are reserved (load IA32_EFER)") \
	X(GUEST_EFER_LMA, "guest.efer.lma", GCR, 33, 0, "LMA must equal IA-32e mode guest ({})") \
	X(GUEST_EFER_LME, "guest.efer.lme", GCR, 33, 0, "with CR0.PG, LME must equal IA-32e mode guest ({})") \
	X(GUEST_BNDCFGS_RESERVED, "guest.bndcfgs.reserved", GCR, 33, 0, "bits 11:2 must be 0 (load IA32_BNDCFGS)") \
	X(GUEST_BNDCFGS_CANONICAL, "guest.bndcfgs.canonical", GCR, 33, 0, \
	  "bits 63:12 must be a canonical address (load IA32_BNDCFGS)") \
	X(GUEST_RTIT_CTL, "guest.rtit-ctl.reserved", GCR, 33, 0, "bits {} are reserved (load IA32_RTIT_CTL)") \
	X(GUEST_S_CET_RESERVED, "guest.cet.s-cet", GCR, 33, 0, \
	  "bits 9:6 must be 0 and SUPPRESS, TRACKER not both 1 (load CET state)") \
	X(GUEST_S_CET_CANONICAL, "guest.cet.s-cet-canonical", GCR, 33, 0, "must be canonical (load CET state)") \
	X(GUEST_SSP_TABLE_CANONICAL, "guest.cet.ssp-table", GCR, 33, 0, "must be canonical (load CET state)") \
	X(GUEST_PKRS, "guest.pkrs.reserved", GCR, 33, 0, "bits 63:32 must be 0 (load PKRS)") \
	X(GUEST_LBR_CTL, "guest.lbr-ctl.reserved", GCR, 33, 0, "bits {} are reserved (load IA32_LBR_CTL)")

/* §27.3.1.2 "Checks on Guest Segment Registers", §27.3.1.3 "Checks on Guest Descriptor-Table
 * Registers": exit reason 33. */
#define EC_CHECKS_GUEST_SEG(X) \
	X(GUEST_TR_TI, "guest.tr.ti", GSEG, 33, 0, "TI (bit 2) must be 0") \
	X(GUEST_LDTR_TI, "guest.ldtr.ti", GSEG, 33, 0, "TI (bit 2) must be 0 (LDTR usable)") \
	X(GUEST_SS_RPL, "guest.ss.rpl", GSEG, 33, 0, "RPL must equal CS.RPL ({})") \
	X(GUEST_V86_BASE, "guest.v86.base", GSEG, 33, 0, "must be selector * 16 = {} (virtual-8086 guest)") \
	X(GUEST_V86_LIMIT, "guest.v86.limit", GSEG, 33, 0, "must be 0xffff (virtual-8086 guest)") \
	X(GUEST_V86_AR, "guest.v86.ar", GSEG, 33, 0, "must be 0xf3 (virtual-8086 guest)") \
	X(GUEST_BASE_CANONICAL, "guest.base.canonical", GSEG, 33, 0, "must be canonical") \
	X(GUEST_BASE_HIGH, "guest.base.high", GSEG, 33, 0, "bits 63:32 must be 0") \
	X(GUEST_CS_TYPE, "guest.cs.type", GSEG, 33, 0, \
	  "type {}: must be 9, 11, 13, 15 (or 3 with unrestricted guest)") \
	X(GUEST_SS_TYPE, "guest.ss.type", GSEG, 33, 0, "type {}: must be 3 or 7") \
	X(GUEST_SEG_ACCESSED, "guest.seg.accessed", GSEG, 33, 0, "type bit 0 (accessed) must be 1") \
	X(GUEST_SEG_READABLE, "guest.seg.readable", GSEG, 33, 0, "a code segment must be readable (type bit 1)") \
	X(GUEST_SEG_S, "guest.seg.s", GSEG, 33, 0, "S (bit 4) must be 1") \
	X(GUEST_CS_DPL_DATA, "guest.cs.dpl-data", GSEG, 33, 0, "DPL must be 0 with type 3 (unrestricted guest)") \
	X(GUEST_CS_DPL_NONCONFORMING, "guest.cs.dpl-nonconforming", GSEG, 33, 0, \
	  "DPL must equal SS.DPL ({}) for a non-conforming segment") \
	X(GUEST_CS_DPL_CONFORMING, "guest.cs.dpl-conforming", GSEG, 33, 0, \
	  "DPL must not exceed SS.DPL ({}) for a conforming segment") \
	X(GUEST_SS_DPL_RPL, "guest.ss.dpl-rpl", GSEG, 33, 0, "DPL must equal the selector's RPL ({})") \
	X(GUEST_SS_DPL_ZERO, "guest.ss.dpl-zero", GSEG, 33, 0, "DPL must be 0 with CS type 3 or CR0.PE = 0") \
	X(GUEST_SEG_DPL_RPL, "guest.seg.dpl-rpl", GSEG, 33, 0, "DPL must not be below the selector's RPL ({})") \
	X(GUEST_SEG_PRESENT, "guest.seg.present", GSEG, 33, 0, "P (bit 7) must be 1") \
	X(GUEST_SEG_AR_RESERVED, "guest.seg.ar-reserved", GSEG, 33, 0, "bits 11:8 and 31:17 must be 0") \
	X(GUEST_CS_DB_L, "guest.cs.db-l", GSEG, 33, 0, "D/B must be 0 with L = 1 (IA-32e mode guest)") \
	X(GUEST_SEG_GRANULARITY, "guest.seg.granularity", GSEG, 33, 0, "G (bit 15) does not fit the limit {}") \
	X(GUEST_TR_TYPE, "guest.tr.type", GSEG, 33, 0, "type {}: must be 11 (or 3 outside IA-32e mode)") \
	X(GUEST_SYS_S, "guest.sys.s", GSEG, 33, 0, "S (bit 4) must be 0") \
	X(GUEST_TR_UNUSABLE, "guest.tr.unusable", GSEG, 33, 0, "TR must be usable (bit 16 = 0)") \
	X(GUEST_LDTR_TYPE, "guest.ldtr.type", GSEG, 33, 0, "type {}: must be 2 (LDTR usable)") \
	X(GUEST_DTR_CANONICAL, "guest.dtr.base", GDTR, 33, 0, "must be canonical") \
	X(GUEST_DTR_LIMIT, "guest.dtr.limit", GDTR, 33, 0, "bits 31:16 must be 0")

/* §27.3.1.4 "Checks on Guest RIP, RFLAGS, and SSP", §27.3.1.5 "Checks on Guest Non-Register State",
 * §27.3.1.6 "Checks on Guest Page-Directory-Pointer-Table Entries": exit reason 33. */
#define EC_CHECKS_GUEST_STATE(X) \
	X(GUEST_RIP_HIGH, "guest.rip.high", GRIP, 33, 0, "bits 63:32 must be 0 outside 64-bit mode") \
	X(GUEST_RIP_CANONICAL, "guest.rip.canonical", GRIP, 33, 0, "must be canonical in 64-bit mode") \
	X(GUEST_RFLAGS_RESERVED0, "guest.rflags.reserved0", GRIP, 33, 0, "bits {} must be 0 (63:22, 15, 5, 3)") \
	X(GUEST_RFLAGS_RESERVED1, "guest.rflags.reserved1", GRIP, 33, 0, "bit 1 must be 1") \
	X(GUEST_RFLAGS_VM, "guest.rflags.vm", GRIP, 33, 0, "VM must be 0 with IA-32e mode guest or CR0.PE = 0") \
	X(GUEST_RFLAGS_IF, "guest.rflags.if", GRIP, 33, 0, "IF must be 1 to inject an external interrupt") \
	X(GUEST_SSP_HIGH, "guest.ssp.high", GRIP, 33, 0, "bits 63:32 must be 0 outside 64-bit mode (load CET state)") \
	X(GUEST_SSP_CANONICAL, "guest.ssp.canonical", GRIP, 33, 0, \
	  "must be canonical in 64-bit mode (load CET state)") \
	X(GUEST_SSP_ALIGN, "guest.ssp.align", GRIP, 33, 0, "bits 1:0 must be 0 (load CET state)") \
	X(GUEST_ACTIVITY_SUPPORTED, "guest.activity.supported", GNONREG, 33, 0, \
	  "state {} is not one IA32_VMX_MISC[8:6] allows") \
	X(GUEST_ACTIVITY_HLT_DPL, "guest.activity.hlt-dpl", GNONREG, 33, 0, "HLT needs SS.DPL = 0 (is {})") \
	X(GUEST_ACTIVITY_BLOCKING, "guest.activity.blocking", GNONREG, 33, 0, \
	  "must be active with blocking by STI or MOV SS") \
	X(GUEST_ACTIVITY_EVENT, "guest.activity.event", GNONREG, 33, 0, \
	  "the injected event (interruption info {}) is blocked in this state") \
	X(GUEST_ACTIVITY_SIPI_SMM, "guest.activity.sipi-smm", GNONREG, 33, 0, \
	  "must not be wait-for-SIPI with entry to SMM") \
	X(GUEST_INTR_RESERVED, "guest.intr.reserved", GNONREG, 33, 0, "bits 31:5 must be 0") \
	X(GUEST_INTR_STI_MOVSS, "guest.intr.sti-movss", GNONREG, 33, 0, \
	  "blocking by STI and by MOV SS are not both 1") \
	X(GUEST_INTR_STI_IF, "guest.intr.sti-if", GNONREG, 33, 0, "blocking by STI needs RFLAGS.IF = 1") \
	X(GUEST_INTR_EXTINT, "guest.intr.extint", GNONREG, 33, 0, \
	  "no blocking by STI or MOV SS when injecting an external interrupt") \
	X(GUEST_INTR_NMI_MOVSS, "guest.intr.nmi-movss", GNONREG, 33, 0, "no blocking by MOV SS when injecting an NMI") \
	X(GUEST_INTR_NMI_STI, "guest.intr.nmi-sti", GNONREG, 33, 3, \
	  "blocking by STI when injecting an NMI (a processor may refuse)") \
	X(GUEST_INTR_SMI_OUTSIDE_SMM, "guest.intr.smi", GNONREG, 33, 0, "blocking by SMI must be 0 outside SMM") \
	X(GUEST_INTR_SMI_ENTRY_SMM, "guest.intr.smi-entry-smm", GNONREG, 33, 0, \
	  "blocking by SMI must be 1 with entry to SMM") \
	X(GUEST_INTR_VIRTUAL_NMI, "guest.intr.virtual-nmi", GNONREG, 33, 0, \
	  "no (virtual-)NMI blocking when injecting an NMI with virtual NMIs") \
	X(GUEST_INTR_ENCLAVE, "guest.intr.enclave", GNONREG, 33, 0, \
	  "enclave interruption needs SGX and no blocking by MOV SS") \
	X(GUEST_PENDING_DBG_RESERVED, "guest.pending-dbg.reserved", GNONREG, 33, 0, \
	  "bits {} must be 0 (11:4, 13, 15, 63:17)") \
	X(GUEST_PENDING_DBG_BS_SET, "guest.pending-dbg.bs-set", GNONREG, 33, 0, \
	  "BS (bit 14) must be 1: RFLAGS.TF = 1, DEBUGCTL.BTF = 0, interrupts blocked or HLT") \
	X(GUEST_PENDING_DBG_BS_CLEAR, "guest.pending-dbg.bs-clear", GNONREG, 33, 0, \
	  "BS (bit 14) must be 0: RFLAGS.TF = 0 or DEBUGCTL.BTF = 1, interrupts blocked or HLT") \
	X(GUEST_PENDING_DBG_RTM, "guest.pending-dbg.rtm", GNONREG, 33, 0, \
	  "RTM (bit 16) needs bit 12 = 1, bits 11:0, 15:13 = 0, RTM support, no blocking by MOV SS") \
	X(GUEST_UINV, "guest.uinv.reserved", GNONREG, 33, 0, "bits 15:8 must be 0 (load UINV)") \
	X(GUEST_LINK_ALIGN, "guest.link.align", GNONREG, 33, 4, "bits 11:0 must be 0 (or the pointer all ones)") \
	X(GUEST_LINK_WIDTH, "guest.link.width", GNONREG, 33, 4, "bits {} are beyond the physical-address width") \
	X(GUEST_LINK_REVISION, "guest.link.revision", GNONREG, 33, 4, \
	  "the VMCS there has revision {}, not IA32_VMX_BASIC[30:0]") \
	X(GUEST_LINK_SHADOW, "guest.link.shadow", GNONREG, 33, 4, \
	  "the VMCS there has shadow-VMCS bit {}, unlike the VMCS shadowing control") \
	X(GUEST_LINK_CURRENT, "guest.link.current", GNONREG, 33, 4, "must not be the current-VMCS pointer") \
	X(GUEST_PDPTE_RESERVED, "guest.pdpte.reserved", GPDPTE, 33, 2, \
	  "reserved bits {} set in a present PDPTE (PAE paging, EPT)") \
	X(GUEST_PDPTE_MEMORY, "guest.pdpte.memory", GPDPTE, 33, 2, \
	  "PDPTE {} read at CR3 has reserved bits set (PAE paging, no EPT)") \
	X(MSR_LOAD_RESERVED, "msr-load.reserved", MSRLOAD, 34, 0, "entry {}: bits 63:32 must be 0") \
	X(MSR_LOAD_FS_GS_BASE, "msr-load.fs-gs-base", MSRLOAD, 34, 0, \
	  "entry {}: IA32_FS_BASE and IA32_GS_BASE cannot be loaded") \
	X(MSR_LOAD_X2APIC, "msr-load.x2apic", MSRLOAD, 34, 0, "entry {}: the x2APIC MSRs 800H-8FFH cannot be loaded") \
	X(MSR_LOAD_SMM, "msr-load.smm-only", MSRLOAD, 34, 0, \
	  "entry {}: IA32_SMM_MONITOR_CTL can be written only in SMM")

#define EC_CHECKS(X) \
	EC_CHECKS_EXEC(X) EC_CHECKS_EXIT_ENTRY(X) EC_CHECKS_HOST(X) EC_CHECKS_GUEST_CR(X) EC_CHECKS_GUEST_SEG(X) \
	EC_CHECKS_GUEST_STATE(X)

#endif
