# mk/vmm.mk - the hypervisor (vmm/): VT-x layer, decoders, exit handlers, the guest's lifecycle,
# and their host tests. The exit dispatcher and hypercalls also run on the host over a fake VMCS
# and CPU (tests/host/fake_vmcs.c; the HV_HOST_TEST seams are in vmm/vmx/insn.h and
# arch/x86_64/cpu.h), guest memory from mmap, EPT tables in simulated physical memory.
HV_SRCS += $(wildcard vmm/*.c vmm/*/*.c)
HV_ASM  += $(wildcard vmm/*/*.asm)

HOST_TESTS += test_vmx_caps test_vmx_ctl test_vmx_reference test_config test_exit_decoders \
              test_exit_reasons test_guest_image
test_vmx_caps_SRCS      = tests/host/test_vmx_caps.c tests/host/fake_cpu.c vmm/vmx/caps.c arch/lib/fmt.c \
                          vmm/status.c arch/x86_64/cpuid_info.c
test_vmx_ctl_SRCS       = tests/host/test_vmx_ctl.c vmm/vmx/controls.c
test_vmx_reference_SRCS = tests/host/test_vmx_reference.c tests/host/ref_tsv.c tests/host/ref_check.c vmm/vmx/insn_errors.c
test_config_SRCS        = tests/host/test_config.c vmm/config.c vmm/vmx/vmcs_encoding.c arch/lib/fmt.c arch/lib/str.c
test_exit_decoders_SRCS = tests/host/test_exit_decoders.c tests/host/ref_tsv.c
# Also reads vmm/decode/exit_reasons.h, vmm/vmx/vmcs_fields.h, guest/abi.inc and vmm/vmx/entry.asm.
test_exit_reasons_SRCS  = tests/host/test_exit_reasons.c tests/host/ref_tsv.c tests/host/ref_check.c vmm/decode/exit_reasons.c
test_exit_reasons_DEPS  = vmm/decode/exit_reasons.h vmm/vmx/vmcs_fields.h guest/abi.inc vmm/vmx/entry.asm
# Also checks the real default guest.
test_guest_image_SRCS   = tests/host/test_guest_image.c vmm/vm/image.c arch/lib/fmt.c
test_guest_image_DEPS   = $(B)/guest/default.bin

# The exit path as the image has it, over the fakes (its host tests: mk/tests_exit.mk).
DISPATCH_SRCS = $(sort $(wildcard vmm/exit/*.c) vmm/vm/entry_gate.c $(ENTRY_CHECK_SRCS) vmm/vm/hypercall.c vmm/vm/protect.c vmm/vm/misconfig_demo.c \
                vmm/vm/shootdown.c vmm/vm/vcpu_start.c vmm/vm/vmcs_setup.c vmm/vmx/errata.c \
                vmm/vm/guest_ept.c vmm/vm/end.c vmm/vm/budget.c vmm/vm/entry_state.c vmm/vmx/controls.c \
                vmm/decode/exit_reasons.c vmm/status.c \
                arch/x86_64/lapic.c arch/x86_64/nmi.c \
                vmm/vmx/insn_errors.c vmm/vmx/insn_report.c vmm/vmx/msr_bitmap.c arch/lib/log.c arch/lib/fmt.c arch/lib/str.c \
                arch/lib/page_pool.c arch/x86_64/xsave.c $(EPT_SRCS) tests/host/fake_vmcs.c \
                tests/host/ept_test_arena.c)

FUZZ_TARGETS += fuzz_exit_dispatch
fuzz_exit_dispatch_SRCS = tests/fuzz/fuzz_exit_dispatch.c $(DISPATCH_SRCS)

# Starting the application processors: INIT-SIPI-SIPI over a fake APIC and clock; the cpus: lines.
HOST_TESTS += test_smp_start
test_smp_start_SRCS = tests/host/test_smp_start.c vmm/smp/start.c vmm/smp/plan.c vmm/smp/caps_match.c vmm/config.c \
                      vmm/vmx/vmcs_encoding.c arch/x86_64/lapic.c arch/lib/fmt.c arch/lib/str.c
# Also reads the start-up code's parameter offsets.
test_smp_start_DEPS = arch/x86_64/ap_start.asm
