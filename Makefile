# minihv: a minimal bare-metal type-1 hypervisor for Intel VT-x, booted as a UEFI application.
#
#   make            build build/BOOTX64.EFI (and build/hv.debug, the ELF with symbols for gdb)
#   make run        install dependencies, build, boot it (QEMU+KVM where nested VT-x works, else Bochs)
#   make test       install dependencies, build, run every host test and every boot test
#   make check      host tests only (fast loop: unit tests, sanitizers; no boots, no fuzzing)
#   make bench      benchmarks (EPT library on the host, exit path in Bochs)
#   make clean
#
# Each part of the tree adds its sources and tests through a fragment in mk/ (see mk/README.md).

VERSION     := 0.1.0
COMMIT      := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
# COM port used for the log; a build-time choice (make SERIAL_PORT=0x2F8).
SERIAL_PORT ?= 0x3F8

B       := build
CC      := gcc
NASM    := nasm
LD      := ld
OBJCOPY := objcopy
HOSTCC  := gcc
CLANG   := clang

EFI_INC := /usr/include/efi
EFI_LIB := /usr/lib
EFI_LDS := $(EFI_LIB)/elf_x86_64_efi.lds
EFI_CRT := $(EFI_LIB)/crt0-efi-x86_64.o

# Freestanding flags for everything linked into the image: no red zone (interrupts and VM exits
# land on the same stack), no SSE/x87 (the hypervisor never saves vector state), no stack protector.
HV_WARN   := -Wall -Wextra -Werror
HV_CFLAGS := -std=c11 -O2 -g -ffreestanding -fno-stack-protector -fno-stack-check -fpic -fvisibility=hidden \
             -fshort-wchar -mno-red-zone -mgeneral-regs-only -fno-strict-aliasing \
             -fno-asynchronous-unwind-tables -MMD -MP $(HV_WARN) -I. -Iinclude \
             -DHV_VERSION='"$(VERSION)"' -DHV_COMMIT='"$(COMMIT)"' -DHV_SERIAL_PORT=$(SERIAL_PORT)
# Only boot/ sees GNU-EFI headers.
EFI_CFLAGS := $(subst -std=c11,-std=gnu11,$(HV_CFLAGS)) -I$(EFI_INC) -I$(EFI_INC)/x86_64 -DGNU_EFI_USE_MS_ABI
NASMFLAGS  := -f elf64 -g -F dwarf -Werror

# Host test flags: the same freestanding sources, built for Linux with cmocka.
HOST_CFLAGS := -std=c11 -O1 -g -Wall -Wextra -Werror -I. -Iinclude -DHV_HOST_TEST -D_DEFAULT_SOURCE -MMD -MP
SAN_CFLAGS  := $(HOST_CFLAGS) -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS := -std=c11 -O1 -g -I. -Iinclude -DHV_HOST_TEST -D_DEFAULT_SOURCE \
               -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

# Filled in by the fragments.
HV_SRCS     :=
EFI_SRCS    :=
HV_ASM      :=
GUEST_BINS  :=
HOST_TESTS  :=
FUZZ_TARGETS :=
BENCH_DEPS  :=
BENCH_CMDS  :=
ALL_EXTRA   :=

.DEFAULT_GOAL := all
include $(sort $(wildcard mk/*.mk))

.PHONY: all deps run test check bench clean fuzz-long
all: $(B)/BOOTX64.EFI $(ALL_EXTRA)

deps:
	@tools/deps.sh

# ---------------------------------------------------------------- the UEFI image
HV_OBJS  := $(patsubst %.c,$(B)/obj/%.o,$(HV_SRCS)) \
            $(patsubst %.c,$(B)/obj/%.o,$(EFI_SRCS)) \
            $(patsubst %.asm,$(B)/obj/%.o,$(HV_ASM))

$(B)/obj/boot/%.o: boot/%.c
	@mkdir -p $(dir $@)
	$(CC) $(EFI_CFLAGS) -c $< -o $@

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(HV_CFLAGS) -c $< -o $@

$(B)/obj/%.o: %.asm
	@mkdir -p $(dir $@)
	$(NASM) $(NASMFLAGS) -MD $(@:.o=.d) -MP -o $@ $<

# The commit is baked into the banner: rebuild the object that prints it when HEAD moves.
$(B)/commit.stamp: FORCE
	@mkdir -p $(B)
	@echo '$(COMMIT) $(SERIAL_PORT)' | cmp -s - $@ || echo '$(COMMIT) $(SERIAL_PORT)' > $@
FORCE:

$(B)/hv.so: $(HV_OBJS) $(EFI_CRT) $(EFI_LDS)
	$(LD) -nostdlib -znocombreloc -shared -Bsymbolic -T $(EFI_LDS) $(EFI_CRT) $(HV_OBJS) \
	      -L$(EFI_LIB) -lefi -lgnuefi -o $@

# hv.debug keeps the symbols (gdb: add-symbol-file build/hv.debug -o <image base from the banner>).
$(B)/BOOTX64.EFI: $(B)/hv.so
	cp $< $(B)/hv.debug
	$(OBJCOPY) -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel -j .rela -j .reloc \
	           --target=efi-app-x86_64 --strip-debug $< $@

# ---------------------------------------------------------------- host tests
HOST_BINS := $(foreach t,$(HOST_TESTS),$(B)/host/$(t))
SAN_BINS  := $(foreach t,$(HOST_TESTS),$(B)/host-san/$(t))
FUZZ_BINS := $(foreach t,$(FUZZ_TARGETS),$(B)/fuzz/$(t))

define host_test_rule
$(B)/host/$(1): $$($(1)_SRCS)
	@mkdir -p $$(dir $$@)
	$$(HOSTCC) $$(HOST_CFLAGS) $$(filter %.c,$$^) -o $$@ -lcmocka $$($(1)_LIBS)
$(B)/host-san/$(1): $$($(1)_SRCS)
	@mkdir -p $$(dir $$@)
	$$(HOSTCC) $$(SAN_CFLAGS) $$(filter %.c,$$^) -o $$@ -lcmocka $$($(1)_LIBS)
endef
$(foreach t,$(HOST_TESTS),$(eval $(call host_test_rule,$(t))))

define fuzz_rule
$(B)/fuzz/$(1): $$($(1)_SRCS)
	@mkdir -p $$(dir $$@)
	$$(CLANG) $$(FUZZ_CFLAGS) $$(filter %.c,$$^) -o $$@
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_rule,$(t))))

host-tests: $(HOST_BINS) $(SAN_BINS)
.PHONY: host-tests

# make check: the fast loop, host tests only.
check: host-tests
	@HOST_TESTS="$(HOST_TESTS)" tools/test-runner.sh host

# make test: everything, from a fresh machine.
test: deps
	@$(MAKE) --no-print-directory all host-tests $(FUZZ_BINS)
	@HOST_TESTS="$(HOST_TESTS)" FUZZ_TARGETS="$(FUZZ_TARGETS)" tools/test-runner.sh all

fuzz-long: $(FUZZ_BINS)
	@for f in $(FUZZ_BINS); do echo "== $$f"; $$f -max_total_time=600 || exit 1; done

bench: deps
	@$(MAKE) --no-print-directory all $(BENCH_DEPS)
	@set -e; $(foreach c,$(BENCH_CMDS),$(c);)

run: deps
	@$(MAKE) --no-print-directory all
	@tools/run.sh

clean:
	rm -rf $(B)

-include $(shell find $(B) -name '*.d' 2>/dev/null)
