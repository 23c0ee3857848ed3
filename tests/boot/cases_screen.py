"""Screen console boot tests (docs/screen-console.md): under QEMU (TCG, no VMX) the hypervisor
refuses with E_NO_VTX, and the screen must show exactly what the console code renders for the
same log lines on the host (tests/boot/screen_qemu.py)."""
from boot_tests import OUT, Case
from screen_qemu import make_screen_case

CONSOLE = r"^\[hv\] screen: console (\d+)x(\d+) stride=\d+ format=\S+ font=Terminus-\S+ scale=\d+ text=\d+x\d+$"
REFUSAL = [
    r"^\[hv\] takeover: exit_boot_services=ok ",
    r"^\[hv\] cpu: vendor=\w+ .* vmx=no$",
    r"^\[hv\] FATAL E_NO_VTX \(code 2\): .*no .*VT-x.*; run on an Intel CPU with VT-x",
    r"^\[hv\] end: status=E_NO_VTX code=2$",
    r"^\[hv\] poweroff: halt$",
]

CASES = [
    # OVMF's default mode (1280x800 here) is kept: 8x16 font, 160x50 text.
    make_screen_case(Case, OUT, "screen-refuse-no-vtx-qemu-tcg",
                     expect=[r"^\[hv\] screen: keeping GOP mode", CONSOLE] + REFUSAL,
                     forbid=[r"vmxon: ok", r"screen: console off"]),
]
