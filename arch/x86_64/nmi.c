/* Root-mode NMIs: a count (arch/x86_64/nmi.h). No logging here: an NMI may interrupt the log
 * itself; the count is printed when the guest ends. */
#include "arch/x86_64/nmi.h"

volatile uint64_t nmi_root_count;

void host_nmi(struct trap_frame *f)
{
	(void)f;
	nmi_root_count++;
}
