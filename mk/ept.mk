# mk/ept.mk - the EPT library (ept/), its host tests, fuzz targets and benchmark.

EPT_SRCS := ept/ept.c ept/ept_violation.c ept/ept_misconfig.c
HV_SRCS  += $(EPT_SRCS)

# "No libc calls at all": keep GCC from turning the zeroing loops into memset.
$(B)/obj/ept/%.o: HV_CFLAGS += -fno-tree-loop-distribute-patterns

EPT_TEST_COMMON := tests/host/ept_test_arena.c tests/host/ref_tsv.c

HOST_TESTS += test_ept test_ept_violation test_ept_ref test_ept_prop
test_ept_SRCS           := tests/host/test_ept.c tests/host/test_ept_model.c $(EPT_SRCS) $(EPT_TEST_COMMON) \
                           tests/host/test_ept_model.h tests/host/ept_test_arena.h tests/host/ref_tsv.h $(wildcard ept/*.h)
test_ept_violation_SRCS := tests/host/test_ept_violation.c $(EPT_SRCS) $(EPT_TEST_COMMON) \
                           tests/host/ref_tsv.h $(wildcard ept/*.h)
test_ept_ref_SRCS       := tests/host/test_ept_ref.c $(EPT_SRCS) $(EPT_TEST_COMMON) \
                           tests/host/ept_test_arena.h tests/host/ref_tsv.h $(wildcard ept/*.h)
test_ept_prop_SRCS      := tests/host/test_ept_prop.c tests/host/test_ept_model.c $(EPT_SRCS) \
                           $(EPT_TEST_COMMON) tests/host/test_ept_model.h tests/host/ept_test_arena.h \
                           $(wildcard ept/*.h)

FUZZ_TARGETS += fuzz_ept_qual fuzz_ept_ops
fuzz_ept_qual_SRCS := tests/fuzz/fuzz_ept_qual.c $(EPT_SRCS) $(wildcard ept/*.h)
fuzz_ept_ops_SRCS  := tests/fuzz/fuzz_ept_ops.c tests/host/test_ept_model.c tests/host/ept_test_arena.c \
                      $(EPT_SRCS) tests/host/test_ept_model.h tests/host/ept_test_arena.h $(wildcard ept/*.h)

# Benchmark: optimised host build, no sanitizers.
EPT_BENCH_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror -I. -Iinclude -DHV_HOST_TEST -D_DEFAULT_SOURCE
$(B)/bench/ept_bench: tests/bench/ept_bench.c $(EPT_SRCS) tests/host/ept_test_arena.c \
                      tests/host/test_ept_model.c tests/host/test_ept_model.h \
                      tests/host/ept_test_arena.h $(wildcard ept/*.h)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(EPT_BENCH_CFLAGS) $(filter %.c,$^) -o $@
BENCH_DEPS += $(B)/bench/ept_bench
BENCH_CMDS += $(B)/bench/ept_bench
