/* Control-register, RFLAGS and XCR0 bits the hypervisor uses (SDM Vol. 3A §2.5 "Control
 * Registers", §2.3 "System Flags and Fields in the EFLAGS Register"; SDM Vol. 1 §13.3 "Enabling
 * the XSAVE Feature Set and XSAVE-Enabled Features"). */
#ifndef ARCH_X86_64_CR_H
#define ARCH_X86_64_CR_H

#define CR0_PE (1ull << 0)    /* protection enable */
#define CR0_MP (1ull << 1)    /* monitor coprocessor */
#define CR0_EM (1ull << 2)    /* emulation */
#define CR0_TS (1ull << 3)    /* task switched */
#define CR0_ET (1ull << 4)    /* extension type: hardwired to 1 */
#define CR0_NE (1ull << 5)    /* numeric error */
#define CR0_WP (1ull << 16)   /* write protect */
#define CR0_NW (1ull << 29)   /* not write-through */
#define CR0_CD (1ull << 30)   /* cache disable */
#define CR0_PG (1ull << 31)   /* paging */
/* LMSW loads CR0 bits 3:0 and cannot clear PE (SDM Vol. 2A "LMSW—Load Machine Status Word"). */
#define CR0_LMSW_BITS (CR0_PE | CR0_MP | CR0_EM | CR0_TS)

#define CR4_PAE (1ull << 5)        /* physical-address extension */
#define CR4_PGE (1ull << 7)        /* page global enable */
#define CR4_LA57 (1ull << 12)      /* 57-bit linear addresses: 5-level paging */
#define CR4_VMXE (1ull << 13)      /* VMX enable */
#define CR4_SMXE (1ull << 14)      /* SMX enable */
#define CR4_PCIDE (1ull << 17)     /* process-context identifiers */
#define CR4_OSXSAVE (1ull << 18)   /* XSAVE and processor extended states enable */
#define CR4_CET (1ull << 23)       /* control-flow enforcement technology */

#define CR8_TPR_MASK 0xfull            /* CR8 bits 3:0: task priority; the rest is reserved */

#define RFLAGS_CF (1ull << 0)          /* carry: VMfailInvalid after a VMX instruction */
#define RFLAGS_RESERVED1 (1ull << 1)   /* always 1 */
#define RFLAGS_ZF (1ull << 6)          /* zero: VMfailValid after a VMX instruction */
#define RFLAGS_TF (1ull << 8)          /* trap */
#define RFLAGS_IF (1ull << 9)          /* interrupt enable */
#define RFLAGS_VM (1ull << 17)         /* virtual-8086 mode */
/* Reserved, always 0: bits 63:22, 15, 5 and 3. */
#define RFLAGS_RESERVED0 0xffffffffffc08028ull

#define DR7_RESET 0x400ull             /* DR7 after reset: bit 10 reads as 1 (SDM Vol. 3A §18.2.4 "Debug Control Register (DR7)") */
#define DR7_RESERVED_HIGH 0xffffffff00000000ull   /* DR7 bits 63:32: must be 0 */

#define XCR0_X87 (1ull << 0)   /* x87 state: always 1 */
#define XCR0_SSE (1ull << 1)   /* SSE state */
#define XCR0_AVX (1ull << 2)   /* AVX state: needs SSE */
#define XCR0_BNDREGS (1ull << 3)     /* MPX BND0-BND3: only with BNDCSR */
#define XCR0_BNDCSR (1ull << 4)      /* MPX BNDCFGU, BNDSTATUS: only with BNDREGS */
#define XCR0_OPMASK (1ull << 5)      /* AVX-512 k0-k7: bits 7:5 all or none, and only with AVX */
#define XCR0_ZMM_HI256 (1ull << 6)   /* AVX-512 upper halves of ZMM0-ZMM15 */
#define XCR0_HI16_ZMM (1ull << 7)    /* AVX-512 ZMM16-ZMM31 */
#define XCR0_TILECFG (1ull << 17)    /* AMX TILECFG: only with TILEDATA */
#define XCR0_TILEDATA (1ull << 18)   /* AMX TILEDATA: only with TILECFG */
#define XCR0_MPX (XCR0_BNDREGS | XCR0_BNDCSR)
#define XCR0_AVX512 (XCR0_OPMASK | XCR0_ZMM_HI256 | XCR0_HI16_ZMM)
#define XCR0_AMX (XCR0_TILECFG | XCR0_TILEDATA)

#endif
