/* Root-mode NMIs: a count (arch/x86_64/nmi.h). No logging here: an NMI may interrupt the log
 * itself; the count is printed when the guest ends. */
#include "arch/x86_64/nmi.h"

volatile uint64_t nmi_root_count;
bool (*nmi_root_hook)(void);

void host_nmi(struct trap_frame *f)
{
	(void)f;
	if (nmi_root_hook && nmi_root_hook())
		return;
	__atomic_fetch_add(&nmi_root_count, 1, __ATOMIC_RELAXED);   /* any CPU may take one */
}
