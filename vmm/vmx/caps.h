/* What the CPU offers for VMX, read from CPUID and the capability MSRs, and the verdicts that
 * follow from it. Plain C: the CPU is reached only through struct cpu_ops, so host tests feed
 * values no emulator here can produce (VT-x locked off, SMX-only, impossible CR fixed bits). */
#ifndef VMM_VMX_CAPS_H
#define VMM_VMX_CAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/x86_64/cpu_ops.h"
#include "vmm/status.h"

struct vmx_caps {
	char vendor[13];
	uint32_t family, model, stepping;
	uint32_t signature;             /* CPUID.1:EAX as read */
	unsigned maxphyaddr;
	uint64_t feature_control;
	uint64_t basic;
	uint32_t vmcs_revision;
	uint32_t vmcs_size;
	bool true_controls;
	/* Control capability MSRs: the TRUE_ ones when IA32_VMX_BASIC[55] = 1.
	 * Low 32 bits: allowed 0-settings (1 = must be 1); high 32 bits: allowed 1-settings. */
	uint64_t pinbased, procbased, exit, entry;
	bool has_procbased2;
	uint64_t procbased2;            /* 0 when absent */
	bool has_ept_vpid_cap;
	uint64_t ept_vpid_cap;          /* 0 when absent */
	uint64_t misc;
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	/* Derived. */
	bool ept, vpid, unrestricted_guest, preemption_timer, mode_based_exec;
	bool ept_walk4, ept_wb, ept_2m, ept_1g, ept_ad, ept_exec_only, ept_advanced_info;
	bool invept, invept_single, invept_all;
	bool invvpid_all;               /* INVVPID with the all-context type */
};

/* Fill *caps; MSRs are read only where the SDM says they exist. Returns HV_OK, HV_E_NO_VTX or
 * HV_E_NO_EPT, with a one-line reason in why (no "[hv]" prefix, no newline). */
enum hv_status vmx_probe(const struct cpu_ops *ops, struct vmx_caps *caps, char *why, size_t why_len);

/* IA32_FEATURE_CONTROL: HV_OK with *write_value = the value to write (0 = leave as is), or
 * HV_E_VMX_LOCKED_OFF / HV_E_VMX_SMX_ONLY. */
enum hv_status vmx_feature_control_decide(uint64_t fc, uint64_t *write_value, char *why, size_t why_len);

/* CR0/CR4 for VMX operation: *out = (cr | fixed0) & fixed1, refused (HV_E_CR_FIXED) when a bit
 * must be both 1 and 0, or when meeting the fixed bits would clear a bit in keep (e.g. CR0.PG). */
enum hv_status vmx_cr_fixup(const char *name, uint64_t cr, uint64_t fixed0, uint64_t fixed1,
			    uint64_t keep, uint64_t *out, char *why, size_t why_len);

/* Allowed settings of a control (a mask from vmm/vmx/controls.h): can it be 1, must it be 1. */
static inline bool vmx_ctl_allowed1(uint64_t cap, uint32_t mask) { return ((cap >> 32) & mask) != 0; }
static inline bool vmx_ctl_required1(uint64_t cap, uint32_t mask) { return (cap & mask) != 0; }

#endif
