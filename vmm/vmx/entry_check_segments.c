/* VM-entry checks on the guest's segment and descriptor-table registers: SDM Vol. 3C §27.3.1.2
 * "Checks on Guest Segment Registers" (selectors, bases, limits, access rights; virtual-8086,
 * unrestricted-guest, unusable, TR and LDTR cases) and §27.3.1.3 "Checks on Guest Descriptor-Table
 * Registers". A failure is a VM exit with basic reason 33. Access rights are in the VMCS format
 * (SDM Vol. 3C §25.4.1 "Guest Register State"; arch/x86_64/segment.h). */
#include "vmm/vmx/entry_check.h"
#include "arch/lib/array.h"
#include "arch/x86_64/cr.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/msr.h"
#include "arch/x86_64/pte.h"
#include "arch/x86_64/segment.h"
#include "vmm/vmx/entry_check_ctx.h"
#include "vmm/vmx/vmcs_fields.h"

enum seg_reg { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_LDTR, SEG_TR, SEG_COUNT };

struct seg_fields {
	uint32_t sel, base, limit, ar;
};

static const struct seg_fields seg_fields[SEG_COUNT] = {
	[SEG_ES] = { GUEST_ES_SELECTOR, GUEST_ES_BASE, GUEST_ES_LIMIT, GUEST_ES_AR_BYTES },
	[SEG_CS] = { GUEST_CS_SELECTOR, GUEST_CS_BASE, GUEST_CS_LIMIT, GUEST_CS_AR_BYTES },
	[SEG_SS] = { GUEST_SS_SELECTOR, GUEST_SS_BASE, GUEST_SS_LIMIT, GUEST_SS_AR_BYTES },
	[SEG_DS] = { GUEST_DS_SELECTOR, GUEST_DS_BASE, GUEST_DS_LIMIT, GUEST_DS_AR_BYTES },
	[SEG_FS] = { GUEST_FS_SELECTOR, GUEST_FS_BASE, GUEST_FS_LIMIT, GUEST_FS_AR_BYTES },
	[SEG_GS] = { GUEST_GS_SELECTOR, GUEST_GS_BASE, GUEST_GS_LIMIT, GUEST_GS_AR_BYTES },
	[SEG_LDTR] = { GUEST_LDTR_SELECTOR, GUEST_LDTR_BASE, GUEST_LDTR_LIMIT, GUEST_LDTR_AR_BYTES },
	[SEG_TR] = { GUEST_TR_SELECTOR, GUEST_TR_BASE, GUEST_TR_LIMIT, GUEST_TR_AR_BYTES },
};

/* One segment register as the VMCS holds it. */
struct seg {
	const struct seg_fields *f;
	uint64_t base;
	enum seg_reg which;
	uint32_t limit, ar;
	uint16_t sel;
	bool usable;
};

/* The access rights' reserved bits 11:8 and 31:17 (bit 16 is "unusable"). */
#define SEG_AR_RESERVED (0xf00u | ~((SEG_AR_UNUSABLE << 1) - 1))

static unsigned type_of(uint32_t ar) { return ar & SEG_AR_TYPE_MASK; }
static unsigned dpl_of(uint32_t ar) { return (ar & SEG_AR_DPL_MASK) >> SEG_AR_DPL_SHIFT; }
static unsigned rpl_of(uint16_t sel) { return sel & SEL_RPL_MASK; }

static void load(const struct ec_ctx *c, enum seg_reg which, struct seg *s)
{
	s->which = which;
	s->f = &seg_fields[which];
	s->sel = (uint16_t)ec_read(c, s->f->sel);
	s->base = ec_read(c, s->f->base);
	s->limit = (uint32_t)ec_read(c, s->f->limit);
	s->ar = (uint32_t)ec_read(c, s->f->ar);
	s->usable = !(s->ar & SEG_AR_UNUSABLE);
}

/* Checks every usable (or CS) segment and TR and LDTR share: P, reserved bits, G against the limit. */
static void check_common_ar(struct ec_ctx *c, const struct seg *s)
{
	bool g = s->ar & SEG_AR_G;
	bool g_ok = g ? (s->limit & SEG_LIMIT_PAGE_LOW) == SEG_LIMIT_PAGE_LOW : !(s->limit & SEG_LIMIT_PAGE_HIGH);

	ec_check(c, EC_GUEST_SEG_PRESENT, s->ar & SEG_AR_P, s->f->ar, s->ar, 0);
	ec_check(c, EC_GUEST_SEG_AR_RESERVED, !(s->ar & SEG_AR_RESERVED), s->f->ar, s->ar, 0);
	ec_check(c, EC_GUEST_SEG_GRANULARITY, g_ok, s->f->ar, s->ar, s->limit);
}

/* Virtual-8086 guest: CS, SS, DS, ES, FS, GS as in real-address mode at DPL 3. */
static void check_v86(struct ec_ctx *c, const struct seg *s)
{
	uint64_t want = (uint64_t)s->sel << SEG_REAL_BASE_SHIFT;
	const uint32_t ar_v86 = SEG_TYPE_DATA_RW | SEG_TYPE_ACCESSED | SEG_AR_S | SEG_AR_DPL_MASK | SEG_AR_P;

	ec_check(c, EC_GUEST_V86_BASE, s->base == want, s->f->base, s->base, want);
	ec_check(c, EC_GUEST_V86_LIMIT, s->limit == SEG_LIMIT_64K, s->f->limit, s->limit, 0);
	ec_check(c, EC_GUEST_V86_AR, s->ar == ar_v86, s->f->ar, s->ar, 0);
}

static void check_cs(struct ec_ctx *c, const struct seg *cs, const struct seg *ss)
{
	unsigned type = type_of(cs->ar), dpl = dpl_of(cs->ar), ss_dpl = dpl_of(ss->ar);
	bool code_accessed = (type & (SEG_TYPE_CODE | SEG_TYPE_ACCESSED)) == (SEG_TYPE_CODE | SEG_TYPE_ACCESSED);
	bool data3 = type == (SEG_TYPE_DATA_RW | SEG_TYPE_ACCESSED);

	ec_check(c, EC_GUEST_CS_TYPE, code_accessed || (c->urg && data3), cs->f->ar, cs->ar, type);
	ec_check(c, EC_GUEST_SEG_S, cs->ar & SEG_AR_S, cs->f->ar, cs->ar, 0);
	if (data3 && c->urg)
		ec_check(c, EC_GUEST_CS_DPL_DATA, dpl == 0, cs->f->ar, cs->ar, 0);
	else if (code_accessed && !(type & SEG_TYPE_CODE_CONFORMING))
		ec_check(c, EC_GUEST_CS_DPL_NONCONFORMING, dpl == ss_dpl, cs->f->ar, cs->ar, ss_dpl);
	else if (code_accessed)
		ec_check(c, EC_GUEST_CS_DPL_CONFORMING, dpl <= ss_dpl, cs->f->ar, cs->ar, ss_dpl);
	if (c->ia32e_guest && (cs->ar & SEG_AR_L))
		ec_check(c, EC_GUEST_CS_DB_L, !(cs->ar & SEG_AR_DB), cs->f->ar, cs->ar, 0);
	check_common_ar(c, cs);
}

/* SS: its DPL is the CPL after entry, so the DPL rules apply even when SS is unusable. */
static void check_ss(struct ec_ctx *c, const struct seg *ss, const struct seg *cs)
{
	const unsigned data_rw = SEG_TYPE_DATA_RW | SEG_TYPE_ACCESSED;
	unsigned type = type_of(ss->ar);

	if (!c->urg)
		ec_check(c, EC_GUEST_SS_DPL_RPL, dpl_of(ss->ar) == rpl_of(ss->sel), ss->f->ar, ss->ar, rpl_of(ss->sel));
	if (type_of(cs->ar) == data_rw || !(c->guest_cr0 & CR0_PE))
		ec_check(c, EC_GUEST_SS_DPL_ZERO, dpl_of(ss->ar) == 0, ss->f->ar, ss->ar, 0);
	if (!ss->usable)
		return;
	ec_check(c, EC_GUEST_SS_TYPE, type == data_rw || type == (data_rw | SEG_TYPE_DATA_EXPAND_DOWN), ss->f->ar, ss->ar,
		 type);
	ec_check(c, EC_GUEST_SEG_S, ss->ar & SEG_AR_S, ss->f->ar, ss->ar, 0);
	check_common_ar(c, ss);
}

/* DS, ES, FS, GS when usable. */
static void check_data(struct ec_ctx *c, const struct seg *s)
{
	unsigned type = type_of(s->ar);
	const unsigned last_nonconforming = SEG_TYPE_CODE | SEG_TYPE_CODE_READABLE | SEG_TYPE_ACCESSED;   /* 11 */

	if (!s->usable)
		return;
	ec_check(c, EC_GUEST_SEG_ACCESSED, type & SEG_TYPE_ACCESSED, s->f->ar, s->ar, 0);
	if (type & SEG_TYPE_CODE)
		ec_check(c, EC_GUEST_SEG_READABLE, type & SEG_TYPE_CODE_READABLE, s->f->ar, s->ar, 0);
	ec_check(c, EC_GUEST_SEG_S, s->ar & SEG_AR_S, s->f->ar, s->ar, 0);
	if (!c->urg && type <= last_nonconforming)
		ec_check(c, EC_GUEST_SEG_DPL_RPL, dpl_of(s->ar) >= rpl_of(s->sel), s->f->ar, s->ar, rpl_of(s->sel));
	check_common_ar(c, s);
}

static void check_tr(struct ec_ctx *c, const struct seg *tr)
{
	unsigned type = type_of(tr->ar);
	bool type_ok = type == SEG_TYPE_TSS_BUSY || (!c->ia32e_guest && type == SEG_TYPE_TSS16_BUSY);

	ec_check(c, EC_GUEST_TR_TI, !(tr->sel & SEL_TI), tr->f->sel, tr->sel, 0);
	ec_check(c, EC_GUEST_BASE_CANONICAL, ec_canonical(c, tr->base), tr->f->base, tr->base, 0);
	ec_check(c, EC_GUEST_TR_TYPE, type_ok, tr->f->ar, tr->ar, type);
	ec_check(c, EC_GUEST_SYS_S, !(tr->ar & SEG_AR_S), tr->f->ar, tr->ar, 0);
	ec_check(c, EC_GUEST_TR_UNUSABLE, tr->usable, tr->f->ar, tr->ar, 0);
	check_common_ar(c, tr);
}

static void check_ldtr(struct ec_ctx *c, const struct seg *ldtr)
{
	if (!ldtr->usable)
		return;
	ec_check(c, EC_GUEST_LDTR_TI, !(ldtr->sel & SEL_TI), ldtr->f->sel, ldtr->sel, 0);
	ec_check(c, EC_GUEST_BASE_CANONICAL, ec_canonical(c, ldtr->base), ldtr->f->base, ldtr->base, 0);
	ec_check(c, EC_GUEST_LDTR_TYPE, type_of(ldtr->ar) == SEG_TYPE_LDT, ldtr->f->ar, ldtr->ar, type_of(ldtr->ar));
	ec_check(c, EC_GUEST_SYS_S, !(ldtr->ar & SEG_AR_S), ldtr->f->ar, ldtr->ar, 0);
	check_common_ar(c, ldtr);
}

/* Bases: FS and GS canonical; CS, and SS, DS, ES when usable, below 4 GiB (TR, LDTR: above). */
static void check_base(struct ec_ctx *c, const struct seg *s)
{
	if (s->which == SEG_FS || s->which == SEG_GS)
		ec_check(c, EC_GUEST_BASE_CANONICAL, ec_canonical(c, s->base), s->f->base, s->base, 0);
	else if (s->which == SEG_CS || s->usable)
		ec_check(c, EC_GUEST_BASE_HIGH, !(s->base >> 32), s->f->base, s->base, 0);
}

static void check_descriptor_tables(struct ec_ctx *c)
{
	static const uint32_t base[] = { GUEST_GDTR_BASE, GUEST_IDTR_BASE };
	static const uint32_t limit[] = { GUEST_GDTR_LIMIT, GUEST_IDTR_LIMIT };

	for (unsigned i = 0; i < ARRAY_SIZE(base); i++) {
		uint64_t b = ec_read(c, base[i]), l = (uint32_t)ec_read(c, limit[i]);

		ec_check(c, EC_GUEST_DTR_CANONICAL, ec_canonical(c, b), base[i], b, 0);
		ec_check(c, EC_GUEST_DTR_LIMIT, !(l & ~DTR_LIMIT_MASK), limit[i], l, 0);
	}
}

void ec_check_guest_segments(struct ec_ctx *c)
{
	struct seg s[SEG_COUNT];
	bool v86 = c->guest_rflags & RFLAGS_VM;

	for (unsigned i = 0; i < SEG_COUNT; i++)
		load(c, (enum seg_reg)i, &s[i]);
	if (!v86 && !c->urg)
		ec_check(c, EC_GUEST_SS_RPL, rpl_of(s[SEG_SS].sel) == rpl_of(s[SEG_CS].sel), s[SEG_SS].f->sel,
			 s[SEG_SS].sel, rpl_of(s[SEG_CS].sel));
	for (unsigned i = SEG_ES; i <= SEG_GS; i++) {
		if (v86)
			check_v86(c, &s[i]);
		check_base(c, &s[i]);
	}
	if (!v86) {
		check_cs(c, &s[SEG_CS], &s[SEG_SS]);
		check_ss(c, &s[SEG_SS], &s[SEG_CS]);
		check_data(c, &s[SEG_DS]);
		check_data(c, &s[SEG_ES]);
		check_data(c, &s[SEG_FS]);
		check_data(c, &s[SEG_GS]);
	}
	check_tr(c, &s[SEG_TR]);
	check_ldtr(c, &s[SEG_LDTR]);
	check_descriptor_tables(c);
}
