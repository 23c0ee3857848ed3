"""Screen-console boot test helpers (used by tests/boot/cases_screen.py).

ScreenCase is a QEMU boot case that, while QEMU runs, waits for the hypervisor's last line on the
serial log ("[hv] poweroff: halt": the disk carries HV.CFG with poweroff=halt, so QEMU keeps the
final screen), takes a screendump through a monitor socket of its own, and quits QEMU. Its check
renders the same log lines (from "[hv] screen: console ..." on) with the hypervisor's own console
code on the host (build/host/screen_render, built from arch/x86_64/fbcon.c and the same generated
fonts) and requires the screendump to match that rendering exactly, pixel for pixel.

The driver (boot_tests.py) has no hook for "do something while the emulator runs", so the monitor
watcher is started when the driver reads case.qemu_args to build the QEMU command line.

Standalone: python3 tests/boot/screen_qemu.py SHOT.ppm OUT.png  (PPM -> PNG, to look at a shot)
"""
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zlib
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
RENDER = os.path.join(ROOT, "build", "host", "screen_render")
CONSOLE_RX = re.compile(r"^\[hv\] screen: console (\d+)x(\d+) stride=(\d+) format=(RGBX32|BGRX32)\b")


def read_ppm(path):
    data = open(path, "rb").read()
    fields, pos = [], 0
    while len(fields) < 4:   # magic, width, height, maxval (whitespace and comments between)
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    pos += 1
    if fields[0] != b"P6" or fields[3] != b"255":
        raise ValueError("%s: not an 8-bit P6 PPM" % path)
    w, h = int(fields[1]), int(fields[2])
    return w, h, data[pos:pos + w * h * 3]


def write_png(path, w, h, rgb):
    def chunk(tag, body):
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))
    raw = b"".join(b"\x00" + rgb[y * w * 3:(y + 1) * w * 3] for y in range(h))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
                chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))


class Monitor:
    """A QEMU human monitor on a unix socket: send a command, wait for the next prompt."""

    def __init__(self, path, timeout):
        deadline = time.time() + timeout
        while True:
            try:
                self.s = socket.socket(socket.AF_UNIX)
                self.s.connect(path)
                break
            except OSError:
                self.s.close()
                if time.time() > deadline:
                    raise
                time.sleep(0.2)
        self.s.settimeout(timeout)
        self.read_prompt()

    def read_prompt(self):
        buf = b""
        while not buf.endswith(b"(qemu) "):
            chunk = self.s.recv(4096)
            if not chunk:
                break
            buf += chunk
        return buf

    def cmd(self, line):
        self.s.sendall(line.encode() + b"\n")
        return self.read_prompt()

    def quit(self):
        try:
            self.s.sendall(b"quit\n")
            time.sleep(0.5)
        except OSError:
            pass
        self.s.close()


def screen_lines(lines):
    """The log lines the screen console shows: from its own "console" line to the end."""
    for i, line in enumerate(lines):
        if CONSOLE_RX.search(line):
            return CONSOLE_RX.search(line), lines[i:]
    return None, None


def compare(shot, lines, outdir):
    """Renders lines like the hypervisor would and compares with the screendump; returns an error or None."""
    m, text_lines = screen_lines(lines)
    if not m:
        return "no \"[hv] screen: console WxH stride=S format=RGBX32|BGRX32\" line in the serial log"
    if not os.path.exists(shot):
        return "no screendump was taken (%s)" % shot
    if not os.path.exists(RENDER):
        subprocess.run(["make", "-C", ROOT, "--no-print-directory", "build/host/screen_render"],
                       stdout=subprocess.DEVNULL, check=False)
    w, h, stride, fmt = int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4)
    expected = os.path.join(outdir, "screen-expected.ppm")
    text = "\n".join(text_lines)   # the log ends with "\n": the last element of lines is ""
    r = subprocess.run([RENDER, str(w), str(h), str(stride), fmt[:4].lower(), expected], input=text.encode(),
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
    if r.returncode != 0:
        return "screen_render failed: %s" % r.stdout.decode(errors="replace").strip()
    sw, sh, got = read_ppm(shot)
    ew, eh, want = read_ppm(expected)
    write_png(os.path.join(outdir, "screen.png"), sw, sh, got)
    if (sw, sh) != (ew, eh):
        return "screendump is %dx%d, the console said %dx%d" % (sw, sh, ew, eh)
    if got == want:
        return None
    write_png(os.path.join(outdir, "screen-expected.png"), ew, eh, want)
    bad = [i // 3 for i in range(0, len(got), 3) if got[i:i + 3] != want[i:i + 3]]
    cell = re.search(r"font=\S+?-\d+x(\d+) scale=(\d+)", text_lines[0])
    cell_h = int(cell.group(1)) * int(cell.group(2)) if cell else 16
    rows = sorted({(p // sw) // cell_h for p in bad})
    return "screendump differs from the host rendering in %d pixels, text rows %s (first at x=%d y=%d); " \
           "see %s/screen.png and screen-expected.png" % (len(bad), rows[:10], bad[0] % sw, bad[0] // sw,
                                                          os.path.relpath(outdir, ROOT))


def make_screen_case(case_cls, out_root, name, expect, forbid=(), timeout=90, extra_qemu=(), files=None):
    """A Case (case_cls = boot_tests.Case) that screendumps QEMU at the hypervisor's last line."""

    class ScreenCase(case_cls):
        @property
        def qemu_args(self):
            # Read by the driver just before it starts QEMU: start the watcher now.
            workdir = os.path.join(out_root, self.name)
            sockdir = tempfile.mkdtemp(prefix="hv-screen-")
            sock = os.path.join(sockdir, "monitor.sock")
            t = threading.Thread(target=self.watch, args=(workdir, sock), daemon=True)
            t.start()
            return list(self._extra) + ["-monitor", "unix:%s,server=on,wait=off" % sock]

        @qemu_args.setter
        def qemu_args(self, value):
            self._extra = list(value)

        def watch(self, workdir, sock):
            serial = os.path.join(workdir, "serial.log")
            shot = os.path.join(workdir, "screen.ppm")
            deadline = time.time() + self.timeout - 5
            try:
                mon = Monitor(sock, 30)
            except OSError:
                return
            try:
                while time.time() < deadline:
                    try:
                        if b"[hv] poweroff: halt" in open(serial, "rb").read():
                            break
                    except OSError:
                        pass
                    time.sleep(0.25)
                time.sleep(1.0)   # the screen sink runs after the UART one; let the last line land
                mon.cmd("screendump " + shot)
            finally:
                mon.quit()
                try:
                    os.remove(sock)
                    os.rmdir(os.path.dirname(sock))
                except OSError:
                    pass

    def check(lines):
        return compare(os.path.join(out_root, name, "screen.ppm"), lines, os.path.join(out_root, name))

    cfg = {"HV.CFG": "poweroff=halt\n"}
    cfg.update(files or {})
    return ScreenCase(name=name, emulator="qemu", timeout=timeout, files=cfg, expect=expect, forbid=forbid,
                      check=check, qemu_args=list(extra_qemu))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    write_png(sys.argv[2], *read_ppm(sys.argv[1]))
