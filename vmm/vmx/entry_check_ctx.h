/* Inside the VM-entry checker: the check ids, the state the check files share while one VMCS is
 * checked, and the helpers they use. Only vmm/vmx/entry_check*.c include this; the interface is
 * vmm/vmx/entry_check.h. (This header does not include that one, so the units do not circle.) */
#ifndef VMM_VMX_ENTRY_CHECK_CTX_H
#define VMM_VMX_ENTRY_CHECK_CTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/lib/page_pool.h"
#include "vmm/vmx/caps.h"
#include "vmm/vmx/entry_check_list.h"

/* CR0.NW and CR0.CD are checked against neither the host nor the guest fixed bits: VM exits and
 * VM entries do not change them (footnotes of SDM Vol. 3C §27.2.2 and §27.3.1.1). */
#define CR0_UNCHECKED (CR0_NW | CR0_CD)

enum ec_id {
#define EC_ENUM(name, id, sec, verdict, qual, rule) EC_##name,
	EC_CHECKS(EC_ENUM)
#undef EC_ENUM
	EC_COUNT
};

struct entry_check_input;
struct entry_check_report;
struct entry_check_facts;

/* One run: the inputs, the facts with their defaults applied, and the VMCS values that decide
 * which checks apply (read once, by entry_check_run, before any section runs). */
struct ec_ctx {
	const struct entry_check_input *in;
	const struct vmx_caps *caps;
	const struct entry_check_facts *facts;   /* never NULL */
	struct entry_check_report *out;
	unsigned maxphyaddr, linear_width;
	uint64_t efer_valid, debugctl_valid;
	/* The controls as the CPU applies them: proc2 is 0 unless "activate secondary controls",
	 * proc3 0 unless "activate tertiary controls". */
	uint32_t pin, proc, proc2, exit, entry;
	uint64_t proc3;
	uint32_t intr_info;        /* VM-entry interruption information */
	bool urg;                  /* unrestricted guest */
	bool ia32e_guest;          /* "IA-32e mode guest" */
	bool host64;               /* "host address-space size" */
	uint64_t guest_cr0, guest_cr4, guest_rflags;
	uint32_t cs_ar, ss_ar;
};

/* A VMCS field, through the caller's reader. */
uint64_t ec_read(const struct ec_ctx *c, uint32_t field);
/* Physical memory, through the caller's reader; false if there is none or it failed. */
bool ec_read_phys(const struct ec_ctx *c, uint64_t pa, void *buf, size_t len);
bool ec_has_memory(const struct ec_ctx *c);

/* One evaluation of check id: counted, and recorded as a failure unless ok. */
void ec_check(struct ec_ctx *c, enum ec_id id, bool ok, uint32_t field, uint64_t value, uint64_t detail);
/* One evaluation left out (a fact unknown, no memory reader). */
void ec_skip(struct ec_ctx *c, enum ec_id id);

/* Bits 11:0 of a 4-KByte aligned physical address. */
#define EC_PAGE_OFFSET_MASK (PAGE_SIZE - 1)

/* Bits of a physical address at or above MAXPHYADDR (0 if none). */
static inline uint64_t ec_beyond_width(const struct ec_ctx *c, uint64_t pa)
{
	return c->maxphyaddr >= 64 ? 0 : pa & ~((1ull << c->maxphyaddr) - 1);
}

/* Canonical for the processor's linear-address width N: bits 63:N-1 all equal. */
static inline bool ec_canonical(const struct ec_ctx *c, uint64_t la)
{
	uint64_t top = la >> (c->linear_width - 1);

	return top == 0 || top == ~0ull >> (c->linear_width - 1);
}

/* Allowed settings of a control field (SDM Vol. 3D Appendix A.3): the bits that must be 1 but are
 * 0, and the bits that must be 0 but are 1. */
static inline uint32_t ec_missing_must1(uint64_t cap, uint32_t value) { return (uint32_t)cap & ~value; }
static inline uint32_t ec_forbidden1(uint64_t cap, uint32_t value) { return value & ~(uint32_t)(cap >> 32); }

/* The first byte of an IA32_PAT value that is not a memory type WRMSR accepts, counting from 0;
 * PAT_ENTRIES if all are (entry_check_host.c). */
/* IA32_S_CET as WRMSR accepts it: bits 9:6 clear, not SUPPRESS and TRACKER together. */
bool ec_s_cet_valid(uint64_t s_cet);

/* The sections, one per file. */
void ec_check_exec_controls(struct ec_ctx *c);       /* entry_check_controls.c */
void ec_check_exit_entry_controls(struct ec_ctx *c); /* entry_check_controls.c */
void ec_check_host(struct ec_ctx *c);                /* entry_check_host.c */
void ec_check_guest_regs(struct ec_ctx *c);          /* entry_check_guest.c */
void ec_check_guest_segments(struct ec_ctx *c);      /* entry_check_segments.c */
void ec_check_guest_state(struct ec_ctx *c);         /* entry_check_guest_state.c */

#endif
