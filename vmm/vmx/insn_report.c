/* Reporting a failed VMX instruction: VMfailInvalid, or VMfailValid with the VM-instruction
 * error's number and SDM name (SDM Vol. 3C §31.4 "VM Instruction Error Numbers"). No inline
 * assembly beyond VMREAD, so host tests link it as it is. */
#include "vmm/vmx/insn.h"
#include "arch/x86_64/cr.h"
#include "vmm/vmx/vmcs_fields.h"
#include "arch/lib/fmt.h"
#include "arch/lib/log.h"

enum vmx_result vmx_report_failure(const char *insn, enum vmx_result r, uint64_t arg)
{
	if (r == VMX_FAIL_INVALID) {
		hv_log("vmx: %s failed: VMfailInvalid (no current VMCS or bad operand) arg=0x%llx", insn,
		       (unsigned long long)arg);
	} else if (r == VMX_FAIL_VALID) {
		uint32_t err = vmx_instruction_error();
		hv_log("vmx: %s failed: VMfailValid error=%u (%s) arg=0x%llx", insn, err,
		       vmx_instruction_error_name(err), (unsigned long long)arg);
	}
	return r;
}

enum vmx_result vmx_describe_entry_failure(const char *insn, uint64_t rflags, char *buf, size_t len)
{
	enum vmx_result r = vmx_result_from_flags(rflags & RFLAGS_CF, rflags & RFLAGS_ZF);

	if (r == VMX_FAIL_VALID) {
		uint32_t err = vmx_instruction_error();
		hv_snprintf(buf, len, "%s failed: VM-instruction error %u (%s)", insn, err,
			    vmx_instruction_error_name(err));
	} else {
		hv_snprintf(buf, len, "%s failed: VMfailInvalid (no current VMCS)", insn);
	}
	return r;
}

uint32_t vmx_instruction_error(void)
{
	uint64_t v = 0;
	if (vmx_raw_vmread(VM_INSTRUCTION_ERROR, &v) != VMX_OK)
		return 0;
	return (uint32_t)v;
}
