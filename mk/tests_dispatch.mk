# mk/tests_dispatch.mk - the VM-exit dispatcher on the host: the real vmm/vmx_exit.c and
# vmm/hypercall.c (and what they call) over a fake VMCS and CPU (tests/host/fake_vmcs.c; the
# HV_HOST_TEST seams are in arch/x86_64/vmx_insn.h and cpu.h), guest memory from mmap, EPT tables
# in simulated physical memory. Unit tests of the handlers, and a fuzzer of exit sequences.

DISPATCH_SRCS := vmm/vmx_exit.c vmm/hypercall.c vmm/log.c vmm/fmt.c vmm/exit_reasons.c vmm/status.c \
                 arch/x86_64/vmx_errors.c arch/x86_64/vmx_report.c $(EPT_SRCS) \
                 tests/host/fake_vmcs.c tests/host/ept_test_arena.c
DISPATCH_HDRS := $(wildcard vmm/*.h ept/*.h) arch/x86_64/cpu.h arch/x86_64/vmx_insn.h \
                 tests/host/fake_vmcs.h tests/host/ept_test_arena.h

HOST_TESTS += test_exit_dispatch
test_exit_dispatch_SRCS := tests/host/test_exit_dispatch.c $(DISPATCH_SRCS) $(DISPATCH_HDRS)

FUZZ_TARGETS += fuzz_exit_dispatch
fuzz_exit_dispatch_SRCS := tests/fuzz/fuzz_exit_dispatch.c $(DISPATCH_SRCS) $(DISPATCH_HDRS)
