/* 16550 UART driver, polled. Register offsets from the National Semiconductor PC16550D data sheet. */
#include "arch/x86_64/uart.h"
#include "arch/x86_64/cpu.h"

#define UART_THR 0   /* transmit holding (DLAB=0) */
#define UART_DLL 0   /* divisor latch low (DLAB=1) */
#define UART_IER 1   /* interrupt enable (DLAB=0) */
#define UART_DLM 1   /* divisor latch high (DLAB=1) */
#define UART_FCR 2   /* FIFO control (write) */
#define UART_IIR 2   /* interrupt identification (read) */
#define UART_LCR 3   /* line control */
#define UART_MCR 4   /* modem control */
#define UART_LSR 5   /* line status */

#define LCR_8N1  0x03
#define LCR_DLAB 0x80
#define FCR_ENABLE_CLEAR 0x07   /* enable FIFOs, clear RX and TX */
#define MCR_DTR_RTS_OUT2 0x0B
#define LSR_THRE 0x20           /* transmit holding register empty */
#define LSR_TEMT 0x40           /* transmitter empty: holding and shift registers */

#define IIR_FIFOS_ON 0xC0          /* bits 7:6 = 11: FIFOs enabled (a 16550A or later) */
#define UART_FIFO_BYTES 16          /* 16550A transmit FIFO */

#define UART_CLOCK_DIVISOR_115200 1   /* 1.8432 MHz / 16 / 115200 */

static uint16_t com_port = HV_SERIAL_PORT;
static unsigned tx_burst = 1;       /* bytes the transmitter takes when THRE is set */

void uart_init(uint16_t port)
{
	com_port = port;
	outb(port + UART_IER, 0x00);               /* polled: no interrupts */
	outb(port + UART_LCR, LCR_DLAB);
	outb(port + UART_DLL, UART_CLOCK_DIVISOR_115200);
	outb(port + UART_DLM, 0);
	outb(port + UART_LCR, LCR_8N1);
	outb(port + UART_FCR, FCR_ENABLE_CLEAR);
	outb(port + UART_MCR, MCR_DTR_RTS_OUT2);
	/* With FIFOs, THRE means the whole transmit FIFO is empty; an 8250/16450 holds one byte. */
	tx_burst = (inb(port + UART_IIR) & IIR_FIFOS_ON) == IIR_FIFOS_ON ? UART_FIFO_BYTES : 1;
}

static bool uart_tx_ready(void)
{
	return inb(com_port + UART_LSR) & LSR_THRE;
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

void uart_flush(void)
{
	while (!(inb(com_port + UART_LSR) & LSR_TEMT))
		pause();
}
