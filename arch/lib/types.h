/* Address types that say their unit: a guest-physical or a host-physical address. */
#ifndef ARCH_LIB_TYPES_H
#define ARCH_LIB_TYPES_H

#include <stdint.h>

typedef uint64_t gpa_t;   /* guest-physical address */
typedef uint64_t hpa_t;   /* host-physical address */

#endif
