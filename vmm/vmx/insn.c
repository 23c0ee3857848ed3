/* VMX instructions other than the hot VMREAD/VMWRITE (their failures: vmx_report.c). */
#include "vmm/vmx/insn.h"

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

/* INVEPT/INVVPID descriptors: SDM Vol. 3C §31.3 "VMX Instructions", Figures 31-1 and 31-2. */
enum vmx_result invept(uint64_t type, uint64_t eptp)
{
	// cppcheck-suppress unusedStructMember ; read by the CPU through the memory operand
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
	// cppcheck-suppress unusedStructMember ; read by the CPU through the memory operand
	struct { uint64_t vpid, gla; } desc = { vpid, gla };
	bool cf, zf;
	__asm__ volatile("invvpid %[desc], %[type]"
			 : "=@ccc"(cf), "=@ccz"(zf)
			 : [desc] "m"(desc), [type] "r"(type)
			 : "cc", "memory");
	enum vmx_result r = vmx_result_from_flags(cf, zf);
	return r == VMX_OK ? r : vmx_report_failure("INVVPID", r, type);
}
