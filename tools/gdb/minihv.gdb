# tools/gdb/minihv.gdb: attach gdb to a QEMU started by `./run-qemu.sh --gdb` and load minihv's symbols.
#
# Run from the top of the tree (or set MINIHV_ROOT), after ./run-qemu.sh --gdb [--log FILE]:
#   gdb -q -x tools/gdb/minihv.gdb -ex 'minihv-load 0x1e267000'     image base from the banner line
#   gdb -q -x tools/gdb/minihv.gdb -ex 'minihv-wait build/run.log'  run until the banner is in the log
# then:  hbreak hv_main / hbreak vmx_probe / continue / bt
#
# minihv-load BASE: add-symbol-file build/hv.debug -o BASE. The ELF is linked at 0 (GNU-EFI's
#   linker script) and objcopy keeps the addresses as RVAs, so a symbol's runtime address is
#   image_base + its ELF address. OVMF loads the same build at the same base on every boot with the
#   same firmware and memory size, so the base from an earlier run's banner works before the image
#   is even loaded. Use hbreak, not break: under KVM a software breakpoint written before OVMF
#   loads the image is overwritten by the load (under TCG both work).
# minihv-wait LOG [SECONDS]: continue, watch LOG for "[hv] banner: ... image_base=0x...", stop the
#   target as soon as it appears and load the symbols. Stops a few milliseconds after the banner,
#   which may already be past hv_main: use it for later breakpoints (the exit dispatcher), and
#   minihv-load for early ones.
# The stub port is 1234 (QEMU -s) unless MINIHV_GDB_PORT says otherwise.

set pagination off
set confirm off
set architecture i386:x86-64

python
import os
import re
import signal
import threading
import time

import gdb

MINIHV_ROOT = os.environ.get("MINIHV_ROOT", os.getcwd())
MINIHV_DEBUG = os.path.join(MINIHV_ROOT, "build", "hv.debug")
BANNER_RE = re.compile(rb"\[hv\] banner: .*?image_base=(0x[0-9a-fA-F]+)")


def minihv_load(base):
    if not os.path.exists(MINIHV_DEBUG):
        raise gdb.GdbError("minihv: %s not found: run make (or set MINIHV_ROOT)" % MINIHV_DEBUG)
    gdb.execute("add-symbol-file %s -o %s" % (MINIHV_DEBUG, base))
    addr = int(gdb.parse_and_eval("(unsigned long)&hv_main"))
    print("minihv: symbols loaded at image_base=%s (hv_main at 0x%x); e.g. hbreak hv_main, continue"
          % (base, addr))


class MinihvLoad(gdb.Command):
    """minihv-load IMAGE_BASE: load build/hv.debug at the image base printed in the banner line."""

    def __init__(self):
        super().__init__("minihv-load", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        arg = arg.strip()
        if not arg:
            raise gdb.GdbError("usage: minihv-load IMAGE_BASE (from '[hv] banner: ... image_base=0x...')")
        minihv_load(hex(int(gdb.parse_and_eval(arg))))


def banner_base(path):
    try:
        with open(path, "rb") as f:
            m = BANNER_RE.search(f.read())
    except OSError:
        return None
    return m.group(1).decode() if m else None


class MinihvWait(gdb.Command):
    """minihv-wait LOGFILE [SECONDS]: continue until the banner appears in LOGFILE (the --log of
run-qemu.sh), stop, and load the symbols at its image base."""

    def __init__(self):
        super().__init__("minihv-wait", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        argv = gdb.string_to_argv(arg)
        if not argv:
            raise gdb.GdbError("usage: minihv-wait LOGFILE [SECONDS]")
        path, limit = argv[0], float(argv[1]) if len(argv) > 1 else 120.0
        base = banner_base(path)
        if base is None:
            found = {}

            def watch():
                end = time.time() + limit
                while time.time() < end:
                    b = banner_base(path)
                    if b:
                        found["base"] = b
                        break
                    time.sleep(0.002)
                os.kill(os.getpid(), signal.SIGINT)   # what Ctrl-C does: stop the target

            t = threading.Thread(target=watch, daemon=True)
            t.start()
            gdb.execute("continue")
            t.join()
            base = found.get("base")
            if base is None:
                raise gdb.GdbError("minihv: no banner in %s after %gs" % (path, limit))
        minihv_load(base)


MinihvLoad()
MinihvWait()
end

python
gdb.execute("target remote :%s" % os.environ.get("MINIHV_GDB_PORT", "1234"))
end
