/* The guest-state dump for failed VM entries: every guest-state field the entry checks
 * (SDM Vol. 3C §27.3.1 "Checks on the Guest State Area"), a few per line. */
#include "vmm/vmx/vmcs_dump.h"
#include "arch/lib/array.h"
#include "arch/lib/fmt.h"
#include "arch/lib/log.h"
#include "vmm/vmx/insn.h"
#include "vmm/vmx/vmcs_fields.h"

void vmcs_dump_guest_state(void)
{
	static const struct { uint32_t field; const char *name; } f[] = {
		{ GUEST_CR0, "cr0" }, { GUEST_CR3, "cr3" }, { GUEST_CR4, "cr4" }, { GUEST_DR7, "dr7" },
		{ GUEST_RIP, "rip" }, { GUEST_RSP, "rsp" }, { GUEST_RFLAGS, "rflags" },
		{ GUEST_IA32_EFER, "efer" }, { GUEST_CS_SELECTOR, "cs" }, { GUEST_CS_BASE, "cs.base" },
		{ GUEST_CS_LIMIT, "cs.limit" }, { GUEST_CS_AR_BYTES, "cs.ar" }, { GUEST_SS_SELECTOR, "ss" },
		{ GUEST_SS_AR_BYTES, "ss.ar" }, { GUEST_DS_SELECTOR, "ds" }, { GUEST_DS_AR_BYTES, "ds.ar" },
		{ GUEST_ES_AR_BYTES, "es.ar" }, { GUEST_FS_AR_BYTES, "fs.ar" }, { GUEST_GS_AR_BYTES, "gs.ar" },
		{ GUEST_TR_SELECTOR, "tr" }, { GUEST_TR_BASE, "tr.base" }, { GUEST_TR_LIMIT, "tr.limit" },
		{ GUEST_TR_AR_BYTES, "tr.ar" }, { GUEST_LDTR_AR_BYTES, "ldtr.ar" },
		{ GUEST_GDTR_BASE, "gdtr.base" }, { GUEST_GDTR_LIMIT, "gdtr.limit" },
		{ GUEST_IDTR_BASE, "idtr.base" }, { GUEST_IDTR_LIMIT, "idtr.limit" },
		{ GUEST_ACTIVITY_STATE, "activity" }, { GUEST_INTERRUPTIBILITY_INFO, "interruptibility" },
		{ GUEST_PENDING_DBG_EXCEPTIONS, "pending_dbg" }, { VMCS_LINK_POINTER, "vmcs_link" },
		{ VM_ENTRY_CONTROLS, "entry_ctls" }, { VM_EXIT_CONTROLS, "exit_ctls" },
	};
	char line[LOG_LINE_MAX];
	int n = 0;

	for (unsigned i = 0; i < ARRAY_SIZE(f); i++) {
		uint64_t v = 0;
		vmx_raw_vmread(f[i].field, &v);
		n += hv_snprintf(line + n, sizeof(line) - (size_t)n, " %s=0x%llx", f[i].name, (unsigned long long)v);
		if (n > 150 || i + 1 == ARRAY_SIZE(f)) {
			hv_log("guest-state:%s", line);
			n = 0;
		}
	}
}
