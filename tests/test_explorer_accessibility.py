"""The explorers without sight and without a mouse, checked in Python (the browser half is in
tests/browser/test_widgets_in_browser.py): every control the page shows has an accessible name
that contains its visible label; the picture's text alternative and the live region's text hold
the kernel's current numbers, and follow every move; the page's values are Python's widgets' own."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pytest

from course_utils.widgets import BackpropExplorer, ControlPanel, LogitsExplorer, move_status


@pytest.fixture(scope="module")
def ex():
    return LogitsExplorer()


@pytest.fixture(scope="module")
def bx():
    return BackpropExplorer(steps=60)


def shown_controls(explorer) -> list[dict]:
    """The controls the page renders (the panel's specs), in Tab order."""
    return list(explorer.controls.controls)


def test_the_page_shows_one_panel_and_no_unnamed_ipywidgets_control(ex, bx):
    def walk(w):
        yield w
        for child in getattr(w, "children", ()):
            yield from walk(child)

    for explorer in (ex, bx):
        shown = list(walk(explorer.widget))
        # ipywidgets' own sliders and Play (unnamed on the page) are models only, never displayed
        assert not [w for w in shown if isinstance(w, (widgets.FloatSlider, widgets.IntSlider, widgets.Play))]
        assert not [w for w in shown if isinstance(w, (widgets.FloatLogSlider, widgets.Dropdown))]
        assert sum(isinstance(w, ControlPanel) for w in shown) == 1
        assert "explorer-controls" in explorer.controls._dom_classes
        assert explorer.controls.label.endswith("controls")


def test_logits_controls_have_names_that_contain_their_labels(ex):
    specs = shown_controls(ex)
    assert [c["aria_label"] for c in specs] == [
        "logit z1",
        "logit z2",
        "logit z3",
        "true class",
        "temperature T",
        "label smoothing ε",
    ]
    for spec in specs:
        assert spec["label"] and spec["label"] in spec["aria_label"]  # WCAG 2.5.3 label in name
    assert [c["kind"] for c in specs] == ["range"] * 3 + ["select", "range", "range"]
    assert specs[3]["options"] == [["class 1", 0], ["class 2", 1], ["class 3", 2]]
    z1 = ex.controls.control_for(ex.logit_sliders[0])
    assert (z1["min"], z1["max"], z1["step"], z1["decimals"]) == (-10.0, 10.0, 0.01, 2)


def test_backprop_controls_play_button_first_and_a_log_slider(bx):
    specs = shown_controls(bx)
    assert [(c["kind"], c["aria_label"]) for c in specs] == [
        ("play", "play training"),
        ("range", "training step"),
        ("range", "learning rate"),
        ("range", "sample"),
    ]
    lr = bx.controls.control_for(bx.lr_slider)
    assert lr["log"] and (lr["min"], lr["max"], lr["step"]) == (-2.0, 1.0, 0.1)  # exponents of 10
    assert not lr["continuous"]  # retraining waits for the key or mouse to let go
    assert specs[0]["target"] == bx.controls.control_for(bx.step_slider)["name"]


def test_each_control_refers_to_its_widget_and_keeps_no_copy_of_its_value(ex):
    # The page reads and sets the widget's own model through this reference: one source of truth.
    for widget in [*ex.logit_sliders, ex.temperature, ex.smoothing, ex.true_class]:
        assert ex.controls.control_for(widget)["ref"] == f"anywidget:{widget.model_id}"
    assert "values" not in ex.controls.trait_names(sync=True)
    assert all("value" not in spec for spec in ex.controls.controls)
    before = [dict(spec) for spec in ex.controls.controls]
    ex.logit_sliders[0].value, ex.true_class.value = 1.25, 0  # Python moves two controls ...
    assert ex.controls.controls == before  # ... and the panel had nothing to update
    ex.logit_sliders[0].value, ex.true_class.value = -1.80, 2


def test_logits_description_holds_the_current_numbers(ex):
    ex.logit_sliders[0].value = -1.80
    assert ex.image.tooltip == ex.describe()
    text = ex.describe()
    assert "S = [0.10, 0.30, 0.60]" in text and "y = [0.00, 0.00, 1.00]" in text
    assert "true class 3" in text and "loss 0.511" in text
    assert "dLoss/dz = [0.10, 0.30, −0.40]" in text  # a real minus sign, read as "minus"
    ex.temperature.value = 2.0
    assert ex.image.tooltip == ex.describe() != text
    assert "T = 2.00" in ex.image.tooltip
    assert f"loss {ex.loss:.3f}" in ex.image.tooltip
    ex.temperature.value = 1.0


def test_live_region_text_names_the_move_and_the_loss(ex):
    ex.logit_sliders[1].value = 0.25
    assert ex.controls.status == f"z2 = 0.25; loss {ex.loss:.4f}"
    ex.smoothing.value = 0.1
    assert ex.controls.status == f"ε = 0.10; loss {ex.loss:.4f}"
    ex.true_class.value = 0
    assert ex.controls.status == f"true class = class 1; loss {ex.loss:.4f}"
    ex.logit_sliders[0].value = -2.5
    assert ex.controls.status == f"z1 = −2.50; loss {ex.loss:.4f}"
    ex.smoothing.value, ex.true_class.value, ex.logit_sliders[1].value = 0.0, 2, -0.69


def test_backprop_description_and_status_follow_the_step(bx):
    bx.step_slider.value = 30
    t, loss = 30, bx.history[30]
    assert bx.controls.status == f"step = 30; loss {loss:.4f}; training accuracy {100 * bx.accuracy:.1f} %"
    text = bx.image.tooltip
    assert text == bx.describe()
    assert f"Training step {t} of 60" in text and f"{loss:.3f} now" in text
    assert f"training accuracy {100 * bx.run.accuracy[t]:.1f} %" in text
    for name in bx._probe.params:
        assert f"{name} " in text  # every gradient norm bar, by name
    bx.sample_slider.value = 5
    assert bx.controls.status.startswith(f"sample = 5; loss {loss:.4f}; at step 30, class ")
    assert "S - y = [" in bx.controls.status and "sample #5" in bx.image.tooltip
    bx.step_slider.value = 0
    assert bx.image.tooltip.startswith("Training step 0 of 60")


def test_move_status_and_panel_input_checks():
    z = widgets.FloatSlider(value=-0.5, min=-1, max=1, description="z1", readout_format=".2f")
    assert move_status(z, 0.51104) == "z1 = −0.50; loss 0.5110"
    assert move_status(None, 1.0, "step 3") == "loss 1.0000; step 3"
    with pytest.raises(ValueError, match="label"):
        ControlPanel([(z, "logit z1")], label="")
    with pytest.raises(TypeError, match="label"):
        ControlPanel([(z, "logit z1")], label=None)
    with pytest.raises(ValueError, match="accessible name"):
        ControlPanel([(z, "logit")], label="x controls")  # the name must contain "z1"
    with pytest.raises(TypeError, match="controls"):
        ControlPanel([(widgets.Text(description="a"), "a")], label="x controls")
    with pytest.raises(ValueError, match="play"):
        ControlPanel([(z, "logit z1")], label="x controls", play=(z, 1, 60, "play"))


def test_digits_explorer_names_and_description():
    sklearn = pytest.importorskip("sklearn")  # noqa: F841
    from course_utils.network import MLP
    from course_utils.widgets import DigitsExplorer

    rng = np.random.default_rng(0)
    X, labels = rng.uniform(0, 16, (5, 64)), np.array([0, 1, 2, 3, 4])
    dx = DigitsExplorer(MLP([64, 10], seed=0), X, labels)
    assert [(c["kind"], c["aria_label"]) for c in dx.controls.controls] == [
        ("range", "test image"),
        ("range", "temperature T"),
    ]
    assert dx.image.tooltip == dx.describe() and dx.describe().startswith("Test image 0: ")
    dx.image_slider.value = 3
    assert dx.describe().startswith("Test image 3: an 8 by 8 handwritten 3;")
    assert dx.controls.status.startswith(f"test image = 3; loss {dx.loss:.4f}; true 3, predicted ")
    assert f"loss {dx.loss:.3f}" in dx.image.tooltip


def test_the_picture_renders_with_its_title(ex):
    """ipywidgets 8.1's front end reads ``description`` before setting ``title`` from ``tooltip``;
    an Image without one fails to render, so the explorers' pictures carry an empty description."""
    state = ex.image.get_state()
    assert state["_model_name"] == "ImageModel" and state["description"] == ""
    assert state["tooltip"] == ex.describe()
    # the website's script copies the hidden carrier's text into the <img alt>
    carrier = ex.image.carrier
    assert "widget-image-alt" in carrier._dom_classes and carrier.layout.display == "none"
    assert carrier.value == ex.describe().replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert carrier in ex.widget.children


def test_text_plain_of_an_explorer_is_the_same_on_every_run(ex, bx):
    """A stored output's text/plain holds no memory address (it would differ on every run)."""
    for explorer in (ex, bx):
        text = explorer.widget._repr_mimebundle_()["text/plain"]
        assert "ControlPanel(label=" in text and " at 0x" not in text, text[:300]
