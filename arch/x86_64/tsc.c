/* TSC calibration against the 8254 PIT channel 2 in mode 0 (interrupt on terminal count): its
 * OUT pin, read in port 0x61 bit 5, goes high when the count reaches 0. No interrupt is used. */
#include "arch/x86_64/tsc.h"
#include "arch/x86_64/cpu.h"

#define PIT_HZ 1193182u
#define PIT_CH2_DATA 0x42
#define PIT_COMMAND 0x43
#define PIT_CH2_MODE0_LOHI 0xb0     /* channel 2, low then high byte, mode 0, binary */
#define PORT_B 0x61                 /* NMI status and control: PIT channel 2 gate and output */
#define PORT_B_GATE2 0x01
#define PORT_B_SPEAKER 0x02
#define PORT_B_OUT2 0x20
#define CALIBRATE_MS 10
#define CALIBRATE_POLLS 100000000u  /* reads of port 0x61 before deciding there is no PIT */
#define MIN_TICKS_PER_MS 1000       /* a TSC under 1 MHz: the PIT did not count */
#define CPUID_FREQ_LEAF 0x16        /* EAX: the processor's base frequency in MHz */

static uint64_t from_pit(void)
{
	uint8_t b = inb(PORT_B);
	uint32_t count = PIT_HZ / 1000 * CALIBRATE_MS, polls = 0;
	uint64_t t0, t1;

	outb(PORT_B, (uint8_t)((b & ~PORT_B_SPEAKER) | PORT_B_GATE2));
	outb(PIT_COMMAND, PIT_CH2_MODE0_LOHI);
	outb(PIT_CH2_DATA, (uint8_t)count);
	outb(PIT_CH2_DATA, (uint8_t)(count >> 8));
	t0 = rdtsc();
	while (!(inb(PORT_B) & PORT_B_OUT2) && ++polls < CALIBRATE_POLLS)
		;
	t1 = rdtsc();
	outb(PORT_B, b);
	if (polls == CALIBRATE_POLLS || (t1 - t0) / CALIBRATE_MS < MIN_TICKS_PER_MS)
		return 0;
	return (t1 - t0) / CALIBRATE_MS;
}

static uint64_t from_cpuid(void)
{
	struct cpuid_regs r;

	cpuid(0, 0, &r);
	if (r.eax < CPUID_FREQ_LEAF)
		return 0;
	cpuid(CPUID_FREQ_LEAF, 0, &r);
	return (uint64_t)(r.eax & 0xffff) * 1000;
}

uint64_t tsc_ticks_per_ms(const char **how)
{
	uint64_t t = from_pit();

	*how = "pit";
	if (t)
		return t;
	*how = "cpuid-0x16";
	return from_cpuid();
}
