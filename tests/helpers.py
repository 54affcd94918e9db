"""What several test files share: reading a PNG's pixels, running callbacks from threads at once."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable

import numpy as np
from PIL import Image


def png_pixels(data: bytes) -> np.ndarray:
    """The RGB pixels (H, W, 3) of PNG bytes."""
    with Image.open(io.BytesIO(data)) as im:
        return np.asarray(im.convert("RGB"))


def run_in_threads(work: Callable[[int], None], n: int) -> list[Exception]:
    """Run ``work(0)`` ... ``work(n - 1)`` at once, each on its own thread; the exceptions they raised."""
    errors: list[Exception] = []

    def guarded(i: int) -> None:
        try:
            work(i)
        except Exception as err:  # pragma: no cover - only on failure, reported by the caller
            errors.append(err)

    threads = [threading.Thread(target=guarded, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors
