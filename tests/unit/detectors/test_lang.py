"""The cheap language guess."""

from __future__ import annotations

import pytest

from ingest.lang import guess_language


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Les FDS ont repris la ville de Raqqa aux djihadistes", "fr"),
        ("Au moins douze morts dans un attentat à Kaboul", "fr"),
        ("Islamic State fighters seized the city of Ramadi on Sunday", "en"),
        ("Mosul falls to IS", "en"),
        ("Raqqa libérée", "fr"),
        ("", "en"),
    ],
)
def test_guess_language(text: str, lang: str) -> None:
    assert guess_language(text) == lang
