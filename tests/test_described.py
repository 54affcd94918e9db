"""DescribedFigure: a figure's Jupyter output is one PNG with its alt text, never an undescribed image."""

import base64
import re

import pytest
from IPython.core.interactiveshell import InteractiveShell

from course_utils.plots import DescribedFigure, check_alt


def _figure(alt=None):
    fig = DescribedFigure(figsize=(2, 1))
    fig.add_subplot().bar([0, 1], [0.25, 0.75])
    if alt is not None:
        fig.alt = alt
    return fig


def test_the_bundle_is_an_img_with_the_alt_text_and_the_text_is_the_description():
    bundle = _figure('Bar chart of S = [0.25, 0.75] & "y"')._repr_mimebundle_()
    assert set(bundle) == {"text/html", "text/plain"}
    assert bundle["text/plain"] == 'Bar chart of S = [0.25, 0.75] & "y"'
    assert 'alt="Bar chart of S = [0.25, 0.75] &amp; &quot;y&quot;"' in bundle["text/html"]
    data = re.search(r'src="data:image/png;base64,([^"]+)"', bundle["text/html"]).group(1)
    assert base64.b64decode(data).startswith(b"\x89PNG\r\n\x1a\n")


def test_ipython_publishes_one_described_output_and_no_bare_png():
    shell = InteractiveShell.instance()
    formatted, _ = shell.display_formatter.format(_figure("Two bars: 0.25 and 0.75."))
    assert formatted == {}  # shown through _ipython_display_, not the inline PNG formatter


@pytest.mark.parametrize(
    "alt", ["", "  ", "Figure", "image.", "No description has been provided for this image", "fig1.png"]
)
def test_placeholder_and_file_name_alts_are_refused(alt):
    with pytest.raises(ValueError, match="alt"):
        _figure(alt)


def test_alt_must_be_text_and_must_be_set_before_display():
    with pytest.raises(TypeError, match="alt"):
        check_alt(3)
    with pytest.raises(ValueError, match="no alt text"):
        _figure()._repr_mimebundle_()
    assert check_alt("a  long\n description") == "a long description"
