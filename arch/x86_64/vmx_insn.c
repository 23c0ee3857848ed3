/* VMX instructions other than the hot VMREAD/VMWRITE, and the failure reporter. */
#include "arch/x86_64/vmx_insn.h"
#include "vmm/fmt.h"
#include "vmm/log.h"

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
	enum vmx_result r = vmx_result_from_flags(rflags & 1, (rflags >> 6) & 1);

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
	if (vmx_raw_vmread(VMCS_VM_INSTRUCTION_ERROR, &v) != VMX_OK)
		return 0;
	return (uint32_t)v;
}

/* VMXON, VMCLEAR and VMPTRLD take a 64-bit memory operand holding the physical address. */
#define VMX_PA_INSN(fn, mnemonic, NAME)                                              \
	enum vmx_result fn(uint64_t pa)                                              \
	{                                                                            \
		bool cf, zf;                                                         \
		__asm__ volatile(mnemonic " %[pa]"                                   \
				 : "=@ccc"(cf), "=@ccz"(zf)                          \
				 : [pa] "m"(pa)                                      \
				 : "cc", "memory");                                  \
		enum vmx_result r = vmx_result_from_flags(cf, zf);                   \
		return r == VMX_OK ? r : vmx_report_failure(NAME, r, pa);            \
	}
VMX_PA_INSN(vmxon, "vmxon", "VMXON")
VMX_PA_INSN(vmclear, "vmclear", "VMCLEAR")
VMX_PA_INSN(vmptrld, "vmptrld", "VMPTRLD")
#undef VMX_PA_INSN

enum vmx_result vmxoff(void)
{
	bool cf, zf;
	__asm__ volatile("vmxoff" : "=@ccc"(cf), "=@ccz"(zf) : : "cc", "memory");
	enum vmx_result r = vmx_result_from_flags(cf, zf);
	return r == VMX_OK ? r : vmx_report_failure("VMXOFF", r, 0);
}

/* INVEPT/INVVPID descriptors: SDM Vol. 3C §31.3, Figures 31-1 and 31-2. */
enum vmx_result invept(uint64_t type, uint64_t eptp)
{
	struct { uint64_t eptp, reserved; } desc = { eptp, 0 };
	bool cf, zf;
	__asm__ volatile("invept %[desc], %[type]"
			 : "=@ccc"(cf), "=@ccz"(zf)
			 : [desc] "m"(desc), [type] "r"(type)
			 : "cc", "memory");
	enum vmx_result r = vmx_result_from_flags(cf, zf);
	return r == VMX_OK ? r : vmx_report_failure("INVEPT", r, type);
}

enum vmx_result invvpid(uint64_t type, uint16_t vpid, uint64_t gla)
{
	struct { uint64_t vpid, gla; } desc = { vpid, gla };
	bool cf, zf;
	__asm__ volatile("invvpid %[desc], %[type]"
			 : "=@ccc"(cf), "=@ccz"(zf)
			 : [desc] "m"(desc), [type] "r"(type)
			 : "cc", "memory");
	enum vmx_result r = vmx_result_from_flags(cf, zf);
	return r == VMX_OK ? r : vmx_report_failure("INVVPID", r, type);
}
