/* The guest ABI's numbers (docs/guest-abi.md is the interface; guest/abi.inc holds the same values
 * for NASM guests, and tests/host/test_exit_reasons.c checks that both agree).
 *
 * Hypercalls: VMCALL with the number in RAX, arguments in RDI, RSI, RDX, the result in RAX (0 or a
 * positive value on success, a negative HC_E_* on error). */
#ifndef VMM_VM_ABI_H
#define VMM_VM_ABI_H

enum hypercall {
	HC_NOP = 0,                /* -> 0; the cheapest round trip (benchmarks) */
	HC_PRINT = 1,              /* RDI = GPA of a NUL-terminated string (< 200 bytes) -> its length */
	HC_DONE = 2,               /* RDI = exit code; does not return */
	HC_PROTECT = 3,            /* RDI = GPA of a page of guest memory, RSI = HC_PERM_* bits (0 = not
	                              present), RDX = HC_FAULT_* policy on a violation -> 0 */
	HC_EPT_MISCONFIG_DEMO = 4, /* RDI = GPA of a page: make its EPT entry write-only (a misconfiguration)
	                              until the guest touches it -> 0 */
	HC_SET_RESUME = 5,         /* RDI = GPA (== GVA) in guest memory where the guest continues after a
	                              refused EPT access (outside its memory, or a HC_FAULT_RESUME page);
	                              0 = none: a refused access ends the guest -> 0 */
	HC_BENCH_REFERENCE = 6,    /* -> 0; the following CPUID exits take the minimal reference path
	                              (RIP advanced, nothing else) until an exit of another reason */
	HC_WRITE = 7,              /* RDI = GPA of bytes, RSI = their count (<= HC_PRINT_MAX) -> the count;
	                              prints them as one [guest] line */
	HC_VCPU_START = 8,         /* RDI = vCPU index (1 .. count-1), RSI = RIP, RDX = RSP (both in guest
	                              memory) -> 0; that vCPU starts there (docs/guest-abi.md, "vCPUs") */
	HC_VCPU_INDEX = 9,         /* -> the calling vCPU's index (0 .. count-1) */
};

enum { HC_PERM_R = 1, HC_PERM_W = 2, HC_PERM_X = 4, HC_PERM_ALL = 7 };
enum { HC_FAULT_REGRANT = 0, HC_FAULT_KEEP = 1, HC_FAULT_RESUME = 2 };

#define HC_PRINT_MAX 200

enum hypercall_error {
	HC_E_UNKNOWN = -1,         /* unknown hypercall number */
	HC_E_RANGE = -2,           /* address outside the guest's memory */
	HC_E_ALIGN = -3,           /* address not 4 KiB aligned */
	HC_E_LENGTH = -4,          /* no NUL within HC_PRINT_MAX bytes, or a length over HC_PRINT_MAX */
	HC_E_INVAL = -5,           /* bad permission or policy bits (e.g. write without read) */
	HC_E_NOSPACE = -6,         /* too many protected pages */
	HC_E_NOMEM = -7,           /* no memory for EPT tables */
	HC_E_NORESUME = -8,        /* HC_FAULT_RESUME without a resume address (HC_SET_RESUME first) */
	HC_E_PRIV = -9,            /* called from CPL > 0: only HC_NOP is answered outside the guest's kernel */
	HC_E_VCPU = -10,           /* no such vCPU to start: index 0, the caller's own, or >= the count */
	HC_E_STARTED = -11,        /* that vCPU was started before (it runs, or it has ended) */
};

/* The hypervisor's CPUID leaves, answered without the real CPUID. */
#define CPUID_HV_BASE        0x40000000u   /* -> EAX = the highest leaf, EBX:ECX:EDX = vendor */
#define CPUID_HV_LAST        0x400000ffu   /* the range reserved for hypervisors */
#define CPUID_HV_MAX_LEAF    0x40000001u   /* -> EAX = HV_ABI_VERSION, EBX = vCPU count, ECX = this
                                              vCPU's index */
#define HV_ABI_VERSION       2             /* 2: vCPUs (HC_VCPU_START, HC_VCPU_INDEX, leaf 0x40000001
                                              EBX/ECX) */
/* "MiniHVMiniHV" as CPUID returns a vendor: EBX, ECX, EDX, little-endian. */
#define HV_VENDOR_EBX 0x696e694du          /* "Mini" */
#define HV_VENDOR_ECX 0x694d5648u          /* "HVMi" */
#define HV_VENDOR_EDX 0x5648696eu          /* "niHV" */

/* The guest's devices. */
#define GUEST_SERIAL_PORT    0x3F8         /* the guest's COM1, emulated */
#define GUEST_DEBUG_PORT     0x80          /* "out" here exits and is counted, nothing else */
#define GUEST_EXIT_PORT      0xF4          /* QEMU's isa-debug-exit: a write of v ends the guest, exit code v */
#define GUEST_LINE_MAX       120           /* a longer serial line is cut (docs/log-format.md) */

#endif
