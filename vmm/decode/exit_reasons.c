/* Names of the basic exit reasons (SDM Vol. 3D Appendix C "VMX Basic Exit Reasons", Table C-1),
 * transcribed from ../shared/reference/vmx/exit_reasons.tsv; tests/host/test_exit_reasons.c
 * re-checks every row. */
#include "vmm/decode/exit_reasons.h"

struct exit_reason_names {
	const char *name;
	const char *sdm;
};

static const struct exit_reason_names names[EXIT_REASON_COUNT] = {
	[0] = { "EXCEPTION_NMI", "Exception or non-maskable interrupt (NMI)" },
	[1] = { "EXTERNAL_INTERRUPT", "External interrupt" },
	[2] = { "TRIPLE_FAULT", "Triple fault" },
	[3] = { "INIT_SIGNAL", "INIT signal" },
	[4] = { "SIPI", "Start-up IPI (SIPI)" },
	[5] = { "IO_SMI", "I/O system-management interrupt (SMI)" },
	[6] = { "OTHER_SMI", "Other SMI" },
	[7] = { "INTERRUPT_WINDOW", "Interrupt window" },
	[8] = { "NMI_WINDOW", "NMI window" },
	[9] = { "TASK_SWITCH", "Task switch" },
	[10] = { "CPUID", "CPUID" },
	[11] = { "GETSEC", "GETSEC" },
	[12] = { "HLT", "HLT" },
	[13] = { "INVD", "INVD" },
	[14] = { "INVLPG", "INVLPG" },
	[15] = { "RDPMC", "RDPMC" },
	[16] = { "RDTSC", "RDTSC" },
	[17] = { "RSM", "RSM" },
	[18] = { "VMCALL", "VMCALL" },
	[19] = { "VMCLEAR", "VMCLEAR" },
	[20] = { "VMLAUNCH", "VMLAUNCH" },
	[21] = { "VMPTRLD", "VMPTRLD" },
	[22] = { "VMPTRST", "VMPTRST" },
	[23] = { "VMREAD", "VMREAD" },
	[24] = { "VMRESUME", "VMRESUME" },
	[25] = { "VMWRITE", "VMWRITE" },
	[26] = { "VMXOFF", "VMXOFF" },
	[27] = { "VMXON", "VMXON" },
	[28] = { "CR_ACCESS", "Control-register accesses" },
	[29] = { "DR_ACCESS", "MOV DR" },
	[30] = { "IO_INSTRUCTION", "I/O instruction" },
	[31] = { "RDMSR", "RDMSR" },
	[32] = { "WRMSR", "WRMSR" },
	[33] = { "INVALID_GUEST_STATE", "VM-entry failure due to invalid guest state" },
	[34] = { "MSR_LOAD_FAIL", "VM-entry failure due to MSR loading" },
	[35] = { "RESERVED_35", "(reserved/unused)" },
	[36] = { "MWAIT", "MWAIT" },
	[37] = { "MONITOR_TRAP_FLAG", "Monitor trap flag" },
	[38] = { "RESERVED_38", "(reserved/unused)" },
	[39] = { "MONITOR", "MONITOR" },
	[40] = { "PAUSE", "PAUSE" },
	[41] = { "MCE_DURING_VMENTRY", "VM-entry failure due to machine-check event" },
	[42] = { "RESERVED_42", "(reserved/unused)" },
	[43] = { "TPR_BELOW_THRESHOLD", "TPR below threshold" },
	[44] = { "APIC_ACCESS", "APIC access" },
	[45] = { "VIRTUALIZED_EOI", "Virtualized EOI" },
	[46] = { "GDTR_IDTR", "Access to GDTR or IDTR" },
	[47] = { "LDTR_TR", "Access to LDTR or TR" },
	[48] = { "EPT_VIOLATION", "EPT violation" },
	[49] = { "EPT_MISCONFIG", "EPT misconfiguration" },
	[50] = { "INVEPT", "INVEPT" },
	[51] = { "RDTSCP", "RDTSCP" },
	[52] = { "PREEMPTION_TIMER", "VMX-preemption timer expired" },
	[53] = { "INVVPID", "INVVPID" },
	[54] = { "WBINVD", "WBINVD" },
	[55] = { "XSETBV", "XSETBV" },
	[56] = { "APIC_WRITE", "APIC write" },
	[57] = { "RDRAND", "RDRAND" },
	[58] = { "INVPCID", "INVPCID" },
	[59] = { "VMFUNC", "VMFUNC" },
	[60] = { "ENCLS", "ENCLS" },
	[61] = { "RDSEED", "RDSEED" },
	[62] = { "PML_FULL", "Page-modification log full" },
	[63] = { "XSAVES", "XSAVES" },
	[64] = { "XRSTORS", "XRSTORS" },
	[65] = { "PCONFIG", "PCONFIG" },
	[66] = { "SPP_EVENT", "SPP-related event" },
	[67] = { "UMWAIT", "UMWAIT" },
	[68] = { "TPAUSE", "TPAUSE" },
	[69] = { "LOADIWKEY", "LOADIWKEY" },
	[70] = { "ENCLV", "ENCLV" },
	[71] = { "RESERVED_71", "(reserved/unused)" },
	[72] = { "ENQCMD_PASID_FAIL", "ENQCMD PASID translation failure" },
	[73] = { "ENQCMDS_PASID_FAIL", "ENQCMDS PASID translation failure" },
	[74] = { "BUS_LOCK", "Bus lock" },
	[75] = { "NOTIFY", "Instruction timeout" },
	[76] = { "SEAMCALL", "SEAMCALL" },
	[77] = { "TDCALL", "TDCALL" },
	[78] = { "RDMSRLIST", "RDMSRLIST" },
	[79] = { "WRMSRLIST", "WRMSRLIST" },
	[80] = { "URDMSR", "URDMSR" },
	[81] = { "UWRMSR", "UWRMSR" },
	[82] = { "RESERVED_82", "(reserved/unused)" },
	[83] = { "RESERVED_83", "(reserved/unused)" },
	[84] = { "RDMSR_IMM", "RDMSR with immediate operand (immediate-form RDMSR)" },
	[85] = { "WRMSRNS_IMM", "WRMSRNS with immediate operand (immediate-form WRMSRNS)" },
};

const char *exit_reason_name(uint32_t basic)
{
	return basic < EXIT_REASON_COUNT ? names[basic].name : "UNKNOWN";
}

const char *exit_reason_sdm_name(uint32_t basic)
{
	return basic < EXIT_REASON_COUNT ? names[basic].sdm : "unknown exit reason";
}
