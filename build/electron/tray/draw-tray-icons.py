"""Draws ScriptDesk's tray icons (standard library only): python3 draw-tray-icons.py

A rounded square with a prompt chevron cut out of it. tray.png (Linux) is the app's blue;
trayTemplate.png and @2x (macOS menu bar) are black on clear, which macOS recolours; tray.ico
(Windows) holds the blue icon at 16 and 32 pixels.
"""
import struct
import zlib

BLUE = (30, 90, 168)
BLACK = (0, 0, 0)


def coverage(x, y, size):
    """How much of pixel (x, y) the shape covers, 0..1, by 4x4 supersampling."""
    hits = 0
    for sy in range(4):
        for sx in range(4):
            u = (x + (sx + 0.5) / 4) / size
            v = (y + (sy + 0.5) / 4) / size
            hits += inside(u, v)
    return hits / 16


def inside(u, v):
    # Rounded square from 0.06 to 0.94 with corner radius 0.2.
    lo, hi, r = 0.06, 0.94, 0.2
    cx = min(max(u, lo + r), hi - r)
    cy = min(max(v, lo + r), hi - r)
    if (u - cx) ** 2 + (v - cy) ** 2 > r * r:
        return 0
    # The chevron ">" and the underscore, cut out.
    if abs(v - 0.5) <= 0.2 and abs((u - 0.28) - (0.2 - abs(v - 0.5))) <= 0.075:
        return 0
    if 0.52 <= u <= 0.74 and 0.64 <= v <= 0.74:
        return 0
    return 1


def png(size, colour):
    rows = b""
    for y in range(size):
        rows += b"\x00" + b"".join(
            bytes(colour) + bytes([round(255 * coverage(x, y, size))]) for x in range(size)
        )

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def ico(images):
    entries, data = b"", b""
    offset = 6 + 16 * len(images)
    for size, image in images:
        entries += struct.pack("<BBBBHHII", size, size, 0, 0, 1, 32, len(image), offset + len(data))
        data += image
    return struct.pack("<HHH", 0, 1, len(images)) + entries + data


with open("tray.png", "wb") as f:
    f.write(png(32, BLUE))
with open("trayTemplate.png", "wb") as f:
    f.write(png(16, BLACK))
with open("trayTemplate@2x.png", "wb") as f:
    f.write(png(32, BLACK))
with open("tray.ico", "wb") as f:
    f.write(ico([(16, png(16, BLUE)), (32, png(32, BLUE))]))
