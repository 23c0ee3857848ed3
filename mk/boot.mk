# The boot foundation: UEFI loader, CPU primitives, log, VT-x enable.
EFI_SRCS += boot/efi_main.c boot/efi_platform.c boot/efi_files.c boot/efi_gop.c
HV_SRCS  += arch/x86_64/uart.c arch/x86_64/gdt.c arch/x86_64/idt.c arch/x86_64/paging.c \
            arch/x86_64/vmx_insn.c arch/x86_64/vmx_report.c arch/x86_64/vmx_errors.c \
            vmm/fmt.c vmm/log.c vmm/status.c vmm/config.c vmm/page_pool.c vmm/vmx_caps.c \
            vmm/vmx_enable.c vmm/cap_report.c vmm/main.c vmm/vm.c
HV_ASM   += arch/x86_64/isr.asm arch/x86_64/stack.asm

# The banner prints the commit and the serial port.
$(B)/obj/vmm/main.o: $(B)/commit.stamp
