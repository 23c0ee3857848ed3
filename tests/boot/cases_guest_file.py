"""Issue 5: a guest from the boot volume (\\EFI\\BOOT\\GUEST.BIN). A valid file runs; an empty,
oversized, truncated or wrong-format file gets one clear line and the built-in default guest.
(Multiboot kernels as GUEST.BIN: cases_multiboot.py.)"""
import os

from boot_tests import Case, ROOT

DEFAULT_BIN = os.path.join(ROOT, "build", "guest", "default.bin")
FALLBACK = r"; running the built-in default guest instead$"
DEFAULT_RUNS = [r"^\[hv\] guest: default loaded: ", r"^\[guest\] all cases done$", r"^\[hv\] end: status=OK code=0$"]


def default_bytes():
    return open(DEFAULT_BIN, "rb").read() if os.path.exists(DEFAULT_BIN) else b""


def truncated():
    return default_bytes()[:100]


def case(name, content, expect):
    return Case(name="guest-file-" + name, files={"GUEST.BIN": content}, expect=expect,
                forbid=[r"FATAL"])


CASES = [
    case("valid", DEFAULT_BIN, [
        r"^\[hv\] guest: GUEST.BIN loaded: \d+ bytes at gpa=0x8010000 entry=0x8010020 ",
        r"^\[guest\] all cases done$", r"^\[hv\] summary: guest=GUEST.BIN ", r"^\[hv\] end: status=OK code=0$"]),
    case("empty", b"", [
        r"^\[hv\] guest: \\EFI\\BOOT\\GUEST.BIN rejected: file is empty" + FALLBACK] + DEFAULT_RUNS),
    # GUEST.BIN may be up to 64 MiB (a Multiboot kernel); an MHVGUEST image at most 1 MiB.
    case("oversized", b"MHVGUEST" + b"\0" * (1024 * 1024 + 1 - 8), [
        r"^\[hv\] guest: \\EFI\\BOOT\\GUEST.BIN rejected \(TOO_LARGE\): file is 1048577 bytes, more than the limit of "
        r"1048576" + FALLBACK] + DEFAULT_RUNS),
    case("truncated", truncated(), [
        r"^\[hv\] guest: \\EFI\\BOOT\\GUEST.BIN rejected \(TRUNCATED\): truncated: header says \d+ bytes, "
        r"file has 100" + FALLBACK] + DEFAULT_RUNS),
    case("wrong-format", b"\x7fELF\x02\x01\x01" + b"\0" * 200, [
        r"^\[hv\] guest: \\EFI\\BOOT\\GUEST.BIN rejected \(BAD_MAGIC\): neither a minihv guest \(\"MHVGUEST\" at "
        r"offset 0\) nor a Multiboot kernel \(magic 0x1badb002 at a 4-byte aligned offset in the first 8192 bytes\)"
        + FALLBACK] + DEFAULT_RUNS),
    # HV.CFG mem_mib above 4 gives an MHVGUEST guest that much identity-mapped memory (docs/guest-abi.md
    # "Memory"); more than the firmware has: one line, and the guest gets its 4 MiB.
    Case(name="guest-mem-mib-16", files={"HV.CFG": "mem_mib=16\n"}, forbid=[r"FATAL", r"mem_mib=16: the firmware"],
         expect=[r"^\[hv\] memory: .* guest=0x8000000\+0x1000000$",
                 r"^\[hv\] guest: default loaded: \d+ bytes at gpa=0x8010000 entry=0x8010020 memory=0x8000000\+0x1000000$",
                 r"^\[guest\] all cases done$",
                 r"^\[hv\] ept-audit: leaves=\d+ mapped=0x1000000 outside=0 region=0x8000000-0x8ffffff$",
                 r"^\[hv\] end: status=OK code=0$"]),
    Case(name="guest-mem-mib-too-large", files={"HV.CFG": "mem_mib=4000\n"}, forbid=[r"FATAL"],
         expect=[r"^\[hv\] guest: HV.CFG mem_mib=4000: the firmware has no 4000 MiB below 4 GiB \(EFI status "
                 r"0x[0-9a-f]+\); the guest gets its 4 MiB$",
                 r"^\[hv\] memory: .* guest=0x[0-9a-f]+\+0x400000$",
                 r"^\[hv\] guest: default loaded: .* memory=0x[0-9a-f]+\+0x400000$",
                 r"^\[hv\] end: status=OK code=0$"]),
]
