; Placeholder for the built-in guest "badcall" (issue 6): prints that it is not written yet and exits 1.
bits 64
default rel
%include "guest/abi.inc"

GUEST_HEADER entry

entry:
	lea rdi, [msg]
	HYPERCALL HC_PRINT, rdi
	HYPERCALL HC_DONE, 1

msg: db "guest badcall: not written yet", 0
guest_end:
