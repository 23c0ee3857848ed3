#!/usr/bin/env python3
"""Boot tests: boot the real build/BOOTX64.EFI on a GPT disk image under Bochs (VMX) or QEMU (TCG,
no VMX) with real OVMF, capture COM1, and judge the serial log line by line.

Cases live in tests/boot/cases_*.py: each module defines CASES, a list of Case objects.
Prints one TAP line per case ("ok - name" / "not ok - name") and, for a failure, why.
  python3 tests/boot/boot_tests.py [--jobs 2] [--filter REGEX] [--list]
"""
import argparse
import concurrent.futures
import glob
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, "build")
OUT = os.path.join(BUILD, "boot-tests")
EFI = os.path.join(BUILD, "BOOTX64.EFI")
OVMF_CODE = "/usr/share/OVMF/OVMF_CODE.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS.fd"


class Case:
    """One boot.

    name      unique test name
    emulator  "bochs" or "qemu"
    model     Bochs CPU model (ignored for QEMU)
    cpus      Bochs CPU count (run-bochs.sh BOCHS_CPUS; ignored for QEMU)
    files     {"HV.CFG": "text", "GUEST.BIN": "path or bytes"}: extra files in \\EFI\\BOOT\\
    expect    regexes that must match log lines, in this order (each after the previous match)
    forbid    regexes that must match no line
    check     optional function(lines) -> error string or None, for checks a regex cannot state
    timeout   seconds for the whole boot
    disk      optional path of a ready disk image to boot instead of building one
    """

    def __init__(self, name, emulator="bochs", model="corei7_skylake_x", files=None, expect=(),
                 forbid=(), check=None, timeout=150, disk=None, qemu_args=(), cpus=1):
        self.name, self.emulator, self.model, self.cpus = name, emulator, model, cpus
        self.files = files or {}
        self.expect, self.forbid, self.check = list(expect), list(forbid), check
        self.timeout, self.disk, self.qemu_args = timeout, disk, list(qemu_args)


# Lines every run must never show: a hypervisor exception, or a reset loop.
ALWAYS_FORBID = [r"^\[hv\] EXCEPTION", r"^\[hv\] halted"]


def load_cases():
    cases = []
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "boot", "cases_*.py"))):
        spec = importlib.util.spec_from_file_location(os.path.basename(path)[:-3], path)
        mod = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = mod
        spec.loader.exec_module(mod)
        cases.extend(mod.CASES)
    names = [c.name for c in cases]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise SystemExit("duplicate boot-test names: %s" % ", ".join(sorted(dupes)))
    return cases


def build_disk(case, workdir):
    if case.disk:
        disk = os.path.join(workdir, "disk.img")
        shutil.copyfile(case.disk, disk)
        return disk
    extra = []
    for name, content in case.files.items():
        path = os.path.join(workdir, "side-" + name)
        if isinstance(content, bytes):
            open(path, "wb").write(content)
        elif isinstance(content, str) and name.upper().endswith(".CFG"):
            open(path, "w").write(content)
        else:
            shutil.copyfile(content, path)
        extra.append("%s=%s" % (name, path))
    disk = os.path.join(workdir, "disk.img")
    subprocess.run([os.path.join(ROOT, "tools", "mkimage.sh"), disk, EFI] + extra, check=True)
    return disk


def run_bochs(case, disk, serial):
    env = dict(os.environ, BOCHS_CPUS=str(case.cpus))
    subprocess.run([os.path.join(ROOT, "tests", "boot", "run-bochs.sh"), case.model, disk, serial,
                    str(case.timeout)], stdout=subprocess.DEVNULL, check=False, env=env)


def run_qemu(case, disk, serial, workdir):
    vars_copy = os.path.join(workdir, "OVMF_VARS.fd")
    shutil.copyfile(OVMF_VARS, vars_copy)
    cmd = ["qemu-system-x86_64", "-machine", "q35", "-accel", "tcg", "-cpu", "max", "-m", "512",
           "-net", "none", "-display", "none", "-no-reboot", "-monitor", "none",
           "-drive", "if=pflash,format=raw,readonly=on,file=" + OVMF_CODE,
           "-drive", "if=pflash,format=raw,file=" + vars_copy,
           "-drive", "format=raw,file=" + disk, "-serial", "file:" + serial] + case.qemu_args
    with open(os.path.join(workdir, "qemu.out"), "w") as out:
        try:
            subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, timeout=case.timeout, check=False)
        except subprocess.TimeoutExpired:
            out.write("timeout after %ds\n" % case.timeout)


def clean_lines(raw):
    text = raw.decode("utf-8", "replace").replace("\r", "")
    text = re.sub(r"\x1b\[[0-9;=?]*[A-Za-z]", "", text)   # firmware console escape codes
    return text.split("\n")


def judge(case, lines):
    pos = 0
    for pattern in case.expect:
        rx = re.compile(pattern)
        while pos < len(lines) and not rx.search(lines[pos]):
            pos += 1
        if pos == len(lines):
            return "expected line not found (in order): %s" % pattern
        pos += 1
    for pattern in case.forbid + ALWAYS_FORBID:
        rx = re.compile(pattern)
        for line in lines:
            if rx.search(line):
                return "forbidden line present (%s): %s" % (pattern, line)
    if case.check:
        return case.check(lines)
    return None


def run_case(case):
    workdir = os.path.join(OUT, case.name)
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir)
    serial = os.path.join(workdir, "serial.log")
    start = time.time()
    try:
        disk = build_disk(case, workdir)
        if case.emulator == "bochs":
            run_bochs(case, disk, serial)
        else:
            run_qemu(case, disk, serial, workdir)
        os.remove(disk)
        raw = open(serial, "rb").read() if os.path.exists(serial) else b""
        err = judge(case, clean_lines(raw))
    except Exception as e:  # a broken case is a failed test, not a crashed runner
        err = "harness error: %r" % (e,)
    return case, err, time.time() - start, serial


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--filter", default=None)
    ap.add_argument("--list", action="store_true")
    args = ap.parse_args()
    cases = load_cases()
    if args.filter:
        cases = [c for c in cases if re.search(args.filter, c.name)]
    if args.list:
        for c in cases:
            print(c.name)
        return 0
    if not os.path.exists(EFI):
        print("not ok - boot: %s missing (run make)" % EFI)
        return 1
    # The longest first (Bochs with several CPUs emulates each): two jobs then end together.
    cases.sort(key=lambda c: -c.cpus)
    print("1..%d" % len(cases))
    failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for case, err, secs, serial in pool.map(run_case, cases):
            if err is None:
                print("ok - %s (%.0fs)" % (case.name, secs), flush=True)
                continue
            failed += 1
            print("not ok - %s (%.0fs): %s" % (case.name, secs, err), flush=True)
            print("#   serial log: %s" % os.path.relpath(serial, ROOT))
            try:
                tail = clean_lines(open(serial, "rb").read())[-12:]
            except OSError:
                tail = ["(no serial log)"]
            for line in tail:
                print("#   | " + line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
