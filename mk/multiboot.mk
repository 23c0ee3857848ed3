# mk/multiboot.mk - the Multiboot v1 loader module (vmm/vm/multiboot.c: format detection and the load
# plan; vmm/vm/multiboot_info.c: loading and the information structure) and its host test. The image
# builds both files through mk/vmm.mk's wildcard; nothing calls them yet (issue 15).
HOST_TESTS += test_multiboot
# elf_ref.c holds the host's <elf.h> numbers, a second source for vmm/vm/elf.h. The test also reads
# the built-in default guest (detected as MHVGUEST).
test_multiboot_SRCS = tests/host/test_multiboot.c tests/host/elf_ref.c vmm/vm/multiboot.c vmm/vm/multiboot_info.c \
                      arch/lib/fmt.c arch/lib/str.c
test_multiboot_DEPS = $(B)/guest/default.bin
