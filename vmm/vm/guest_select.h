/* Which guest runs: \EFI\BOOT\GUEST.BIN when the boot volume has one, else the built-in guest
 * HV.CFG guest= names, and its format as its first bytes say (vmm/vm/multiboot.h). boot/ asks
 * before ExitBootServices (a Multiboot kernel needs memory from GPA 0), the loader after. */
#ifndef VMM_VM_GUEST_SELECT_H
#define VMM_VM_GUEST_SELECT_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/boot_info.h"
#include "vmm/vm/multiboot.h"

enum guest_source {
	GUEST_SRC_FILE = 0,        /* \EFI\BOOT\GUEST.BIN */
	GUEST_SRC_BUILTIN,         /* the built-in guest HV.CFG guest= names (default: "default") */
	GUEST_SRC_FILE_ERROR,      /* GUEST.BIN is there but was not read: bi->guest_file_error says why */
	GUEST_SRC_NO_BUILTIN,      /* no built-in guest of the HV.CFG name */
};

struct guest_choice {
	enum guest_source source;
	const char *name;                  /* "GUEST.BIN" or the built-in guest's name */
	const uint8_t *data;               /* 0 for the two errors */
	uint64_t size;
	struct guest_format_info format;   /* of data */
};

/* The guest boot_info names; reads nothing but bi, logs nothing. */
void guest_choose(const struct boot_info *bi, struct guest_choice *c);
/* The built-in default guest (the fallback of every refusal). */
void guest_choose_default(struct guest_choice *c);
/* Is c a Multiboot kernel that could run (its memory is worth allocating)? */
static inline bool guest_choice_is_multiboot(const struct guest_choice *c)
{
	return c->data && c->format.format == GUEST_FORMAT_MULTIBOOT1;
}

#endif
