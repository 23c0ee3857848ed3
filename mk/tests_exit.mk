# mk/tests_exit.mk - host unit tests of the exit-information decoders, exit-reason names, VMCS
# encodings, hypercall ABI (C against NASM), guest-image validation and vmx_ctl_compute.

HOST_TESTS += test_exit_decoders
test_exit_decoders_SRCS := tests/host/test_exit_decoders.c tests/host/ref_tsv.c tests/host/ref_tsv.h \
                           vmm/exit_qual_io.h vmm/exit_qual_cr.h vmm/interruption_info.h

HOST_TESTS += test_exit_reasons
test_exit_reasons_SRCS := tests/host/test_exit_reasons.c tests/host/ref_tsv.c vmm/exit_reasons.c \
                          tests/host/ref_tsv.h vmm/exit_reasons.h vmm/vmcs_fields.h vmm/hypercall.h \
                          guest/abi.inc

# The test also checks the real default guest, so it depends on it (not compiled: only .c are).
HOST_TESTS += test_guest_image
test_guest_image_SRCS := tests/host/test_guest_image.c vmm/guest_image.c vmm/fmt.c \
                         vmm/guest_image.h vmm/fmt.h $(B)/guest/default.bin

HOST_TESTS += test_vmx_ctl
test_vmx_ctl_SRCS := tests/host/test_vmx_ctl.c vmm/vmx_controls.c vmm/vmx_controls.h
