/* 16550 UART registers: offsets from the port base and the bits the hypervisor uses
 * (National Semiconductor PC16550D data sheet). The host's COM port (uart.c) and the guest's
 * emulated one (vmm/exit/io.c) both use them. */
#ifndef ARCH_X86_64_UART_REGS_H
#define ARCH_X86_64_UART_REGS_H

#define UART_THR 0   /* transmit holding (DLAB=0) */
#define UART_DLL 0   /* divisor latch low (DLAB=1) */
#define UART_IER 1   /* interrupt enable (DLAB=0) */
#define UART_DLM 1   /* divisor latch high (DLAB=1) */
#define UART_FCR 2   /* FIFO control (write) */
#define UART_IIR 2   /* interrupt identification (read) */
#define UART_LCR 3   /* line control */
#define UART_MCR 4   /* modem control */
#define UART_LSR 5   /* line status */
#define UART_PORT_COUNT 8   /* registers 0..7 */

#define UART_LCR_8N1  0x03
#define UART_LCR_DLAB 0x80
#define UART_FCR_ENABLE_CLEAR 0x07   /* enable FIFOs, clear RX and TX */
#define UART_MCR_DTR_RTS_OUT2 0x0B
#define UART_LSR_THRE 0x20           /* transmit holding register empty */
#define UART_LSR_TEMT 0x40           /* transmitter empty: holding and shift registers */
#define UART_IIR_FIFOS_ON 0xC0       /* bits 7:6 = 11: FIFOs enabled (a 16550A or later) */
#define UART_FIFO_BYTES 16           /* 16550A transmit FIFO */

#define UART_CLOCK_DIVISOR_115200 1  /* 1.8432 MHz / 16 / 115200 */

#endif
