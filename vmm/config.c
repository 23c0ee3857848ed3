/* HV.CFG parser. Unknown keys and bad values are reported, never fatal. */
#include "vmm/config.h"
#include "arch/lib/fmt.h"
#include "arch/lib/str.h"
#include "vmm/vmx/vmcs_encoding.h"

#include <stdbool.h>
#include <stdint.h>

static void set_guest_name(struct hv_config *cfg, const char *v, size_t n)
{
	mem_copy(cfg->guest_name, v, n);
	cfg->guest_name[n] = '\0';
}

void config_defaults(struct hv_config *cfg)
{
	*cfg = (struct hv_config){ 0 };
	cfg->poweroff = HV_POWEROFF_SHUTDOWN;
	cfg->guest_budget_mtsc = HV_DEFAULT_BUDGET_MTSC;
	set_guest_name(cfg, "default", 7);
	cfg->exit_log = true;
	cfg->mem_mib = HV_MEM_MIB_DEFAULT;
	cfg->cpus = HV_CPUS_DEFAULT;
}

const char *config_poweroff_name(enum hv_poweroff p)
{
	return p == HV_POWEROFF_REBOOT ? "reboot" : p == HV_POWEROFF_HALT ? "halt" : "shutdown";
}

static bool span_eq(const char *s, size_t n, const char *lit)
{
	size_t i = 0;
	for (; i < n && lit[i]; i++)
		if (s[i] != lit[i])
			return false;
	return i == n && lit[i] == '\0';
}

static bool parse_u64(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	if (n == 0 || n > 18)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return true;
}

static int parse_on_off(const char *v, size_t n, bool *out)
{
	if (span_eq(v, n, "on"))
		*out = true;
	else if (span_eq(v, n, "off"))
		*out = false;
	else
		return -1;
	return 0;
}

/* "0x" and 1 to 16 hex digits. */
static bool parse_hex(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	if (n < 3 || n > 18 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return false;
	for (size_t i = 2; i < n; i++) {
		char c = s[i];
		unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') :
			     c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10) :
			     c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16u;
		if (d > 15)
			return false;
		v = v << 4 | d;
	}
	*out = v;
	return true;
}

/* vmwrite=0x<encoding>:0x<value>; detail gets the reason for a refusal. */
static int add_vmwrite(struct hv_config *cfg, const char *v, size_t vn, char *detail, size_t detail_len)
{
	size_t colon = 0;
	uint64_t enc, val;
	char why[96];

	while (colon < vn && v[colon] != ':')
		colon++;
	if (colon == vn || !parse_hex(v, colon, &enc) || !parse_hex(v + colon + 1, vn - colon - 1, &val)) {
		hv_snprintf(detail, detail_len, "vmwrite: expected vmwrite=0x<encoding>:0x<value> (hex)");
		return -1;
	}
	if (enc > 0xffffffffull) {
		hv_snprintf(detail, detail_len, "vmwrite: 0x%llx is not a VMCS field encoding (32 bits)",
			    (unsigned long long)enc);
		return -1;
	}
	if (!vmcs_enc_check((uint32_t)enc, val, why, sizeof(why))) {
		hv_snprintf(detail, detail_len, "vmwrite: %s", why);
		return -1;
	}
	if (vmcs_enc_type((uint32_t)enc) == VMCS_TYPE_EXIT_INFO) {
		hv_snprintf(detail, detail_len, "vmwrite: 0x%04llx is a read-only VM-exit information field",
			    (unsigned long long)enc);
		return -1;
	}
	if (cfg->vmwrite_count == HV_VMWRITE_MAX) {
		hv_snprintf(detail, detail_len, "vmwrite: more than %u lines", HV_VMWRITE_MAX);
		return -1;
	}
	cfg->vmwrite[cfg->vmwrite_count].encoding = (uint32_t)enc;
	cfg->vmwrite[cfg->vmwrite_count++].value = val;
	return 0;
}

static int set_option(struct hv_config *cfg, const char *k, size_t kn, const char *v, size_t vn, char *detail,
		      size_t detail_len)
{
	uint64_t num;

	if (span_eq(k, kn, "poweroff")) {
		if (span_eq(v, vn, "shutdown"))
			cfg->poweroff = HV_POWEROFF_SHUTDOWN;
		else if (span_eq(v, vn, "reboot"))
			cfg->poweroff = HV_POWEROFF_REBOOT;
		else if (span_eq(v, vn, "halt"))
			cfg->poweroff = HV_POWEROFF_HALT;
		else
			return -1;
	} else if (span_eq(k, kn, "panic")) {
		if (span_eq(v, vn, "poweroff"))
			cfg->panic_poweroff = true;
		else if (span_eq(v, vn, "halt"))
			cfg->panic_poweroff = false;
		else
			return -1;
	} else if (span_eq(k, kn, "guest")) {
		if (vn == 0 || vn >= sizeof(cfg->guest_name))
			return -1;
		set_guest_name(cfg, v, vn);
	} else if (span_eq(k, kn, "budget_mtsc")) {
		if (!parse_u64(v, vn, &num) || num == 0 || num > 1000000000ull)
			return -1;
		cfg->guest_budget_mtsc = num;
	} else if (span_eq(k, kn, "exit_log")) {
		return parse_on_off(v, vn, &cfg->exit_log);
	} else if (span_eq(k, kn, "test_nmi")) {
		return parse_on_off(v, vn, &cfg->test_nmi);
	} else if (span_eq(k, kn, "test_leak_addresses")) {
		return parse_on_off(v, vn, &cfg->test_leak_addresses);
	} else if (span_eq(k, kn, "entry_check")) {
		if (span_eq(v, vn, "on"))
			cfg->entry_check = HV_ENTRY_CHECK_ON;
		else if (span_eq(v, vn, "warn"))
			cfg->entry_check = HV_ENTRY_CHECK_WARN;
		else if (span_eq(v, vn, "off"))
			cfg->entry_check = HV_ENTRY_CHECK_OFF;
		else
			return -1;
	} else if (span_eq(k, kn, "entry_probe")) {
		return parse_on_off(v, vn, &cfg->entry_probe);
	} else if (span_eq(k, kn, "mem_mib")) {
		if (!parse_u64(v, vn, &num) || num < HV_MEM_MIB_MIN || num > HV_MEM_MIB_MAX) {
			hv_snprintf(detail, detail_len, "mem_mib: expected %u to %u (MiB)", HV_MEM_MIB_MIN, HV_MEM_MIB_MAX);
			return -1;
		}
		cfg->mem_mib = (uint32_t)num;
		cfg->mem_mib_set = true;
	} else if (span_eq(k, kn, "cpus")) {
		if (span_eq(v, vn, "all")) {
			num = HV_CPUS_ALL;
		} else if (!parse_u64(v, vn, &num) || num < 1 || num > HV_CPUS_MAX) {
			hv_snprintf(detail, detail_len, "cpus: expected 1 to %u or all", HV_CPUS_MAX);
			return -1;
		}
		cfg->cpus = (uint32_t)num;
		cfg->cpus_set = true;
	} else if (span_eq(k, kn, "cmdline")) {
		if (vn >= sizeof(cfg->cmdline)) {
			hv_snprintf(detail, detail_len, "cmdline: %zu bytes, at most %zu", vn, sizeof(cfg->cmdline) - 1);
			return -1;
		}
		mem_copy(cfg->cmdline, v, vn);
		cfg->cmdline[vn] = '\0';
	} else if (span_eq(k, kn, "vmwrite")) {
		return add_vmwrite(cfg, v, vn, detail, detail_len);
	} else if (span_eq(k, kn, "test_flags")) {
		hv_snprintf(detail, detail_len,
			    "test_flags is gone: use vmwrite=0x<encoding>:0x<value> or test_leak_addresses=on");
		return -1;
	} else {
		return -2;
	}
	return 0;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

int config_parse(const char *text, size_t len, struct hv_config *cfg, char *err, size_t err_len)
{
	int result = 0, line_no = 0;
	size_t i = 0;

	err[0] = '\0';
	while (i < len) {
		size_t start = i, end, eq;
		line_no++;
		while (i < len && text[i] != '\n')
			i++;
		end = i++;
		while (start < end && is_space(text[start]))
			start++;
		while (end > start && is_space(text[end - 1]))
			end--;
		if (start == end || text[start] == '#')
			continue;
		for (eq = start; eq < end && text[eq] != '='; eq++)
			;
		size_t kend = eq, vstart = eq + 1;
		while (kend > start && is_space(text[kend - 1]))
			kend--;
		while (vstart < end && is_space(text[vstart]))
			vstart++;
		char detail[120] = "";
		int r = eq == end ? -3 :
				    set_option(cfg, text + start, kend - start, text + vstart, end - vstart, detail,
					       sizeof(detail));
		if (r != 0 && result == 0) {
			result = -1;
			hv_snprintf(err, err_len, "line %d: %s", line_no,
				    detail[0] ? detail : r == -2 ? "unknown option" : r == -3 ? "expected key=value" :
				    "bad value");
		}
	}
	return result;
}
