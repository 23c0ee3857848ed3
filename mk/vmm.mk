# The guest, its VMCS and the exit dispatcher.
HV_SRCS += vmm/exit_reasons.c vmm/vmx_controls.c vmm/vmcs.c vmm/guest_image.c vmm/guest_loader.c \
           vmm/hypercall.c vmm/vmx_exit.c
HV_ASM  += vmm/vmx_entry.asm
