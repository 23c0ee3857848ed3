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

# A 1920x1080 preferred mode (QEMU's VGA EDID): the bigger font, Terminus Bold 16x32.
CASES.append(make_screen_case(
    Case, OUT, "screen-refuse-no-vtx-qemu-tcg-1080p",
    extra_qemu=["-vga", "none", "-device", "VGA,xres=1920,yres=1080"],
    expect=[r"^\[hv\] screen: (keeping GOP mode|GOP mode \d+ set)", CONSOLE] + REFUSAL,
    forbid=[r"vmxon: ok", r"screen: console off"]))

# A 640x480 preferred mode is too small: efi_gop.c sets the largest mode up to 1920x1080.
CASES.append(make_screen_case(
    Case, OUT, "screen-refuse-no-vtx-qemu-tcg-setmode",
    extra_qemu=["-vga", "none", "-device", "VGA,xres=640,yres=480"],
    expect=[r"^\[hv\] screen: GOP mode \d+ set \(\d+x\d+; was 640x480\)", CONSOLE] + REFUSAL,
    forbid=[r"vmxon: ok", r"screen: console off"]))
