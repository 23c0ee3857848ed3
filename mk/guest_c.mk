# Multiboot guest kernels in C (guest/lib/README.md): the freestanding library guest/lib/ and the
# test kernels guest/kernels/, each an ELF32 Multiboot v1 kernel linked at 1 MiB (guest/lib/kernel.ld)
# into build/guest/kernels/NAME.elf. A new kernel: its sources in GK_NAME_SRCS and its name in
# GK_KERNELS32 or GK_KERNELS64.
#
# 32-bit kernels: gcc -m32 and nasm -f elf32 objects, crt32.asm first, linked by ld -m elf_i386.
# 64-bit kernels: gcc -m64 -mno-red-zone and nasm -f elf64 objects (crt64.asm is 32-bit code under
# `bits 32` in an ELF64 object: it switches to long mode and calls kmain in 64-bit mode), linked by
# ld -m elf_x86_64 into NAME.elf64 (kept, with debug information, for gdb), then converted by
# objcopy -O elf32-i386 into NAME.elf. The conversion changes only the ELF container (class,
# machine, header layout): the linked bytes, the load addresses and the entry point stay, and
# everything lies below 4 GiB. Multiboot loaders, QEMU's included, take ELF32 kernels only.
GK_KERNELS32 := mbinfo realmode
GK_KERNELS64 := longmode
GK_mbinfo_SRCS   := guest/kernels/mbinfo.c
GK_realmode_SRCS := guest/kernels/realmode.c guest/kernels/realmode16.asm
GK_longmode_SRCS := guest/kernels/longmode.c
GK_LIB_SRCS      := guest/lib/serial.c guest/lib/string.c guest/lib/platform.c

# No SSE or x87 (-mgeneral-regs-only: nothing enables them), no library calls made out of loops
# (string.c's own loops would call themselves), no unwind tables (nothing unwinds).
GK_CFLAGS   := -std=c11 -ffreestanding -fno-pic -fno-stack-protector -nostdlib -O2 -g -Wall -Wextra -Werror \
               -mgeneral-regs-only -fno-asynchronous-unwind-tables -fno-tree-loop-distribute-patterns \
               -MMD -MP -Iguest/lib
GK_CFLAGS32 := -m32 $(GK_CFLAGS)
GK_CFLAGS64 := -m64 -mno-red-zone -mcmodel=small $(GK_CFLAGS)
GK_LDFLAGS  := -nostdlib -static --build-id=none -z max-page-size=0x1000 -z noexecstack -T guest/lib/kernel.ld
GK_NASMFLAGS := -g -F dwarf -Werror

GK_ELFS   := $(foreach k,$(GK_KERNELS32) $(GK_KERNELS64),$(B)/guest/kernels/$(k).elf)
ALL_EXTRA += $(GK_ELFS)

# $(call gk_objs,32|64,SOURCES): one object per source under build/guest/c32/ or build/guest/c64/.
gk_objs = $(patsubst %,$(B)/guest/c$(1)/%.o,$(basename $(2)))

$(B)/guest/c32/%.o: %.c
	@mkdir -p $(dir $@)
	$(call say,CC32,$@)$(CC) $(GK_CFLAGS32) -c $< -o $@

$(B)/guest/c64/%.o: %.c
	@mkdir -p $(dir $@)
	$(call say,CC64,$@)$(CC) $(GK_CFLAGS64) -c $< -o $@

$(B)/guest/c32/%.o: %.asm
	@mkdir -p $(dir $@)
	$(call say,AS32,$@)$(NASM) -f elf32 $(GK_NASMFLAGS) -MD $(@:.o=.d) -MP -o $@ $<

$(B)/guest/c64/%.o: %.asm
	@mkdir -p $(dir $@)
	$(call say,AS64,$@)$(NASM) -f elf64 $(GK_NASMFLAGS) -MD $(@:.o=.d) -MP -o $@ $<

define gk_kernel32
$(B)/guest/kernels/$(1).elf: $(call gk_objs,32,guest/lib/crt32.asm $(GK_LIB_SRCS) $(GK_$(1)_SRCS)) \
		guest/lib/kernel.ld mk/guest_c.mk
	@mkdir -p $$(dir $$@)
	$$(call say,LD,$$@)$$(LD) -m elf_i386 $$(GK_LDFLAGS) -o $$@ $$(filter %.o,$$^)
endef

define gk_kernel64
$(B)/guest/kernels/$(1).elf64: $(call gk_objs,64,guest/lib/crt64.asm $(GK_LIB_SRCS) $(GK_$(1)_SRCS)) \
		guest/lib/kernel.ld mk/guest_c.mk
	@mkdir -p $$(dir $$@)
	$$(call say,LD,$$@)$$(LD) -m elf_x86_64 $$(GK_LDFLAGS) -o $$@ $$(filter %.o,$$^)

$(B)/guest/kernels/$(1).elf: $(B)/guest/kernels/$(1).elf64
	$$(call say,ELF32,$$@)$$(OBJCOPY) -I elf64-x86-64 -O elf32-i386 --strip-debug $$< $$@
endef

$(foreach k,$(GK_KERNELS32),$(eval $(call gk_kernel32,$(k))))
$(foreach k,$(GK_KERNELS64),$(eval $(call gk_kernel64,$(k))))
