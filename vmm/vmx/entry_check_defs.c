/* The table of every VM-entry check (vmm/vmx/entry_check_list.h) with its section of SDM Vol. 3C
 * chapter 27 "VM Entries", numbered as in the edition docs/README.md names. */
#include "vmm/vmx/entry_check.h"
#include "arch/lib/array.h"
#include "arch/lib/str.h"
#include "vmm/vmx/entry_check_ctx.h"

#define SEC_EXEC "27.2.1.1", "VM-Execution Control Fields"
#define SEC_EXIT "27.2.1.2", "VM-Exit Control Fields"
#define SEC_ENTRY "27.2.1.3", "VM-Entry Control Fields"
#define SEC_HOSTCR "27.2.2", "Checks on Host Control Registers, MSRs, and SSP"
#define SEC_HOSTSEG "27.2.3", "Checks on Host Segment and Descriptor-Table Registers"
#define SEC_HOSTASZ "27.2.4", "Checks Related to Address-Space Size"
#define SEC_GCR "27.3.1.1", "Checks on Guest Control Registers, Debug Registers, and MSRs"
#define SEC_GSEG "27.3.1.2", "Checks on Guest Segment Registers"
#define SEC_GDTR "27.3.1.3", "Checks on Guest Descriptor-Table Registers"
#define SEC_GRIP "27.3.1.4", "Checks on Guest RIP, RFLAGS, and SSP"
#define SEC_GNONREG "27.3.1.5", "Checks on Guest Non-Register State"
#define SEC_GPDPTE "27.3.1.6", "Checks on Guest Page-Directory-Pointer-Table Entries"
#define SEC_MSRLOAD "27.4", "Loading MSRs"

static const struct entry_check_def defs[EC_COUNT] = {
#define EC_DEF(name, id, sec, verdict, qual, rule) [EC_##name] = { id, SEC_##sec, rule, verdict, qual },
	EC_CHECKS(EC_DEF)
#undef EC_DEF
};

const struct entry_check_def *entry_check_defs(size_t *n)
{
	*n = ARRAY_SIZE(defs);
	return defs;
}

const struct entry_check_def *entry_check_find(const char *id)
{
	for (size_t i = 0; i < ARRAY_SIZE(defs); i++)
		if (str_eq(defs[i].id, id))
			return &defs[i];
	return NULL;
}
