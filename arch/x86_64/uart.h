/* 16550 UART on a legacy COM port: the hypervisor's primary log. */
#ifndef ARCH_X86_64_UART_H
#define ARCH_X86_64_UART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifndef HV_SERIAL_PORT
#define HV_SERIAL_PORT 0x3F8
#endif

void uart_init(uint16_t port);                 /* 115200 8N1, FIFOs on */
void uart_putc(char c);                        /* waits for room in the transmitter */
void uart_write(const char *s, size_t n);      /* "\n" goes out as "\r\n" */
bool uart_tx_ready(void);
void uart_flush(void);                         /* wait until every byte has left the line */                      /* transmit holding register empty */
uint16_t uart_port(void);

#endif
