/* CPU primitives: CPUID, MSRs, control registers, port I/O. Thin inline wrappers, nothing else. */
#ifndef ARCH_X86_64_CPU_H
#define ARCH_X86_64_CPU_H

#include <stdint.h>

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

/* The same as whole registers: on Intel 64 processors CPUID clears bits 63:32 of RAX, RBX, RCX and
 * RDX (SDM Vol. 2A "CPUID"), so a caller that stores 64-bit registers needs no zero extension. */
struct cpuid_regs64 {
	uint64_t rax, rbx, rcx, rdx;
};

/* Host tests (HV_HOST_TEST, tests/host/fake_vmcs.c) run the exit path and VMCS setup as a Linux
 * process: the operations they use are plain functions there, so a test controls what they return
 * or records what they were asked to do (CPUID for deterministic answers, the host's CR0/CR3/CR4,
 * GDTR/IDTR and MSRs that vmm/vm/vmcs_setup.c copies into the VMCS, XSETBV, port I/O). */
#ifdef HV_HOST_TEST
void cpuid(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *r);
void cpuid64(uint32_t leaf, uint32_t subleaf, struct cpuid_regs64 *r);
uint64_t read_cr0(void);
uint64_t read_cr3(void);
uint64_t read_cr4(void);
void write_cr4(uint64_t v);
uint64_t rdmsr(uint32_t msr);
void wrmsr(uint32_t msr, uint64_t v);
void xsetbv(uint32_t index, uint64_t v);
void outb(uint16_t port, uint8_t v);
uint8_t inb(uint16_t port);
#else
static inline void cpuid(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *r)
{
	__asm__ volatile("cpuid"
			 : "=a"(r->eax), "=b"(r->ebx), "=c"(r->ecx), "=d"(r->edx)
			 : "a"(leaf), "c"(subleaf));
}

static inline void cpuid64(uint32_t leaf, uint32_t subleaf, struct cpuid_regs64 *r)
{
	__asm__ volatile("cpuid"
			 : "=a"(r->rax), "=b"(r->rbx), "=c"(r->rcx), "=d"(r->rdx)
			 : "a"(leaf), "c"(subleaf));
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}
#endif

#define DEFINE_CR_ACCESSORS(n)                                                   \
	static inline uint64_t read_cr##n(void)                                  \
	{                                                                        \
		uint64_t v;                                                      \
		__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));                \
		return v;                                                        \
	}                                                                        \
	static inline void write_cr##n(uint64_t v)                               \
	{                                                                        \
		__asm__ volatile("mov %0, %%cr" #n ::"r"(v) : "memory");         \
	}
DEFINE_CR_ACCESSORS(2)
#ifndef HV_HOST_TEST   /* host tests: read_cr0, read_cr3, read_cr4 and write_cr4 declared above */
DEFINE_CR_ACCESSORS(0)
DEFINE_CR_ACCESSORS(3)
DEFINE_CR_ACCESSORS(4)
#endif
#undef DEFINE_CR_ACCESSORS

static inline uint64_t read_rflags(void)
{
	uint64_t v;
	__asm__ volatile("pushfq; popq %0" : "=r"(v));
	return v;
}

static inline uint64_t read_dr7(void)
{
	uint64_t v;
	__asm__ volatile("mov %%dr7, %0" : "=r"(v));
	return v;
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* XSETBV: XCR[index] = v (SDM Vol. 1 §13.3 "Enabling the XSAVE Feature Set and XSAVE-Enabled Features"). */
#ifndef HV_HOST_TEST   /* host tests: declared above */
static inline void xsetbv(uint32_t index, uint64_t v)
{
	__asm__ volatile("xsetbv" ::"c"(index), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}
#endif

static inline void cli(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void pause(void) { __asm__ volatile("pause"); }

static inline __attribute__((noreturn)) void halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* Selectors and descriptor-table registers, for VMCS host/guest state. */
struct __attribute__((packed)) desc_ptr {
	uint16_t limit;
	uint64_t base;
};

#ifdef HV_HOST_TEST   /* tests/host/fake_vmcs.c: the GDTR and IDTR a test sets */
void sgdt(struct desc_ptr *p);
void sidt(struct desc_ptr *p);
#else
static inline void sgdt(struct desc_ptr *p) { __asm__ volatile("sgdt %0" : "=m"(*p)); }
static inline void sidt(struct desc_ptr *p) { __asm__ volatile("sidt %0" : "=m"(*p)); }
#endif

#define DEFINE_SEG_READER(seg)                                       \
	static inline uint16_t read_##seg(void)                      \
	{                                                            \
		uint16_t v;                                          \
		__asm__ volatile("mov %%" #seg ", %0" : "=r"(v));    \
		return v;                                            \
	}
DEFINE_SEG_READER(cs)
DEFINE_SEG_READER(ds)
DEFINE_SEG_READER(es)
DEFINE_SEG_READER(ss)
DEFINE_SEG_READER(fs)
DEFINE_SEG_READER(gs)
#undef DEFINE_SEG_READER

static inline uint16_t read_tr(void)
{
	uint16_t v;
	__asm__ volatile("str %0" : "=r"(v));
	return v;
}

#endif
