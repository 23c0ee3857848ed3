# mk/tests_exit.mk - the VM-exit host tests: one cmocka program per exit family, each over the
# shared harness (tests/host/exit_harness.c: the fake guest, exits raised as the CPU would, log
# checks) and the exit path as the image has it (DISPATCH_SRCS, from mk/vmm.mk; hence `=`).
HOST_TESTS += test_exit_cpuid test_exit_io test_exit_hypercall test_exit_ept test_exit_end \
              test_exit_msr_xsetbv_cr test_exit_log test_exit_msr
test_exit_cpuid_SRCS         = tests/host/test_exit_cpuid.c tests/host/exit_harness.c $(DISPATCH_SRCS)
test_exit_io_SRCS            = tests/host/test_exit_io.c tests/host/exit_harness.c $(DISPATCH_SRCS)
test_exit_hypercall_SRCS     = tests/host/test_exit_hypercall.c tests/host/exit_harness.c $(DISPATCH_SRCS)
test_exit_ept_SRCS           = tests/host/test_exit_ept.c tests/host/exit_harness.c $(DISPATCH_SRCS)
test_exit_end_SRCS           = tests/host/test_exit_end.c tests/host/exit_harness.c $(DISPATCH_SRCS)
test_exit_msr_xsetbv_cr_SRCS = tests/host/test_exit_msr_xsetbv_cr.c tests/host/exit_harness.c $(DISPATCH_SRCS)
test_exit_log_SRCS           = tests/host/test_exit_log.c tests/host/exit_harness.c $(DISPATCH_SRCS)
test_exit_msr_SRCS           = tests/host/test_exit_msr.c tests/host/exit_harness.c $(DISPATCH_SRCS)

HOST_TESTS += test_exit_events
test_exit_events_SRCS = tests/host/test_exit_events.c tests/host/exit_harness.c vmm/vmx/flush.c $(DISPATCH_SRCS)

# A Multiboot guest's exits: GPA != HPA, its mode switches (vmm/exit/cr_mode.c).
HOST_TESTS += test_exit_multiboot
test_exit_multiboot_SRCS = tests/host/test_exit_multiboot.c tests/host/exit_harness.c $(DISPATCH_SRCS)

# One guest with several vCPUs: HC_VCPU_START/INDEX, the EPT shootdown, each vCPU ending itself.
HOST_TESTS += test_exit_vcpus
test_exit_vcpus_SRCS = tests/host/test_exit_vcpus.c tests/host/exit_harness.c $(DISPATCH_SRCS)
