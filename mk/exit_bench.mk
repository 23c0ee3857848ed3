# mk/exit_bench.mk - the exit-path benchmark (issue 6): tests/bench/exit_bench.py boots the built-in
# guest "bench" (guest/bench.asm, built into BOOTX64.EFI by mk/guest.mk) in Bochs and prints the
# ticks-per-exit table. docs/benchmarks.md explains it.
#
# Each BENCH_CMDS word is run as one command (the bench target loops over words), so the script is
# listed by itself: it is executable and starts with #!/usr/bin/env python3.
BENCH_DEPS += $(B)/BOOTX64.EFI $(B)/guest/bench.bin
BENCH_CMDS += tests/bench/exit_bench.py
