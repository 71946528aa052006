"""Small media files the test sites (site.py, reader_site.py) are made
of, written from scratch with the standard library: PNG and WAV."""
import math
import struct
import zlib


def png(w, h, rgb):
    """A W x H PNG of one colour RGB (three bytes)."""
    raw = b"".join(b"\0" + bytes(rgb) * w for _ in range(h))

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def wav(seconds, rate=8000):
    """8-bit mono PCM: a tone that changes pitch, SECONDS long."""
    n = seconds * rate
    data = bytes(128 + int(60 * math.sin(2 * math.pi * (300 + (i // rate) % 200) * i / rate))
                 for i in range(n))
    return (b"RIFF" + struct.pack("<I", 36 + n) + b"WAVEfmt " + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate, 1, 8)
            + b"data" + struct.pack("<I", n) + data)
