# mk/tests_vmm.mk - host unit tests of the VT-x probe, config parser, formatter and the
# code's VMX constants against the reference tables (shared/reference/vmx).

HOST_TESTS += test_vmx_caps
test_vmx_caps_SRCS := tests/host/test_vmx_caps.c tests/host/fake_cpu.c vmm/vmx_caps.c vmm/fmt.c \
                      vmm/status.c tests/host/fake_cpu.h vmm/vmx_caps.h vmm/vmx_controls.h \
                      arch/x86_64/msr.h vmm/status.h vmm/fmt.h

HOST_TESTS += test_config
test_config_SRCS := tests/host/test_config.c vmm/config.c vmm/fmt.c vmm/config.h vmm/boot_info.h vmm/fmt.h

HOST_TESTS += test_fmt
test_fmt_SRCS := tests/host/test_fmt.c vmm/fmt.c vmm/fmt.h

HOST_TESTS += test_vmx_reference
test_vmx_reference_SRCS := tests/host/test_vmx_reference.c tests/host/ref_tsv.c arch/x86_64/vmx_errors.c \
                           tests/host/ref_tsv.h arch/x86_64/msr.h arch/x86_64/vmx_insn.h vmm/vmx_controls.h

HOST_TESTS += test_log
test_log_SRCS := tests/host/test_log.c vmm/log.c vmm/fmt.c vmm/log.h vmm/fmt.h
