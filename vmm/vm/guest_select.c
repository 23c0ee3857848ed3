/* Which guest runs, and in which format (vmm/vm/guest_select.h). */
#include "vmm/vm/guest_select.h"

#include "arch/lib/str.h"

/* Built-in guests: the guest/ sources (flat MHVGUEST binaries and the Multiboot test kernels),
 * embedded by the build/guest/builtin.asm that mk/guest.mk generates from GUEST_NAMES and
 * GUEST_KERNEL_NAMES. */
struct builtin_guest {
	const char *name;
	const uint8_t *start, *end;
};

extern const struct builtin_guest builtin_guests[];
extern const uint64_t builtin_guest_count;

static const struct builtin_guest *find_builtin(const char *name)
{
	for (uint64_t i = 0; i < builtin_guest_count; i++)
		if (str_eq(builtin_guests[i].name, name))
			return &builtin_guests[i];
	return 0;
}

static void choose_builtin(const struct builtin_guest *g, struct guest_choice *c)
{
	c->source = GUEST_SRC_BUILTIN;
	c->name = g->name;
	c->data = g->start;
	c->size = (uint64_t)(g->end - g->start);
	c->format = guest_format_detect(c->data, c->size);
}

void guest_choose_default(struct guest_choice *c)
{
	choose_builtin(find_builtin("default"), c);
}

void guest_choose(const struct boot_info *bi, struct guest_choice *c)
{
	const struct builtin_guest *g;

	*c = (struct guest_choice){ .name = "GUEST.BIN" };
	if (bi->guest_file_error[0]) {
		c->source = GUEST_SRC_FILE_ERROR;
	} else if (bi->guest_file) {
		c->source = GUEST_SRC_FILE;
		c->data = bi->guest_file;
		c->size = bi->guest_file_size;
		c->format = guest_format_detect(c->data, c->size);
	} else if ((g = find_builtin(bi->cfg.guest_name)) != 0) {
		choose_builtin(g, c);
	} else {
		c->source = GUEST_SRC_NO_BUILTIN;
		c->name = bi->cfg.guest_name;
	}
}
