"""A minimal PNG encoder for the explorers' frames: no row filter, fast zlib.

About twice as fast as Pillow's encoder for plots (1.8-2.9 ms against 6.5-8.7 ms per explorer
frame measured: Pillow's adaptive row filters cost more than they save on flat colours); lossless,
so a browser test can check exact pixel colours. It is what keeps scrubbing an explorer fast.
"""

from __future__ import annotations

import struct
import zlib

import numpy as np


def _png_chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def encode_png(rgba: np.ndarray, level: int = 1) -> bytes:
    """An (H, W, 4) uint8 frame (RGBA, as Agg draws it) as RGB PNG bytes: filter type 0 ("None")
    on every row, zlib ``level`` (1: fastest). Alpha is dropped: the figures are opaque."""
    h, w = rgba.shape[:2]
    raw = np.empty((h, 1 + 3 * w), dtype=np.uint8)
    raw[:, 0] = 0  # filter type 0 ("None") for every row
    pixels = np.reshape(raw[:, 1:], (h, w, 3), copy=False)  # a view into raw
    for c in range(3):  # channel by channel: ~20x faster than one strided (h, w, 3) copy
        pixels[..., c] = rgba[..., c]
    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)  # 8-bit RGB, deflate, no interlace
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(raw.tobytes(), level))
        + _png_chunk(b"IEND", b"")
    )
