"""The explorers' hand-rolled PNG encoder must produce PNGs that a standard decoder reads back exactly."""

import io

import numpy as np
from PIL import Image

from course_utils.plots import encode_png
from course_utils.widgets import LogitsExplorer


def decode(png: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG" and image.mode == "RGB"
        return np.asarray(image)


def test_encode_png_round_trips_through_pillow():
    rng = np.random.default_rng(0)
    rgba = rng.integers(0, 256, size=(37, 53, 4), dtype=np.uint8)
    np.testing.assert_array_equal(decode(encode_png(rgba)), rgba[..., :3])


def test_explorer_frames_decode_to_the_drawn_pixels():
    ex = LogitsExplorer()
    ex.logit_sliders[0].value = 3.0  # redraw once through the slider callback
    pixels = decode(ex.image.value)
    np.testing.assert_array_equal(pixels, ex._figure.render_rgba()[..., :3])
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 20, "the frame is blank or nearly so"
