/* I/O instructions (exit reason 30): the guest's COM1 emulated, port 0xF4 (QEMU's isa-debug-exit)
 * ends the guest with the value written as its exit code, every other port an empty bus (reads all
 * ones, writes dropped: the PIC, the PIT, CMOS, port 0x80). A common exit: a guest line only goes
 * into the log ring, nothing waits for the UART. */
#include "arch/lib/fmt.h"
#include "arch/lib/log.h"
#include "arch/x86_64/uart_regs.h"
#include "vmm/decode/exit_qual_io.h"
#include "vmm/exit/exit.h"
#include "vmm/vm/end.h"

/* The guest's serial port: bytes collect into a line, printed with a "[guest] " prefix; a line
 * is cut at GUEST_LINE_MAX bytes, and the newline that follows a cut ends nothing more. */
static void guest_serial_byte(struct vcpu *v, char c)
{
	if (c == '\r')
		return;
	if (c != '\n') {
		v->line[v->line_len++] = c;
		v->line_cut = false;
		if (v->line_len < GUEST_LINE_MAX)
			return;
		v->line_cut = true;
	} else if (v->line_cut && v->line_len == 0) {
		v->line_cut = false;
		return;
	}
	log_guest_line(v->line, v->line_len);
	v->line_len = 0;
}

/* OUT to GUEST_EXIT_PORT: the guest is done, exit code = the value written (1, 2 or 4 bytes), as
 * QEMU's -device isa-debug-exit reports it; status OK for 0, E_GUEST otherwise, as HC_DONE. */
static __attribute__((noreturn, noinline, cold)) void exit_port(uint64_t rax, unsigned size)
{
	uint64_t code = size == 1 ? (uint8_t)rax : size == 2 ? (uint16_t)rax : (uint32_t)rax;
	char what[64];

	hv_snprintf(what, sizeof(what), "done exit_code=%llu (port 0x%x)", (unsigned long long)code, GUEST_EXIT_PORT);
	vm_end(code == 0 ? HV_OK : HV_E_GUEST, what);
}

static __attribute__((noreturn, noinline, cold)) void end_string_io(uint16_t port)
{
	char what[96];

	hv_snprintf(what, sizeof(what), "ended: string I/O (INS/OUTS) on port 0x%x is not supported, rip=0x%llx", port,
		    (unsigned long long)vmread64(GUEST_RIP));
	vm_end(HV_E_GUEST, what);
}

/* IN: emulated COM1: LSR says "ready", other registers read 0. Any other port reads as all ones,
 * like an empty bus. Sizes are 1, 2 or 4 (SDM Vol. 3C §28.2.1 "Basic VM-Exit Information", Table
 * 28-5); a 4-byte IN writes EAX, which clears RAX[63:32] like any 32-bit register write. */
static void io_in(struct guest_regs *r, const struct io_qual *q)
{
	uint64_t mask = q->size == 1 ? 0xffull : q->size == 2 ? 0xffffull : 0xffffffffull;
	uint64_t v = mask;

	if (q->port >= GUEST_SERIAL_PORT && q->port < GUEST_SERIAL_PORT + UART_PORT_COUNT)
		v = q->port == GUEST_SERIAL_PORT + UART_LSR ? UART_LSR_THRE | UART_LSR_TEMT : 0;
	if (mask != 0xffffffffull)
		r->gpr[GPR_RAX] = (r->gpr[GPR_RAX] & ~mask) | (v & mask);
	else
		r->gpr[GPR_RAX] = v & mask;
}

void handle_io(struct vcpu *v, struct guest_regs *r)
{
	struct io_qual q;

	/* The exit qualification always exists: the raw read of the hot path. */
	io_qual_decode(vmread_hot(EXIT_QUALIFICATION), &q);
	if (q.string)
		end_string_io(q.port);
	if (q.in)
		io_in(r, &q);
	else if (q.port == GUEST_SERIAL_PORT)
		guest_serial_byte(v, (char)r->gpr[GPR_RAX]);
	else if (q.port == GUEST_EXIT_PORT)
		exit_port(r->gpr[GPR_RAX], q.size);
	/* Writes to other ports (GUEST_DEBUG_PORT included) are dropped: the guest owns no device. */
	skip_instruction();
}
