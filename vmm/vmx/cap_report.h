/* The capability report: what this CPU's VMX offers, one topic per line (docs/log-format.md). */
#ifndef VMM_VMX_CAP_REPORT_H
#define VMM_VMX_CAP_REPORT_H

#include "vmm/vmx/caps.h"

void vmx_report_caps(const struct vmx_caps *caps);

#endif
