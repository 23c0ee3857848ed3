// SPDX-License-Identifier: MIT
/*
 * ept/ept_range.c - the range API: ept_map, ept_identity_map_range,
 * ept_unmap and ept_protect check their arguments and run the operation.
 */
#include "ept/ept_internal.h"

/* ------------------------------------------------------------ checks */

static unsigned gpa_bits(const struct ept *e)
{
	unsigned b = e->caps.phys_addr_bits;

	return b < EPT_GPA_BITS_4LEVEL ? b : EPT_GPA_BITS_4LEVEL;
}

static int check_range(uint64_t addr, uint64_t size, unsigned bits)
{
	if ((addr | size) & (EPT_PAGE_SIZE_4K - 1))
		return EPT_E_UNALIGNED;
	if (addr + size < addr)
		return EPT_E_RANGE;
	if (bits < 64 && addr + size > (1ull << bits))
		return EPT_E_RANGE;
	return EPT_OK;
}

/*
 * Permission rules (SDM Vol. 3C §29.3.3.1 "EPT Misconfigurations"): write
 * without read is a misconfiguration; so is "execute-only" (R=0 with X, or
 * with user-X under MBEC) unless EPT_VPID_CAP bit 0 is set.  Bit 10 only
 * means something with MBEC.
 */
static int check_attr(const struct ept *e, struct ept_attr a, uint64_t *bits)
{
	unsigned p = a.perm;
	uint64_t b = 0;

	if (!p || (p & ~(unsigned)EPT_PERM_ALL))
		return EPT_E_PERM;
	if ((p & EPT_USER_EXEC) && !e->caps.mode_based_exec)
		return EPT_E_PERM;
	if ((p & EPT_WRITE) && !(p & EPT_READ))
		return EPT_E_WRITE_NO_READ;
	if (!(p & EPT_READ) && !e->caps.exec_only)
		return EPT_E_EXEC_ONLY;
	if (a.memtype != EPT_MT_UC && a.memtype != EPT_MT_WC && a.memtype != EPT_MT_WT && a.memtype != EPT_MT_WP &&
	    a.memtype != EPT_MT_WB)
		return EPT_E_MEMTYPE;
	if (p & EPT_READ)
		b |= EPT_PTE_READ;
	if (p & EPT_WRITE)
		b |= EPT_PTE_WRITE;
	if (p & EPT_EXEC)
		b |= EPT_PTE_EXEC;
	if (p & EPT_USER_EXEC)
		b |= EPT_PTE_USER_EXEC;
	b |= (uint64_t)a.memtype << EPT_PTE_MEMTYPE_SHIFT;
	if (a.ignore_pat)
		b |= EPT_PTE_IGNORE_PAT;
	*bits = b;
	return EPT_OK;
}

static void op_init(struct ept_op *op, enum ept_op_kind kind, gpa_t gpa)
{
	op->kind = kind;
	op->gpa = gpa;
	op->hpa = 0;
	op->bits = 0;
	op->need = 0;
	op->any_mapped = false;
	op->any_unmapped = false;
	op->changed = false;
	op->pool = 0;
	op->pool_n = 0;
}

/* What every operation checks first: *flush cleared, tables ready, a non-empty range of GPAs the
 * tables can hold; then the op begun at gpa. */
static int op_begin(struct ept *e, struct ept_op *op, enum ept_op_kind kind, gpa_t gpa, uint64_t size,
		    enum ept_flush *flush)
{
	if (flush)
		*flush = EPT_FLUSH_NONE;
	if (!ept_ready(e) || !size)
		return EPT_E_INVAL;
	op_init(op, kind, gpa);
	return check_range(gpa, size, gpa_bits(e));
}

/* ------------------------------------------------------------ public API */

int ept_map(struct ept *e, gpa_t gpa, hpa_t hpa, uint64_t size, struct ept_attr attr, unsigned flags,
            enum ept_flush *flush)
{
	struct ept_op op;
	int err = op_begin(e, &op, OP_MAP, gpa, size, flush);

	if (!err && (flags & ~EPT_MAP_REPLACE))
		err = EPT_E_INVAL;
	if (!err)
		err = check_range(hpa, size, e->caps.phys_addr_bits);
	if (err)
		return err;
	op.hpa = hpa;
	err = check_attr(e, attr, &op.bits);
	if (err)
		return err;
	return ept_run_op(e, &op, size, flags, flush);
}

int ept_identity_map_range(struct ept *e, gpa_t start, uint64_t size, struct ept_attr attr, unsigned flags,
                           enum ept_flush *flush)
{
	return ept_map(e, start, start, size, attr, flags, flush);
}

int ept_unmap(struct ept *e, gpa_t gpa, uint64_t size, enum ept_flush *flush)
{
	struct ept_op op;
	int err = op_begin(e, &op, OP_UNMAP, gpa, size, flush);

	if (err)
		return err;
	return ept_run_op(e, &op, size, 0, flush);
}

int ept_protect(struct ept *e, gpa_t gpa, uint64_t size, struct ept_attr attr, enum ept_flush *flush)
{
	struct ept_op op;
	int err = op_begin(e, &op, OP_PROTECT, gpa, size, flush);

	if (err)
		return err;
	err = check_attr(e, attr, &op.bits);
	if (err)
		return err;
	return ept_run_op(e, &op, size, 0, flush);
}
