"""A cheap language guess for wire text: French or English, by counting stopwords."""

from __future__ import annotations

import re


def _words(block: str) -> frozenset[str]:
    return frozenset(block.split())


#: Frequent function words that are not also words of the other language.
_FRENCH = _words(
    """
    le la les des du et est sont dans pour par sur au aux une un que qui ont été cette ces
    selon avec après mais leur leurs ils elles il elle pas plus entre contre lors depuis
    sous nous vous son sa ses se ne avait auraient aurait serait où ainsi deux trois
    """
)
_ENGLISH = _words(
    """
    the of and to in is was were for on that with by as at from has have had it its be
    been are after this said says an which who their they not but or will over into than
    more against also about while would there his her he she we two three
    """
)
_WORD = re.compile(r"[a-zàâçéèêëîïôûùüÿœ']+")
#: Letters that English text almost never carries.
_FRENCH_LETTERS = re.compile(r"[àâçéèêëîïôûùœ]")


def guess_language(text: str) -> str:
    """``"fr"`` or ``"en"`` for a text, by stopword counts; English when nothing tells."""
    lowered = text.lower()
    french = english = 0
    for word in _WORD.findall(lowered):
        if "'" in word:
            word = word.split("'", 1)[0] + "'" if word[1:2] == "'" else word
            if word in ("l'", "d'", "qu'", "n'", "s'", "c'", "j'"):
                french += 1
                continue
        if word in _FRENCH:
            french += 1
        elif word in _ENGLISH:
            english += 1
    if french == english:
        return "fr" if len(_FRENCH_LETTERS.findall(lowered)) > 1 else "en"
    return "fr" if french > english else "en"
