#!/usr/bin/env python3
"""A minimal RFB (VNC) client to read a headless Bochs screen (display_library: rfb).

  python3 tests/boot/screen_vnc.py HOST:PORT OUT.ppm [--wait-serial LOG --pattern TEXT --timeout S]

Connects (retrying until the server listens), waits until the serial log contains TEXT if asked,
requests one full, non-incremental framebuffer update in raw encoding, and writes it as a P6 PPM.
Speaks RFB 3.3 and 3.8 without authentication, follows DesktopSize changes, and decodes whatever
true-colour pixel format the server uses (Bochs may ignore SetPixelFormat)."""
import argparse
import socket
import struct
import sys
import time


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise EOFError("server closed the connection after %d of %d bytes" % (len(buf), n))
        buf += chunk
    return buf


def connect(addr, timeout):
    host, port = addr.rsplit(":", 1)
    deadline = time.time() + timeout
    while True:
        try:
            return socket.create_connection((host, int(port)), timeout=10)
        except OSError:
            if time.time() > deadline:
                raise
            time.sleep(0.5)


def handshake(s):
    ver = recv_exact(s, 12)
    major, minor = int(ver[4:7]), int(ver[8:11])
    minor = 8 if (major, minor) >= (3, 8) else 3
    s.sendall(b"RFB 003.%03d\n" % minor)
    if minor == 3:
        (sec,) = struct.unpack(">I", recv_exact(s, 4))
    else:
        (n,) = struct.unpack(">B", recv_exact(s, 1))
        types = recv_exact(s, n)
        if 1 not in types:
            raise RuntimeError("server wants authentication: %r" % types)
        s.sendall(b"\x01")
        sec = 1
    if sec != 1:
        raise RuntimeError("security type %d (not 'none')" % sec)
    if minor == 8:
        (res,) = struct.unpack(">I", recv_exact(s, 4))
        if res:
            raise RuntimeError("security handshake failed")
    s.sendall(b"\x01")   # ClientInit: shared
    w, h = struct.unpack(">HH", recv_exact(s, 4))
    pf = recv_exact(s, 16)
    (nlen,) = struct.unpack(">I", recv_exact(s, 4))
    name = recv_exact(s, nlen)
    return w, h, pf, name, ver


def parse_pf(pf):
    bpp, depth, be, tc, rmax, gmax, bmax, rsh, gsh, bsh = struct.unpack(">BBBBHHHBBB", pf[:13])
    return dict(bpp=bpp, depth=depth, be=be, tc=tc, rmax=rmax, gmax=gmax, bmax=bmax, rsh=rsh, gsh=gsh, bsh=bsh)


def grab(s, w, h, pf):
    # Bochs 2.7 answers SetPixelFormat with nothing and keeps its 8-bit BGR233: use the server's format.
    s.sendall(struct.pack(">BxHii", 2, 2, 0, -223))                         # SetEncodings raw, DesktopSize
    pf = parse_pf(pf)
    fb = None
    s.sendall(struct.pack(">BBHHHH", 3, 0, 0, 0, w, h))                     # full update
    while True:
        (mtype,) = struct.unpack(">B", recv_exact(s, 1))
        if mtype == 0:
            (nrect,) = struct.unpack(">xH", recv_exact(s, 3))
            got_pixels = False
            for _ in range(nrect):
                x, y, rw, rh, enc = struct.unpack(">HHHHi", recv_exact(s, 12))
                if enc == -223:             # DesktopSize: new size, ask again
                    w, h = rw, rh
                    fb = None
                    s.sendall(struct.pack(">BBHHHH", 3, 0, 0, 0, w, h))
                    continue
                if enc != 0:
                    raise RuntimeError("unexpected encoding %d" % enc)
                bpp = pf["bpp"] // 8
                data = recv_exact(s, rw * rh * bpp)
                if fb is None:
                    fb = bytearray(w * h * 3)
                for row in range(rh):
                    for col in range(rw):
                        o = (row * rw + col) * bpp
                        v = int.from_bytes(data[o:o + bpp], "big" if pf["be"] else "little")
                        px = ((y + row) * w + x + col) * 3
                        if px + 2 < len(fb):
                            fb[px] = ((v >> pf["rsh"]) & pf["rmax"]) * 255 // max(pf["rmax"], 1)
                            fb[px + 1] = ((v >> pf["gsh"]) & pf["gmax"]) * 255 // max(pf["gmax"], 1)
                            fb[px + 2] = ((v >> pf["bsh"]) & pf["bmax"]) * 255 // max(pf["bmax"], 1)
                got_pixels = True
            if got_pixels:
                return w, h, bytes(fb)
        elif mtype == 1:                    # SetColourMapEntries
            _, _, n = struct.unpack(">xHH", recv_exact(s, 5))
            recv_exact(s, n * 6)
        elif mtype == 2:                    # Bell
            continue
        elif mtype == 3:                    # ServerCutText
            (n,) = struct.unpack(">3xI", recv_exact(s, 7))
            recv_exact(s, n)
        else:
            raise RuntimeError("unknown server message %d" % mtype)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("addr")
    ap.add_argument("out")
    ap.add_argument("--wait-serial")
    ap.add_argument("--pattern", default="[hv] poweroff: halt")
    ap.add_argument("--timeout", type=float, default=120)
    a = ap.parse_args()
    deadline = time.time() + a.timeout
    if a.wait_serial:
        while time.time() < deadline:
            try:
                if a.pattern.encode() in open(a.wait_serial, "rb").read():
                    break
            except OSError:
                pass
            time.sleep(0.5)
        time.sleep(2)
    s = connect(a.addr, max(deadline - time.time(), 1))
    w, h, pf, name, ver = handshake(s)
    print("server %r %r %dx%d pixel format %s" % (ver, name, w, h, parse_pf(pf)))
    w, h, rgb = grab(s, w, h, pf)
    with open(a.out, "wb") as f:
        f.write(b"P6\n%d %d\n255\n" % (w, h) + rgb)
    print("wrote %s (%dx%d)" % (a.out, w, h))
    return 0


if __name__ == "__main__":
    sys.exit(main())
