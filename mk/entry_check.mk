# mk/entry_check.mk - the VM-entry checker (vmm/vmx/entry_check*.c; in the image through mk/vmm.mk's
# wildcard) and its host tests: the VMCS the real vmm/vm/vmcs_setup.c writes, run over the fake
# VMCS and CPU (tests/host/fake_vmcs.c, with the exit path's sources, DISPATCH_SRCS) on fake and
# real CPUs; one failing mutation per check; the facts against the reference tables and the docs.
ENTRY_CHECK_SRCS = $(filter-out vmm/vmx/entry_check_image.c,$(wildcard vmm/vmx/entry_check*.c)) arch/x86_64/cpuid_info.c arch/lib/fmt.c arch/lib/str.c
# Recursive: DISPATCH_SRCS comes from mk/vmm.mk. $(sort) drops the sources both lists have.
ENTRY_CHECK_TEST_COMMON = $(sort tests/host/entry_check_machine.c tests/host/entry_check_cpus.c tests/host/fake_cpu.c \
                          vmm/vm/vmcs_setup.c vmm/vmx/caps.c vmm/vmx/controls.c vmm/vmx/errata.c vmm/config.c \
                          vmm/vmx/vmcs_encoding.c $(DISPATCH_SRCS))

HOST_TESTS += test_entry_check
test_entry_check_SRCS = tests/host/test_entry_check.c $(ENTRY_CHECK_TEST_COMMON)

HOST_TESTS += test_entry_check_mutations
test_entry_check_mutations_SRCS = tests/host/test_entry_check_mutations.c $(ENTRY_CHECK_TEST_COMMON)

# Also reads vmm/vmx/vmcs_fields.h and docs/vm-entry-checks.md.
HOST_TESTS += test_entry_check_ref
test_entry_check_ref_SRCS = tests/host/test_entry_check_ref.c tests/host/ref_tsv.c tests/host/ref_check.c $(ENTRY_CHECK_SRCS)
test_entry_check_ref_DEPS = vmm/vmx/vmcs_fields.h docs/vm-entry-checks.md

HOST_TESTS += test_entry_gate
test_entry_gate_SRCS = tests/host/test_entry_gate.c $(ENTRY_CHECK_TEST_COMMON)
