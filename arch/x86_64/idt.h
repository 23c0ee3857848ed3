/* The hypervisor's IDT: every CPU exception is reported on the log, then the machine halts
 * (or powers off when configured): never a silent triple fault. */
#ifndef ARCH_X86_64_IDT_H
#define ARCH_X86_64_IDT_H

#include <stdint.h>

/* Saved by arch/x86_64/isr.asm, lowest address first. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;   /* pushed by the CPU */
};

/* Exception vectors the hypervisor names (SDM Vol. 3A §6.15 "Exception and Interrupt Reference");
 * DF, TS, NP, SS, GP, PF and AC push an error code (as does #CP). */
#define VEC_DB  1     /* debug */
#define VEC_NMI 2     /* non-maskable interrupt */
#define VEC_DF  8     /* double fault */
#define VEC_TS  10    /* invalid TSS */
#define VEC_NP  11    /* segment not present */
#define VEC_SS  12    /* stack fault */
#define VEC_GP  13    /* general protection */
#define VEC_PF  14    /* page fault */
#define VEC_AC  17    /* alignment check */
#define VEC_MC  18    /* machine check */
#define VEC_LAST_EXCEPTION 31

void idt_install(void);
/* LIDT of the table idt_install built: an AP shares it (its IST slot points into its own TSS). */
void idt_load(void);
uint64_t idt_base(void);
/* Called after the report: powers off or halts. Set by vmm/. */
extern void (*idt_fatal_hook)(void);
const char *exception_mnemonic(uint64_t vector);
void exception_dispatch(struct trap_frame *f);

#endif
