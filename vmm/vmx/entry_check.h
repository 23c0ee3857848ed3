/* The VM-entry checker: the checks the CPU makes when VMLAUNCH/VMRESUME enters a guest (SDM Vol. 3C
 * §27.2 "Checks on VMX Controls and Host-State Area", §27.3.1 "Checks on the Guest State Area",
 * §27.4 "Loading MSRs"), run in software over a VMCS before the CPU refuses it, so a failure names
 * the rule, the field and the value instead of "VM-instruction error 7" or "exit reason 33".
 *
 * Plain C: the CPU is described by struct vmx_caps (vmm/vmx/caps.h) and the optional facts below;
 * the VMCS is read through a callback (VMREAD in the image, a table in host tests). Nothing else is
 * read: no CPUID, no MSR. Every failed check is reported, not only the first. The list of checks,
 * with their ids, is docs/vm-entry-checks.md; the log line is in docs/log-format.md. */
#ifndef VMM_VMX_ENTRY_CHECK_H
#define VMM_VMX_ENTRY_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/vmx/caps.h"

/* What the CPU does when the check fails: VMfailValid with VM-instruction error 7 (controls) or 8
 * (host state), or a VM exit with bit 31 set and basic reason 33 (guest state) or 34 (MSR loading). */
enum entry_verdict {
	ENTRY_VERDICT_NONE = 0,
	ENTRY_VERDICT_ERROR_CONTROLS = 7,
	ENTRY_VERDICT_ERROR_HOST = 8,
	ENTRY_VERDICT_EXIT_GUEST = 33,
	ENTRY_VERDICT_EXIT_MSR_LOAD = 34,
};

/* One check: a stable id (e.g. "ctl.cr3-target-count"), where the SDM states it, what it requires
 * ("{}" stands for the failure's detail value, printed in hex), and the verdict. For exit reason 33
 * qual is the exit qualification the SDM gives (§27.8: 2 PDPTEs, 3 NMI blocked by STI, 4 VMCS link
 * pointer; 0 otherwise). */
struct entry_check_def {
	const char *id;
	const char *section;
	const char *title;
	const char *rule;
	uint16_t verdict;
	uint16_t qual;
};

/* A failed check: the field (a VMCS encoding, ENTRY_CHECK_NO_FIELD if none), its value, and the
 * detail the rule names (the offending bits, the limit, ...). For exit reason 34 the detail is the
 * 1-based index of the MSR-load entry, which is the exit qualification. */
#define ENTRY_CHECK_NO_FIELD 0xffffffffu
struct entry_check_failure {
	const struct entry_check_def *def;
	uint32_t field;
	uint64_t value;
	uint64_t detail;
};

#define ENTRY_CHECK_MAX_FAILURES 48
struct entry_check_report {
	unsigned failed;    /* failures found; the first ENTRY_CHECK_MAX_FAILURES are in fail[] */
	unsigned checked;   /* rule evaluations (a per-segment rule counts once per segment) */
	unsigned skipped;   /* evaluations left out: a fact below unknown, or no memory reader */
	struct entry_check_failure fail[ENTRY_CHECK_MAX_FAILURES];
};

/* Facts a check needs that struct vmx_caps does not hold. Zero means "the usual" where the comment
 * gives a default, else "unknown": the checks that need it are skipped (counted in skipped). */
struct entry_check_facts {
	uint64_t vmfunc;               /* IA32_VMX_VMFUNC; 0: unknown */
	uint64_t procbased3;           /* IA32_VMX_PROCBASED_CTLS3; 0: unknown */
	unsigned linear_width;         /* CPUID.80000008H:EAX[15:8]; 0: 48 */
	uint64_t efer_valid;           /* IA32_EFER bits WRMSR accepts; 0: SCE, LME, LMA, NXE */
	uint64_t debugctl_valid;       /* IA32_DEBUGCTL bits WRMSR accepts; 0: the SDM's defined bits */
	uint64_t perf_global_ctrl_valid; /* IA32_PERF_GLOBAL_CTRL bits (CPUID.0AH); 0: unknown */
	uint64_t rtit_ctl_valid;       /* IA32_RTIT_CTL bits (CPUID.14H); 0: unknown */
	uint64_t lbr_ctl_valid;        /* IA32_LBR_CTL bits (CPUID.1CH); 0: unknown */
	bool rtm;                      /* CPUID.(7,0):EBX[11] */
	bool sgx;                      /* CPUID.(7,0):EBX[2] */
	bool in_smm;                   /* VM entry from SMM (never in minihv) */
	bool outside_ia32e;            /* IA32_EFER.LMA = 0 at VM entry (never in minihv) */
	uint64_t current_vmcs;         /* the current-VMCS pointer; 0: unknown */
};

/* Reads physical memory (the virtual-APIC page, the VMCS link pointer's target, PAE PDPTEs without
 * EPT, the MSR-load area); false if it cannot. */
typedef bool (*entry_check_read_phys_fn)(void *ctx, uint64_t pa, void *buf, size_t len);

struct entry_check_input {
	const struct vmx_caps *caps;
	const struct entry_check_facts *facts;        /* NULL: all defaults */
	uint64_t (*read)(void *ctx, uint32_t encoding);  /* a VMCS field; called only for fields in use */
	entry_check_read_phys_fn read_phys;           /* NULL: checks on memory contents are skipped */
	void *ctx;                                    /* passed to read and read_phys */
};

/* The facts of the CPU behind ops: VMFUNC and tertiary-control MSRs where they exist, the linear-
 * address width, RTM and SGX; the rest stays 0 (current_vmcs is the caller's to fill). */
void entry_check_facts_read(const struct cpu_ops *ops, const struct vmx_caps *caps, struct entry_check_facts *f);

/* Run every check on the VMCS; returns out->failed. */
unsigned entry_check_run(const struct entry_check_input *in, struct entry_check_report *out);

/* The log line of one failure, without "[hv] " or newline:
 *   vm-entry-check: FAIL <id> SDM <section> "<title>" <FIELD>=0x<value>: <rule> [<verdict>]
 * <verdict> is "error 7", "error 8", "exit 33", "exit 33 qual 4", "exit 34 qual <entry>".
 * Returns the length it wanted (like snprintf). */
int entry_check_format(const struct entry_check_failure *f, char *buf, size_t len);

/* The summary line: "vm-entry-check: ok checks=<n> skipped=<n>" or "vm-entry-check: failed=<n>
 * checks=<n> skipped=<n> expect="<verdict>"", the verdict as entry_check_expected gives it. */
int entry_check_format_summary(const struct entry_check_report *r, char *buf, size_t len);

/* "error 7" ... "exit 34 qual 3" for a verdict and exit qualification (qual ignored for 7 and 8). */
int entry_check_format_verdict(uint16_t verdict, uint64_t qual, char *buf, size_t len);

/* What the CPU would report, in the SDM's order (§27.2 before §27.3 before §27.4): the verdict of
 * the first failure of the earliest stage, and its exit qualification in *qual. Within §27.2 and
 * within §27.3 the CPU may check in any order, so another failure of the same stage may be the one
 * it names: entry_check_consistent() says whether an observed outcome agrees with the report. */
uint16_t entry_check_expected(const struct entry_check_report *r, uint64_t *qual);
bool entry_check_consistent(const struct entry_check_report *r, uint16_t verdict, uint64_t qual);

/* The table of every check, and one by id (NULL if none). */
const struct entry_check_def *entry_check_defs(size_t *n);
const struct entry_check_def *entry_check_find(const char *id);

/* The name of a VMCS field as vmm/vmx/vmcs_fields.h spells it ("CR3_TARGET_COUNT"), "?" if unknown. */
const char *entry_check_field_name(uint32_t encoding);
/* The i-th field of vmm/vmx/vmcs_fields.h in encoding order, ENTRY_CHECK_NO_FIELD past the last. */
uint32_t entry_check_field_encoding(size_t i);

#endif
