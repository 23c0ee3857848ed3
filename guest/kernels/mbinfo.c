/* guest/kernels/mbinfo.c: checks what a Multiboot v1 loader hands over, field by field: the entry
 * state (EAX, segments, CR0, EFLAGS, A20) and the information structure (memory sizes, memory map,
 * command line, boot loader name). One COM1 line per check, "mbinfo: <check>: ok" or
 * "mbinfo: <check>: FAIL <why>"; the exit code (port 0xF4) is the number of failures.
 *
 *   qemu-system-x86_64 -nodefaults -nographic -serial stdio -m 64 -append "hello minihv" \
 *       -device isa-debug-exit,iobase=0xf4,iosize=0x4 -kernel build/guest/kernels/mbinfo.elf
 *   (exit status 1 = (0 failures << 1) | 1) */
#include "guest.h"
#include "multiboot.h"

#define KIB 1024ull
#define MIB (1024ull * KIB)
#define LOW_END (640 * KIB) /* the top of conventional memory */
#define MAX_ENTRIES 32
#define MAX_STRING 4096

static unsigned checks, failures;

/* check(what...) starts a line, result(ok, why...) ends it. */
static void check(const char *fmt, ...)
{
	va_list ap;

	puts("mbinfo: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	puts(": ");
}

static int result(int ok, const char *why, ...)
{
	va_list ap;

	checks++;
	if (ok) {
		puts("ok\n");
		return 1;
	}
	failures++;
	puts("FAIL ");
	va_start(ap, why);
	vprintf(why, ap);
	va_end(ap);
	putc('\n');
	return 0;
}

/* ---- segments: the selector, LAR's access rights, LSL's limit, and the base from the GDT */
#define AR_TYPE_CODE  (1u << 11)
#define AR_TYPE_RW    (1u << 9) /* code: readable; data: writable */
#define AR_TYPE_DOWN  (1u << 10) /* data: expand-down */
#define AR_S          (1u << 12)
#define AR_DPL        (3u << 13)
#define AR_P          (1u << 15)
#define AR_L          (1u << 21)
#define AR_DB         (1u << 22)

static int lar(uint32_t sel, uint32_t *ar)
{
	uint8_t ok;
	__asm__("lar %2, %0\n\tsetz %1" : "=r"(*ar), "=q"(ok) : "r"(sel) : "cc");
	return ok;
}

static int lsl(uint32_t sel, uint32_t *limit)
{
	uint8_t ok;
	__asm__("lsl %2, %0\n\tsetz %1" : "=r"(*limit), "=q"(ok) : "r"(sel) : "cc");
	return ok;
}

/* The base of GDT descriptor sel (0xffffffff if it lies past the GDT's limit). */
static uint32_t gdt_base_of(uint32_t sel)
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) gdtr;
	const uint8_t *d;

	__asm__("sgdt %0" : "=m"(gdtr));
	if ((sel | 7) > gdtr.limit)
		return 0xffffffff;
	d = (const uint8_t *)(uintptr_t)(gdtr.base + (sel & ~7u));
	return d[2] | d[3] << 8 | d[4] << 16 | (uint32_t)d[7] << 24;
}

static void check_segment(const char *name, uint32_t sel, int code)
{
	uint32_t ar = 0, limit = 0, base;
	uint32_t want = AR_P | AR_S | AR_TYPE_RW | AR_DB | (code ? AR_TYPE_CODE : 0);
	uint32_t mask = AR_P | AR_S | AR_DPL | AR_TYPE_CODE | AR_TYPE_RW | AR_DB | AR_L | (code ? 0 : AR_TYPE_DOWN);
	int ok_ar = lar(sel, &ar), ok_limit = lsl(sel, &limit);

	base = (sel & 4) ? 0xffffffff : gdt_base_of(sel);
	check("%s 0x%x flat 32-bit %s, DPL 0", name, sel, code ? "code, readable" : "data, writable");
	/* A failure line stays under 120 characters (minihv cuts longer ones). */
	result(ok_ar && ok_limit && (sel & 7) == 0 && (ar & mask) == want && limit == 0xffffffff && base == 0,
	       "ar 0x%x limit 0x%x base 0x%x%s", ar, limit, base, ok_ar && ok_limit ? "" : " (LAR/LSL refused)");
}

static void check_segments(void)
{
	uint16_t cs, ds, es, fs, gs, ss;

	__asm__("mov %%cs, %0" : "=r"(cs));
	__asm__("mov %%ds, %0" : "=r"(ds));
	__asm__("mov %%es, %0" : "=r"(es));
	__asm__("mov %%fs, %0" : "=r"(fs));
	__asm__("mov %%gs, %0" : "=r"(gs));
	__asm__("mov %%ss, %0" : "=r"(ss));
	check_segment("CS", cs, 1);
	check_segment("DS", ds, 0);
	check_segment("ES", es, 0);
	check_segment("FS", fs, 0);
	check_segment("GS", gs, 0);
	check_segment("SS", ss, 0);
}

/* ---- CPU state */
static void check_cpu(void)
{
	unsigned long cr0 = read_cr0(), flags = read_flags();

	check("CR0 0x%lx: PE on, PG off", cr0);
	result((cr0 & CR0_PE) && !(cr0 & CR0_PG), "want PE (bit 0) set and PG (bit 31) clear");
	check("EFLAGS 0x%lx: IF off, VM off", flags);
	result(!(flags & (EFLAGS_IF | EFLAGS_VM)), "want IF (bit 9) and VM (bit 17) clear");
}

/* A20 on: an address with bit 20 set is not an alias of the same address with bit 20 clear.
 * The word here has bit 20 set (the kernel is linked at 1 MiB); its would-be alias is 1 MiB
 * lower. Both are put back afterwards. */
static volatile uint32_t a20_word;

static void check_a20(void)
{
	const uintptr_t bit20 = 1u << 20;
	volatile uint32_t *hi = &a20_word;
	volatile uint32_t *lo = (volatile uint32_t *)((uintptr_t)hi - bit20);
	uint32_t save_lo = *lo, save_hi = *hi, got;

	*lo = 0x11111111;
	*hi = 0x22222222;
	got = *lo;
	*lo = save_lo;
	*hi = save_hi;
	check("A20 on (0x%lx and 0x%lx are distinct)", (unsigned long)(uintptr_t)hi, (unsigned long)(uintptr_t)lo);
	result(((uintptr_t)hi & bit20) && got == 0x11111111, "0x%lx reads 0x%x after a write to 0x%lx",
	       (unsigned long)(uintptr_t)lo, got, (unsigned long)(uintptr_t)hi);
}

/* ---- the information structure */
struct range {
	uint64_t start, end; /* [start, end) */
	uint32_t type;
};

static const char *type_name(uint32_t type)
{
	static const char *const names[] = {"?", "RAM", "reserved", "ACPI", "ACPI NVS", "bad"};

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : "other";
}

/* Walks the map: one check per entry (well formed), then that no two overlap. Returns the count. */
static unsigned read_mmap(const struct multiboot_info *mbi, struct range *r)
{
	uint32_t off = 0;
	unsigned n = 0;

	while (off < mbi->mmap_length && n < MAX_ENTRIES) {
		const struct multiboot_mmap_entry *e = (const void *)(uintptr_t)(mbi->mmap_addr + off);
		uint64_t end = e->addr + e->len;

		check("mmap[%u] 0x%llx-0x%llx %s (%u)", n, e->addr, end, type_name(e->type), e->type);
		if (!result(e->size >= 20 && off + 4 + e->size <= mbi->mmap_length && e->len && end > e->addr,
			    "size %u, len 0x%llx, mmap_length %u", e->size, e->len, mbi->mmap_length))
			return n;
		r[n].start = e->addr;
		r[n].end = end;
		r[n++].type = e->type;
		off += 4 + e->size;
	}
	check("mmap: %u entries, in %u bytes, none overlapping", n, mbi->mmap_length);
	for (unsigned i = 0; i < n; i++)
		for (unsigned j = i + 1; j < n; j++)
			if (r[i].start < r[j].end && r[j].start < r[i].end) {
				result(0, "entries %u and %u overlap", i, j);
				return n;
			}
	result(n > 0 && off == mbi->mmap_length, "the entries cover %u of %u bytes", off, mbi->mmap_length);
	return n;
}

/* The entry of type `type` holding address a, or -1. */
static int find(const struct range *r, unsigned n, uint64_t a, uint32_t type)
{
	for (unsigned i = 0; i < n; i++)
		if (r[i].type == type && r[i].start <= a && a < r[i].end)
			return (int)i;
	return -1;
}

/* mem_lower and mem_upper as the memory map gives them: the KiB of RAM from 0 (at most 640; 639
 * when the firmware reserves the EBDA, as SeaBIOS does under QEMU) and from 1 MiB. */
static void check_memory(const struct multiboot_info *mbi)
{
	struct range r[MAX_ENTRIES];
	unsigned n;
	int low, high, hole_ram = 0;

	check("flags bit 6: memory map at 0x%x, %u bytes", mbi->mmap_addr, mbi->mmap_length);
	if (!result((mbi->flags & MBI_MMAP) != 0, "flags 0x%x", mbi->flags))
		return;
	n = read_mmap(mbi, r);

	low = find(r, n, 0, MULTIBOOT_MEMORY_AVAILABLE);
	for (unsigned i = 0; i < n; i++)
		if (r[i].type == MULTIBOOT_MEMORY_AVAILABLE && r[i].start < MIB && r[i].end > LOW_END)
			hole_ram = 1;
	check("mmap: RAM from 0 to 0x%llx, none in 640 KiB-1 MiB", low >= 0 ? r[low].end : 0);
	result(low >= 0 && r[low].start == 0 && !hole_ram, "%s",
	       low < 0 ? "no RAM entry at 0" : "RAM between 640 KiB and 1 MiB");

	high = find(r, n, MIB, MULTIBOOT_MEMORY_AVAILABLE);
	check("mmap: RAM from 1 MiB to 0x%llx (%llu KiB)", high >= 0 ? r[high].end : 0,
	      high >= 0 ? (r[high].end - MIB) / KIB : 0);
	result(high >= 0 && r[high].start == MIB, "want a RAM entry starting at 1 MiB");

	check("flags bit 0: mem_lower %u KiB, mem_upper %u KiB", mbi->mem_lower, mbi->mem_upper);
	if (!result((mbi->flags & MBI_MEM) != 0, "flags 0x%x", mbi->flags) || low < 0 || high < 0)
		return;
	check("mem_lower = RAM from 0 in KiB, at most 640");
	result(mbi->mem_lower == r[low].end / KIB && mbi->mem_lower <= 640, "mem_lower %u, the map says %llu",
	       mbi->mem_lower, r[low].end / KIB);
	check("mem_upper = (end of RAM from 1 MiB - 1 MiB) / 1024");
	result(mbi->mem_upper == (r[high].end - MIB) / KIB, "mem_upper %u, the map says %llu", mbi->mem_upper,
	       (r[high].end - MIB) / KIB);
}

/* A string the loader passes: NUL-terminated within MAX_STRING bytes, printable. */
static void check_string(const struct multiboot_info *mbi, uint32_t flag, unsigned bit, const char *name,
			 uint32_t addr)
{
	const char *s = (const char *)(uintptr_t)addr;
	unsigned len = 0;
	int printable = 1;

	check("flags bit %u: %s at 0x%x", bit, name, addr);
	if (!result((mbi->flags & flag) && addr, "flags 0x%x", mbi->flags))
		return;
	while (len < MAX_STRING && s[len]) {
		if (s[len] < ' ' || s[len] > '~')
			printable = 0;
		len++;
	}
	check("%s \"%s\"", name, len < MAX_STRING && printable ? s : "?");
	result(len < MAX_STRING && printable, "%s", len < MAX_STRING ? "not printable" : "no NUL within 4 KiB");
}

void kmain(uint32_t magic, uint32_t info)
{
	const struct multiboot_info *mbi = (const struct multiboot_info *)(uintptr_t)info;

	check("EAX 0x%x (Multiboot magic)", magic);
	result(magic == MULTIBOOT_BOOT_MAGIC, "want 0x%x", MULTIBOOT_BOOT_MAGIC);
	check_segments();
	check_cpu();
	check_a20();
	check("EBX 0x%x: information structure, flags 0x%x", info, info ? mbi->flags : 0);
	if (result(info != 0, "EBX is 0")) {
		check_memory(mbi);
		check_string(mbi, MBI_CMDLINE, 2, "cmdline", mbi->cmdline);
		check_string(mbi, MBI_LOADER, 9, "boot loader name", mbi->boot_loader_name);
	}
	printf("mbinfo: %u checks, %u failed\n", checks, failures);
	exit_qemu(failures);
}
