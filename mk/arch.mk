# mk/arch.mk - support code every layer uses (arch/lib/) and the CPU primitives (arch/x86_64/;
# the screen console has its own fragment, mk/fbcon.mk), with their host tests.
HV_SRCS += $(wildcard arch/lib/*.c) $(filter-out arch/x86_64/fbcon.c,$(wildcard arch/x86_64/*.c))
HV_ASM  += $(wildcard arch/x86_64/*.asm)

HOST_TESTS += test_fmt test_log test_xsave
test_fmt_SRCS = tests/host/test_fmt.c arch/lib/fmt.c
test_xsave_SRCS = tests/host/test_xsave.c arch/x86_64/xsave.c
test_log_SRCS = tests/host/test_log.c arch/lib/log.c arch/lib/fmt.c arch/lib/str.c

# The log with four producer threads (CPU tags, lines never interleaved): plain, ASan and TSan.
HOST_TESTS += test_log_smp
TSAN_TESTS += test_log_smp
test_log_smp_SRCS = tests/host/test_log_smp.c arch/lib/log.c arch/lib/fmt.c arch/lib/str.c
test_log_smp_LIBS = -lpthread

# The take-over of the machine: paging (4/5 levels, MTRRs), interrupt masking, CET, NMIs.
HOST_TESTS += test_takeover
test_takeover_SRCS = tests/host/test_takeover.c arch/x86_64/paging.c arch/x86_64/mtrr.c arch/x86_64/lapic.c \
                     arch/x86_64/pic.c arch/x86_64/cet.c arch/x86_64/nmi.c vmm/vmx/errata.c

# The processors the ACPI MADT lists (the loader's fallback without MP services).
HOST_TESTS += test_madt
test_madt_SRCS = tests/host/test_madt.c arch/x86_64/madt.c arch/lib/fmt.c arch/lib/str.c
