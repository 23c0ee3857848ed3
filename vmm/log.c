/* Log lines go to every sink: the UART first, then the mirrors (UEFI console before
 * ExitBootServices, the screen console after). */
#include "vmm/log.h"
#include "vmm/fmt.h"

#include <stdarg.h>

static log_sink_fn sinks[LOG_MAX_SINKS];

void log_add_sink(log_sink_fn fn)
{
	for (int i = 0; i < LOG_MAX_SINKS; i++) {
		if (!sinks[i]) {
			sinks[i] = fn;
			return;
		}
	}
}

void log_remove_sink(log_sink_fn fn)
{
	for (int i = 0; i < LOG_MAX_SINKS; i++)
		if (sinks[i] == fn)
			sinks[i] = 0;
}

void log_write(const char *s, size_t n)
{
	for (int i = 0; i < LOG_MAX_SINKS; i++)
		if (sinks[i])
			sinks[i](s, n);
}

void hv_log(const char *fmt, ...)
{
	char line[LOG_LINE_MAX];
	va_list ap;
	int n = 5;

	line[0] = '[', line[1] = 'h', line[2] = 'v', line[3] = ']', line[4] = ' ';
	va_start(ap, fmt);
	n += hv_vsnprintf(line + 5, sizeof(line) - 6, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	log_write(line, (size_t)n);
}
