"""Issue 15: Multiboot v1 kernels as guests (docs/guest-abi.md, "Multiboot kernels").

- The three C test kernels of guest/kernels/ (mbinfo: entry state and information structure field
  by field; realmode: to real mode and back; longmode: into long mode, then HC_PROTECT and EPT
  violations) on every Bochs model with "unrestricted guest": from GUEST.BIN on skylake_x, as the
  built-ins HV.CFG guest= names on the others. Each ends through port 0xF4 (mbinfo, realmode) or
  HC_DONE (longmode) with exit code 0; memory is GPA 0 at wherever UEFI gave it (hpa=), and the
  EPT audit proves nothing else is mapped.
- A hand-made a.out-kludge kernel that writes the VGA text buffer and ends with cli; hlt.
- The refusals only a boot shows: no "unrestricted guest" (lynnfield), no memory for mem_mib (the
  line says what the firmware could give), and malformed kernels: a bad checksum, a kernel larger
  than its memory, one loaded over the information area. The other malformed kernels are refused
  by the same code path, host-tested in tests/host/test_loader.c and tests/host/test_multiboot.c.
  Each refusal is one line, and the default guest runs instead.
"""
import os
import re
import struct

from boot_tests import Case, ROOT
from cases_vmx import VMX_MODELS

KERNELS = os.path.join(ROOT, "build", "guest", "kernels")
HEX = r"0x[0-9a-f]+"
FALLBACK = r"; running the built-in default guest instead$"
GUEST_BIN = r"\\EFI\\BOOT\\GUEST\.BIN"
UG_MODELS = [m for m, v in VMX_MODELS.items() if v[4] == "yes"]
FILE_MODEL = "corei7_skylake_x"     # the kernels come from GUEST.BIN here, as built-ins elsewhere
MB16_MODEL = "broadwell_ult"        # mbinfo with HV.CFG mem_mib=16 here, 64 (the default) elsewhere
CMDLINE = "hello minihv  root=/dev/mb"
DEFAULT_RUNS = [r"^\[hv\] guest: default loaded: ", r"^\[guest\] all cases done$", r"^\[hv\] end: status=OK code=0$"]


def mem_lines(name, mib, kind="ELF32", segments=2, cmdline=""):
    size = mib << 20
    return [
        r"^\[hv\] memory: .* guest=0x8000000\+0x400000 multiboot=(%s)\+%s$" % (HEX, hex(size)),
        r"^\[hv\] guest: %s loaded: Multiboot kernel \(%s\), %d segments?, entry=0x[0-9a-f]+ memory=0x0\+%s at hpa=%s$"
        % (name, re.escape(kind), segments, hex(size), HEX),
        r"^\[hv\] guest: multiboot info=0x8000 mem_lower=640 mem_upper=%d cmdline=\"%s\" boot_loader_name=\"minihv\"$"
        % ((mib - 1) * 1024, re.escape(cmdline)),
        r"^\[hv\] ept: map gpa=0x0-%s hpa=%s-%s rwx wb tables=3 4k=0x0 2m=%s 1g=0x0 eptp=%s$"
        % (hex(size - 1), HEX, HEX, hex(size), HEX),
        r"^\[hv\] vmcs: pin=%s proc=%s proc2=0x[0-9a-f]*[89a-f][0-9a-f] exit=%s entry=%s eptp=%s vpid=1$" % ((HEX,) * 5),
        r"^\[hv\] vm-entry-check: ok checks=\d+ skipped=\d+ ticks=\d+$",
    ]


def end_lines(name, what, summary, mib, status="OK", code=0):
    size = mib << 20
    return [
        r"^\[hv\] guest: %s$" % what,
        r"^\[hv\] summary: guest=%s exits=\d+ %s$" % (re.escape(name), summary),
        r"^\[hv\] log: lines=\d+ suppressed=0 dropped=0$",
        r"^\[hv\] ept-audit: leaves=%d mapped=%s outside=0 region=0x0-%s hpa=%s-%s$"
        % (size >> 21, hex(size), hex(size - 1), HEX, HEX),
        r"^\[hv\] vmxoff: ok$",
        r"^\[hv\] end: status=%s code=%d$" % (status, code),
    ]


def hpa_consistent(lines):
    """The block boot/ allocated (memory: multiboot=) is the one the loader, EPT and the audit name."""
    mem = [re.search(r" multiboot=(0x[0-9a-f]+)\+", l) for l in lines if l.startswith("[hv] memory: ")]
    if not mem or not mem[0]:
        return "no multiboot= in the memory line"
    base = int(mem[0].group(1), 16)
    if base & 0x1fffff:
        return "Multiboot memory at 0x%x is not 2 MiB aligned" % base
    for prefix in ("[hv] guest: ", "[hv] ept: map ", "[hv] ept-audit: "):
        for l in lines:
            m = re.search(r"hpa=(0x[0-9a-f]+)", l)
            if l.startswith(prefix) and m and int(m.group(1), 16) != base:
                return "%s names hpa=%s, the memory line 0x%x" % (prefix.strip(), m.group(1), base)
    return None


def kernel_case(kernel, model, story, what, summary, mib=64, cfg="", cmdline=""):
    from_file = model == FILE_MODEL
    name = "GUEST.BIN" if from_file else kernel
    files = {"HV.CFG": cfg + ("" if from_file else "guest=%s\n" % kernel)}
    if from_file:
        files["GUEST.BIN"] = os.path.join(KERNELS, kernel + ".elf")
    return Case(name="multiboot-%s-%s" % (kernel, model), model=model, files=files,
                expect=mem_lines(name, mib, cmdline=cmdline) + [r"^\[hv\] vmlaunch: guest=%s rip=0x100010$" % re.escape(name)]
                + story + end_lines(name, what, summary, mib),
                forbid=[r"FATAL", r"FAIL", r"rejected", r"ept-violation .*outside", r"^\[hv\] guest-regs"],
                check=hpa_consistent)


def mbinfo_case(model):
    mib = 16 if model == MB16_MODEL else 64
    cfg = "cmdline=%s\n" % CMDLINE + ("mem_mib=16\n" if mib == 16 else "")
    story = [
        r"^\[guest\] mbinfo: EAX 0x2badb002 \(Multiboot magic\): ok$",
        r"^\[guest\] mbinfo: CS 0x8 flat 32-bit code, readable, DPL 0: ok$",
        r"^\[guest\] mbinfo: SS 0x10 flat 32-bit data, writable, DPL 0: ok$",
        r"^\[guest\] mbinfo: CR0 0x11: PE on, PG off: ok$",
        r"^\[guest\] mbinfo: EFLAGS 0x[0-9a-f]+: IF off, VM off: ok$",
        r"^\[guest\] mbinfo: A20 on ",
        r"^\[guest\] mbinfo: mmap\[2\] 0x100000-%s RAM \(1\): ok$" % hex(mib << 20),
        r"^\[guest\] mbinfo: cmdline \"%s\": ok$" % CMDLINE,
        r"^\[guest\] mbinfo: boot loader name \"minihv\": ok$",
        r"^\[guest\] mbinfo: 25 checks, 0 failed$",
    ]
    return kernel_case("mbinfo", model, story, r"done exit_code=0 \(port 0xf4\)", r"IO_INSTRUCTION=\d+", mib, cfg,
                       CMDLINE)


def realmode_case(model):
    story = [
        r"^\[guest\] realmode: protected mode, CR0 0x11, EAX 0x2badb002$",
        r"^\[guest\] realmode: in real mode, CS 0x0800$",
        r"^\[guest\] realmode: in the INT 0x66 handler$",
        r"^\[guest\] realmode: INT 0x66 returned, back to protected mode$",
        r"^\[guest\] realmode: CR0 in real mode 0x10, the handler ran at CS 0x800 and returned AX 0xedcb$",
        r"^\[guest\] realmode: 0 failed$",
    ]
    return kernel_case("realmode", model, story, r"done exit_code=0 \(port 0xf4\)",
                       r"CR_ACCESS=2 IO_INSTRUCTION=\d+")


def longmode_case(model):
    page = r"0x[0-9a-f]+000"
    story = [
        r"^\[guest\] longmode: 64-bit mode, EAX was 0x2badb002, EBX 0x8000, CR0 0x80000011, CR4 0x20$",
        r"^\[guest\] longmode: CS is a 64-bit code segment \(L = 1\): ok$",
        r"^\[guest\] longmode: HC_PROTECT %s no access: 0$" % page,
        r"^\[hv\] ept-violation rip=%s gpa=0x0000000000[0-9a-f]{6} gla=0x0000000000[0-9a-f]{6} access=r-- ept=--- "
        r"translated qual=0x181$" % HEX,
        r"^\[hv\] ept-policy: gpa=%s protected by the guest: re-granted rwx$" % page,
        r"^\[guest\] longmode: HC_PROTECT %s read-only: 0$" % page,
        r"^\[hv\] ept-violation rip=%s gpa=0x0000000000[0-9a-f]{6} gla=0x0000000000[0-9a-f]{6} access=-w- ept=r-- "
        r"translated qual=0x18a$" % HEX,
        r"^\[guest\] longmode: done$",
    ]
    return kernel_case("longmode", model, story, r"done exit_code=0",
                       r"CPUID=2 VMCALL=4 CR_ACCESS=1 IO_INSTRUCTION=\d+ RDMSR=1 WRMSR=1 EPT_VIOLATION=2")


# ---------------------------------------------------------------- an a.out-kludge kernel: VGA and cli; hlt
AOUT_LOAD = 0x100000
AOUT_ENTRY = AOUT_LOAD + 0x20


def aout_kernel(load=AOUT_LOAD, bss_end=0):
    """Multiboot header with the address fields (flags bit 16), loaded whole at 1 MiB, entered at
    +0x20: prints 'M' if EAX holds the Multiboot magic, writes 'V' to the VGA text buffer (plain
    guest RAM) and prints what it reads back, then cli; hlt. load and bss_end (0: none) make the
    malformed variants: the header's address fields are what the loader checks."""
    flags = 0x00010003
    header = struct.pack("<8I", 0x1BADB002, flags, (-(0x1BADB002 + flags)) & 0xffffffff,
                         load, load, 0, bss_end, load + 0x20)
    code = bytes.fromhex(
        "66baf803"          # mov dx, 0x3f8
        "3d02b0ad2b"        # cmp eax, 0x2badb002
        "7503"              # jne +3
        "b04d"              # mov al, 'M'
        "ee"                # out dx, al
        "c60500800b0056"    # mov byte [0xb8000], 'V'
        "a000800b00"        # mov al, [0xb8000]
        "ee"                # out dx, al
        "b00aee"            # mov al, 10; out dx, al
        "faf4"              # cli; hlt
        "ebfe")             # jmp $
    return header + code, AOUT_ENTRY + len(code) - 3   # the hlt's address


def aout_case(model=FILE_MODEL):
    data, hlt = aout_kernel()
    name = "GUEST.BIN"
    return Case(name="multiboot-aout-hlt-%s" % model, model=model, files={"GUEST.BIN": data},
                expect=mem_lines(name, 64, "a.out kludge", 1)
                + [r"^\[hv\] vmlaunch: guest=GUEST\.BIN rip=%s$" % hex(AOUT_ENTRY), r"^\[guest\] MV$",
                   r"^\[hv\] guest-regs rax=0x2badb00a rbx=0x8000 "]
                + end_lines(name, r"ended: HLT with interrupts off \(RFLAGS\.IF=0\) at rip=%s: nothing can wake it"
                            % hex(hlt), r"HLT=1 IO_INSTRUCTION=3", 64, "E_GUEST", 12),
                forbid=[r"FATAL", r"rejected"], check=hpa_consistent)


# ---------------------------------------------------------------- refusals
def bad_checksum_kernel():
    path = os.path.join(KERNELS, "mbinfo.elf")
    if not os.path.exists(path):
        return b""
    data = bytearray(open(path, "rb").read())
    off = data.find(struct.pack("<I", 0x1BADB002))
    data[off + 8:off + 12] = struct.pack("<I", (struct.unpack("<I", data[off + 8:off + 12])[0] + 1) & 0xffffffff)
    return bytes(data)


REFUSALS = [
    Case(name="multiboot-refused-no-unrestricted-guest-corei5_lynnfield_750", model="corei5_lynnfield_750",
         files={"HV.CFG": "guest=mbinfo\n"},
         expect=[r"^\[hv\] cap: vpid=yes unrestricted_guest=no ",
                 r"^\[hv\] guest: built-in guest \"mbinfo\" rejected \(NEEDS_UNRESTRICTED_GUEST\): a Multiboot kernel "
                 r"needs the VM-execution control \"unrestricted guest\" \(it starts with paging off\), which this "
                 r"CPU does not offer" + FALLBACK] + DEFAULT_RUNS,
         forbid=[r"FATAL", r"^\[guest\] mbinfo"]),
    Case(name="multiboot-refused-no-memory-corei7_skylake_x", files={"HV.CFG": "guest=mbinfo\nmem_mib=4096\n"},
         expect=[r"^\[hv\] memory: .* guest=0x8000000\+0x400000$",
                 r"^\[hv\] guest: built-in guest \"mbinfo\" rejected \(NO_MEMORY\): HV\.CFG mem_mib=4096: the firmware "
                 r"has no 4096 MiB in one block \(EFI status 0x8000000000000009\); the most it could give is "
                 r"([1-4]\d\d) MiB" + FALLBACK] + DEFAULT_RUNS,
         forbid=[r"FATAL", r"^\[guest\] mbinfo"]),
    Case(name="multiboot-refused-bad-checksum-corei7_skylake_x", files={"GUEST.BIN": bad_checksum_kernel()},
         expect=[r"^\[hv\] guest: %s rejected \(BAD_CHECKSUM\): Multiboot header at offset 0x1000 has a bad "
                 r"checksum: magic 0x1badb002 \+ flags 0x00000003 \+ checksum 0x[0-9a-f]{8} = 0x00000001, not 0"
                 % GUEST_BIN + FALLBACK] + DEFAULT_RUNS,
         forbid=[r"FATAL", r"^\[guest\] mbinfo"]),
]

def aout_refusal(name, data, error, why):
    return Case(name="multiboot-refused-%s-corei7_skylake_x" % name, files={"GUEST.BIN": data},
                expect=[r"^\[hv\] guest: %s rejected \(%s\): %s" % (GUEST_BIN, error, why) + FALLBACK] + DEFAULT_RUNS,
                forbid=[r"FATAL", r"^\[guest\] MV"])


# A kernel larger than its memory (mem_mib=64: its bss runs to 80 MiB), and one loaded over the
# information area minihv keeps at 0x8000 (docs/guest-abi.md, "Its memory").
REFUSALS += [
    aout_refusal("larger-than-memory", aout_kernel(bss_end=0x5000000)[0], "OUTSIDE_MEMORY",
                 r"the a\.out kludge segment: \[0x100000, 0x5000000\) crosses the end of guest memory at 0x4000000"),
    aout_refusal("over-info-area", aout_kernel(load=0x9000)[0], "OVER_INFO_AREA",
                 r"the a\.out kludge segment: \[0x9000, 0x9042\) overlaps the Multiboot information area "
                 r"\[0x8000, 0x10000\)"),
]

CASES = []
for _m in UG_MODELS:
    CASES += [mbinfo_case(_m), realmode_case(_m), longmode_case(_m)]
CASES += [aout_case()] + REFUSALS
