/* 16550 UART driver, polled. Register offsets from the National Semiconductor PC16550D data sheet. */
#include "arch/x86_64/uart.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/uart_regs.h"

static uint16_t com_port = HV_SERIAL_PORT;
static unsigned tx_burst = 1;       /* bytes the transmitter takes when THRE is set */

void uart_init(uint16_t port)
{
	com_port = port;
	outb(port + UART_IER, 0x00);               /* polled: no interrupts */
	outb(port + UART_LCR, UART_LCR_DLAB);
	outb(port + UART_DLL, UART_CLOCK_DIVISOR_115200);
	outb(port + UART_DLM, 0);
	outb(port + UART_LCR, UART_LCR_8N1);
	outb(port + UART_FCR, UART_FCR_ENABLE_CLEAR);
	outb(port + UART_MCR, UART_MCR_DTR_RTS_OUT2);
	/* With FIFOs, THRE means the whole transmit FIFO is empty; an 8250/16450 holds one byte. */
	tx_burst = (inb(port + UART_IIR) & UART_IIR_FIFOS_ON) == UART_IIR_FIFOS_ON ? UART_FIFO_BYTES : 1;
}

static bool uart_tx_ready(void)
{
	return inb(com_port + UART_LSR) & UART_LSR_THRE;
}

unsigned uart_tx_room(void)
{
	return uart_tx_ready() ? tx_burst : 0;
}

void uart_tx_byte(char c)
{
	outb(com_port + UART_THR, (uint8_t)c);
}

uint16_t uart_port(void)
{
	return com_port;
}

/* No wait here: the log waits, bounded (log_drain, arch/lib/log.h). */
bool uart_tx_idle(void)
{
	return inb(com_port + UART_LSR) & UART_LSR_TEMT;
}
