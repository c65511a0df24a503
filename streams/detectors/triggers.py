"""Trigger stems: the cheap first test every item goes through, one automaton pass."""

from __future__ import annotations

import ahocorasick

#: Stems of casualty and capture triggers in lower case, matched at a word start;
#: a trailing "$" asks for the whole word ("tue$" is not "tuesday"). An item without any of
#: them cannot hold an event and leaves after one automaton pass; a sentence is read for
#: captures or tolls only when it holds a stem of that kind.
CASUALTY_STEMS = (
    "kill", "dead", "death", "died", "die$", "dies$", "slain", "perish", "murder", "massacr",
    "executed", "executes", "executing", "execute$", "behead", "drown", "shot", "gunned",
    "fatalit", "bodies", "lives", "victim", "wound", "injur", "hurt", "missing", "unaccounted",
    "toll", "tue$", "tues$", "tuee", "tuant", "tuer", "tuent", "mort", "deces", "decede",
    "peri$", "perir", "periss", "noye", "noient", "abatt", "assassin", "sans vie", "bless",
    "dispar", "bilan", "la vie", "casualt", "tué$", "tués$", "tuée", "décès", "décéd",
    "péri$", "périr", "périss", "noyé", "exécut", "surviv", "survéc", "body$", "corps",
    "succomb", "fatal", "lynch",
)  # fmt: skip
CAPTURE_STEMS = (
    "took", "take", "seiz", "captur", "recaptur", "retook", "retak", "liberat", "overr",
    "conquer", "conqu", "reconqu", "freed", "frees", "regain", "won back", "win back",
    "wins back", "control of", "control over", "controle d", "controle total", "controle complet",
    "fell$", "fall", "hands of",
    "drove", "drive", "pushed", "oust", "expel", "flushed", "routed", "eject", "evict", "pris$", "prise$",
    "prises$", "repris", "prend", "prenn", "repren", "libere", "libera", "empar", "tomb",
    "aux mains", "les mains", "main sur", "chass", "expuls", "delog", "chute", "takeover",
    "bascul", "libéré", "libéra", "libèr", "délog", "contrôle d", "contrôle total",
    "contrôle complet", "its control", "their control", "son contrôle", "leur contrôle",
    "son controle", "leur controle", "marched into", "marches into", "march into",
    "moved into", "moves into", "rolled into", "swept into", "poured into", "entered$",
    "enters$", "enter$", "re-enter", "reenter", "were back in", "are back in", "is back in",
    "was back in", "entrés$", "entrées$", "entré dans", "entrée dans", "leur entrée",
    "son entrée", "investi$", "investit$", "investissent$", "réinvesti$", "reinvesti$",
    "contrôlent", "controlent", "maître", "maitre", "occupied", "occupé",
    "controlled$", "controls$", "contrôlée", "controlee", "contrôlé$", "occupies$", "occupy$",
    "occupent$", "occupaient$", "held by", "hold$", "holds$", "hands", "tenue", "tenu par",
    "tiennent", "free of", "libre de", "surrender", "chased", "pushed into", "forced their way",
    "back in", "now in", "in control", "under government", "under military", "under army",
    "under rebel", "reddition", "rode into", "drove into", "de retour", "withdr", "pulled out",
    "retreated from", "retiré", "lost", "perdu le contr", "claimed to have", "possession",
    "contrôle désormais", "contrôle entièrement", "contrôle totalement", "contrôle maintenant",
    "controle desormais", "controle entierement", "restored", "rétabli", "retabli",
    "came under", "comes under", "after taking", "après avoir pris",
)  # fmt: skip
#: Bits of ``TriggerIndex.kinds``.
CASUALTY, CAPTURE = 1, 2


class TriggerIndex:
    """An Aho-Corasick automaton over the trigger stems of both kinds."""

    def __init__(self) -> None:
        self._automaton = ahocorasick.Automaton()
        for kind, stems in ((CASUALTY, CASUALTY_STEMS), (CAPTURE, CAPTURE_STEMS)):
            for stem in stems:
                word = stem.rstrip("$")
                _, known = self._automaton.get(word, (0, 0))
                self._automaton.add_word(word, (len(word), known | kind, stem.endswith("$")))
        self._automaton.make_automaton()

    def kinds(self, lowered: str) -> int:
        """The kinds of trigger stems in a lower-cased text, as a bit set of ``CASUALTY`` and
        ``CAPTURE``."""
        kinds = 0
        for end, (length, kind, whole) in self._automaton.iter(lowered):
            start = end - length + 1
            if start > 0 and lowered[start - 1].isalnum():
                continue
            if whole and end + 1 < len(lowered) and lowered[end + 1].isalnum():
                continue
            kinds |= kind
        return kinds
