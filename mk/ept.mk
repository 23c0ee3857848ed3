# mk/ept.mk - the EPT library (ept/), its host tests, fuzz targets and benchmark.
EPT_SRCS := $(wildcard ept/*.c)
HV_SRCS  += $(EPT_SRCS)

EPT_TEST_COMMON = tests/host/ept_test_arena.c tests/host/ref_tsv.c $(EPT_SRCS)

HOST_TESTS += test_ept test_ept_violation test_ept_ref test_ept_prop
test_ept_SRCS           = tests/host/test_ept.c tests/host/test_ept_model.c $(EPT_TEST_COMMON)
test_ept_violation_SRCS = tests/host/test_ept_violation.c $(EPT_TEST_COMMON)
test_ept_ref_SRCS       = tests/host/test_ept_ref.c $(EPT_TEST_COMMON)
test_ept_prop_SRCS      = tests/host/test_ept_prop.c tests/host/test_ept_model.c $(EPT_TEST_COMMON)

# Writers under one lock, lock-free readers (the rule in ept/ept.h): plain, ASan/UBSan and TSan.
HOST_TESTS += test_ept_concurrency
TSAN_TESTS += test_ept_concurrency
test_ept_concurrency_SRCS = tests/host/test_ept_concurrency.c tests/host/ept_test_arena.c $(EPT_SRCS)
test_ept_concurrency_LIBS = -lpthread

FUZZ_TARGETS += fuzz_ept_qual fuzz_ept_ops
fuzz_ept_qual_SRCS = tests/fuzz/fuzz_ept_qual.c $(EPT_SRCS)
fuzz_ept_ops_SRCS  = tests/fuzz/fuzz_ept_ops.c tests/host/test_ept_model.c tests/host/ept_test_arena.c $(EPT_SRCS)

HOST_BENCHES += ept_bench
ept_bench_SRCS = tests/bench/ept_bench.c tests/host/ept_test_arena.c tests/host/test_ept_model.c $(EPT_SRCS)
BENCH_DEPS += $(B)/bench/ept_bench
BENCH_CMDS += $(B)/bench/ept_bench
