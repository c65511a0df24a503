"""One-line French and English headlines for an event, whatever language it was reported in.

Pure: the names come from the event (GeoNames canonical name, the actor as written) and from
the small exonym and actor tables below; nothing is translated beyond them. A place without
an entry keeps its canonical name in both languages ("Ar Raqqah" would stay as is, which is
why the common conflict cities are listed).
"""

from __future__ import annotations

import re

from kernel.vocabulary import (
    KIND_SPECS,
    EventKind,
    EventStatus,
    Language,
    status_label,
    toll_phrase,
)
from streams.events import DetectedEvent, Place
from streams.fingerprint import fold

#: GeoNames id -> (French, English) names for cities where the canonical name is not the
#: usual one in one of the two languages.
PLACE_NAMES: dict[int, tuple[str, str]] = {
    1138958: ("Kaboul", "Kabul"),
    1138336: ("Kandahar", "Kandahar"),
    1135689: ("Kunduz", "Kunduz"),
    99072: ("Mossoul", "Mosul"),
    98182: ("Bagdad", "Baghdad"),
    98717: ("Ramadi", "Ramadi"),
    170063: ("Alep", "Aleppo"),
    170654: ("Damas", "Damascus"),
    172955: ("Raqqa", "Raqqa"),
    163808: ("Palmyre", "Palmyra"),
    169389: ("Idleb", "Idlib"),
    170794: ("Deir ez-Zor", "Deir ez-Zor"),
    276781: ("Beyrouth", "Beirut"),
    281184: ("Jérusalem", "Jerusalem"),
    53654: ("Mogadiscio", "Mogadishu"),
    2210554: ("Syrte", "Sirte"),
    88319: ("Benghazi", "Benghazi"),
    2210247: ("Tripoli", "Tripoli"),
    71137: ("Sanaa", "Sanaa"),
    79415: ("Hodeïda", "Hodeidah"),
    713174: ("Bakhmout", "Bakhmut"),
    701822: ("Marioupol", "Mariupol"),
    702658: ("Louhansk", "Luhansk"),
    698740: ("Odessa", "Odesa"),
    703448: ("Kyiv", "Kyiv"),
    2449067: ("Tombouctou", "Timbuktu"),
    331180: ("Mekele", "Mekelle"),
}

#: Actors named in both languages: key -> (French with its article, English).
ACTORS: dict[str, tuple[str, str]] = {
    "sdf": ("les FDS", "SDF"),
    "islamic_state": ("l'EI", "IS"),
    "taliban": ("les talibans", "the Taliban"),
    "iraqi_forces": ("les forces irakiennes", "Iraqi forces"),
    "syrian_army": ("l'armée syrienne", "the Syrian army"),
    "malian_army": ("l'armée malienne", "the Malian army"),
    "russian_forces": ("les forces russes", "Russian forces"),
    "ukrainian_forces": ("les forces ukrainiennes", "Ukrainian forces"),
    "wagner": ("le groupe Wagner", "the Wagner group"),
    "hts": ("HTS", "HTS"),
    "m23": ("le M23", "M23"),
    "rsf": ("les FSR", "the RSF"),
    "shabaab": ("les shebab", "al-Shabaab"),
    "boko_haram": ("Boko Haram", "Boko Haram"),
    "houthis": ("les houthis", "the Houthis"),
    "gna_forces": ("les forces du GNA", "GNA forces"),
}

# Spellings seen on the wires, folded and without article -> actor key.
_ACTOR_SPELLINGS: dict[str, str] = {
    "fds": "sdf", "sdf": "sdf", "forces democratiques syriennes": "sdf",
    "syrian democratic forces": "sdf", "us-backed sdf": "sdf",
    "ei": "islamic_state", "is": "islamic_state", "isis": "islamic_state",
    "isil": "islamic_state", "etat islamique": "islamic_state",
    "groupe etat islamique": "islamic_state", "islamic state": "islamic_state",
    "islamic state group": "islamic_state", "daech": "islamic_state", "daesh": "islamic_state",
    "talibans": "taliban", "taliban": "taliban", "taleban": "taliban",
    "forces irakiennes": "iraqi_forces", "iraqi forces": "iraqi_forces",
    "armee irakienne": "iraqi_forces", "iraqi army": "iraqi_forces",
    "iraqi troops": "iraqi_forces", "troupes irakiennes": "iraqi_forces",
    "armee syrienne": "syrian_army", "syrian army": "syrian_army",
    "syrian government forces": "syrian_army", "forces gouvernementales syriennes": "syrian_army",
    "syrian troops": "syrian_army", "forces du regime": "syrian_army",
    "armee malienne": "malian_army", "malian army": "malian_army", "fama": "malian_army",
    "forces armees maliennes": "malian_army", "malian troops": "malian_army",
    "forces russes": "russian_forces", "armee russe": "russian_forces",
    "russian forces": "russian_forces", "russian troops": "russian_forces",
    "russian army": "russian_forces",
    "forces ukrainiennes": "ukrainian_forces", "armee ukrainienne": "ukrainian_forces",
    "ukrainian forces": "ukrainian_forces", "ukrainian troops": "ukrainian_forces",
    "ukrainian army": "ukrainian_forces",
    "wagner": "wagner", "groupe wagner": "wagner", "wagner group": "wagner",
    "hts": "hts", "hayat tahrir al-cham": "hts", "hayat tahrir al-sham": "hts",
    "m23": "m23", "rebelles du m23": "m23", "m23 rebels": "m23",
    "fsr": "rsf", "rsf": "rsf", "forces de soutien rapide": "rsf",
    "rapid support forces": "rsf", "paramilitaires des fsr": "rsf",
    "shebab": "shabaab", "al-shabaab": "shabaab", "shabaab": "shabaab", "al-shabab": "shabaab",
    "boko haram": "boko_haram",
    "houthis": "houthis", "rebelles houthis": "houthis", "houthi rebels": "houthis",
    "forces du gna": "gna_forces", "gna forces": "gna_forces",
    "forces loyales au gouvernement d'union": "gna_forces",
    "forces fideles au gouvernement d'union": "gna_forces",
    "forces loyal to the unity government": "gna_forces",
}  # fmt: skip

_ARTICLE = re.compile(r"^(?:les|le|la|l'|l’|the)\s*")


def actor_key(actor: str | None) -> str | None:
    """A language-neutral key for an actor: the table key when known, else the folded name."""
    if not actor:
        return None
    folded = _ARTICLE.sub("", fold(actor).strip(" .,;:")).strip()
    return _ACTOR_SPELLINGS.get(folded, folded) or None


def actor_spellings() -> dict[str, str]:
    """Every folded spelling of the actor table and the actor key it stands for (a copy)."""
    return dict(_ACTOR_SPELLINGS)


def actor_name(actor: str, lang: Language, written_in: str | None = None) -> str | None:
    """How a headline in ``lang`` names the actor: from the table when known, else as written
    when the report is in ``lang``; ``None`` rather than French words in an English line."""
    key = actor_key(actor)
    names = ACTORS.get(key or "")
    if names is None:
        return actor.strip() if written_in in (None, lang) else None
    return names[0] if lang == "fr" else names[1]


def place_label(place: Place | None, lang: Language) -> str:
    """``"Kaboul (AF)"``: the name in ``lang`` when known, else the canonical name, and the country."""
    if place is None:
        return "Lieu inconnu" if lang == "fr" else "Unknown place"
    names = PLACE_NAMES.get(place.geoname_id) if place.geoname_id is not None else None
    if names is not None:
        name = names[0] if lang == "fr" else names[1]
    else:
        name = place.canonical or place.name or place.country
    if place.country and name != place.country:
        return f"{name} ({place.country})"
    return name


def headline(event: DetectedEvent, lang: Language) -> str:
    """The headline of ``event`` in ``lang`` (``"fr"`` or ``"en"``)."""
    french = lang == "fr"
    label = place_label(event.place, lang)
    separator = " : " if french else ": "
    note = "" if event.status == EventStatus.REPORTED else f" ({status_label(event.status, lang)})"
    spec = KIND_SPECS[EventKind(event.kind)]
    if event.kind == EventKind.CITY_CAPTURE:
        what = spec.headline(lang)
        actor = actor_name(event.actor, lang, event.lang) if event.actor else None
        if actor:
            what += (" par " if french else " by ") + actor
    else:
        what = toll_phrase(event.casualties, lang) or spec.headline(lang)
    return f"{label}{separator}{what}{note}"


def headlines(event: DetectedEvent) -> dict[str, str]:
    """Both headlines, as an ``Alert`` carries them."""
    return {"fr": headline(event, "fr"), "en": headline(event, "en")}
