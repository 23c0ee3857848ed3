# Guests: flat binaries built from guest/*.asm, embedded through guest/builtin.asm.
GUEST_NAMES := default
GUEST_BINS  := $(foreach g,$(GUEST_NAMES),$(B)/guest/$(g).bin)
HV_ASM      += guest/builtin.asm
ALL_EXTRA   += $(GUEST_BINS)

$(B)/guest/%.bin: guest/%.asm guest/abi.inc
	@mkdir -p $(dir $@)
	$(NASM) -f bin -Werror -I. -o $@ $<

$(B)/obj/guest/builtin.o: $(GUEST_BINS)
