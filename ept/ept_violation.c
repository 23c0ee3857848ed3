// SPDX-License-Identifier: MIT
/*
 * ept/ept_violation.c - decode and format the EPT-violation exit
 * qualification (SDM Vol. 3C §28.2.1 "Basic VM-Exit Information",
 * Table 28-7).
 */
#include "ept/ept_violation.h"
#include "ept/ept_fmt.h"

static inline bool bit(uint64_t q, uint64_t mask)
{
	return (q & mask) != 0;
}

void ept_violation_decode(uint64_t qual, const struct ept_violation_ctx *ctx, struct ept_violation *out)
{
	static const struct ept_violation_ctx none;
	bool gla, tr;

	if (!out)
		return;
	if (!ctx)
		ctx = &none;
	gla = bit(qual, EPT_VIOL_GLA_VALID);
	/* Bit 8 is reserved (0) when bit 7 is 0. */
	tr = gla && bit(qual, EPT_VIOL_GLA_TRANSLATED);

	out->qual = qual;
	out->read = bit(qual, EPT_VIOL_ACC_READ);
	out->write = bit(qual, EPT_VIOL_ACC_WRITE);
	out->fetch = bit(qual, EPT_VIOL_ACC_INSTR);
	out->gpa_readable = bit(qual, EPT_VIOL_GPA_READABLE);
	out->gpa_writable = bit(qual, EPT_VIOL_GPA_WRITABLE);
	out->gpa_executable = bit(qual, EPT_VIOL_GPA_EXECUTABLE);
	/* Bit 6 only with mode-based execute control (secondary bit 22). */
	out->gpa_user_executable = ctx->mode_based_exec && bit(qual, EPT_VIOL_GPA_USER_EXECUTABLE);
	out->gla_valid = gla;
	out->translated = tr;
	/* Bits 9-11 only with EPT_VPID_CAP bit 22 and bits 7, 8 both set. */
	out->lin_info_valid = tr && ctx->advanced_info;
	out->lin_user = out->lin_info_valid && bit(qual, EPT_VIOL_GLA_USER);
	out->lin_writable = out->lin_info_valid && bit(qual, EPT_VIOL_GLA_WRITABLE);
	out->lin_nx = out->lin_info_valid && bit(qual, EPT_VIOL_GLA_EXECUTE_DISABLE);
	out->nmi_unblocking = ctx->nmi_bit_defined && bit(qual, EPT_VIOL_NMI_UNBLOCKING_IRET);
	out->shadow_stack = bit(qual, EPT_VIOL_SHADOW_STACK_ACCESS);
	/* Bit 14 copies EPT entry bit 60, only if EPTP bit 7 is set. */
	out->supervisor_shadow_stack = ctx->sss && bit(qual, EPT_VIOL_SUPERVISOR_SHADOW_STACK);
	out->paging_verification = bit(qual, EPT_VIOL_GUEST_PAGING_VERIFICATION);
	out->async = bit(qual, EPT_VIOL_ASYNC_TO_INSTRUCTION);
	out->ctx_mode_based_exec = ctx->mode_based_exec;
}

static void fmt_flag(struct ept_fmt *f, bool on, char c)
{
	if (!on)
		c = '-';
	ept_fmt_char(f, c);
}

static void fmt_flags(struct ept_fmt *f, const struct ept_violation *v)
{
	const char *names[5] = { "nmi-unblock", "shadow-stack", "sss", "paging-verify", "async" };
	const bool on[5] = { v->nmi_unblocking, v->shadow_stack, v->supervisor_shadow_stack, v->paging_verification,
		             v->async };
	bool first = true;

	for (unsigned i = 0; i < 5; i++) {
		if (!on[i])
			continue;
		ept_fmt_str(f, first ? " flags=" : ",");
		ept_fmt_str(f, names[i]);
		first = false;
	}
}

size_t ept_violation_format(const struct ept_violation *v, gpa_t gpa, uint64_t gla, char *buf, size_t len)
{
	struct ept_fmt f;

	ept_fmt_init(&f, buf, len);
	if (!v)
		return 0;
	ept_fmt_str(&f, "gpa=0x");
	ept_fmt_hex(&f, gpa, 16);
	if (v->gla_valid) {
		ept_fmt_str(&f, " gla=0x");
		ept_fmt_hex(&f, gla, 16);
	}
	ept_fmt_str(&f, " access=");
	fmt_flag(&f, v->read, 'r');
	fmt_flag(&f, v->write, 'w');
	fmt_flag(&f, v->fetch, 'x');
	ept_fmt_str(&f, " ept=");
	fmt_flag(&f, v->gpa_readable, 'r');
	fmt_flag(&f, v->gpa_writable, 'w');
	fmt_flag(&f, v->gpa_executable, 'x');
	if (v->ctx_mode_based_exec)
		fmt_flag(&f, v->gpa_user_executable, 'u');
	if (!v->gla_valid)
		ept_fmt_str(&f, " no-gla");
	else
		ept_fmt_str(&f, v->translated ? " translated" : " paging-structure");
	if (v->lin_info_valid) {
		ept_fmt_str(&f, " lin=");
		ept_fmt_char(&f, v->lin_user ? 'u' : 's');
		ept_fmt_char(&f, v->lin_writable ? 'w' : 'r');
		ept_fmt_char(&f, v->lin_nx ? 'n' : 'x');
	}
	fmt_flags(&f, v);
	ept_fmt_str(&f, " qual=0x");
	ept_fmt_hex(&f, v->qual, 0);
	return f.pos;
}
