"""City captures: trigger phrases in active, passive and noun form (FR/EN) tied to a city name."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from streams.detectors.cues import CUES
from streams.detectors.gazetteer import Mention
from streams.detectors.lexicons import (
    CITY_NOUNS,
    PARTIAL_NOUNS,
    STOPWORDS_EN,
    STOPWORDS_FR,
    words,
)
from streams.detectors.modality import has_year, is_background
from streams.detectors.numbers import NUMBER_DIGITS, NUMBER_WORDS
from streams.detectors.text import lower_twin

_I = re.IGNORECASE
_OF = r"(?:of|over|de|d'|du|des)"
_ELIDED = r"(?:es|u|e\s+la|e\s+l'|e|')"
_DAY = (
    r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|hier|monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday|yesterday|today)"
)
#: When, set between a verb and its object: "ont repris dimanche soir le contrôle de", "took
#: early on Sunday", "se sont emparés dans la nuit de mercredi à jeudi de", "depuis vendredi".
_WHEN = (
    rf"(?:(?:(?:early|late|tôt|tard)\s+(?:on\s+)?)?(?:(?:on|this|last|since|depuis)\s+)?{_DAY}"
    r"(?:\s+(?:soir|matin|après-midi|dernier|morning|afternoon|evening|night))?"
    rf"|dans\s+la\s+nuit(?:\s+(?:de|du)\s+{_DAY}(?:\s+(?:à|au)\s+{_DAY})?)?"
    r"|cette\s+nuit|à\s+l'aube|at\s+dawn|overnight|over\s+the\s+weekend|ce\s+week-end"
    r"|(?:in|during)\s+the\s+(?:early\s+hours|night)(?:\s+of\s+\w+)?"
    r"|(?:last|this|earlier\s+this)\s+(?:week|weekend|month)|(?:la|cette)\s+semaine(?:\s+dernière)?"
    r"|en\s+(?:fin|début)\s+de\s+(?:journée|matinée|soirée|semaine)|(?:de\s+)?nouveau|again"
    r"|(?:(?:après|after|au\s+terme\s+d['e]|following)\s+[^,;.]{3,50}?(?=,)))"
)
#: An aside between commas ("ont repris mardi, au terme de semaines de combats, le contrôle
#: de") or a manner adverb ("rapidement", "swiftly", "sans combattre").
_ASIDE = (
    r"(?:,[^,;.()«»\"]{1,100},|\w+ly\b|rapidement|finalement|totalement|entièrement|"
    r"pratiquement\s+sans\s+combattre|sans\s+(?:combattre|combat|résistance)|"
    r"without\s+(?:a\s+fight|resistance|firing\s+a\s+shot))"
)
#: Time and asides that may stand inside a verb group: "se sont emparés, dans la nuit, de".
_SPAN = rf"(?:,?\s*(?:{_WHEN}|{_ASIDE})\s*,?\s*){{0,3}}"
#: "la libération totale de", "the full recapture of", "l'ensemble d'Alep", "the whole of".
_WHOLE = (
    r"(?:(?:totale?|complète|complet|entière|définitive|full|complete|total|entire)\s*)?"
    r"(?:(?:de\s+|d')?(?:l'ensemble|ensemble|la\s+(?:quasi-)?totalité|(?:quasi-)?totalité|the\s+whole|all)\s*(?:of|de|d'|du)\s*)?"
)

# Active voice: the city follows the verb ("ont repris Raqqa", "recaptured Palmyra").
# Auxiliaries are looked for right before a verb once the verb is found: scanning for an
# optional auxiliary at every position of every sentence would cost more than the rest.
_ACTIVE_AUX = re.compile(
    r"\b(?:have|has|had|having|ont|a|avaient|avait|auraient|aurait|auront|aura|"
    r"avoir|ayant)\s+(?:(?:now|finally|reportedly|effectively|already|désormais|finalement|"
    r"enfin|déjà|bel\s+et\s+bien|officiellement)\s+)?$",
    _I,
)
_ACTIVE = re.compile(
    r"\b(?P<verb>"
    r"(?:took|takes?|taken|seized|seizes?|gained|gains?|wrested|wrests?|wrest|secured|"
    r"secures?|regained|regains?|won|wins?|assumed|established|claimed|claims?|retook|"
    r"retakes?|retaken|recaptured|reasserted|restored)\s+"
    r"(?:(?:full|complete|total|effective|firm|operational|military)\s+)?control\s+(?:of|over)"
    r"|(?:pris|repris|prend|prennent|reprend|reprennent|prenaient|reprenaient)\s+"
    rf"{_SPAN}(?:le\s+)?contrôle\s+(?:(?:total|complet|entier|opérationnel|militaire|effectif)\s+)?{_SPAN}d"
    + _ELIDED
    + r"|(?:took|takes?|taken|won|wins?|win)\s+back|(?:took|takes?|taken)\s+over"
    r"|took|takes?|taken|seized|seizes?|captured|captures?|recaptured|recaptures?|retook|"
    r"retakes?|retaken|liberated|liberates?|overran|overruns?|overrun|conquered|conquers?|"
    r"freed|frees|regained|regains?"
    r"|pris|repris|reconquis|conquis|libérée?s?|capturée?s?|prennent|prend|reprennent|"
    r"prendre|reprendre|reconquérir|conquérir|libérer|capturer|"
    r"reprend|libèrent|libère|reconqui(?:ert|èrent)|conqui(?:ert|èrent)"
    r"|s'empar(?:e|ent|ait|aient)\s*"
    rf"{_SPAN}d"
    + _ELIDED
    + r"|(?:se\s+sont|s'est|se\s+seraient|se\s+serait|s'était|s'étaient|s'étant|s'être)\s+"
    r"(?:(?:finalement|désormais|enfin|déjà)\s+)?emparée?s?\s*"
    rf"{_SPAN}d" + _ELIDED + r"|(?:fait|font|faire)\s+tomber|(?:mis|mettent|met)\s+la\s+main\s+sur"
    r")\b",
    _I,
)
# Passive and intransitive: the city comes first ("Mosul fell to", "Raqqa est tombée aux mains").
_PASSIVE_AUX = re.compile(
    r"(?:\b(?:has|have|had|was|were|is|are|been|being|now|est|sont|serait|seraient|"
    r"a|ont|aurait|auraient|avait|avaient|était|étaient|été|étant|désormais|maintenant|finally|"
    r"officially|fully|completely|entirely|reportedly|finalement|officiellement|entièrement|"
    r"totalement|complètement|définitivement|back|bel\s+et\s+bien|again|de\s+nouveau|"
    r"à\s+nouveau|totally|once\s+again|reste|restent|remains?|remained|demeure|demeurent|"
    r"(?:elle|lui|elles|eux)\s+aussi|also|too)\s+|"
    rf"{_WHEN}\s+|[«\"“'’]\s*)+$",
    _I,
)
_PASSIVE = re.compile(
    r"\b(?P<verb>"
    r"(?:came|comes?|fallen|fell|falls|passed|passes)\s+(?:back\s+)?under\s+(?:the\s+)?"
    r"(?:(?:full|complete|total)\s+)?control\s+of"
    r"|(?:came|comes?|fallen|fell|falls|passed|passes)\s+(?:back\s+)?under\s+(?:[\w/-]+\s+){1,2}"
    r"control"
    r"|(?:in|into)\s+the\s+hands\s+of|under\s+(?:the\s+)?(?:(?:full|complete|total)\s+)?"
    r"control\s+of|under\s+(?:its|their|his)\s+(?:(?:full|complete|total)\s+)?control"
    r"|sous\s+(?:son|leur)\s+(?:entier\s+)?contrôle"
    r"|fallen|fell|falls|fall|taken|captured|seized|recaptured|retaken|liberated|overrun|"
    r"freed|conquered"
    r"|tomb(?:ée?s?|e|ent|ait|aient)"
    r"|(?:(?:re)?pass(?:e|ent|ée?s?)|bascul(?:e|ent|ée?s?))\s+"
    rf"(?:{_WHEN}\s+)?(?:de\s+nouveau\s+)?sous\s+(?:le|son|leur)?\s*contrôle"
    rf"|pass(?:e|ent|ée?s?)\s+(?:{_WHEN}\s+)?(?:aux|entre\s+les)\s+mains"
    r"|sous\s+(?:le\s+)?(?:contrôle|coupe)|aux\s+mains|entre\s+les\s+mains"
    r"|under\s+(?:[\w-]+\s+){0,2}control|in\s+(?:the\s+)?(?:[\w-]+\s+){1,2}hands"
    r"|(?:passed|passes|fell|fallen|falls|came|comes)\s+(?:back\s+)?into\s+(?:[\w-]+\s+){1,3}hands"
    r"|h[oe]ld\s+by|tenue?s?\s+par|contrôlée?s?\s+par|controlled\s+by"
    r"|(?:re)?pass(?:e|ent|ée?s?)\s+(?:de\s+nouveau\s+)?(?:aux|entre\s+les)\s+mains"
    r"|occupied|occupée?s?"
    r"|reprise?s?|prise?s?|libérée?s?|reconquise?s?|conquise?s?|capturée?s?"
    r")\b",
    _I,
)
# Nouns: "la chute de Raqqa", "the recapture of Palmyra".
_NOMINAL = re.compile(
    r"\b(?P<verb>chute|prise|reprise|libération|reconquête|conquête|fall|capture|recapture|"
    r"liberation|seizure|takeover|reconquest)\b",
    _I,
)
#: "Zaranj's fall to the Taliban", "Chibok's recapture": the city owns the noun.
_POSSESSIVE_NOMINAL = re.compile(
    r"(?:'s|’s|')\s+(?:(?:swift|sudden|rapid|quick|final|total|complete)\s+)?"
    r"(?P<verb>fall|capture|recapture|liberation|seizure|takeover|surrender)\b",
    _I,
)
# Armed forces entering or holding a city: "M23 fighters marched into Bukavu", "les rebelles
# contrôlent désormais Bukavu", "ont fait leur entrée dans Izioum", "ont investi Bambari". These
# verbs name a capture only with an armed subject ("entered the talks", "marched into Kyiv"
# said of protesters are not one), which ``ARMED`` checks in the clause before the verb.
_ENTRY = re.compile(
    r"\b(?P<verb>"
    r"(?:marched|marches|march|moved|moves|rolled|rolls|swept|sweeps|poured|pour|drove|rode)\s+"
    r"(?:back\s+)?into"
    r"|re-?enter(?:ed|s)?|enter(?:ed|s)?"
    r"|(?:were|are|is|was)\s+back\s+in(?:\s+the\s+(?:centre|center|heart)\s+of)?"
    r"|(?:(?:were|are|is|was)\s+(?:now\s+)?)?in\s+(?:(?:full|complete|total)\s+)?control\s+of"
    rf"|(?:sont|être|étaient|est|sont\s+désormais)\s+(?:re)?entrée?s?\s+(?:{_WHEN}\s+)?dans"
    rf"|(?:fait|font|faire)\s+(?:leur|son)\s+entrée\s+(?:{_WHEN}\s+)?dans"
    # "les premiers soldats entrés dans la ville": a participle, counted only when the text
    # tells the town was taken (``_TAKEN_CUE``).
    rf"|(?P<participle>(?<!\w)(?:re)?entrée?s\s+(?:{_WHEN}\s+)?dans)"
    r"|(?:ré)?investi(?:t|ssent|ssaient)?"
    r"|(?:contrôl|occup|tienn?)(?:e|ent|aient|ait|eraient|erait)\s+(?:(?:désormais|maintenant|dorénavant|"
    rf"de\s+nouveau|entièrement|totalement|complètement)\s+|{_WHEN}\s+)+"
    r"|(?:(?:now|then|later|subsequently|again|fully|completely|effectively)\s+)+"
    r"(?:(?:fully|completely|effectively)\s+)?(?:control(?:s|led)?|h[oe]ld|holds?|"
    r"occup(?:y|ies|ied)|(?:are|is|were|was)\s+in)"
    r"|(?:are|is|were|was)\s+now\s+(?:fully\s+)?in"
    r"|controlled|(?:re)?occupied|(?:re)?occupies|(?:re)?occupy"
    r"|(?:pushed|pushes|stormed|walked|broke|forced\s+(?:their|its|his)\s+way)\s+(?:back\s+)?into"
    r"|(?:were|are|is|was)\s+back\s+in\s+(?:full\s+)?control\s+of"
    r"|(?:(?:sont|est|désormais)\s+)*maîtres?\s+d(?:es|u|e\s+la|e\s+l'|e|')"
    rf"|(?:se\s+sont|s'est|se\s+seraient|se\s+serait)\s+rendue?s?\s+maîtres?\s+(?:{_WHEN}\s+)?d"
    + _ELIDED
    + r")\b",
    _I,
)
#: States told with their start between verb and agent ("held since Tuesday by", "contrôlée
#: depuis mardi soir par") and armed forces "back" in a town ("sont de retour à Sokolo"):
#: rarer, so scanned only when their cues are there.
_STATE_SINCE = re.compile(
    r"\b(?P<verb>(?:h[oe]ld|controlled|tenue?s?|contrôlée?s?)\s+(?:since|depuis)\s+"
    r"[^,;.()]{1,40}?\s+(?:by|par))\b",
    _I,
)
#: "have held the port of X since Wednesday", "tiennent X depuis mardi": a hold that began
#: this week is a capture; "has held X since 2014" is background (no day word).
_SINCE_DAY = re.compile(
    r"[^.;]{0,60}?\b(?:since|depuis)\s+(?:(?:early|late|le|la|l')\s*)?"
    rf"(?:{_DAY}|weekend|week-end|dawn|aube|veille|nuit\s+dernière|last\s+night|"
    r"(?:the\s+)?(?:previous|last)\s+(?:day|night|week)|(?:la\s+)?semaine\s+dernière)\b"
    # "since the FDS pulled out", "depuis le retrait de l'armée": a hold that began when the
    # defenders left is this event's, unless a year dates that departure.
    r"|[^.;]{0,60}?\b(?:since|depuis)\s+(?:the\s+|le\s+|l')?(?:[\w'-]+\s+){0,3}?"
    r"(?:withdrew|pulled\s+out|retreated|abandoned|vacated|fled|left\s+(?:the|their|its)|"
    r"retrait|départ|repli|fuite)\b(?![^.;]*\b(?:1[89]|20)\d\d\b)",
    _I,
)
_HELD_SINCE = re.compile(
    r"\b(?P<verb>(?:have|has|had)\s+(?:now\s+)?(?:held|controlled|occupied)|holds?|controls?|"
    r"occup(?:y|ies)|(?:tienn|contrôl|occup)ent|(?:ont|a)\s+(?:tenu|contrôlé|occupé))\s"
    r"[^,;.()]{1,60}?\b(?:since|depuis)\s",
    _I,
)
#: A town told as cleared of its armed holders: "X has been cleared of militants", "X a été
#: « nettoyée des bandes armées »", "débarrassée des jihadistes".
_CLEARED = re.compile(
    r"\b(?P<verb>(?:cleared|purged|rid|nettoyée?s?|débarrassée?s?|purgée?s?|libérée?s?)\s+"
    r"(?:of|de|des|d'|du)\s*[«\"“]?\s*(?:the\s+|les\s+|la\s+|all\s+|toute?s?\s+)?"
    r"(?:[\w-]+\s+){0,2}?(?:militants|rebels|jihadists|insurgents|fighters|gunmen|terrorists|"
    r"armed\s+(?:groups|gangs|men)|gangs|bandes\s+armées|groupes\s+armés|rebelles|djihadistes|"
    r"jihadistes|insurgés|terroristes|combattants|islamistes|assaillants|hommes\s+armés))\b",
    _I,
)
_BACK_IN = re.compile(
    rf"\b(?P<verb>(?:sont|est|étaient|était)\s+(?:{_WHEN}\s+)?de\s+retour\s+(?:à|dans))\b", _I
)
ARMED = re.compile(
    r"\b(?:troops|forces(?!\s+de\s+l'ordre)|soldiers|soldats|army|armée|rebels?|rebelles?|"
    r"fighters|combattants|"
    r"militants|jihadists?|djihadistes?|jihadistes?|jihadis|islamists|islamistes|insurgents|"
    r"insurgés|militias?|milices?|"
    r"miliciens|militiamen|paramilitar(?:y|ies)|paramilitaires|units|unités|troupes|"
    r"militaires|marines|gunmen|armed\s+men|hommes\s+armés|separatists|séparatistes|tanks|chars|"
    r"armou?r|convoys?|brigades?|battalions?|bataillons?|guerrillas|guérilleros|mercenaries|"
    r"mercenaires|vigilantes|hunters|police|gangs?|shebab|shabaab|taliban|talibans|houthis?|"
    r"boko\s+haram|wagner|daesh|hezbollah|hamas|coalition|alliance|(?-i:[A-Z][A-Z0-9/-]{1,7}))\b",
    _I,
)
_PARENTHESIS = re.compile(r"\([^()]*\)")
_PRONOUN_SUBJECT = re.compile(r"^\s*(?:on\s+\w+\s+)?(?:they|it|ils|elles|il|elle)\b", _I)
_STILL_BEFORE = re.compile(r"\b(?:still|remains?|remained|toujours|encore)\s+$", _I)
#: "the city had been liberated", "declared the city liberated": a city taken up before a
#: passive participle.
_ANAPHOR_BEFORE = re.compile(
    r"\b(?:the|la|l'|le|this|that|cette|ce)\s*(?!old\b|vieille\b)(?:[a-zà-ÿ-]+\s+)?"
    r"(?:town|city|village|ville|cité|localité|locality|bourgade|commune)(?:\s*,[^,;]{1,150}?,)?\s*$",
    _I,
)
_DENIAL_ANYWHERE = re.compile(
    r"\b(?:den(?:y|ies|ied|ying)|dismiss(?:ed|es|ing)?|rejected|rejects|rejecting|niant|dément\w*|démenti|nie(?:nt)?|"
    r"rumou?rs?|rumeurs?)\b",
    _I,
)
_DENIAL_BEFORE = re.compile(
    r"\b(?:den(?:y|ies|ied|ying)|dismiss(?:ed|es|ing)?|rejected|rejects|rejecting|niant|dément\w*|démenti|nie(?:nt)?|"
    r"rejet\w*)\b",
    _I,
)
#: A weekday set before a French pluperfect makes it this week's news, not background:
#: "Samedi, des combattants avaient pris le contrôle de Djibo".
_RECENT_DAY = re.compile(
    r"\b(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday)\b",
    _I,
)
#: A capture told inside a denial or a rumour: "dismissed reports that X had fallen".
_DENIED_OR_RUMOURED = re.compile(
    r"\b(?:den(?:y|ies|ied|ying)|dismiss(?:ed|es|ing)?|rejected|rejects|rejecting|niant|dément\w*|démenti|nie(?:nt)?|"
    r"(?:a|ont)\s+nié|rumou?rs?|rumeurs?)\b",
    _I,
)
#: What tells that an entry took the town: no fight, a welcome, the defenders gone.
_TAKEN_CUE = re.compile(
    r"\b(?:without\s+(?:a\s+fight|resistance|firing\s+a\s+shot|meeting\s+resistance)|"
    r"sans\s+(?:combat|combattre|résistance|rencontrer\s+de\s+résistance)|welcom\w+|greeted|"
    r"cheer\w*|waved|accueilli\w*|acclam\w+|liesse|pullback|pull-?out|withdrawal|retrait|"
    r"repli|(?:withdr[ae]w|withdrawn|pulled\s+(?:out|back)|retreated|fled|abandoned|had\s+fled)|"
    r"(?:ont|avaient|a|avait)\s+(?:fui|abandonné|quitté)|garrison\s+(?:fled|surrendered))\b",
    _I,
)
#: "into the city centre", "dans le centre-ville": the heart of a town named before.
_CENTRE = re.compile(
    r"\s*(?:the\s+)?(?:(?:city|town)\s+(?:centre|center)|(?:centre|center|heart)\s+of\s+"
    r"(?:the\s+)?(?:city|town))\b|\s*(?:le\s+)?(?:centre-ville|centre\s+de\s+la\s+"
    r"(?:ville|localité))\b",
    _I,
)
#: An entry into a town still fought over: "entered X, battle rages", "combats font rage".
_ONGOING = re.compile(
    r"\b(?:(?:fighting|battles?|clashes|street\s+fighting|gunfire|combats?|affrontements|"
    r"échanges\s+de\s+tirs)\s+(?:[\w-]+\s+){0,3}?(?:rag(?:es|ed|ing|e)|continu\w+|"
    r"went\s+on|goes\s+on|under\s+way|underway|font\s+rage|faisaient\s+rage|faisait\s+rage|"
    r"se\s+poursuiv\w+)|(?:battle|fighting)\s+for\s+(?:the\s+)?(?:city|town|control)|"
    r"(?:still|toujours)\s+(?:fighting|resisting|en\s+cours)|street[\s-]+by[\s-]+street|"
    r"rue\s+par\s+rue|maison\s+par\s+maison|house[\s-]+to[\s-]+house)\b",
    _I,
)
#: A report told as false after it: "Reports that X had fallen were untrue".
_HEARSAY_HEAD = re.compile(
    r"\b(?:reports?|claims?|stories|allegations?|informations?|affirmations?|allégations?|"
    r"bruits?)\s+(?:that|selon\s+lesquel\w+|d'après\s+lesquel\w+)",
    _I,
)
_RUMOUR = re.compile(r"\b(?:rumou?rs?|rumeurs?)\b", _I)
_FALSE_AFTER = re.compile(
    r"\b(?:were|was|are|is|proved|proven|sont|était|étaient|est|se\s+sont\s+révélée?s?)\s+"
    r"(?:\w+\s+)?(?:false|untrue|unfounded|baseless|wrong|incorrect|fausses?|faux|infondée?s?|"
    r"sans\s+fondement|erronée?s?)\b",
    _I,
)
_DENIAL_WORDS = ("den", "dismiss", "reject", "dément", "démenti", "nie", "nié", "rumo", "rumeur")
#: An opening that dates the whole sentence in a past year: "En 2012, ...", "In 2014, ...".
_OPENING_YEAR = re.compile(r"\s*(?:in|en|back\s+in|dès)\s+(?:\w+\s+)?(?:19|20)\d\d\s*$", _I)
#: "Since 6 September 2022 IS Sahel has controlled Talataye; on this day ...": a lasting state.
_OPENING_SINCE = re.compile(
    r"\s*(?:since|depuis)\s+(?:(?:le\s+)?\d{1,2}(?:er)?\s+)?(?:january|february|march|april|may|"
    r"june|july|august|september|october|november|december|janvier|février|mars|avril|mai|juin|"
    r"juillet|août|septembre|octobre|novembre|décembre)\b",
    _I,
)
_DECLARED_BEFORE = re.compile(
    r"\b(?:declar(?:e|es|ed|ing)|proclaim(?:s|ed|ing)?|déclar\w*|proclam\w*)\s+$", _I
)
#: "Raqqa reprise à l'EI par les FDS", "retaken from IS by": the loser, then the agent.
_FROM_THEN_AGENT = re.compile(r"\s*(?:à|aux|au|from)\s+[^,;.]{1,40}?(?=\s+(?:par|by)\s)", _I)

#: "succeeded on Tuesday in capturing Hifan", "after seizing Gao": a gerund told as done.
_GERUND = re.compile(
    rf"\b(?:in|after|by|upon|en)\s+(?:{_WHEN}\s+)?(?:capturing|seizing|retaking|recapturing|taking|"
    r"overrunning|liberating|taking\s+(?:full\s+)?control\s+of|regaining\s+control\s+of|"
    r"prenant\s+le\s+contrôle\s+d(?:es|u|e\s+la|e\s+l'|e|')|s'emparant\s+d(?:es|u|e\s+la|e\s+l'|e|'))\b",
    _I,
)
#: "declared Rawa free of the militants", "a déclaré Quissanga « libre de toute présence »".
_DECLARED = re.compile(
    rf"\b(?:declared|declares|declare|déclar\w+|proclam\w+)\s+(?:{_WHEN}\s+)?", _I
)
_FREE_AFTER = re.compile(
    r"(?:\s*,[^,;]{1,120},)?\s*[«\"“']?\s*(?:free|libre|cleared|liberated|libérée?s?)\b", _I
)
#: The loser driven out, told in the passive: "Boko Haram fighters were chased out of Gombi".
_EXPELLED = re.compile(
    r"\b(?:were|was|have\s+been|has\s+been|had\s+been|ont\s+été|a\s+été|sont|est)\s+"
    r"(?:(?:finally|quickly|swiftly|enfin|finalement)\s+)?(?:chased|driven|pushed|forced|kicked|"
    r"flushed|expelled|chassée?s?|délogée?s?|expulsée?s?)\s+(?:back\s+)?"
    r"(?:out\s+of|from|hors\s+d[e'u]|d(?:es|u|e\s+la|e\s+l'|e|'))\s*",
    _I,
)

# Driving a force out: "drove IS out of Mosul", "ont chassé l'EI de Raqqa".
_EXPEL = re.compile(
    r"\b(?P<verb>(?:drove|drive[sn]?|pushed|ousted|ousts?|expelled|expels?|flushed|routed|"
    r"ejected|ejects?|evicted|evicts?|cleared)"
    r"\s+(?P<from>[^,.;:]{2,40}?)\s+(?:out\s+of|from)\s*"
    r"|(?:chass(?:é|ée|és|ées|e|ent|aient)|expuls(?:é|ée|és|ées|e|ent)|délog(?:é|ée|és|ées|e|ent))"
    r"\s+(?P<from_fr>[^,.;:]{2,40}?)\s+(?:hors\s+d[e'u]|d" + _ELIDED + r")\s*)",
    _I,
)

# The loser's telling: "lost Paletwa to the Arakan Army", "a perdu le contrôle de Hama",
# "troops withdrew from Halgan", "a retiré ses soldats de Vougledar". A town lost is taken.
_LOST = re.compile(
    r"\b(?P<verb>(?:lost|loses|lose|losing)\s+(?P<control>(?:(?:full|total|all|effective)\s+)?"
    r"control\s+(?:of|over)\s+)?"
    r"|(?:perdu|perd|perdent|perdre)\s+(?P<controle>(?:le\s+)?contrôle\s+(?:(?:total|entier)\s+)?d"
    + _ELIDED
    + r"))",
    _I,
)
_WITHDRAWN = re.compile(
    r"\b(?P<verb>(?:withdr[ae]w|withdrawn|withdraws|withdrawing|pulled\s+out|pulls\s+out|"
    r"retreated|retreats)\s+(?:(?:all\s+)?(?:its|their|his)\s+(?:troops|forces|soldiers|units)\s+)?"
    r"(?:from|of)"
    r"|(?:(?:ont|a|avoir|avait|avaient)\s+retiré|retire(?:nt)?)\s+(?:(?:ses|leurs|les)\s+"
    r"(?:soldats|troupes|forces|hommes|unités)\s+)?d" + _ELIDED + r"|(?:se\s+sont|s'est)\s+"
    rf"retirée?s?\s+(?:{_WHEN}\s+)?d" + _ELIDED + r")\s*",
    _I,
)
#: "handed Lashio back to the junta", "handed over control of X to": the town changes hands
#: without a fight; the receiver after the town takes it.
_HANDED = re.compile(
    r"\b(?P<verb>hand(?:ed|s)?\s+(?:over\s+)?(?:(?:full\s+)?control\s+(?:of|over)\s+)?)", _I
)
_HANDED_TO = re.compile(r"(?:\s*\([^()]*\))?\s+(?:(?:back|over)\s+)?to\s+(?:the\s+)?", _I)
_ARMED_RECEIVER = re.compile(
    r"(?:[\w'-]+\s+){0,2}?(?:junta|military|army|troops|forces|rebels|fighters|militias?|"
    r"(?-i:[A-Z]{2}[A-Za-z0-9/-]{0,6}))\b",
    _I,
)
#: "lost Paletwa town to the Arakan Army": the winner after the town.
_TO_WINNER = re.compile(r"(?:\s*\([^()]*\))?[^,;.()]{0,40}?\bto\s+", _I)
#: "lost Al Dinder town (Al Dinder, Sennar)": a settlement named as such is lost in war.
_SETTLEMENT_AFTER = re.compile(r"\s*(?:town|village|city|localité|\()", _I)
#: "ordered troops to withdraw from Avdiivka": an order carried out, not a wish.
_ORDERED_BEFORE = re.compile(
    r"\b(?:ordered|orders|a\s+ordonné|ordonne)\b[^.;]{0,40}?\b(?:to|de)\s+$", _I
)
#: "took possession of", "ont pris possession de"; "restored state authority in".
_POSSESSION = re.compile(
    rf"\b(?P<verb>(?:pris|prend|prennent|took|takes|taken|taking)\s+possession\s+(?:{_WHEN}\s+)?"
    r"(?:of|de|d'|du|des)"
    r"|restored\s+(?:state\s+|government\s+)?(?:authority|control)\s+(?:in|over|of)"
    r"|rétabli\w*\s+l'autorité\s+de\s+l'(?:é|e)tat\s+(?:à|dans|sur))",
    _I,
)
#: A flag raised over a town told as its capture: "hoisted the national flag in Knin", "the
#: flag now flies over the town hall of X", "ont hissé le drapeau sur la citadelle de X", "le
#: drapeau ... flotte depuis samedi sur la mairie de X". A building of the town's power may
#: stand before the name; ceremonies, sport, embassies and flags at half-mast are not captures.
_FLAG_BUILDING = (
    r"(?:(?:the|la|le|l')\s*(?:[\w-]+\s+){0,2}?(?:town\s+hall|city\s+hall|citadel|fortress|"
    r"castle|main\s+square|central\s+square|main\s+mosque|administration\s+building|"
    r"government\s+building|governor'?s\s+(?:office|compound|residence)|police\s+station|"
    r"district\s+headquarters|mairie|hôtel\s+de\s+ville|citadelle|forteresse|place\s+centrale|"
    r"grande\s+place|grand-place|préfecture|gouvernorat|sous-préfecture|commissariat|"
    r"bâtiment\s+administratif)\s+(?:of|in|de|d'|du)\s*)?"
)
_FLAG = re.compile(
    r"\b(?P<verb>(?:(?:hoist(?:ed|s|ing)?|rais(?:ed|es|ing)|raise|planted|plants?|planting|"
    r"unfurled|unfurls?|hiss\w*|plant(?:é|ée|és|ées|ent|ait|aient)|déploy\w*)\s+"
    r"(?:(?:the|their|its|his|a|an|le|leur|leurs|son|les|un)\s+)?(?:[\w-]+\s+){0,3}?"
    r"(?:flags?|banners?|drapeaux?|étendards?)(?:\s+[\w-]+){0,2}?"
    r"|(?:flags?|drapeaux?)(?:\s+[\w-]+){0,4}?\s+(?:(?:now|again|once\s+again|once\s+more|finally|"
    r"has\s+been|have\s+been|was|were|is|are|had\s+been|a\s+été|ont\s+été|avait\s+été|est|"
    r"de\s+nouveau|à\s+nouveau|désormais|enfin)\s+)*"
    r"(?:flies|flew|flying|fly|raised|hoisted|planted|unfurled|went\s+up|goes\s+up|flutters|"
    r"fluttered|flott(?:e|ent|ait|aient)|hissée?s?|plantée?s?|déployée?s?))"
    rf"\s+(?:(?:{_WHEN}|now|again|once\s+again|désormais|à\s+nouveau|de\s+nouveau|"
    r"depuis\s+(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|hier)(?:\s+(?:soir|matin))?)"
    r"\s*,?\s*)*(?:over|in|at|above|atop|on\s+top\s+of|on|sur|dans|à|au-dessus\s+d[e'u]|au\s+cœur\s+d[e'u])"
    rf"\s*{_FLAG_BUILDING})",
    _I,
)
#: A flag that marks no capture: a ceremony, a match, an embassy, mourning, a protest.
_FLAG_BLOCK = re.compile(
    r"\b(?:ceremon\w+|cérémonie\w*|half-mast|half\s+staff|en\s+berne|embass\w+|ambassade\w*|"
    r"consulat\w*|consulate\w*|stadium|stade|olympi\w+|match|tournament|tournoi|world\s+cup|"
    r"coupe\s+du\s+monde|national\s+day|fête\s+nationale|independence\s+day|anniversar\w+|"
    r"anniversaire|commemorat\w+|commémor\w+|parade|défilé|protest\w*|manifest\w+|supporters|"
    r"fans|pride|rainbow|arc-en-ciel|summit|sommet|visit\w*|visite)\b",
    _I,
)
_TROOPS_NAMED = re.compile(
    r"\b(?:troops|forces|soldiers|units|soldats|troupes|hommes|unités)\b", _I
)

_NOT_A_NAME = (
    r"(?!(?:from|in|at|on|with|to|à|dans|en|sur|avec|pour|par|du|des|de|near|près|and|et|au|aux|"
    r"north|south|east|west|nord|sud|est|ouest|outside|around|autour|vers|towards?|outskirts|"
    r"abords|environs|périphérie|parts?|partie|quartiers?|districts?)\b)"
)
#: What may stand between a verb and its city: "the strategic town of", "la ville syrienne de".
_GAP_AFTER = re.compile(
    rf"[\s«»\"“”'’]*(?:(?:{_WHEN}|{_ASIDE})\s*,?\s*){{0,3}}{_WHOLE}(?:{_OF}\s*)?(?:(?:the|la|le|l'|les)\s*)?"
    rf"(?:(?:[\w-]+\s+){{0,3}}?[\w-]+(?:'s|’s)\s+)?"
    rf"(?:(?:{_NOT_A_NAME}[\w'-]+\s+){{0,4}}?(?:{CITY_NOUNS})(?:\s+{_NOT_A_NAME}[\w'-]+){{0,4}}?"
    rf"(?:\s*(?:of|de|d'|du)\s*|\s*,\s*|\s+))?",
    _I,
)
#: What may stand between a city and a passive verb: "Mosul, Iraq's second city, fell".
_GAP_BEFORE = re.compile(
    r"(?:\s+(?:city|town|village))?(?:\s*,(?:[^,;]|,(?=\d{3}\b)){1,150}?,|\s*\([^()]{1,80}\)|\s*,)?\s*",
    _I,
)
#: "Kunduz airport", "the Battalion 387 base": a part or a unit, a code between allowed.
_AFTER_CITY_BLOCK = re.compile(
    rf"(?:'s?\b|'|(?:\s+(?:no\.?\s*)?[\w-]*\d[\w-]*)?\s+(?:{PARTIAL_NOUNS})\b)", _I
)
_PREPOSITION_BEFORE = re.compile(
    r"\b(?:from|in|at|near|of|to|into|à|de|d'|en|dans|près\s+de|vers|depuis)\s*$", _I
)
_CITY_OF_BEFORE = re.compile(rf"\b(?:{CITY_NOUNS})\s+(?:[\w-]+\s+)?(?:of|de|d')\s*$", _I)
#: Words that make a capture hypothetical, wished, threatened or denied.
_BLOCK_BEFORE = re.compile(
    r"\b(?:to|pour|afin\s+de|will|would|could|might|may|can|shall|cannot|must|not|pas|jamais|"
    r"never|without|sans|sur\s+le\s+point\s+de|en\s+passe\s+de|menace\w*\s+de|tent\w*\s+de|"
    r"cherch\w*\s+à|prêts?\s+à|s'apprêt\w*\s+à|vis\w*\s+à|simul\w*|did|does|do|didn't|don't|"
    r"doesn't|hasn't|haven't|n'ont|n'a|n'avait|n'auraient|n'aurait|if|si|whether|ni|nor|"
    r"pourrai(?:en)?t|devrai(?:en)?t|peuvent|peut|doit|doivent|veulent|veut|voulaient|"
    r"prom\w+\s+(?:\w+\s+){0,2}?de|jur\w+\s+(?:\w+\s+){0,2}?de|s'engag\w+\s+à|entend\w*|compt\w+|espèr\w+|espér\w+|"
    r"souhait\w+|appel\w+\s+à|ordonn\w+\s+de|décid\w+\s+de|prévoi\w+\s+de|envisag\w+\s+de)"
    # "would 'liberate' Uvira": a quote may open the verb.
    r"\s+(?:[\w'-]+\s+)?[«\"“‘']?\s*$",
    _I,
)
#: A condition opening the clause: "If Russian forces take Pokrovsk, ...".
_IF_BEFORE = re.compile(r"(?:^|[,;:]\s*)(?:if|unless|si)\s+(?:[\w'-]+\s+){0,5}$", _I)
#: A noun inside a movement's name: "Front de libération de l'Azawad", "Liberation Army".
_ORGANISATION_BEFORE = re.compile(
    r"(?-i:\b(?:Front|Mouvement|Movement|Armée|Army|Forces?|Conseil|Council|Organi[sz]ation|"
    r"Brigades?|Comité|Committee|Union|Alliance|Parti|Party|Coalition)\b)\s+(?:[\w']+\s+){0,2}$"
)
_ORGANISATION_AFTER = re.compile(
    r"\s+(?-i:Front|Army|Movement|Forces|Organi[sz]ation|Tigers)\b|\s+nationale?\b", re.I
)
#: "la chute de Zaporijjia, si elle devait survenir", "the fall of X would": not told as news.
_HYPOTHETICAL_AFTER = re.compile(
    r"[^.;]{0,12}?(?:,\s*si\s+(?:elle|il)|\bif\s+it\b|\bwould\b|\bcould\b|\bpourrait\b|"
    r"\bserait\s+un|\bwill\b)",
    re.I,
)
#: Verbs of achievement before an infinitive: the capture happened.
_ACHIEVED_BEFORE = re.compile(
    r"\b(?:managed|manage[sd]?|succeeded|succeeds?|(?:were|was|are|is)\s+(?:finally\s+)?able|"
    r"parvenue?s?|parvien\w+|réussi|réussissent|réussit|sont\s+arrivée?s?)\s+"
    r"(?:(?:finally|enfin|finalement)\s+)?(?:[\w'-]+\s+){0,3}?(?:to|in|à)\s+$"
    # "claimed to have captured": a claim of a capture done, not a wish.
    r"|\b(?:claim(?:s|ed|ing)?|sa(?:y|ys|id)|believed|reported|thought)\s+to\s+(?:have\s+)?$",
    _I,
)
_NOMINAL_BLOCK_BEFORE = re.compile(
    r"[«\"“]\s*(?:la|the|le)?\s*$|\b(?:book|livre|film|movie|documentary|documentaire|novel|roman|"
    r"ouvrage|exhibition|exposition|historian|historien|since|depuis|before|avant|after|après|following|anniversary|anniversaire|"
    r"years|ans|celle|souvenir|memory|mémoire|battle|bataille|fight|lutte|combat|"
    r"offensive|prevent|empêcher|éviter|avoid|attempt|tentative|bid|risk|risque|threat|"
    r"menace|fear|crainte|peur|eve|veille|simul\w*|exercise|exercice|drill|wargame|"
    r"manœuvres?|scenario|scénario)\b[^,;]{0,30}$",
    _I,
)
_CLAUSE_START = re.compile(r"(?:^|[,:;(–—]|\s-|\b(?:that|que|qu'|and|et))\s*$", _I)
_STATE_OR_FALL = re.compile(
    r"^(?:sous|aux|entre|in\b|into|under|fell|fallen|falls|tomb|pass|repass|came|h[oe]ld|tenue?|"
    r"contrôlée?|controlled)",
    _I,
)
_STATE_VERB = re.compile(
    r"^(?:sous|aux|entre|in\b|into|under|occup|h[oe]ld|tenue?|contrôlée?|controlled)", _I
)
_STATE_OK = re.compile(
    r"\b(?:serait|seraient|désormais|maintenant|now|back|entièrement|totalement|complètement|"
    r"fully|completely|entirely|définitivement|again|nouveau|totally|"
    rf"(?:depuis|since)\s+{_DAY})\b",
    _I,
)
#: A verbless headline: "Kombolcha aux mains des rebelles", "Syrie : Raqqa sous contrôle des FDS".
_FREED = re.compile(r"^(?:freed|free|cleared|libérée?s?|libres?|liberated)$", _I)
_OF_AGENT = re.compile(r"\s*(?:,\s*)?(?:of|de|d'|du|des)\b", _I)
#: A party named by its own name: "Islamic State", "le groupe État islamique", "the M23".
_NAMED_PARTY = re.compile(r"(?<!\w)[A-ZÉ0-9]")
_TOWARDS_BEFORE = re.compile(r"\b(?:to|towards?|vers)\s+$", _I)
_RETAKEN = re.compile(r"^(?:reprise?s?|reconquise?s?|retaken|recaptured)$", _I)
_ARMED_AGENT = re.compile(
    r"\s+(?:par|by)\s+(?:l'|la|le|les|the|des)?\s*(?:[\w-]+\s+){0,2}?(?:armée|army|troops|"
    r"troupes|forces|soldats|soldiers|militaires|military|rebelles|rebels|insurgés|insurgents|"
    r"jihadistes|djihadistes|jihadists|militants|combattants|fighters)\b",
    _I,
)
_HEADLINE_STATE = re.compile(r"\s*(?:[^:]{1,40}\s*:\s*)?", _I)
_STATE_STILL = re.compile(
    r"\b(?:toujours|still|encore|remains?|remained|reste|restent|demeure\w*)\b", _I
)
_PARTICIPLE = re.compile(
    r"^(?:taken|captured|seized|recaptured|retaken|liberated|overrun|freed|conquered|"
    r"reprise?s?|prise?s?|libérée?s?|reconquise?s?|conquise?s?|capturée?s?)$",
    _I,
)
_NEXT_WORD = re.compile(r"\s+([\w'-]+)")
_CITY_WORD_AFTER = re.compile(
    r"\s+city\b(?!\s+(?:council|hall|centre|center|limits|police|authorit\w+|officials?|"
    r"government|administration|streets?|of\b))",
    _I,
)
#: "captured the Boston Marathon", "took the Paris Masters": a race or a tournament.
_EVENT_AFTER = re.compile(
    r"\s+(?-i:Marathon|Half\s+Marathon|Open|Masters|Grand\s+Prix|Classic|Derby|Cup|Trophy|"
    r"Festival|Film\s+Festival|Biennale|Tour|Rally|Sevens)\b"
)
#: A name set before "town of": "the Haitian town of X" names X, the word before is a modifier.
_MODIFIES_CITY_NOUN = re.compile(r"\s+(?:town|city|village|ville|localité)\s+(?:of|de|d')", _I)
#: A name that heads a person's title: "captured an Abu Sayyaf commander", "a capturé un chef
#: Boko Haram" is a person taken, not a town.
_PERSON_AFTER = re.compile(
    r"(?:\s+(?-i:[A-Z][\w'-]+)){0,2}\s+(?:senior\s+|top\s+|local\s+)?(?:commanders?|leaders?|"
    r"chiefs?|sub-leaders?|members?|militants?|suspects?|spokes(?:man|woman|person)|emirs?|"
    r"bomb-?makers?|financiers?|operatives?|kidnappers?|ringleaders?|lieutenants?|"
    r"commandants?|dirigeants?|responsables?|membres?|émirs?|lieutenants?)\b",
    _I,
)
_PARTICIPLE_ING = re.compile(r"\w+(?:ing|ant)$")
_IDIOM_AFTER = re.compile(r"\s+by\s+(?:storm|surprise)|\s+apart\b", _I)
_MAY_FOLLOW_CITY = (
    STOPWORDS_EN
    | STOPWORDS_FR
    | words(
        """
    town village locality hamlet
    amid early late overnight yesterday today tonight back entirely fully completely again
    once following without within despite near around since until before after during
    outright quickly swiftly easily itself lundi mardi mercredi jeudi vendredi samedi
    dimanche hier aujourd'hui ce cette après avant malgré alors puis désormais mi-
    entièrement totalement complètement sans ni aux du des au en où dont y
    less barely just only nearly almost moins peine seulement quelques
    """
    )
)
_LIST_SEPARATOR = re.compile(
    r"\s*(?:\([^()]{1,120}\)\s*)?"
    r"(?:,|and|et|,\s*and|,\s*et|and\s+then|et\s+puis|puis|then|,\s*puis|,\s*then)\s*"
    r"(?:(?:de|d'|du|of)\s*)?"
    rf"(?:{_WHEN}\s*,?\s*)?",
    _I,
)
_LIST_END = re.compile(r"\b(?:and|et|puis|then)\b", _I)
_BE = re.compile(
    r"\b(?:was|were|is|are|been|being|est|sont|été|serait|seraient|était|étaient)\b", _I
)
_PLUPERFECT = re.compile(r"\b(?:had|avait|avaient|était|étaient|s'était|s'étaient)\b", _I)
REPORTED_SPEECH = re.compile(
    r"\b(?:que|qu'|that|said|says|announced|claimed|claims|confirmed|annoncé|affirmé|"
    r"indiqué|déclaré|assuré|revendiqué|a\s+confirmé)\b",
    _I,
)
AGENT = re.compile(
    rf"\s*(?:,\s*)?(?:(?:{_WHEN}|{_ASIDE})\s*,?\s*){{0,2}}(?:par|by|to|into\s+the\s+hands\s+of|of|aux\s+mains\s+d"
    + _ELIDED
    + r"|"
    r"entre\s+les\s+mains\s+d" + _ELIDED + r"|sous\s+(?:le\s+)?contrôle\s+d" + _ELIDED + r"|"
    r"d" + _ELIDED + r")\s*",
    _I,
)
FROM_PARTY = re.compile(
    r"\s*(?:,\s*)?(?:from|aux|à|au|des\s+mains\s+d" + _ELIDED + r")\s*",
    _I,
)
_NP_STOP = (
    r"(?:on|in|after|le|la|les|après|lors|en|à|since|depuis|with|avec|who|qui|que|et|and|"
    r"following|during|pendant|this|cette|ce|earlier|late|early|at|near|près|dans|sur|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|lundi|mardi|mercredi|jeudi|"
    r"vendredi|samedi|dimanche|yesterday|today|hier|aujourd'hui|overnight|amid|as|when|"
    r"lorsque|quand|où|where|which|said|says|selon|according|a|ont|have|has|had|is|was|"
    r"were|are|est|sont|after|for|pour|but|mais|from|last|dernier|dernière|before|avant|"
    r"without|sans|ending|mettant|ending|under|sous|by|par|to|into|out)"
)
# A stop word ends a noun phrase, except in capitals: "IS" is the Islamic State, not "is".
_NOT_STOP = rf"(?!(?!(?-i:[A-Z]{{2,}}\b)){_NP_STOP}\b)"
_NP = re.compile(
    rf"(?:(?:the|les|la|le|l')\s*)?{_NOT_STOP}[\w'-]+(?:\s+{_NOT_STOP}[\w'-]+|"
    rf"\s+(?:de|of|du|des|d')\s*{_NOT_STOP}[\w'-]+){{0,6}}",
    _I,
)
_NOT_AN_ACTOR = re.compile(
    r"^(?:l'aube|aube|midi|minuit|la\s+mi|mi|l'issue|issue|la\s+suite|suite|l'ouest|l'est|"
    r"north|south|east|west|nord|sud|ouest|est|the\s+north|the\s+south|the\s+east|the\s+west|"
    r"the\s+air|the\s+sea|fin|début|partir|travers|cause|l'approche|peine)\b",
    _I,
)
_SUBJECT_CUT = re.compile(
    r"[;:«»\"()]|\b(?:que|qu'|that|said|says|a\s+annoncé|annonce|indique|affirme|after|"
    r"après|when|lorsque|quand|où|where|as|while|tandis\s+que)\b",
    _I,
)
_SUBJECT_SKIP = re.compile(
    r"^(?:selon|d'après|according|citing|on|le|lundi|mardi|mercredi|jeudi|vendredi|samedi|"
    r"dimanche|monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|hier|"
    r"earlier|plus\s+tôt|late|early|overnight|in|en|dans|après|after|at|à)\b",
    _I,
)
_PRONOUN = re.compile(
    r"^(?:they|ils|elles|il|elle|it|which|qui|who|we|nous|on|them|he|she|the\s+group|le\s+groupe)$",
    _I,
)
#: "seized the town", "de la ville": a city named earlier in the sentence, taken up again.
_ANAPHOR = re.compile(
    r"\s*(?:(?:the|la|l'|le|this|that|cette|ce)\s*(?!old\b|vieille\b|lower\b|upper\b)"
    r"(?:[a-zà-ÿ-]+\s+)?)?"
    r"(?:town|city|village|ville|cité|localité|locality|bourgade|commune)\b"
    r"(?!\s*(?:of|de|d'|du)\b)|\s*it\b(?=\s*(?:[,.;]|$|and\b|on\b|after\b))",
    _I,
)
_SAYS_AFTER = re.compile(
    r"\s+(?:says?|said|claims?|claimed|announces?|announced|denies|denied|annonce|affirme|"
    r"dément|dit|revendique|assure)\b",
    _I,
)
#: "fell to two million tonnes", "tombées à leur plus bas": a figure falls, not a city.
_TO_A_FIGURE = re.compile(
    rf"\s+(?:to|à|by|de|below|under|sous)\s+(?:(?:son|sa|ses|leur|leurs|its|their|a|an|un|une)"
    rf"\s+)?(?:{NUMBER_DIGITS}|{NUMBER_WORDS}\b|plus\s+bas|lowest|record|low\b)",
    _I,
)
#: Titles of books, films and songs: a capture quoted next to one of these is a title.
_WORK_NOUN = re.compile(
    r"\b(?:novel|book|bestseller|best-seller|film|movie|documentary|play|series|album|song|"
    r"exhibition|roman|livre|documentaire|pièce|série|chanson|exposition|ouvrage|essai|"
    r"box-office|box\s+office)\b",
    _I,
)
_QUOTED = re.compile(r"«[^»]{1,80}»|“[^”]{1,80}”|\"[^\"]{1,80}\"|(?<!\w)'[^']{1,80}'(?!\w)")
_CLAUSE = re.compile(r"[^,;()]*$")
_CLAUSE_AFTER = re.compile(r"[^,;()]*")


#: The trigger patterns by their family in the cue table: a pattern runs on a sentence only
#: when the sentence holds one of its family's cues. (Keyed by name: hashing a compiled
#: pattern hashes its whole source.)
_TRIGGERS = {
    "capture.active": _ACTIVE,
    "capture.gerund": _GERUND,
    "capture.passive": _PASSIVE,
    "capture.nominal": _NOMINAL,
    "capture.entry": _ENTRY,
    "capture.possessive": _POSSESSIVE_NOMINAL,
    "capture.declared": _DECLARED,
    "capture.expelled": _EXPELLED,
    "capture.expel": _EXPEL,
    "capture.lost": _LOST,
    "capture.withdrawn": _WITHDRAWN,
    "capture.state_since": _STATE_SINCE,
    "capture.back_in": _BACK_IN,
    "capture.possession": _POSSESSION,
    "capture.flag": _FLAG,
    "capture.held_since": _HELD_SINCE,
    "capture.cleared": _CLEARED,
    "capture.handed": _HANDED,
}


@dataclass(frozen=True, slots=True)
class CaptureMatch:
    """One capture found in a sentence, before modality decides its status."""

    mention: Mention
    actor: str | None
    from_actor: str | None
    nominal: bool
    reported_speech: bool
    #: Told by the side that lost the town ("lost X to", "withdrew from X"): its word is no claim.
    conceded: bool = False


def find_captures(
    sentence: str,
    mentions: list[Mention] | Callable[[], list[Mention]],
    earlier: Mention | None = None,
) -> list[CaptureMatch]:
    """Captures told in one sentence: each a trigger tied to a city by grammar, not proximity.

    ``mentions`` may be a function that finds them: it is called only when the sentence holds
    a capture trigger at all, since looking for small towns costs more than the triggers.
    ``earlier`` is the place the item named before this sentence (its title, the sentence
    before): "the town" or "la localité" with no city in the sentence stands for it.
    """
    lowered = sentence.lower()
    present = CUES.present(lowered)
    triggers = {
        family: _scan(pattern, sentence, lowered) if family in present else []
        for family, pattern in _TRIGGERS.items()
    }
    if triggers["capture.lost"]:
        # A name or "control" follows a loss of a town: "lost their lives" is none.
        triggers["capture.lost"] = [
            match
            for match in triggers["capture.lost"]
            if match.group("control")
            or match.group("controle")
            or sentence[match.end() :][:1].isupper()
        ]
    if not any(triggers.values()):
        return []
    if callable(mentions):
        mentions = mentions()
    cities = [mention for mention in mentions if mention.is_city]
    if (not cities and earlier is None) or recalled_sentence(sentence):
        return []
    if earlier is not None:
        # Placed before the sentence so that "the town" finds it last among earlier names.
        cities.insert(0, replace(earlier, start=-1, end=-1))
    found: dict[int, CaptureMatch] = {}
    titled = _titled_spans(sentence)
    for match in triggers["capture.active"] + triggers["capture.possession"]:
        start, aux = _auxiliary(_ACTIVE_AUX, sentence, match.start())
        if _blocked(sentence, start, aux) or _in_spans(match.start(), titled):
            continue
        city = _city_after(sentence, match.end(), cities) or _antecedent(
            sentence, match.end(), start, cities
        )
        if city is None:
            continue
        _keep(
            found,
            sentence,
            _with_list(sentence, city, cities),
            subject_of(sentence, start),
            None,
            start,
            aux,
        )
    for match in triggers["capture.gerund"]:
        city = _city_after(sentence, match.end(), cities) or _antecedent(
            sentence, match.end(), match.start(), cities
        )
        if city is None or _blocked(sentence, match.start(), ""):
            continue
        _keep(
            found,
            sentence,
            _with_list(sentence, city, cities),
            subject_of(sentence, match.start()),
            None,
            match.start(),
            "",
        )
    for match in triggers["capture.passive"] + triggers["capture.state_since"]:
        if _in_spans(match.start(), titled) or _TO_A_FIGURE.match(sentence, match.end()):
            continue
        capture = _passive(sentence, match, cities)
        if capture is not None:
            for place in _list_before(sentence, capture.mention, cities):
                found.setdefault(place.start, replace(capture, mention=place))
    for match in triggers["capture.nominal"]:
        if (
            _search(_NOMINAL_BLOCK_BEFORE, sentence, max(0, match.start() - 60), match.start())
            or _ORGANISATION_BEFORE.search(sentence, max(0, match.start() - 40), match.start())
            or _ORGANISATION_AFTER.match(sentence, match.end())
            or _blocked(sentence, match.start(), "")
            or _in_spans(match.start(), titled)
        ):
            continue
        city = _city_after(sentence, match.end(), cities) or _antecedent(
            sentence, match.end(), match.start(), cities
        )
        if (
            city is not None
            and not recalled(clause_around(sentence, match.start(), max(city.end, match.start())))
            and not _HYPOTHETICAL_AFTER.match(sentence, max(city.end, 0))
        ):
            actor = np_after(sentence, city.end, AGENT)
            # "la prise de Sontsivka et de Berestky": one capture per town listed.
            for place in _with_list(sentence, city, cities):
                found.setdefault(place.start, CaptureMatch(place, actor, None, True, False))
    for match in triggers["capture.entry"] + triggers["capture.back_in"]:
        start, aux = _auxiliary(_ACTIVE_AUX, sentence, match.start())
        if (
            _blocked(sentence, start, aux)
            or _STILL_BEFORE.search(sentence, max(0, start - 20), start)
            or _in_spans(match.start(), titled)
            or not _armed_subject(sentence, start)
            or _ONGOING.search(sentence, match.end())
        ):
            continue
        taken = bool(_TAKEN_CUE.search(sentence))
        if "participle" in match.re.groupindex and match.group("participle") and not taken:
            continue
        city = _city_after(sentence, match.end(), cities) or _antecedent(
            sentence, match.end(), start, cities
        )
        if city is None and taken and _CENTRE.match(sentence, match.end()):
            # "soldiers drove into the city centre" as residents welcomed them: the town
            # named before is entered and taken.
            city = next(
                (
                    other
                    for other in reversed(cities)
                    if other.end <= start
                    and not other.weak
                    and not bracketed(sentence, other)
                    and not speaks(sentence, other)
                    and usable_city(sentence, other)
                ),
                None,
            )
        if city is None:
            continue
        _keep(
            found,
            sentence,
            _with_list(sentence, city, cities),
            subject_of(sentence, start),
            None,
            start,
            aux,
        )
    for match in triggers["capture.lost"]:
        start, aux = _auxiliary(_ACTIVE_AUX, sentence, match.start())
        if _blocked(sentence, start, aux):
            continue
        city = _city_after(sentence, match.end(), cities)
        if city is None:
            continue
        winner = _TO_WINNER.match(sentence, city.end)
        settled = _SETTLEMENT_AFTER.match(sentence, city.end)
        if not (match.group("control") or match.group("controle") or winner or settled):
            # "lost Kherson" alone may be a vote or a match; "lost Kherson to" is not.
            continue
        _keep(
            found,
            sentence,
            (city,),
            np_after(sentence, winner.end() - 4, AGENT) if winner else None,
            subject_of(sentence, start),
            start,
            aux,
            conceded=True,
        )
    for match in triggers["capture.handed"]:
        start, aux = _auxiliary(_ACTIVE_AUX, sentence, match.start())
        if _blocked(sentence, start, aux) or not _armed_subject(sentence, start):
            continue
        city = _city_after(sentence, match.end("verb"), cities)
        if city is None:
            continue
        receiver = _HANDED_TO.match(sentence, _settled_end(sentence, city.end))
        if receiver is None or not _ARMED_RECEIVER.match(sentence, receiver.end()):
            continue
        _keep(
            found,
            sentence,
            (city,),
            np_after(sentence, receiver.end() - 4, AGENT),
            subject_of(sentence, start),
            start,
            aux,
            conceded=True,
        )
    for match in triggers["capture.withdrawn"]:
        start, aux = _auxiliary(_ACTIVE_AUX, sentence, match.start())
        ordered = _search(_ORDERED_BEFORE, sentence, max(0, start - 60), start)
        if (_blocked(sentence, start, aux) and not ordered) or not (
            _armed_subject(sentence, start) or _TROOPS_NAMED.search(match.group(0)) or ordered
        ):
            continue
        city = _city_after(sentence, match.end(), cities)
        if city is None:
            continue
        _keep(
            found,
            sentence,
            _with_list(sentence, city, cities),
            None,
            subject_of(sentence, start),
            start,
            aux,
            conceded=True,
        )
    for match in triggers["capture.cleared"]:
        start, aux = _auxiliary(_PASSIVE_AUX, sentence, match.start())
        # A place is cleared of militants, a person never: an unknown name may be the town.
        city = _city_before(sentence, start, cities, state=True)
        if (
            city is None
            or _blocked(sentence, city.start, "")
            or recalled(clause_around(sentence, city.start, match.end()))
            or _rumoured(sentence, city.start)
        ):
            continue
        reported = bool(REPORTED_SPEECH.search(sentence, 0, city.start))
        if _PLUPERFECT.search(aux) and not reported:
            continue
        found.setdefault(city.start, CaptureMatch(city, None, None, False, reported))
    for match in triggers["capture.held_since"]:
        start, aux = _auxiliary(_ACTIVE_AUX, sentence, match.start())
        if _blocked(sentence, start, aux) or not _armed_subject(sentence, start):
            continue
        city = _city_after(sentence, match.end("verb"), cities)
        if city is None or not _since_day(sentence, city.end):
            continue
        _keep(found, sentence, (city,), subject_of(sentence, start), None, start, aux)
    for match in triggers["capture.flag"]:
        if (
            _in_spans(match.start(), titled)
            or _FLAG_BLOCK.search(sentence)
            or not (ARMED.search(sentence) or _STATE_OK.search(match.group(0)))
        ):
            continue
        start, aux = _auxiliary(_ACTIVE_AUX, sentence, match.start())
        if _blocked(sentence, start, aux):
            continue
        city = _city_after(sentence, match.end(), cities)
        if city is None:
            continue
        _keep(found, sentence, (city,), subject_of(sentence, start), None, start, aux)
    for match in triggers["capture.possessive"]:
        city = next(
            (c for c in cities if c.start >= 0 and not c.weak and c.end == match.start()), None
        )
        if (
            city is None
            or city.region
            or _search(_NOMINAL_BLOCK_BEFORE, sentence, max(0, city.start - 60), city.start)
            or _blocked(sentence, city.start, "")
            or recalled(clause_around(sentence, city.start, match.end()))
        ):
            continue
        actor = np_after(sentence, match.end(), AGENT)
        found.setdefault(city.start, CaptureMatch(city, actor, None, True, False))
    for match in triggers["capture.declared"]:
        city = next((c for c in cities if c.start == match.end()), None)
        if city is None or _blocked(sentence, match.start(), ""):
            continue
        if _FREE_AFTER.match(sentence, city.end):
            _keep(
                found,
                sentence,
                (city,),
                subject_of(sentence, match.start()),
                None,
                match.start(),
                "",
            )
    for match in triggers["capture.expelled"]:
        if _blocked(sentence, match.start(), ""):
            continue
        city = _city_after(sentence, match.end(), cities)
        if city is None:
            continue
        _keep(
            found,
            sentence,
            _with_list(sentence, city, cities),
            np_after(sentence, _after_list(sentence, city, cities), AGENT),
            None,
            match.start(),
            "",
        )
    for match in triggers["capture.expel"]:
        if _blocked(sentence, match.start(), ""):
            continue
        city = _city_after(sentence, match.end(), cities)
        if city is not None:
            actor = subject_of(sentence, match.start())
            group = "from" if match.group("from") is not None else "from_fr"
            expelled = sentence[match.start(group) : match.end(group)].strip()
            if not ARMED.search(expelled) and not _NAMED_PARTY.search(expelled):
                # "pushed south from Goma": a direction, no party driven out.
                continue
            # "drove Islamic State out of Tal Aswad and Nawaran": every town listed.
            for place in _with_list(sentence, city, cities):
                capture = _active(sentence, place, actor, expelled, match.start(), "")
                if capture is not None:
                    found.setdefault(place.start, capture)
    return list(found.values())


def _scan(pattern: re.Pattern[str], sentence: str, lowered: str) -> list[re.Match[str]]:
    """Every match of a trigger pattern, found by its lower-case twin where offsets allow."""
    if len(lowered) != len(sentence):
        return list(pattern.finditer(sentence))
    return list(lower_twin(pattern).finditer(lowered))


def _search(pattern: re.Pattern[str], sentence: str, pos: int, endpos: int) -> re.Match[str] | None:
    """``pattern.search(sentence, pos, endpos)`` through its lower-case twin where it can."""
    lowered = sentence[:endpos].lower()
    if len(lowered) != endpos:
        return pattern.search(sentence, pos, endpos)
    return lower_twin(pattern).search(lowered, pos, endpos)


def _settled_end(sentence: str, end: int) -> int:
    """The end of a town's name with the settlement noun after it ("Myawaddy town")."""
    noun = re.match(r"\s+(?:town|village|city|locality)\b", sentence[end:], _I)
    return end + noun.end() if noun else end


def _armed_subject(sentence: str, start: int) -> bool:
    """Whether the clause before a verb names armed forces as its subject."""
    head = _PARENTHESIS.sub(" ", sentence[max(0, start - 120) : start])[-90:]
    cuts = list(_SUBJECT_CUT.finditer(head))
    if cuts:
        after = head[cuts[-1].end() :]
        # "Tigrayan fighters said they had pushed into": "they" is the speaker.
        head = head if _PRONOUN_SUBJECT.search(after) else (after or head)
    return bool(ARMED.search(head))


def _antecedent(
    sentence: str, position: int, verb_start: int, cities: list[Mention]
) -> Mention | None:
    """The city "the town" or "la ville" stands for: the last one named before the verb, in the
    same sentence ("stormed Djibo and seized the town", "Alep : ... le contrôle de la ville")."""
    anaphor = _ANAPHOR.match(sentence, position)
    if anaphor is None:
        return None
    following = _NEXT_WORD.match(sentence, anaphor.end())
    if (
        following is not None
        and following.group(1)[:1].islower()
        and following.group(1).lower() not in _MAY_FOLLOW_CITY
    ):
        # "the city council", "la ville basse": a part of the city, or not a city at all.
        return None
    for city in reversed(cities):
        if city.end > verb_start or bracketed(sentence, city) or destination(sentence, city):
            continue
        if speaks(sentence, city) or not usable_city(sentence, city):
            return None
        return city
    return None


def destination(sentence: str, city: Mention) -> bool:
    """Whether a place is where a party went ("FACA withdrew to Bozoum; the rebels now control
    the town"), or where the wire wrote from ("MONROVIA (Reuters) - ... took the town"): "the
    town" is not it."""
    if city.start == 0 and city.written.isupper() and len(city.written) > 1:
        return True
    return city.start > 0 and bool(
        _TOWARDS_BEFORE.search(sentence, max(0, city.start - 12), city.start)
    )


def bracketed(sentence: str, city: Mention) -> bool:
    """Whether a name stands in brackets: "Dioura village (Tenenkou, Mopti)" names Mopti only
    as the region the village is in."""
    if city.start < 0:
        return False
    opened = sentence.rfind("(", 0, city.start)
    return opened >= 0 and sentence.find(")", opened, city.start) < 0


def _titled_spans(sentence: str) -> list[tuple[int, int]]:
    """Quoted spans of a sentence that names a book, film or song: titles, not news."""
    if not _WORK_NOUN.search(sentence):
        return []
    return [(quoted.start(), quoted.end()) for quoted in _QUOTED.finditer(sentence)]


def _in_spans(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)


def recalled(clause: str) -> bool:
    """Whether a clause dates what it tells by a year or recalls it ("a decade after")."""
    return has_year(clause) or is_background(clause)


def recalled_sentence(sentence: str) -> bool:
    """Whether a sentence opens by recalling the past ("Ten years ago, ..."): all it tells is
    background, whereas "..., a decade after X fell" recalls only its last clause."""
    opening = _CLAUSE_AFTER.match(sentence)
    if opening is None:
        return False
    return (
        is_background(opening.group(0))
        or bool(_OPENING_YEAR.fullmatch(opening.group(0)))
        or bool(_OPENING_SINCE.match(sentence))
    )


def _keep(
    found: dict[int, CaptureMatch],
    sentence: str,
    places: Iterable[Mention],
    actor: str | None,
    from_actor: str | None,
    start: int,
    aux: str,
    conceded: bool = False,
) -> None:
    """Keep the capture of each of ``places`` told by the verb at ``start`` (the first telling of
    a town wins); ``conceded`` when the losing side tells it."""
    for place in places:
        capture = _active(sentence, place, actor, from_actor, start, aux)
        if capture is not None:
            found.setdefault(place.start, replace(capture, conceded=True) if conceded else capture)


def _active(
    sentence: str, city: Mention, actor: str | None, from_actor: str | None, start: int, aux: str
) -> CaptureMatch | None:
    if recalled(clause_around(sentence, start, max(city.end, start))):
        return None
    if denied(sentence, start):
        # "denied reports that militants had seized Tillia": the capture told is the one denied.
        return None
    reported = bool(REPORTED_SPEECH.search(sentence, 0, start))
    pluperfect = (
        _PLUPERFECT.search(aux)
        or _PLUPERFECT.search(sentence, max(0, start - 12), start)
        or _PLUPERFECT.match(sentence, start)
    )
    recent = _RECENT_DAY.search(clause_around(sentence, start, city.end)) or _RECENT_DAY.match(
        sentence.lstrip()
    )
    if pluperfect and not reported and not recent:
        return None
    from_actor = from_actor or np_after(sentence, city.end, FROM_PARTY)
    return CaptureMatch(city, actor, from_actor, False, reported)


def denied(sentence: str, start: int) -> bool:
    """Whether the capture told from ``start`` on is the one a denial or a rumour holds
    ("denied reports that ...", "Rumours that X had fallen ..."), or one a report called false."""
    head = sentence[:start].lower()
    if any(word in head for word in _DENIAL_WORDS) and _DENIED_OR_RUMOURED.search(head):
        return True
    return _rumoured(sentence, start)


def _rumoured(sentence: str, start: int) -> bool:
    """Whether the capture told from ``start`` on is a rumour's ("Rumours that X had fallen")
    or a report called false ("Reports that X had fallen were untrue", "les informations selon
    lesquelles ... sont fausses")."""
    head = sentence[:start].lower()
    if ("rumo" in head or "rumeur" in head) and _RUMOUR.search(head):
        return True
    return bool(_HEARSAY_HEAD.search(head)) and bool(_FALSE_AFTER.search(sentence, start))


def _auxiliary(pattern: re.Pattern[str], sentence: str, start: int) -> tuple[int, str]:
    """Where a verb group starts and its auxiliaries: "ont" in "ont repris", "" if none."""
    found = _search(pattern, sentence, max(0, start - 60), start)
    return (found.start(), found.group(0)) if found else (start, "")


def _passive(sentence: str, match: re.Match[str], cities: list[Mention]) -> CaptureMatch | None:
    start, aux = _auxiliary(_PASSIVE_AUX, sentence, match.start())
    verb = match.group("verb")
    city = _city_before(sentence, start, cities, state=bool(_STATE_OR_FALL.match(verb)))
    if city is None and _RETAKEN.match(verb) and _ARMED_AGENT.match(sentence, match.end()):
        # "Niger : Tassia reprise par l'armée": an unknown name that opens a headline, retaken
        # by armed forces, is a town (a hostage is "libéré", not "repris").
        city = next(
            (
                other
                for other in cities
                if other.weak
                and other.start >= 0
                and _HEADLINE_STATE.fullmatch(sentence, 0, other.start)
                and _GAP_BEFORE.fullmatch(sentence, other.end, start)
            ),
            None,
        )
    city_end = city.end if city is not None else start
    lead = city.start if city is not None else start
    if city is None:
        taken_up = _ANAPHOR_BEFORE.search(sentence, max(0, start - 200), start)
        if taken_up is None:
            return None
        city = next(
            (
                other
                for other in reversed(cities)
                if other.end <= taken_up.start() and not other.weak and not speaks(sentence, other)
            ),
            None,
        )
        if (
            city is None
            or not usable_city(sentence, city)
            or _DENIAL_BEFORE.search(sentence, 0, taken_up.start())
        ):
            # "denied the city had fallen": the capture told here is the one denied.
            return None
        city_end = lead = taken_up.start()
    if _rumoured(sentence, max(lead, 0)):
        # "Rumours that X had fallen were false": nobody claims the capture told. (A party's
        # denial of the other side's claim, "Kyiv denies X has fallen", stays a dispute.)
        return None
    declared = bool(_DECLARED_BEFORE.search(sentence, max(0, lead - 30), lead))
    before_aux = sentence[city_end:start]
    since_day = _since_day(sentence, match.end())
    if _STATE_STILL.search(before_aux + aux) and not since_day:
        # "X remains in the hands of" is no news; "reste aux mains de ... depuis mercredi" is.
        return None
    if _STATE_VERB.match(verb) and _DENIAL_ANYWHERE.search(sentence):
        # "said Sake was in the hands of the army and dismissed rumours": a denial, not news.
        return None
    if (
        _STATE_VERB.match(verb)
        and not _STATE_OK.search(aux + before_aux)
        and not _STATE_OK.search(verb)
        and not since_day
        and not _HEADLINE_STATE.fullmatch(sentence, 0, lead)
    ):
        return None
    agent = np_after(sentence, match.end(), AGENT)
    loser = _FROM_THEN_AGENT.match(sentence, match.end())
    if agent is None and loser is not None:
        agent = np_after(sentence, loser.end(), AGENT)
    if _PARTICIPLE.match(verb) and not declared:
        # "Raqqa reprise par les FDS" is passive; "Nice a repris la gestion" is not.
        if not aux.strip() and agent is None:
            return None
        if aux.strip() and not _BE.search(aux):
            return None
    if _blocked(sentence, city.start, "") or recalled(
        clause_around(sentence, max(city.start, 0), match.end())
    ):
        return None
    reported = bool(REPORTED_SPEECH.search(sentence, 0, lead))
    if _PLUPERFECT.search(aux) and not reported:
        return None
    from_actor = None
    if agent is not None and _FREED.match(verb) and _OF_AGENT.match(sentence, match.end()):
        # "Sirte had been freed of Islamic State fighters": the party driven out, not the victor.
        agent, from_actor = None, agent
    return CaptureMatch(city, agent, from_actor, False, reported)


def _since_day(sentence: str, position: int) -> bool:
    """Whether the clause from ``position`` dates a state from a recent day ("since Sunday")."""
    clause = _CLAUSE_AFTER.match(sentence, position)
    return clause is not None and bool(_SINCE_DAY.match(clause.group(0)))


def _blocked(sentence: str, start: int, aux: str) -> bool:
    if _search(_ACHIEVED_BEFORE, sentence, max(0, start - 50), start):
        # "managed to retake", "sont parvenus à reprendre": done, not wished.
        return False
    return (
        bool(_search(_BLOCK_BEFORE, sentence, max(0, start - 40), start))
        or "pas " in aux
        or bool(_search(_IF_BEFORE, sentence, max(0, start - 60), start))
    )


def _city_after(sentence: str, position: int, cities: list[Mention]) -> Mention | None:
    for city in cities:
        if city.start < position:
            continue
        if _GAP_AFTER.fullmatch(sentence, position, city.start) is None:
            return None
        if usable_city(sentence, city) and object_city(sentence, city):
            return city
        # "the capital of Samangan province, Aybak", "Al Jazirah state's capital, Wad Madani":
        # read past a region or a name used as a modifier, as far as the gap allows.
    return None


def _city_before(
    sentence: str, position: int, cities: list[Mention], *, state: bool = False
) -> Mention | None:
    """The city a passive or state verb at ``position`` tells of; a name no gazetteer knows
    only for a state ("Al-Dinder ... was under its control"), never for "was taken"."""
    for city in reversed(cities):
        if city.end > position or city.start < 0 or (city.weak and not state):
            continue
        if _GAP_BEFORE.fullmatch(sentence, city.end, position) is None:
            # "Fallujah, a stronghold near Baghdad, was retaken": look past the apposition.
            continue
        head = sentence[max(0, city.start - 40) : city.start]
        if city.weak and not _CLAUSE_START.search(head):
            # An unknown name that opens its clause may be a town; "native city of Kadhafi" not.
            continue
        if _PREPOSITION_BEFORE.search(head) and not _CITY_OF_BEFORE.search(head):
            if "," in sentence[city.end : position]:
                # "..., a stronghold near Baghdad, was retaken": the end of an apposition.
                continue
            return None
        return city if usable_city(sentence, city) else None
    return None


def usable_city(sentence: str, city: Mention) -> bool:
    """A city named as a whole: not a region ("province de"), a part ("Kunduz airport") or a
    possessive ("Lyon's"). A place named in an earlier sentence was checked there."""
    if city.start < 0:
        return True
    return not city.region and not _AFTER_CITY_BLOCK.match(sentence, city.end)


def speaks(sentence: str, city: Mention) -> bool:
    """Whether a city speaks for its government here ("Kyiv says"), naming no place."""
    return city.start >= 0 and bool(_SAYS_AFTER.match(sentence, city.end))


def object_city(sentence: str, city: Mention) -> bool:
    """A city as the object of a verb or noun, not as a modifier: "the takeover of Paris firm"
    and "took Wembley by storm" are about a firm and a crowd, "captured an Abu Sayyaf leader"
    about a person."""
    if (
        _IDIOM_AFTER.match(sentence, city.end)
        or _EVENT_AFTER.match(sentence, city.end)
        or _PERSON_AFTER.match(sentence, city.end)
        or _MODIFIES_CITY_NOUN.match(sentence, city.end)
    ):
        return False
    if _CITY_WORD_AFTER.match(sentence, city.end):
        # "regained control of Ramadi city (Ramadi, Anbar)": the town itself.
        return True
    following = _NEXT_WORD.match(sentence, city.end)
    if following is None:
        return True
    word = following.group(1)
    return (
        not word[:1].islower()
        or word.lower() in _MAY_FOLLOW_CITY
        or bool(_PARTICIPLE_ING.match(word))
    )


def _with_list(sentence: str, city: Mention, cities: list[Mention]) -> list[Mention]:
    """The city and any listed right after it ("took Kunduz, Taloqan and Baghlan"); a list must
    close with "and"/"et", so "took Goma, Kinshasa denies" names one city."""
    listed = [city]
    for other in cities:
        if other.start <= listed[-1].end or bracketed(sentence, other):
            continue
        between = sentence[listed[-1].end : other.start]
        if not _LIST_SEPARATOR.fullmatch(between):
            break
        if not usable_city(sentence, other):
            if _LIST_END.search(between) and _AFTER_CITY_BLOCK.match(sentence, other.end):
                # "captured the Nateh and Naman districts": the noun after the list is its head.
                return []
            break
        listed.append(other)
        if _LIST_END.search(between):
            return listed
    return listed[:1]


def _list_before(sentence: str, city: Mention, cities: list[Mention]) -> list[Mention]:
    """The city and any listed right before it ("Farah, Pul-e-Khumri et Faizabad sont
    tombées"); the list must join its last two with "and"/"et"."""
    listed = [city]
    for other in reversed(cities):
        if other.end > listed[-1].start or other.start < 0:
            continue
        between = sentence[other.end : listed[-1].start]
        if not _LIST_SEPARATOR.fullmatch(between) or not usable_city(sentence, other):
            break
        if len(listed) == 1 and not _LIST_END.search(between):
            break
        listed.append(other)
    return listed


def _after_list(sentence: str, city: Mention, cities: list[Mention]) -> int:
    """Where a list of cities that starts with ``city`` ends."""
    return _with_list(sentence, city, cities)[-1].end


def clause_around(sentence: str, start: int, end: int) -> str:
    """The clause around a span: from the previous comma to the next one."""
    head = _CLAUSE.search(sentence, 0, start)
    tail = _CLAUSE_AFTER.match(sentence, end)
    left = head.start() if head else start
    right = tail.end() if tail else end
    return sentence[left:right]


def np_after(sentence: str, position: int, connector: re.Pattern[str]) -> str | None:
    """The noun phrase after a connector ("by Iraqi forces", "aux djihadistes de Daesh")."""
    joined = connector.match(sentence, position)
    if joined is None or joined.end() == position:
        return None
    phrase = _NP.match(sentence, joined.end())
    if phrase is None or _NOT_AN_ACTOR.match(phrase.group(0)):
        return None
    return phrase.group(0).strip() or None


# "Rebels say they have (taken)", "les rebelles affirment avoir (pris)": the speaker is the actor.
_SPEAKER_OF_OWN_DEED = re.compile(
    r"^(?P<who>.+?)\s+(?:say|says|said|claim|claims|claimed|announce|announces|announced|"
    r"affirme|affirment|disent|dit|assure|assurent|revendique|revendiquent|annonce|annoncent|"
    r"déclare|déclarent)(?:\s+(?:that\s+)?(?:(?:they|it|he|we)(?:\s+(?:have|has|had))?|"
    r"to\s+have|to|avoir|qu'ils\s+ont|qu'elles\s+ont|qu'il\s+a|qu'elle\s+a))?$",
    _I,
)


def subject_of(sentence: str, position: int) -> str | None:
    """The subject of an active verb: the clause before it, appositions and openers dropped."""
    head = sentence[:position]
    speaker = _SPEAKER_OF_OWN_DEED.match(head.strip())
    if speaker is not None:
        head = speaker.group("who")
    cuts = list(_SUBJECT_CUT.finditer(head))
    if cuts:
        head = head[cuts[-1].end() :]
    pieces = [piece.strip() for piece in head.split(",") if piece.strip()]
    while pieces and _SUBJECT_SKIP.match(pieces[0]):
        pieces.pop(0)
    if not pieces:
        return None
    words = pieces[0].split()[:8]
    subject = " ".join(words).strip(" -'")
    if not subject or _PRONOUN.match(subject):
        return None
    return subject
