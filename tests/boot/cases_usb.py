"""Boot tests for the USB image (build/minihv-usb.img, from `make usb`, part of `make all`): the very
disk a user writes to a stick, booted as is under Bochs (VT-x: VMXON, capability report, the guest's
"done", end OK) and
under QEMU TCG (no VT-x: the clean refusal). A third case checks the documented gdb workflow: boot
with ./run-qemu.sh --tcg --gdb, attach gdb with tools/gdb/minihv.gdb, load the symbols at the image
base printed by an earlier boot's banner, and hit hardware breakpoints on hv_main and vmx_probe."""
import os
import re
import signal
import socket
import subprocess
import tempfile
import time

from boot_tests import Case

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
USB_IMG = os.path.join(ROOT, "build", "minihv-usb.img")

BANNER = (r"^\[hv\] banner: minihv \d+\.\d+\.\d+ commit=[0-9a-f]{7,} image_base=0x[0-9a-f]+ "
          r"image_size=0x[0-9a-f]+ serial=0x3f8$")
TAKEOVER = r"^\[hv\] takeover: exit_boot_services=ok "
REFUSAL = [
    BANNER, TAKEOVER,
    r"^\[hv\] cpu: vendor=\w+ .* vmx=no$",
    r"^\[hv\] FATAL E_NO_VTX \(code 2\): .*VT-x",
    r"^\[hv\] end: status=E_NO_VTX code=2$",
    r"^\[hv\] poweroff: shutdown$",
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gdb_breakpoints(lines):
    """Boot again with run-qemu.sh --tcg --gdb; gdb must stop at hv_main, then at vmx_probe."""
    base = None
    for line in lines:
        m = re.search(r"^\[hv\] banner: .* image_base=(0x[0-9a-f]+)", line)
        if m:
            base = m.group(1)
    if base is None:
        return "no banner with image_base in the first boot"
    port = free_port()
    work = tempfile.mkdtemp(prefix="minihv-gdb-")
    log = os.path.join(work, "serial.log")
    qemu = subprocess.Popen([os.path.join(ROOT, "run-qemu.sh"), "--tcg", "--image", USB_IMG, "--gdb-port",
                             str(port), "--timeout", "90", "--log", log],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        time.sleep(1)   # QEMU opens its gdb stub; gdb retries below while it is not listening yet
        env = dict(os.environ, MINIHV_GDB_PORT=str(port), MINIHV_ROOT=ROOT)
        cmd = ["gdb", "-q", "-batch", "-nx", "-x", os.path.join(ROOT, "tools", "gdb", "minihv.gdb"),
               "-ex", "minihv-load " + base, "-ex", "hbreak hv_main", "-ex", "hbreak vmx_probe",
               "-ex", "continue", "-ex", "continue", "-ex", "kill"]
        out = ""
        for _ in range(10):
            r = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               timeout=90, check=False)
            out = r.stdout.decode("utf-8", "replace")
            if "Connection refused" not in out:
                break
            time.sleep(1)
        want = [r"Breakpoint 1, hv_main \(", r"Breakpoint 2, vmx_probe \("]
        pos = 0
        for w in want:
            m = re.compile(w).search(out, pos)
            if not m:
                return "gdb did not stop at %s; gdb said:\n%s" % (w, out[-1500:])
            pos = m.end()
        try:
            banner = open(log, "rb").read().decode("utf-8", "replace")
        except OSError:
            banner = ""
        if "image_base=%s " % base not in banner:
            return "the gdb boot's banner shows another image base than %s" % base
        return None
    except subprocess.TimeoutExpired:
        return "gdb timed out"
    finally:
        try:
            os.killpg(qemu.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        qemu.wait()
        subprocess.run(["rm", "-rf", work], check=False)


CASES = [
    Case(
        name="usb-image-bochs-skylake_x",
        model="corei7_skylake_x",
        disk=USB_IMG,
        expect=[
            BANNER, TAKEOVER,
            r"^\[hv\] cpu: vendor=GenuineIntel .* vmx=yes$",
            r"^\[hv\] vmxon: ok region=0x[0-9a-f]+ revision=0x2b flushed=invept,invvpid$",
            r"^\[hv\] cap: vmcs_revision=0x2b vmcs_size=4096 true_controls=yes ",
            r"^\[hv\] cap: ept=yes walk4=yes wb=yes 2m=yes 1g=yes ad=yes exec_only=yes ",
            r"^\[hv\] cap: vpid=yes unrestricted_guest=yes ",
            r"^\[hv\] guest: done exit_code=0$",     # \EFI\BOOT\GUEST.BIN from the image, or the built-in guest
            r"^\[hv\] vmxoff: ok$",
            r"^\[hv\] end: status=OK code=0$",
            r"^\[hv\] poweroff: shutdown$",
        ],
        forbid=[r"FATAL"],
    ),
    Case(
        name="usb-image-qemu-tcg-refusal",
        emulator="qemu",
        disk=USB_IMG,
        timeout=90,
        expect=REFUSAL,
        forbid=[r"vmxon: ok", r"^\[hv\] cap:"],
    ),
    Case(
        name="usb-gdb-qemu-tcg-breakpoints",
        emulator="qemu",
        disk=USB_IMG,
        timeout=90,
        expect=REFUSAL,
        check=gdb_breakpoints,
    ),
]
