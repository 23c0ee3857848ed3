/* The serial log. Every line the hypervisor writes starts with "[hv] "; lines the guest writes
 * through its serial port start with "[guest] ". docs/log-format.md is the interface. */
#ifndef VMM_LOG_H
#define VMM_LOG_H

#include <stddef.h>

#define LOG_LINE_MAX 256
#define LOG_MAX_SINKS 3

typedef void (*log_sink_fn)(const char *s, size_t n);

void log_add_sink(log_sink_fn fn);      /* serial is the first; UEFI console and screen mirror it */
void log_remove_sink(log_sink_fn fn);
void hv_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));  /* "[hv] <fmt>\n" */
void log_write(const char *s, size_t n); /* raw bytes to every sink */

#endif
