# mk/multiboot.mk - the Multiboot v1 loader module (vmm/vm/multiboot.c: format detection and the load
# plan; vmm/vm/multiboot_info.c: loading and the information structure) and its host test, and the
# guest loader that dispatches on the format (vmm/vm/loader.c, guest_select.c, mb_guest.c) with its
# host test. The image builds them all through mk/vmm.mk's wildcard.
HOST_TESTS += test_multiboot
# elf_ref.c holds the host's <elf.h> numbers, a second source for vmm/vm/elf.h. The test also reads
# the built-in default guest (detected as MHVGUEST).
test_multiboot_SRCS = tests/host/test_multiboot.c tests/host/elf_ref.c vmm/vm/multiboot.c vmm/vm/multiboot_info.c \
                      arch/lib/fmt.c arch/lib/str.c
test_multiboot_DEPS = $(B)/guest/default.bin

# The loader over the image's built-in guests: the test includes build/guest/default.bin and the
# kernels with .incbin, so its objects depend on them.
HOST_TESTS += test_loader
test_loader_SRCS = tests/host/test_loader.c tests/host/exit_harness.c vmm/vm/loader.c vmm/vm/guest_select.c vmm/vm/mb_guest.c vmm/vm/image.c \
                   vmm/vm/multiboot.c vmm/vm/multiboot_info.c vmm/config.c vmm/vmx/vmcs_encoding.c $(DISPATCH_SRCS)
$(B)/host/obj/tests/host/test_loader.o $(B)/host-san/obj/tests/host/test_loader.o: $(B)/guest/default.bin \
	$(GUEST_KERNEL_BINS)

# The Multiboot entry state and the guest's own mode switches against the VM-entry checker, on the
# fake CPU models and the real CPUs of tests/host/entry_check_cpus.c.
HOST_TESTS += test_entry_state
test_entry_state_SRCS = $(sort tests/host/test_entry_state.c tests/host/exit_harness.c $(ENTRY_CHECK_TEST_COMMON))
