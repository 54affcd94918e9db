"""The explorers' hand-rolled PNG encoder must produce PNGs that a standard decoder reads back exactly."""

import io

import numpy as np
import pytest
from PIL import Image

from course_utils.plots.png import encode_png


def decode(png: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG" and image.mode == "RGB"
        return np.asarray(image)


@pytest.mark.parametrize("shape", [(37, 53), (1, 1), (2, 300)])
@pytest.mark.parametrize("level", [1, 9])
def test_encode_png_round_trips_through_pillow(shape, level):
    rng = np.random.default_rng(0)
    rgba = rng.integers(0, 256, size=(*shape, 4), dtype=np.uint8)
    np.testing.assert_array_equal(decode(encode_png(rgba, level)), rgba[..., :3])


def test_a_flat_frame_compresses():
    rgba = np.full((200, 300, 4), 255, dtype=np.uint8)
    assert len(encode_png(rgba)) < rgba.size // 50, "plots are mostly flat colour: zlib must shrink them"
