"""The pure rules of a drawn signature: what is taken as a signature, the hash of what is
signed, who reads and signs each kind, and the sentence of the proof."""

from __future__ import annotations

import base64
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from mobility.enums import ProofKind, Role, SignedDocumentKind
from mobility.signatures import (
    SIGNATURE_MAX_BYTES,
    SignatureRefused,
    content_hash,
    decode_signature,
    may_read,
    may_sign,
    missing_lines,
    proof_label,
    snapshot,
)
from tests.signatures import data_url, drawn_png


def test_a_drawn_png_is_decoded_to_its_bytes():
    png = drawn_png()
    assert decode_signature(data_url(png)) == png


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "vide"),
        ("   ", "vide"),
        ("data:image/jpeg;base64,/9j/4AAQ", "PNG"),
        ("iVBORw0KGgo=", "PNG"),
        ("data:image/png;base64,@@@not-base64@@@", "base64"),
        ("data:image/png;base64," + base64.b64encode(b"GIF89a....").decode(), "PNG"),
        (
            "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"x" * 50).decode(),
            "lisible",
        ),
    ],
)
def test_what_is_not_a_png_drawing_is_refused_in_french(value, reason):
    with pytest.raises(SignatureRefused) as refused:
        decode_signature(value)
    assert reason in refused.value.message
    assert refused.value.status_code == 422
    assert refused.value.errors == {"signature": refused.value.message}


def test_a_blank_canvas_is_refused():
    with pytest.raises(SignatureRefused, match="vide"):
        decode_signature(data_url(drawn_png(blank=True)))


def test_a_white_opaque_canvas_is_blank_too():
    buffer = io.BytesIO()
    Image.new("RGB", (300, 100), (255, 255, 255)).save(buffer, format="PNG")
    with pytest.raises(SignatureRefused, match="vide"):
        decode_signature(data_url(buffer.getvalue()))


def test_a_signature_over_200_kb_is_refused_before_decoding():
    huge = "data:image/png;base64," + "A" * (SIGNATURE_MAX_BYTES * 2)
    with pytest.raises(SignatureRefused, match="200 Ko"):
        decode_signature(huge)


def test_a_huge_picture_is_refused():
    buffer = io.BytesIO()
    Image.new("1", (5000, 4000), 1).save(buffer, format="PNG", optimize=True)
    assert len(buffer.getvalue()) < SIGNATURE_MAX_BYTES
    with pytest.raises(SignatureRefused, match="trop grande"):
        decode_signature(data_url(buffer.getvalue()))


@given(st.text(max_size=300))
def test_no_text_ever_breaks_the_decoder(text):
    try:
        decode_signature(text)
    except SignatureRefused as refused:
        assert refused.message
    else:  # pragma: no cover - a random text is never a drawing
        pytest.fail("a random text was taken as a signature")


@given(st.binary(max_size=2000))
def test_no_bytes_ever_break_the_decoder(payload):
    with pytest.raises(SignatureRefused):
        decode_signature("data:image/png;base64," + base64.b64encode(payload).decode())


@given(st.binary(max_size=400))
def test_a_corrupted_png_is_refused_not_crashed(tail):
    png = drawn_png(120, 60)
    corrupted = png[:40] + tail
    if corrupted == png:
        return
    with pytest.raises(SignatureRefused):
        decode_signature(data_url(corrupted))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@given(st.dictionaries(st.text(max_size=10), json_values, max_size=6))
def test_the_hash_ignores_the_order_of_keys(payload):
    reordered = dict(reversed(list(payload.items())))
    assert content_hash(reordered) == content_hash(payload)
    assert len(content_hash(payload)) == 64


@given(st.dictionaries(st.text(max_size=10), json_values, min_size=1, max_size=6), st.data())
def test_the_hash_changes_with_any_value(payload, data):
    key = data.draw(st.sampled_from(sorted(payload)))
    changed = {**payload, key: [payload[key], "modifié"]}
    assert content_hash(changed) != content_hash(payload)


@given(st.dictionaries(st.text(max_size=10), json_values, max_size=6))
def test_the_stored_snapshot_has_the_payloads_hash(payload):
    assert content_hash(snapshot(payload)) == content_hash(payload)


def test_dates_and_amounts_are_hashed_as_text():
    payload = {
        "deposit": Decimal("150.00"),
        "start": date(2026, 1, 5),
        "at": datetime(2026, 1, 5, 9, 30, tzinfo=UTC),
    }
    assert snapshot(payload) == {
        "deposit": "150.00",
        "start": "2026-01-05",
        "at": "2026-01-05T09:30:00+00:00",
    }
    assert content_hash(payload) == content_hash(snapshot(payload))
    assert content_hash({"deposit": Decimal("150.00")}) != content_hash({"deposit": "100.00"})


def test_an_object_that_is_not_data_cannot_be_hashed():
    with pytest.raises(TypeError):
        content_hash({"what": object()})


def test_who_reads_and_signs_each_kind():
    assert may_sign(SignedDocumentKind.RENTAL_CONTRACT, [Role.FLEET])
    assert not may_sign(SignedDocumentKind.RENTAL_CONTRACT, [Role.INSTRUCTOR])
    assert may_sign(SignedDocumentKind.LEARNING_AGREEMENT, [Role.INSTRUCTOR])
    assert not may_read(SignedDocumentKind.LEARNING_AGREEMENT, [Role.FLEET])
    for kind in SignedDocumentKind:
        assert not may_read(kind, [Role.PRESCRIBER, Role.FUNDER])
        assert may_read(kind, [Role.ADMIN]) and may_read(kind, [Role.ADVISER])


def test_the_missing_lines_keep_the_required_order():
    assert missing_lines(["beneficiary", "staff"], ["staff"]) == ["beneficiary"]
    assert missing_lines(["beneficiary", "staff"], ["staff", "beneficiary"]) == []


def test_the_proof_says_which_kind_exists(settings):
    settings.TIME_ZONE = "Europe/Paris"
    when = datetime(2026, 3, 5, 9, 30, tzinfo=UTC)
    assert proof_label(proof=ProofKind.TABLET, closed_at=when) == (
        "tablet",
        "Signé sur tablette le 5 mars 2026 à 10:30",
    )
    assert proof_label(proof=ProofKind.PAPER, closed_at=when) == (
        "paper",
        "Scan papier joint le 5 mars 2026 à 10:30",
    )
    assert proof_label(proof="", closed_at=None) == ("none", "Pas encore signé")
    assert proof_label(proof="", closed_at=None, signed_lines=1)[0] == "pending"
