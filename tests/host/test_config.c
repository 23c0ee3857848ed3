// SPDX-License-Identifier: MIT
/*
 * tests/host/test_config.c - HV.CFG parsing (vmm/config.c): every option and
 * value, comments, CRLF, blank lines, the first error's exact text, later
 * valid lines still applied, limits of each value.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "vmm/config.h"

/* The expected configuration: a field left 0/NULL keeps its default. */
struct want_cfg {
	int poweroff;                   /* -1 = default (shutdown) */
	int panic_poweroff;             /* -1 = default (false) */
	const char *guest;              /* NULL = "default" */
	uint64_t budget_mtsc;             /* 0 = default (HV_DEFAULT_BUDGET_MTSC) */
	int leak;                       /* 1 = test_leak_addresses=on */
	int exit_log_off;               /* 1 = exit_log=off; 0 = default (on) */
};

#define DEF -1, -1, NULL
#define G31 "abcdefghijklmnopqrstuvwxyz01234"   /* 31 characters: the longest name */

static const struct {
	const char *text;
	int rc;
	const char *err;
	struct want_cfg want;
} cases[] = {
	{ "", 0, "", { DEF, 0, 0, 0 } },
	{ "poweroff=shutdown", 0, "", { HV_POWEROFF_SHUTDOWN, -1, NULL, 0, 0, 0 } },
	{ "poweroff=reboot", 0, "", { HV_POWEROFF_REBOOT, -1, NULL, 0, 0, 0 } },
	{ "poweroff=halt\n", 0, "", { HV_POWEROFF_HALT, -1, NULL, 0, 0, 0 } },
	{ "poweroff=halt\npoweroff=shutdown\n", 0, "", { HV_POWEROFF_SHUTDOWN, -1, NULL, 0, 0, 0 } },
	{ "poweroff=off", -1, "line 1: bad value", { DEF, 0, 0, 0 } },
	{ "poweroff=Halt", -1, "line 1: bad value", { DEF, 0, 0, 0 } },
	{ "poweroff=", -1, "line 1: bad value", { DEF, 0, 0, 0 } },
	{ "panic=poweroff", 0, "", { -1, 1, NULL, 0, 0, 0 } },
	{ "panic=poweroff\npanic=halt", 0, "", { -1, 0, NULL, 0, 0, 0 } },
	{ "panic=reboot", -1, "line 1: bad value", { DEF, 0, 0, 0 } },
	{ "guest=hello", 0, "", { -1, -1, "hello", 0, 0, 0 } },
	{ "guest=" G31, 0, "", { -1, -1, G31, 0, 0, 0 } },
	{ "guest=" G31 "5", -1, "line 1: bad value", { DEF, 0, 0, 0 } },
	{ "guest=", -1, "line 1: bad value", { DEF, 0, 0, 0 } },
	{ "guest=a=b", 0, "", { -1, -1, "a=b", 0, 0, 0 } },
	{ "budget_mtsc=1500", 0, "", { DEF, 1500, 0, 0 } },
	{ "budget_mtsc=1", 0, "", { DEF, 1, 0, 0 } },
	{ "budget_mtsc=1000000000", 0, "", { DEF, 1000000000ull, 0, 0 } },
	{ "budget_mtsc=1000000001", -1, "line 1: bad value", { DEF, 0, 0, 0 } },
	{ "budget_mtsc=1000000000000000000", -1, "line 1: bad value", { DEF, 0, 0, 0 } },
	{ "budget_mtsc=0", -1, "line 1: bad value", { DEF, 0, 0, 0 } },
	{ "budget_mtsc=12a", -1, "line 1: bad value", { DEF, 0, 0, 0 } },
	{ "budget_mtsc=-5", -1, "line 1: bad value", { DEF, 0, 0, 0 } },
	{ "budget_mtsc=", -1, "line 1: bad value", { DEF, 0, 0, 0 } },
	{ "test_leak_addresses=off", 0, "", { DEF, 0, 0, 0 } },
	{ "test_leak_addresses=on", 0, "", { DEF, 0, 1, 0 } },
	{ "test_leak_addresses=1", -1, "line 1: bad value", { DEF, 0, 0, 0 } },
	{ "test_flags=8", -1, "line 1: test_flags is gone: use vmwrite=0x<encoding>:0x<value> or test_leak_addresses=on",
	  { DEF, 0, 0, 0 } },
	{ "exit_log=off", 0, "", { DEF, 0, 0, 1 } },
	{ "exit_log=off\nexit_log=on", 0, "", { DEF, 0, 0, 0 } },
	{ "exit_log = off \r\n", 0, "", { DEF, 0, 0, 1 } },
	{ "exit_log=0", -1, "line 1: bad value", { DEF, 0, 0, 0 } },
	{ "exit_log=OFF", -1, "line 1: bad value", { DEF, 0, 0, 0 } },
	/* Comments, blank lines, surrounding blanks, CRLF. */
	{ "# a comment\n", 0, "", { DEF, 0, 0, 0 } },
	{ "# poweroff=halt\n  # guest=x\n", 0, "", { DEF, 0, 0, 0 } },
	{ "\n\n \t \n\npoweroff=halt\n\n", 0, "", { HV_POWEROFF_HALT, -1, NULL, 0, 0, 0 } },
	{ "  \tpanic=poweroff \t\n", 0, "", { -1, 1, NULL, 0, 0, 0 } },
	{ "poweroff = halt\nguest =\tx\n", 0, "", { HV_POWEROFF_HALT, -1, "x", 0, 0, 0 } },
	{ "poweroff=reboot\r\nguest=crlf\r\nbudget_mtsc=7\r\n", 0, "", { HV_POWEROFF_REBOOT, -1, "crlf", 7, 0, 0 } },
	{ "\r\n# c\r\n\r\ntest_leak_addresses=on\r\n", 0, "", { DEF, 0, 1, 0 } },
	/* Errors: the first one is reported with its line number, later lines still apply. */
	{ "foo=bar", -1, "line 1: unknown option", { DEF, 0, 0, 0 } },
	{ "POWEROFF=halt", -1, "line 1: unknown option", { DEF, 0, 0, 0 } },
	{ "=halt", -1, "line 1: unknown option", { DEF, 0, 0, 0 } },
	{ "\n# c\nfoo=1\n", -1, "line 3: unknown option", { DEF, 0, 0, 0 } },
	{ "poweroff", -1, "line 1: expected key=value", { DEF, 0, 0, 0 } },
	{ "guest=x\n\nhalt\n", -1, "line 3: expected key=value", { -1, -1, "x", 0, 0, 0 } },
	{ "bogus\npoweroff=halt\nfoo=1\nguest=late\npanic=sometimes\nbudget_mtsc=9\n", -1,
	  "line 1: expected key=value", { HV_POWEROFF_HALT, -1, "late", 9, 0, 0 } },
	{ "guest=first\nbudget_mtsc=x\nguest=" G31 "X\ntest_leak_addresses=on\n", -1, "line 2: bad value",
	  { -1, -1, "first", 0, 1, 0 } },
	{ "poweroff=halt\r\nwhat=ever\r\n", -1, "line 2: unknown option", { HV_POWEROFF_HALT, -1, NULL, 0, 0, 0 } },
};

static void expect_cfg(const struct hv_config *got, const struct want_cfg *w)
{
	assert_int_equal(got->poweroff, w->poweroff < 0 ? HV_POWEROFF_SHUTDOWN : w->poweroff);
	assert_int_equal(got->panic_poweroff, w->panic_poweroff < 0 ? 0 : w->panic_poweroff);
	assert_string_equal(got->guest_name, w->guest ? w->guest : "default");
	assert_int_equal(got->guest_budget_mtsc, w->budget_mtsc ? w->budget_mtsc : HV_DEFAULT_BUDGET_MTSC);
	assert_int_equal(got->test_leak_addresses, w->leak);
	assert_int_equal(got->exit_log, !w->exit_log_off);
}

static void test_parse_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct hv_config cfg;
		char err[160];

		config_defaults(&cfg);
		memset(err, 'X', sizeof(err));
		print_message("# case %zu\n", i);
		assert_int_equal(config_parse(cases[i].text, strlen(cases[i].text), &cfg, err, sizeof(err)),
				 cases[i].rc);
		assert_string_equal(err, cases[i].err);
		expect_cfg(&cfg, &cases[i].want);
	}
}

static void test_defaults(void **state)
{
	struct hv_config cfg;
	static const struct want_cfg want = { DEF, 0, 0, 0 };

	(void)state;
	memset(&cfg, 0xa5, sizeof(cfg));
	config_defaults(&cfg);
	expect_cfg(&cfg, &want);
}

/* Only len bytes are parsed: no NUL terminator needed, nothing read beyond. */
static void test_parse_respects_len(void **state)
{
	static const char text[] = "poweroff=haltXX\nguest=zz";
	struct hv_config cfg;
	char err[160];

	(void)state;
	config_defaults(&cfg);
	assert_int_equal(config_parse(text, 13, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.poweroff, HV_POWEROFF_HALT);
	assert_string_equal(cfg.guest_name, "default");
	assert_int_equal(config_parse(text, 15, &cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "line 1: bad value");
	assert_int_equal(config_parse(text, 0, &cfg, err, sizeof(err)), 0);
	assert_string_equal(err, "");
}

/* A short error buffer is truncated and NUL-terminated; parsing still completes. */
static void test_parse_small_err(void **state)
{
	static const char text[] = "x\npoweroff=reboot\n";
	struct hv_config cfg;
	char err[16];

	(void)state;
	config_defaults(&cfg);
	memset(err, 'X', sizeof(err));
	assert_int_equal(config_parse(text, strlen(text), &cfg, err, 8), -1);
	assert_string_equal(err, "line 1:");
	assert_memory_equal(err + 8, "XXXXXXXX", 8);
	assert_int_equal(cfg.poweroff, HV_POWEROFF_REBOOT);
}

static void test_poweroff_names(void **state)
{
	(void)state;
	assert_string_equal(config_poweroff_name(HV_POWEROFF_SHUTDOWN), "shutdown");
	assert_string_equal(config_poweroff_name(HV_POWEROFF_REBOOT), "reboot");
	assert_string_equal(config_poweroff_name(HV_POWEROFF_HALT), "halt");
	assert_string_equal(config_poweroff_name((enum hv_poweroff)7), "shutdown");
}

/* entry_check=, entry_probe= and vmwrite=: values, limits and the exact refusal of each bad line
 * (a refused line changes nothing). */
static const struct {
	const char *text;
	const char *err;          /* "" = accepted */
	unsigned count;           /* vmwrite lines kept */
	uint32_t enc;             /* the last one kept */
	uint64_t val;
} vmwrite_cases[] = {
	{ "vmwrite=0x6820:0x0", "", 1, 0x6820, 0 },
	{ "vmwrite=0x6820:0x2\nvmwrite=0x401a:0x5", "", 2, 0x401a, 5 },
	{ "vmwrite = 0X2800:0xFFFFFFFFFFFFFFFF", "", 1, 0x2800, ~0ull },
	{ "vmwrite=0x2801:0xffffffff", "", 1, 0x2801, 0xffffffffu },
	{ "vmwrite=0x0800:0xffff", "", 1, 0x0800, 0xffff },
	{ "vmwrite=0x0800:0x10000", "line 1: vmwrite: value 0x10000 does not fit the 16-bit field 0x0800", 0, 0, 0 },
	{ "vmwrite=0x4000:0x100000000", "line 1: vmwrite: value 0x100000000 does not fit the 32-bit field 0x4000", 0,
	  0, 0 },
	{ "vmwrite=0x2801:0x100000000",
	  "line 1: vmwrite: value 0x100000000 does not fit the 32-bit (high half) field 0x2801", 0, 0, 0 },
	{ "vmwrite=0x6821:0x0", "line 1: vmwrite: 0x6821 is not a VMCS field encoding (high access is for 64-bit fields)",
	  0, 0, 0 },
	{ "vmwrite=0x1000:0x0", "line 1: vmwrite: 0x1000 is not a VMCS field encoding (bit 12 is reserved)", 0, 0, 0 },
	{ "vmwrite=0x8000:0x0", "line 1: vmwrite: 0x8000 is not a VMCS field encoding (bits 31:15 are reserved)", 0, 0,
	  0 },
	{ "vmwrite=0x100000000:0x0", "line 1: vmwrite: 0x100000000 is not a VMCS field encoding (32 bits)", 0, 0, 0 },
	{ "vmwrite=0x4402:0x0", "line 1: vmwrite: 0x4402 is a read-only VM-exit information field", 0, 0, 0 },
	{ "vmwrite=6820:0", "line 1: vmwrite: expected vmwrite=0x<encoding>:0x<value> (hex)", 0, 0, 0 },
	{ "vmwrite=0x6820", "line 1: vmwrite: expected vmwrite=0x<encoding>:0x<value> (hex)", 0, 0, 0 },
	{ "vmwrite=0x6820:", "line 1: vmwrite: expected vmwrite=0x<encoding>:0x<value> (hex)", 0, 0, 0 },
	{ "vmwrite=0x:0x1", "line 1: vmwrite: expected vmwrite=0x<encoding>:0x<value> (hex)", 0, 0, 0 },
	{ "vmwrite=0x6820:0x1g", "line 1: vmwrite: expected vmwrite=0x<encoding>:0x<value> (hex)", 0, 0, 0 },
	{ "vmwrite=0x6820:0x10000000000000000", "line 1: vmwrite: expected vmwrite=0x<encoding>:0x<value> (hex)", 0, 0,
	  0 },
	{ "vmwrite=0x0800:0x1\nvmwrite=0x0800:0x10000\nvmwrite=0x0802:0x8", "line 2: vmwrite: value 0x10000 does not fit "
	  "the 16-bit field 0x0800", 2, 0x0802, 8 },
};

static void test_vmwrite(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(vmwrite_cases) / sizeof(vmwrite_cases[0]); i++) {
		struct hv_config cfg;
		char err[160];
		const char *t = vmwrite_cases[i].text;

		config_defaults(&cfg);
		print_message("# vmwrite case %zu\n", i);
		assert_int_equal(config_parse(t, strlen(t), &cfg, err, sizeof(err)), vmwrite_cases[i].err[0] ? -1 : 0);
		assert_string_equal(err, vmwrite_cases[i].err);
		assert_int_equal(cfg.vmwrite_count, vmwrite_cases[i].count);
		if (cfg.vmwrite_count) {
			assert_int_equal(cfg.vmwrite[cfg.vmwrite_count - 1].encoding, vmwrite_cases[i].enc);
			assert_int_equal(cfg.vmwrite[cfg.vmwrite_count - 1].value, vmwrite_cases[i].val);
		}
	}
}

/* HV_VMWRITE_MAX lines are kept; the next one is refused by number. */
static void test_vmwrite_limit(void **state)
{
	static char text[HV_VMWRITE_MAX * 24 + 64];
	struct hv_config cfg;
	char err[160], want[64];
	size_t n = 0;

	(void)state;
	for (unsigned i = 0; i <= HV_VMWRITE_MAX; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "vmwrite=0x6820:0x%x\n", i);
	config_defaults(&cfg);
	assert_int_equal(config_parse(text, n, &cfg, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "line %u: vmwrite: more than %u lines", HV_VMWRITE_MAX + 1, HV_VMWRITE_MAX);
	assert_string_equal(err, want);
	assert_int_equal(cfg.vmwrite_count, HV_VMWRITE_MAX);
	assert_int_equal(cfg.vmwrite[HV_VMWRITE_MAX - 1].value, HV_VMWRITE_MAX - 1);
}

static void test_entry_check_modes(void **state)
{
	static const struct {
		const char *text;
		int rc;
		enum hv_entry_check mode;
		bool probe;
	} c[] = {
		{ "", 0, HV_ENTRY_CHECK_ON, false },
		{ "entry_check=warn", 0, HV_ENTRY_CHECK_WARN, false },
		{ "entry_check=off", 0, HV_ENTRY_CHECK_OFF, false },
		{ "entry_check=off\nentry_check=on", 0, HV_ENTRY_CHECK_ON, false },
		{ "entry_check=yes", -1, HV_ENTRY_CHECK_ON, false },
		{ "entry_probe=on\nentry_check=warn", 0, HV_ENTRY_CHECK_WARN, true },
		{ "entry_probe=1", -1, HV_ENTRY_CHECK_ON, false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct hv_config cfg;
		char err[160];

		config_defaults(&cfg);
		assert_int_equal(config_parse(c[i].text, strlen(c[i].text), &cfg, err, sizeof(err)), c[i].rc);
		assert_string_equal(err, c[i].rc ? "line 1: bad value" : "");
		assert_int_equal(cfg.entry_check, c[i].mode);
		assert_int_equal(cfg.entry_probe, c[i].probe);
	}
}

/* Parse text over the defaults: rc as given, and the error text refused (or "" when accepted). */
static void parse_one_line(const char *text, int rc, const char *refused, struct hv_config *cfg)
{
	char err[160];

	config_defaults(cfg);
	assert_int_equal(config_parse(text, strlen(text), cfg, err, sizeof(err)), rc);
	assert_string_equal(err, rc ? refused : "");
}

/* mem_mib: 2 to 4096 MiB (more than the 1 MiB below the upper RAM, at most 4 GiB), default 64;
 * mem_mib_set says HV.CFG gave it (boot/efi_main.c then sizes an MHVGUEST guest's memory by it),
 * also when it equals the default. */
static void test_mem_mib(void **state)
{
	static const struct {
		const char *text;
		int rc;
		uint32_t mib;
		bool set;
	} c[] = {
		{ "", 0, 64, false },
		{ "mem_mib=2", 0, 2, true },
		{ "mem_mib=4096", 0, 4096, true },
		{ "mem_mib = 128", 0, 128, true },
		{ "mem_mib=64", 0, 64, true },
		{ "mem_mib=1", -1, 64, false },
		{ "mem_mib=0", -1, 64, false },
		{ "mem_mib=4097", -1, 64, false },
		{ "mem_mib=64M", -1, 64, false },
		{ "mem_mib=", -1, 64, false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct hv_config cfg;

		parse_one_line(c[i].text, c[i].rc, "line 1: mem_mib: expected 2 to 4096 (MiB)", &cfg);
		assert_int_equal(cfg.mem_mib, c[i].mib);
		assert_int_equal(cfg.mem_mib_set, c[i].set);
	}
}

/* cpus: 1 to 64 or all (HV_CPUS_ALL, the default); cpus_set says HV.CFG gave it. */
static void test_cpus(void **state)
{
	static const struct {
		const char *text;
		int rc;
		uint32_t cpus;
		bool set;
	} c[] = {
		{ "", 0, HV_CPUS_ALL, false },
		{ "cpus=1", 0, 1, true },
		{ "cpus=64", 0, 64, true },
		{ "cpus = 8", 0, 8, true },
		{ "cpus=all", 0, HV_CPUS_ALL, true },
		{ "cpus=0", -1, HV_CPUS_ALL, false },
		{ "cpus=65", -1, HV_CPUS_ALL, false },
		{ "cpus=ALL", -1, HV_CPUS_ALL, false },
		{ "cpus=2x", -1, HV_CPUS_ALL, false },
		{ "cpus=", -1, HV_CPUS_ALL, false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct hv_config cfg;

		parse_one_line(c[i].text, c[i].rc, "line 1: cpus: expected 1 to 64 or all", &cfg);
		assert_int_equal(cfg.cpus, c[i].cpus);
		assert_int_equal(cfg.cpus_set, c[i].set);
	}
}

/* cmdline: the value as written (spaces inside kept, around trimmed); none is "". */
static void test_cmdline(void **state)
{
	static char text[HV_CMDLINE_MAX + 16];
	struct hv_config cfg;
	char err[160];

	(void)state;
	config_defaults(&cfg);
	assert_string_equal(cfg.cmdline, "");
	strcpy(text, "cmdline =  console=ttyS0  root=/dev/sda1 \t\n");
	assert_int_equal(config_parse(text, strlen(text), &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.cmdline, "console=ttyS0  root=/dev/sda1");
	strcpy(text, "cmdline=");
	assert_int_equal(config_parse(text, strlen(text), &cfg, err, sizeof(err)), 0);
	assert_string_equal(cfg.cmdline, "");
	/* The longest that fits, and one byte more. */
	memcpy(text, "cmdline=", 8);
	memset(text + 8, 'x', HV_CMDLINE_MAX - 1);
	assert_int_equal(config_parse(text, 8 + HV_CMDLINE_MAX - 1, &cfg, err, sizeof(err)), 0);
	assert_int_equal(strlen(cfg.cmdline), HV_CMDLINE_MAX - 1);
	text[8 + HV_CMDLINE_MAX - 1] = 'y';
	assert_int_equal(config_parse(text, 8 + HV_CMDLINE_MAX, &cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "line 1: cmdline: 4096 bytes, at most 4095");
	assert_int_equal(strlen(cfg.cmdline), HV_CMDLINE_MAX - 1);   /* the earlier value stays */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mem_mib),
		cmocka_unit_test(test_cpus),
		cmocka_unit_test(test_cmdline),
		cmocka_unit_test(test_parse_cases),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_parse_respects_len),
		cmocka_unit_test(test_parse_small_err),
		cmocka_unit_test(test_poweroff_names),
		cmocka_unit_test(test_vmwrite),
		cmocka_unit_test(test_vmwrite_limit),
		cmocka_unit_test(test_entry_check_modes),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
