# minihv: a minimal bare-metal type-1 hypervisor for Intel VT-x, booted as a UEFI application.
#
#   make            build build/BOOTX64.EFI (and build/hv.debug, the ELF with symbols for gdb)
#   make run        install dependencies, build, boot it (QEMU+KVM where nested VT-x works, else Bochs)
#   make test       install dependencies, build, lint, run every host test and every boot test
#   make check      host tests only (fast loop: unit tests, sanitizers; no boots, no fuzzing)
#   make lint       cppcheck, clang-tidy and the layering check, zero findings
#   make bench      benchmarks (EPT library on the host, exit path in Bochs)
#   make clean
#
# Each part of the tree adds its sources and tests through a fragment in mk/ (mk/README.md says
# which variables a fragment may add to). Fragments only add to variables; every rule that uses
# them is below, after all fragments are read, so their order does not matter.

VERSION     := 0.1.0
COMMIT      := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
# COM port used for the log; a build-time choice (make SERIAL_PORT=0x2F8).
SERIAL_PORT ?= 0x3F8

B       := build
# make V=1 shows every command; by default one short line per step.
V ?= 0
ifeq ($(V),0)
Q = @
say = @echo '  $(1) $(2)';
endif
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
# land on the same stack), no SSE/x87 (the hypervisor never saves vector state), no stack protector,
# no library calls (GCC would turn byte loops into memset/memcpy, which the image does not have).
HV_WARN   := -Wall -Wextra -Werror -Wmissing-prototypes
HV_CFLAGS := -std=c11 -O2 -g -ffreestanding -fno-stack-protector -fno-stack-check -fpic -fvisibility=hidden \
             -fshort-wchar -mno-red-zone -mgeneral-regs-only -fno-strict-aliasing \
             -fno-asynchronous-unwind-tables -fno-tree-loop-distribute-patterns -MMD -MP $(HV_WARN) -I. \
             -DHV_VERSION='"$(VERSION)"' -DHV_COMMIT='"$(COMMIT)"' -DHV_SERIAL_PORT=$(SERIAL_PORT)
# Only boot/ sees GNU-EFI headers.
EFI_CFLAGS := $(subst -std=c11,-std=gnu11,$(HV_CFLAGS)) -I$(EFI_INC) -I$(EFI_INC)/x86_64 -DGNU_EFI_USE_MS_ABI
NASMFLAGS  := -f elf64 -g -F dwarf -Werror

# Host test flags: the same freestanding sources, built for Linux with cmocka.
HOST_CFLAGS := -std=c11 -O1 -g -Wall -Wextra -Werror -I. -DHV_HOST_TEST -D_DEFAULT_SOURCE -MMD -MP
SAN_CFLAGS  := $(HOST_CFLAGS) -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# Concurrency tests (several host threads over the SMP-shared code): ThreadSanitizer.
TSAN_CFLAGS := $(HOST_CFLAGS) -fsanitize=thread -fno-omit-frame-pointer -pthread
FUZZ_CFLAGS := -std=c11 -O1 -g -I. -DHV_HOST_TEST -D_DEFAULT_SOURCE -MMD -MP \
               -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
# Host benchmarks: optimised, no sanitizers.
BENCH_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror -I. -DHV_HOST_TEST -D_DEFAULT_SOURCE -MMD -MP

# Filled in by the fragments (mk/README.md).
HV_SRCS      :=
EFI_SRCS     :=
HV_ASM       :=
GUEST_BINS   :=
HOST_TESTS   :=
TSAN_TESTS   :=
FUZZ_TARGETS :=
HOST_BENCHES :=
BENCH_DEPS   :=
BENCH_CMDS   :=
ALL_EXTRA    :=
LINT_SRCS    :=

# One object per source, in a folder per build flavour: $(call objs,FLAVOUR,SOURCES).
objs = $(patsubst %.c,$(B)/$(1)/obj/%.o,$(filter %.c,$(2)))

.DEFAULT_GOAL := all
include $(wildcard mk/*.mk)

.PHONY: all deps run test check lint bench clean fuzz-long host-tests
all: $(B)/BOOTX64.EFI $(ALL_EXTRA)

deps:
	@tools/deps.sh

# ---------------------------------------------------------------- the UEFI image
HV_OBJS := $(call objs,image,$(HV_SRCS) $(EFI_SRCS)) $(patsubst %.asm,$(B)/image/obj/%.o,$(HV_ASM))

$(B)/image/obj/boot/%.o: boot/%.c
	@mkdir -p $(dir $@)
	$(call say,CC,$@)$(CC) $(EFI_CFLAGS) -c $< -o $@

$(B)/image/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(call say,CC,$@)$(CC) $(HV_CFLAGS) -c $< -o $@

$(B)/image/obj/%.o: %.asm
	@mkdir -p $(dir $@)
	@$(NASM) $(NASMFLAGS) -M -MF $(@:.o=.d) -MT $@ -MP $<   # NASM 2.16.01's -MD lists only $<
	$(call say,AS,$@)$(NASM) $(NASMFLAGS) -o $@ $<

# The commit is baked into the banners: rebuild the objects that print it when HEAD moves.
$(B)/commit.stamp: FORCE
	@mkdir -p $(B)
	@echo '$(COMMIT) $(SERIAL_PORT)' | cmp -s - $@ || echo '$(COMMIT) $(SERIAL_PORT)' > $@
FORCE:
$(B)/image/obj/vmm/main.o $(B)/image/obj/boot/efi_main.o: $(B)/commit.stamp

$(B)/hv.so: $(HV_OBJS) $(EFI_CRT) $(EFI_LDS)
	$(call say,LD,$@)$(LD) -nostdlib -znocombreloc -shared -Bsymbolic -T $(EFI_LDS) $(EFI_CRT) $(HV_OBJS) \
	      -L$(EFI_LIB) -lefi -lgnuefi -o $@

# hv.debug keeps the symbols (gdb: add-symbol-file build/hv.debug -o <image base from the banner>).
$(B)/BOOTX64.EFI: $(B)/hv.so
	$(Q)cp $< $(B)/hv.debug
	$(call say,EFI,$@)$(OBJCOPY) -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel -j .rela -j .reloc \
	           --target=efi-app-x86_64 --strip-debug $< $@

# ---------------------------------------------------------------- host tests, fuzzers, benchmarks
# A test T lists its C sources in T_SRCS, extra link flags in T_LIBS, and files it reads at run
# time (not compiled) in T_DEPS. Headers are tracked per object (-MMD).
$(B)/host/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(call say,CC,$@)$(HOSTCC) $(HOST_CFLAGS) -c $< -o $@

$(B)/host-san/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(call say,CC,$@)$(HOSTCC) $(SAN_CFLAGS) -c $< -o $@

$(B)/host-tsan/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(call say,CC,$@)$(HOSTCC) $(TSAN_CFLAGS) -c $< -o $@

$(B)/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(call say,CC,$@)$(CLANG) $(FUZZ_CFLAGS) -c $< -o $@

$(B)/bench/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(call say,CC,$@)$(HOSTCC) $(BENCH_CFLAGS) -c $< -o $@

define host_test_rule
$(B)/host/$(1): $(call objs,host,$($(1)_SRCS)) $($(1)_DEPS)
	$$(call say,LD,$$@)$$(HOSTCC) $$(HOST_CFLAGS) $$(filter %.o,$$^) -o $$@ -lcmocka $$($(1)_LIBS)
$(B)/host-san/$(1): $(call objs,host-san,$($(1)_SRCS)) $($(1)_DEPS)
	$$(call say,LD,$$@)$$(HOSTCC) $$(SAN_CFLAGS) $$(filter %.o,$$^) -o $$@ -lcmocka $$($(1)_LIBS)
endef
$(foreach t,$(HOST_TESTS),$(eval $(call host_test_rule,$(t))))

# A TSan test T lists T_SRCS like a host test; it is built once, with ThreadSanitizer.
define tsan_test_rule
$(B)/host-tsan/$(1): $(call objs,host-tsan,$($(1)_SRCS)) $($(1)_DEPS)
	$$(call say,LD,$$@)$$(HOSTCC) $$(TSAN_CFLAGS) $$(filter %.o,$$^) -o $$@ -lcmocka $$($(1)_LIBS)
endef
$(foreach t,$(TSAN_TESTS),$(eval $(call tsan_test_rule,$(t))))

define fuzz_rule
$(B)/fuzz/$(1): $(call objs,fuzz,$($(1)_SRCS))
	$$(call say,LD,$$@)$$(CLANG) $$(FUZZ_CFLAGS) $$^ -o $$@
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_rule,$(t))))

define bench_rule
$(B)/bench/$(1): $(call objs,bench,$($(1)_SRCS))
	$$(call say,LD,$$@)$$(HOSTCC) $$(BENCH_CFLAGS) $$^ -o $$@ $$($(1)_LIBS)
endef
$(foreach t,$(HOST_BENCHES),$(eval $(call bench_rule,$(t))))

HOST_BINS := $(foreach t,$(HOST_TESTS),$(B)/host/$(t) $(B)/host-san/$(t)) $(foreach t,$(TSAN_TESTS),$(B)/host-tsan/$(t))
FUZZ_BINS := $(foreach t,$(FUZZ_TARGETS),$(B)/fuzz/$(t))

host-tests: $(HOST_BINS)

# make check: the fast loop, host tests only.
check: host-tests
	@HOST_TESTS="$(HOST_TESTS)" TSAN_TESTS="$(TSAN_TESTS)" tools/test-runner.sh host

# make test: everything, from a fresh machine.
test: deps
	@$(MAKE) --no-print-directory all host-tests $(FUZZ_BINS)
	@HOST_TESTS="$(HOST_TESTS)" TSAN_TESTS="$(TSAN_TESTS)" FUZZ_TARGETS="$(FUZZ_TARGETS)" LINT=1 tools/test-runner.sh all

# make lint: the static checks make test also runs (tools/lint.sh).
lint:
	@tools/lint.sh

fuzz-long: $(FUZZ_BINS)
	@for f in $(FUZZ_BINS); do echo "== $$f"; $$f -max_total_time=600 || exit 1; done

# The benchmarks run in name order (the EPT library's, then the exit path's).
bench: deps
	@$(MAKE) --no-print-directory all $(BENCH_DEPS)
	@set -e; $(foreach c,$(sort $(BENCH_CMDS)),$(c);)

run: deps
	@$(MAKE) --no-print-directory all
	@tools/run.sh

clean:
	rm -rf $(B)

-include $(shell find $(B) -name '*.d' 2>/dev/null)
