/* IDT with 32 exception gates (SDM Vol. 3A §6.14.1 "64-Bit Mode IDT", Figure 6-8 "64-Bit IDT Gate
 * Descriptors"). */
#include "arch/x86_64/idt.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/lib/log.h"

#include <stdbool.h>

#define IDT_EXCEPTIONS 32
#define GATE_INTERRUPT_64 0xe
#define GATE_PRESENT 0x80
#define ISR_STUB_SIZE 16          /* arch/x86_64/isr.asm aligns each stub to 16 bytes */

struct __attribute__((packed)) idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
};

extern char isr_stubs[];          /* arch/x86_64/isr.asm */
static struct idt_gate idt[IDT_EXCEPTIONS] __attribute__((aligned(16)));
void (*idt_fatal_hook)(void);

static const char *const mnemonics[IDT_EXCEPTIONS] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "CSO", "#TS", "#NP", "#SS", "#GP", "#PF", "#15",
	"#MF", "#AC", "#MC", "#XM", "#VE", "#CP", "#22", "#23", "#24", "#25", "#26", "#27", "#HV", "#VC", "#SX", "#31",
};

const char *exception_mnemonic(uint64_t vector)
{
	return vector < IDT_EXCEPTIONS ? mnemonics[vector] : "?";
}

void idt_install(void)
{
	for (unsigned v = 0; v < IDT_EXCEPTIONS; v++) {
		uint64_t h = (uint64_t)(isr_stubs + (size_t)v * ISR_STUB_SIZE);
		bool critical = v == VEC_NMI || v == VEC_DF || v == VEC_MC;   /* on their own stack */
		idt[v] = (struct idt_gate){
			.offset_low = (uint16_t)h,
			.selector = GDT_SEL_CODE64,
			.ist = critical ? IST_CRITICAL : 0,
			.type_attr = GATE_PRESENT | GATE_INTERRUPT_64,
			.offset_mid = (uint16_t)(h >> 16),
			.offset_high = (uint32_t)(h >> 32),
		};
	}
	idt_load();
}

void idt_load(void)
{
	struct desc_ptr p;

	p.limit = sizeof(idt) - 1;
	p.base = (uint64_t)idt;
	__asm__ volatile("lidt %0" ::"m"(p) : "memory");
}

uint64_t idt_base(void)
{
	return (uint64_t)idt;
}

void exception_dispatch(struct trap_frame *f)
{
	log_set_deferred(false);   /* what the guest's exits logged first, then this, synchronously */
	hv_log("EXCEPTION %s vector=%llu error=0x%llx rip=0x%llx cs=0x%llx rflags=0x%llx cr2=0x%llx",
	       exception_mnemonic(f->vector), (unsigned long long)f->vector, (unsigned long long)f->error_code,
	       (unsigned long long)f->rip, (unsigned long long)f->cs, (unsigned long long)f->rflags,
	       (unsigned long long)read_cr2());
	hv_log("EXCEPTION regs rax=0x%llx rbx=0x%llx rcx=0x%llx rdx=0x%llx rsi=0x%llx rdi=0x%llx rbp=0x%llx rsp=0x%llx",
	       (unsigned long long)f->rax, (unsigned long long)f->rbx, (unsigned long long)f->rcx,
	       (unsigned long long)f->rdx, (unsigned long long)f->rsi, (unsigned long long)f->rdi,
	       (unsigned long long)f->rbp, (unsigned long long)f->rsp);
	hv_log("EXCEPTION regs r8=0x%llx r9=0x%llx r10=0x%llx r11=0x%llx r12=0x%llx r13=0x%llx r14=0x%llx r15=0x%llx",
	       (unsigned long long)f->r8, (unsigned long long)f->r9, (unsigned long long)f->r10,
	       (unsigned long long)f->r11, (unsigned long long)f->r12, (unsigned long long)f->r13,
	       (unsigned long long)f->r14, (unsigned long long)f->r15);
	hv_log("EXCEPTION cr0=0x%llx cr3=0x%llx cr4=0x%llx: hypervisor bug; please report this log",
	       (unsigned long long)read_cr0(), (unsigned long long)read_cr3(), (unsigned long long)read_cr4());
	if (idt_fatal_hook)
		idt_fatal_hook();
	halt_forever();
}
