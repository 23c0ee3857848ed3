; Hostile guest "serialflood": floods its serial port (COM1, one OUT per byte).
;   1. a header line ending in CR LF (the hypervisor drops the CR)
;   2. one LONG_LEN-byte line (then LF) whose byte i is i & 0xff, except LF and CR, which
;      become 0x20: every non-printable byte must show as '?', and the hypervisor cuts the line
;      into pieces of 120 bytes (8 of 120 and one of 40 for 1000 bytes)
;   3. FLOOD_LINES lines of exactly LINE_LEN bytes, LF included:
;      "serialflood: line NNNNN of 10000 " padded with '.' (numbered from 00001)
; then HC_DONE 0. Every OUT is an IO_INSTRUCTION exit; the `[guest]` lines beyond the rate
; limit's burst are counted in `[hv] ratelimit: guest: <n> lines suppressed`, not printed.
; The boot test reads the %define values below.
bits 64
default rel
%include "guest/abi.inc"

%define LONG_LEN    1000
%define FLOOD_LINES 10000
%define LINE_LEN    80

GUEST_HEADER entry

entry:
	lea rsi, [msg_hdr]
	call puts

	; 2. the long line
	mov dx, GUEST_SERIAL_PORT
	xor ecx, ecx
.long:
	mov al, cl
	cmp al, 10
	je .blank
	cmp al, 13
	jne .put
.blank:
	mov al, 0x20
.put:
	out dx, al
	inc ecx
	cmp ecx, LONG_LEN
	jb .long
	mov al, 10
	out dx, al

	; 3. the flood: the line buffer holds the number in ASCII, incremented in place
	mov ebx, FLOOD_LINES
.line:
	lea rsi, [flood_line]
	mov ecx, LINE_LEN
.byte:
	lodsb
	out dx, al
	dec ecx
	jnz .byte
	lea rdi, [flood_num + 4]          ; increment the 5-digit number
.carry:
	inc byte [rdi]
	cmp byte [rdi], '9'
	jbe .numbered
	mov byte [rdi], '0'
	dec rdi
	jmp .carry
.numbered:
	dec ebx
	jnz .line
	HYPERCALL HC_DONE, 0

%include "guest/serial.inc"

msg_hdr: db "serialflood: 1 long line, then 10000 lines of 80 bytes", 13, 10, 0
flood_line:
	db "serialflood: line "
flood_num:
	db "00001 of 10000 "
	times LINE_LEN - 1 - ($ - flood_line) db '.'
	db 10
	; The line is LINE_LEN bytes, or this fails ("TIMES value -1 is negative"): checked by the
	; assembler, not by %if, which `nasm -M` (the dependency pass) cannot evaluate on labels.
	times -(($ - flood_line) != LINE_LEN) db 0
guest_end:
