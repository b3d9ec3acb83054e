"""The signature pad served from the project's own static files, and the form field that
renders it and cleans the drawing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django import forms

from mobility.forms import SignatureField
from tests.signatures import data_url, drawn_png

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "static" / "vendor" / "signature_pad"
NODE = ROOT / "node_modules" / "signature_pad"


def test_the_library_is_pinned_to_an_exact_version():
    pinned = json.loads((ROOT / "package.json").read_text())["dependencies"]["signature_pad"]
    assert pinned[0].isdigit(), "an exact version, no range"
    lock = json.loads((ROOT / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/signature_pad"]["version"] == pinned
    head = (VENDOR / "signature_pad.umd.min.js").read_text()[:200]
    assert f"Signature Pad v{pinned}" in head
    assert "MIT" in (VENDOR / "LICENSE").read_text()


@pytest.mark.skipif(not NODE.exists(), reason="node_modules is not installed here")
def test_the_served_copy_is_the_registrys_file():
    served = (VENDOR / "signature_pad.umd.min.js").read_bytes()
    assert served == (NODE / "dist" / "signature_pad.umd.min.js").read_bytes()
    # Its source map is served too: the manifest of collectstatic needs every file the
    # script names (a missing map stops the service at start-up).
    source_map = "signature_pad.umd.min.js.map"
    assert (VENDOR / source_map).read_bytes() == (NODE / "dist" / source_map).read_bytes()
    assert (VENDOR / "LICENSE").read_bytes() == (NODE / "LICENSE").read_bytes()


class SignForm(forms.Form):
    signature = SignatureField(label="Signature")


def test_the_field_renders_a_canvas_a_hidden_input_and_a_clear_button():
    html = str(SignForm()["signature"])
    assert 'class="signature-field"' in html and "<canvas" in html
    assert 'type="hidden" name="signature"' in html
    assert "Effacer" in html
    assert "vendor/signature_pad/signature_pad.umd.min.js" in html
    assert "<script>" not in html  # no inline script (Content-Security-Policy)


def test_the_field_cleans_a_drawing_into_png_bytes():
    png = drawn_png()
    form = SignForm({"signature": data_url(png)})
    assert form.is_valid()
    assert form.cleaned_data["signature"] == png


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Signez dans le cadre avant d'enregistrer."),
        (data_url(drawn_png(blank=True)), "La signature est vide : signez dans le cadre."),
        ("data:image/gif;base64,R0lG", "La signature doit être une image PNG"),
    ],
)
def test_the_field_says_in_french_why_a_drawing_is_refused(value, message):
    form = SignForm({"signature": value})
    assert not form.is_valid()
    assert form.errors["signature"][0].startswith(message)
