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
unsigned uart_tx_room(void);                   /* bytes uart_tx_byte may send now without waiting */
void uart_tx_byte(char c);                     /* no wait, no "\n" translation */
bool uart_tx_idle(void);                       /* every byte has left the line; no wait */
uint16_t uart_port(void);

#endif
