/* guest/lib/guest.h: the freestanding C library for Multiboot guest kernels (guest/lib/README.md).
 *
 * One header for 32-bit kernels (gcc -m32, entered by crt32.asm) and 64-bit kernels (gcc -m64,
 * entered in long mode by crt64.asm). Each kernel defines kmain; the start-up code calls it with
 * the loader's EAX and EBX. Output goes to COM1, the end to QEMU's isa-debug-exit port (0xF4,
 * which minihv emulates too), and the hypercalls of docs/guest-abi.md are inline VMCALLs. */
#ifndef GUEST_LIB_GUEST_H
#define GUEST_LIB_GUEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* The kernel's entry, called by the start-up code: magic = the loader's EAX (MULTIBOOT_BOOT_MAGIC),
 * info = its EBX (the physical address of the Multiboot information structure). If kmain returns,
 * the start-up code ends the guest through exit_qemu(EXIT_KMAIN_RETURNED). */
void kmain(uint32_t magic, uint32_t info);
#define EXIT_KMAIN_RETURNED 0x7f

/* ---- ports */
#define COM1_PORT       0x3F8 /* data (transmit) register */
#define COM1_LSR        0x3FD /* line status register */
#define COM1_LSR_THRE   0x20  /* transmitter holding register empty */
#define DEBUG_EXIT_PORT 0xF4  /* QEMU -device isa-debug-exit,iobase=0xf4,iosize=0x4 */

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* ---- output on COM1 (serial.c); "\n" goes out as "\r\n" */
void putc(char c);
void puts(const char *s); /* no newline added */
void put_hex(unsigned long v);
/* printf: %s %c %d %u %x %%, an optional 0 flag and width (%08x), and l / ll for long and 64-bit
 * values (%llx, %llu). Nothing else: no floating point, no precision. Returns nothing. */
void printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vprintf(const char *fmt, va_list ap);

/* ---- the end: writes code to port 0xF4. QEMU exits with status (code << 1) | 1, minihv ends the
 * guest with exit code `code`. Elsewhere (no such device) the CPU halts with interrupts off. */
__attribute__((noreturn)) void exit_qemu(uint32_t code);

/* ---- memory (string.c): GCC may call these itself, even freestanding */
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

/* ---- control registers and flags */
#define CR0_PE     (1u << 0)
#define CR0_PG     (1u << 31)
#define CR4_PAE    (1u << 5)
#define EFLAGS_IF  (1u << 9)
#define EFLAGS_VM  (1u << 17)

static inline unsigned long read_cr0(void)
{
	unsigned long v;
	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline unsigned long read_cr4(void)
{
	unsigned long v;
	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline unsigned long read_flags(void)
{
	unsigned long v;
	__asm__ volatile("pushf\n\tpop %0" : "=r"(v));
	return v;
}

static inline void cpuid(uint32_t leaf, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(0));
}

/* ---- minihv hypercalls (docs/guest-abi.md; the numbers are guest/abi.inc's, and
 * tests/shell/test_guest_kernels.sh checks that they agree). VMCALL with the number in EAX/RAX and
 * the arguments in EDI/RDI, ESI/RSI, EDX/RDX; the result comes back in EAX/RAX. Only under minihv:
 * elsewhere VMCALL raises #UD (QEMU TCG, bare metal) or is another hypervisor's call (KVM), so
 * check hv_is_minihv() first. Addresses are guest-physical: equal to the kernel's pointers while
 * paging is off or identity-mapped, as in these kernels. */
#define HC_NOP                0
#define HC_PRINT              1
#define HC_DONE               2
#define HC_PROTECT            3
#define HC_EPT_MISCONFIG_DEMO 4
#define HC_SET_RESUME         5
#define HC_BENCH_REFERENCE    6
#define HC_WRITE              7

#define HC_PERM_R 1 /* HC_PROTECT permissions; 0 = not present */
#define HC_PERM_W 2
#define HC_PERM_X 4
#define HC_FAULT_REGRANT 0 /* HC_PROTECT policies on a violation */
#define HC_FAULT_KEEP    1
#define HC_FAULT_RESUME  2

#define HC_E_UNKNOWN  -1
#define HC_E_RANGE    -2
#define HC_E_ALIGN    -3
#define HC_E_LENGTH   -4
#define HC_E_INVAL    -5
#define HC_E_NOSPACE  -6
#define HC_E_NOMEM    -7
#define HC_E_NORESUME -8
#define HC_E_PRIV     -9

static inline long hypercall(unsigned long nr, unsigned long a1, unsigned long a2, unsigned long a3)
{
	long ret;
	__asm__ volatile("vmcall" : "=a"(ret) : "a"(nr), "D"(a1), "S"(a2), "d"(a3) : "memory");
	return ret;
}

static inline long hc_nop(void)
{
	return hypercall(HC_NOP, 0, 0, 0);
}

/* Prints "[guest] <s>"; s is NUL-terminated, under 200 bytes. Returns its length. */
static inline long hc_print(const char *s)
{
	return hypercall(HC_PRINT, (unsigned long)s, 0, 0);
}

static inline long hc_write(const void *buf, unsigned long len)
{
	return hypercall(HC_WRITE, (unsigned long)buf, len, 0);
}

/* Ends the guest; does not return under minihv. */
static inline void hc_done(unsigned long code)
{
	hypercall(HC_DONE, code, 0, 0);
}

/* page: 4 KiB aligned; perm: HC_PERM_* bits (0 = no access); policy: HC_FAULT_*. */
static inline long hc_protect(const volatile void *page, unsigned long perm, unsigned long policy)
{
	return hypercall(HC_PROTECT, (unsigned long)page, perm, policy);
}

static inline long hc_set_resume(const void *where)
{
	return hypercall(HC_SET_RESUME, (unsigned long)where, 0, 0);
}

/* CPUID 0x40000000 names the hypervisor: "MiniHVMiniHV" under minihv. vendor gets 13 bytes. */
#define CPUID_HV_BASE 0x40000000u
int hv_is_minihv(char vendor[13]);

#endif
