/* Exit qualification for I/O instructions (SDM Vol. 3C §28.2.1 "Basic VM-Exit Information", Table 28-5). */
#ifndef VMM_DECODE_EXIT_QUAL_IO_H
#define VMM_DECODE_EXIT_QUAL_IO_H

#include <stdbool.h>
#include <stdint.h>

struct io_qual {
	unsigned size;        /* bytes: 1, 2 or 4 */
	bool in;              /* IN/INS (else OUT/OUTS) */
	bool string;          /* INS/OUTS */
	bool rep;
	bool immediate;       /* port from an immediate operand (else DX) */
	uint16_t port;
};

static inline void io_qual_decode(uint64_t q, struct io_qual *out)
{
	out->size = (unsigned)(q & 7) + 1;   /* bits 2:0: 0 = 1 byte, 1 = 2, 3 = 4 */
	out->in = (q >> 3) & 1;
	out->string = (q >> 4) & 1;
	out->rep = (q >> 5) & 1;
	out->immediate = (q >> 6) & 1;
	out->port = (uint16_t)(q >> 16);
}

#endif
