/* The one layer every VMX instruction goes through (SDM Vol. 3C §31.2 "Conventions"):
 * VMsucceed (CF=0, ZF=0), VMfailInvalid (CF=1: no current VMCS), VMfailValid (ZF=1: the
 * VM-instruction error field says why). Failures are logged with the error's number and name
 * by a cold out-of-line path, so the inline fast path stays a few instructions. */
#ifndef VMM_VMX_INSN_H
#define VMM_VMX_INSN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum vmx_result { VMX_OK = 0, VMX_FAIL_INVALID = 1, VMX_FAIL_VALID = 2 };

/* Name of a VM-instruction error number (SDM Vol. 3C §31.4 "VM Instruction Error Numbers",
 * Table 31-1), e.g. 7 -> "VM entry with invalid control field(s)". */
const char *vmx_instruction_error_name(uint32_t err);
/* Cold path: log "[hv] vmx: <insn> failed: VMfailValid error=N (name) ..." and return the result. */
enum vmx_result vmx_report_failure(const char *insn, enum vmx_result r, uint64_t arg);
/* "<insn> failed: VM-instruction error N (name)" or "<insn> failed: VMfailInvalid (no current VMCS)"
 * for a VMLAUNCH/VMRESUME that fell through with these RFLAGS (CF, ZF). */
enum vmx_result vmx_describe_entry_failure(const char *insn, uint64_t rflags, char *buf, size_t len);
/* The VM-instruction error of the current VMCS (0 if it cannot be read). */
uint32_t vmx_instruction_error(void);

static inline enum vmx_result vmx_result_from_flags(bool cf, bool zf)
{
	return cf ? VMX_FAIL_INVALID : zf ? VMX_FAIL_VALID : VMX_OK;
}

/* Host tests (HV_HOST_TEST) have no VMX: there these two are plain functions of a fake current
 * VMCS (tests/host/fake_vmcs.c), which also provides the out-of-line instructions below. */
#ifdef HV_HOST_TEST
enum vmx_result vmx_raw_vmread(uint64_t field, uint64_t *value);
enum vmx_result vmx_raw_vmwrite(uint64_t field, uint64_t value);
#else
static inline enum vmx_result vmx_raw_vmread(uint64_t field, uint64_t *value)
{
	bool cf, zf;
	__asm__ volatile("vmread %[field], %[value]"
			 : [value] "=rm"(*value), "=@ccc"(cf), "=@ccz"(zf)
			 : [field] "r"(field)
			 : "cc");
	return vmx_result_from_flags(cf, zf);
}

static inline enum vmx_result vmx_raw_vmwrite(uint64_t field, uint64_t value)
{
	bool cf, zf;
	__asm__ volatile("vmwrite %[value], %[field]"
			 : "=@ccc"(cf), "=@ccz"(zf)
			 : [field] "r"(field), [value] "rm"(value)
			 : "cc", "memory");
	return vmx_result_from_flags(cf, zf);
}
#endif

static inline enum vmx_result vmread(uint64_t field, uint64_t *value)
{
	enum vmx_result r = vmx_raw_vmread(field, value);
	return r == VMX_OK ? r : vmx_report_failure("VMREAD", r, field);
}

/* For fields the hypervisor knows exist: the value, or 0 after a logged failure. */
static inline uint64_t vmread64(uint64_t field)
{
	uint64_t v = 0;
	if (vmx_raw_vmread(field, &v) != VMX_OK)
		return vmread(field, &v), 0;
	return v;
}

static inline enum vmx_result vmwrite(uint64_t field, uint64_t value)
{
	enum vmx_result r = vmx_raw_vmwrite(field, value);
	return r == VMX_OK ? r : vmx_report_failure("VMWRITE", r, field);
}

enum vmx_result vmxon(uint64_t region_pa);
enum vmx_result vmxoff(void);
enum vmx_result vmclear(uint64_t vmcs_pa);
enum vmx_result vmptrld(uint64_t vmcs_pa);
enum vmx_result invept(uint64_t type, uint64_t eptp);
/* INVVPID types (SDM Vol. 3C §31.3 "VMX Instructions", INVVPID); INVEPT's are in ept/ept_bits.h. */
#define INVVPID_TYPE_INDIVIDUAL_ADDRESS 0
#define INVVPID_TYPE_SINGLE_CONTEXT     1
#define INVVPID_TYPE_ALL_CONTEXT        2
#define INVVPID_TYPE_SINGLE_CONTEXT_RETAINING_GLOBALS 3
enum vmx_result invvpid(uint64_t type, uint16_t vpid, uint64_t gla);

#endif
