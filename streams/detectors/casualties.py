"""Casualty tolls: how many were killed, wounded or went missing, and who they were."""

from __future__ import annotations

import re
from dataclasses import dataclass

from streams.detectors.lexicons import GROUPS
from streams.detectors.numbers import COUNT, Count, parse_count

_I = re.IGNORECASE

_KILLED = (
    r"killed|dead|died|die|dies|deaths|slain|perished|murdered|massacred|executed|beheaded|"
    r"lives|drowned|drowns?|se\s+noient|shot\s+dead|gunned\s+down|fatalities|bodies|lives\s+lost|"
    r"lost\s+their\s+lives|"
    r"victims|tuée?s?|morte?s?|décès|décédée?s?|ont\s+péri|péri|périssent|victimes|"
    r"exécutée?s|massacrée?s|noyée?s|abattue?s|assassinée?s|sans\s+vie|(?:ont|a|avaient|avait)\s+perdu\s+la\s+vie|perdu\s+la\s+vie|"
    r"ont\s+trouvé\s+la\s+mort|trouvé\s+la\s+mort"
)
_WOUNDED = r"wounded|injured|hurt|blessée?s?"
_MISSING = r"missing|unaccounted\s+for|disparue?s?|portée?s?\s+disparue?s?"
_ROLE = rf"(?P<killed>{_KILLED})|(?P<wounded>{_WOUNDED})|(?P<missing>{_MISSING})"
#: Words that never sit between a count and its victims: units, money, time, places.
_NOT_VICTIMS = (
    r"(?:hours?|heures?|days?|jours?|weeks?|semaines?|months?|mois|years?|ans|années?|km|"
    r"kilomètres?|kilometres?|kilometers?|miles?|mètres?|metres?|meters?|tonnes?|tons?|kg|"
    r"kilos?|euros?|dollars?|livres|pounds|millions?|milliards?|billions?|percent|pour|per|"
    r"cent|after|après|avant|before|since|depuis|in|à|au|dans|en|on|par|by|from|who|qui|"
    r"that|which|when|were|was|have|has|had|ont|a|sont|est|et|and|but|mais|or|ou|not|pas|"
    r"no|ne|n'|with|avec|for|aged|âgée?s?|old|points?|votes?|seats?|sièges|goals|buts|"
    r"minutes?|secondes?|seconds|times|fois|ballots?|shares?|actions|tickets?|said|says|say|"
    r"dit|disent|claims?|claimed|selon|according|dozens|hundreds|thousands|scores|des|several|"
    r"plusieurs|\d[\d,. ]*)"
)
#: Units after a count: "12 hours", "2 tonnes", "735 millions d'euros".
_UNITS = (
    r"(?:hours?|heures?|days?|jours?|weeks?|semaines?|months?|mois|years?|ans|années?|km|"
    r"kilomètres?|kilometres?|kilometers?|miles?|mètres?|metres?|meters?|tonnes?|tons?|kg|"
    r"kilos?|euros?|dollars?|livres|pounds|millions?|milliards?|billions?|percent|per\s+cent|"
    r"pour\s+cent|points?|votes?|seats?|sièges|goals|buts|minutes?|secondes?|seconds|times|fois|"
    r"nairas?|rupees?|roupies|shillings?|francs?|dinars?|dirhams?|rands?|yuans?|yens?|pesos?|"
    r"hryvnias?|roubles?|rubles?|lires?|liras?|cedis?|\$|€|£|usd|eur)"
)
_FREE = rf"(?:\s+(?!{_NOT_VICTIMS}\b)(?!(?:{_KILLED}|{_WOUNDED}|{_MISSING})\b)[\w'-]+)"
_AUX = (
    r"(?:\s+(?:who|qui|that))?"
    r"(?:\s+(?:tortured|beaten|raped|abducted|shot|stabbed|attacked|torturée?s|enlevée?s|"
    r"violée?s)\s+(?:and|et))?"
    r"(?:\s+(?:were|have\s+been|has\s+been|had\s+been|been|are|was|"
    r"is|being|ont\s+été|a\s+été|été|sont|se|étaient|avaient\s+été|reportedly|reported|"
    r"confirmed|believed|feared|presumed|found|"
    r"retrouvée?s?|officially|also|aussi|également|already|déjà|now|désormais|probably|"
    r"probablement|left|laissant))*"
)
#: "au moins douze civils ont été tués", "dozens of people were killed", "12 dead".
_COUNT_FIRST = re.compile(
    rf"(?<![\w-])(?P<count>{COUNT})(?:\s+(?:of|de|d'))?\s*{_FREE}{{0,4}}?{_AUX}\s+(?:{_ROLE})\b"
    r"(?!\s+(?:at\s+least|au\s+moins|\d|dozens|des\s+(?:dizaines|centaines|milliers)|hundreds|"
    r"scores|(?:plus|près|more|nearly|about|some)\s+(?:d[e']|than)?\s*\d|une?\b|one\b|two\b|"
    r"deux\b))",
    _I,
)
_KILL_VERB = (
    r"killing|killed|kills|kill|tuant|tué|tue|tuent|tuait|massacred|massacring|massacrant|"
    r"executed|executing|executes|execute|exécuté|exécutant|exécutent|abattu|shot\s+dead|"
    r"massacres|murdered|murders|murdering|"
    r"gunned\s+down|"
    r"claim(?:ed|ing)?\s+the\s+lives\s+of|coût(?:é|ant|e)\s+la\s+vie\s+à|"
    r"(?:la|the)\s+mort\s+d[e']|the\s+deaths?\s+of|la\s+mort\s+de"
)
_WOUND_VERB = r"wounding|wounded|wounds|injuring|injured|injures|blessant|blessé|blesse|blessent"
#: "killed 12 people", "tuant au moins 12 personnes et en blessant 30".
_VERB_FIRST = re.compile(
    rf"\b(?:(?P<vkilled>{_KILL_VERB})|(?P<vwounded>{_WOUND_VERB}))\s+(?:en\s+|all\s+|tous\s+les\s+)?"
    rf"(?P<count>{COUNT})(?![\w-])(?P<tail>(?:\s+(?:of|de|d'))?{_FREE}{{0,3}})",
    _I,
)
#: "death toll rises to 40", "le bilan s'alourdit à 40 morts".
_TOLL = re.compile(
    r"\b(?:death\s+toll|toll|bilan|nombre\s+de\s+(?:morts|victimes|tués|décès)|number\s+of\s+"
    r"(?:dead|deaths|people\s+killed|victims|fatalities)|body\s+count)\b[^.;!?]{0,120}?"
    r"(?:\b(?:to|at|of|à|de|hit|hits|reached|reaches|atteint|tops|topped|exceeds|exceeded|"
    r"dépasse|past|passes|passed|is|est|was|stands\s+at|stood\s+at)\b|:)\s*"
    r"(?:(?:désormais|maintenant|now|already|déjà)\s+)?"
    rf"(?P<count>{COUNT})(?![\w-])(?P<tail>(?:\s+[\w'-]+){{0,2}})",
    _I,
)
_SINGULAR = (
    r"soldier|civilian|policeman|policewoman|police\s+officer|officer|man|woman|child|boy|girl|"
    r"teenager|teen|student|journalist|priest|monk|worker|aid\s+worker|farmer|villager|suspect|"
    r"militant|rebel|fighter|person|resident|protester|guard|commander|leader|activist|doctor|"
    r"nurse|teacher|pilot|peacekeeper|soldat|civil|policier|gendarme|homme|femme|enfant|"
    r"adolescent|garçon|fillette|étudiant|étudiante|journaliste|prêtre|moine|villageois|"
    r"militaire|combattant|rebelle|djihadiste|jihadiste|manifestant|agriculteur|habitant|"
    r"passant|casque\s+bleu|chauffeur|driver"
)
#: People named by office; only with a count after them ("the governor and six guards"), as
#: "killed the mayor's candidacy" must stay a figure of speech.
_OFFICE = (
    r"governor|gouverneur|mayor|maire|official|responsable|minister|ministre|general|général|"
    r"colonel|commander|commandant|chief|chef|imam|judge|juge|lawmaker|député|senator|"
    r"sénateur|prefect|préfet"
)
#: "un soldat français tué": French puts the adjective after the noun.
_FRENCH_ADJECTIVE = r"[a-zà-ÿ'-]+(?:ais|aise|ois|oise|ien|ienne|ain|aine|an|ane|ite|é|ée)\b"
#: One victim without a number: "a soldier was killed", "un policier a été tué".
_ONE_VICTIM = re.compile(
    rf"(?:\b(?:a|an|one|un|une|another|un\s+autre|une\s+autre)\s+(?:[\w'-]+\s+){{0,2}}?"
    rf"|^(?:[\w'-]+\s+){{0,2}}?)(?P<noun>{_SINGULAR})(?:\s+{_FRENCH_ADJECTIVE})?"
    rf"(?:\s+(?:was|has\s+been|a\s+été|est|is|were|had\s+been))?\s+"
    rf"(?:(?P<killed>killed|shot\s+dead|gunned\s+down|tuée?|abattue?|dies|died|morte?|"
    rf"assassinée?)|(?P<wounded>wounded|injured|blessée?))\b",
    _I,
)
_KILL_ONE = re.compile(
    rf"\b(?:kills?|killed|killing|tue|tuent|tué|tuant|shoots?\s+dead|shot\s+dead|abat(?:tent)?"
    rf"|(?P<wounded>wounding|injuring|wounds?|injures?|blessant))\s+"
    rf"(?:(?:a|an|one|un|une|the|le|la)\s+)?(?:[\w'-]+\s+){{0,2}}?(?P<noun>{_SINGULAR})\b",
    _I,
)
#: "killed the governor and six guards": one named victim plus a count.
_AND_OTHERS = re.compile(
    rf"\b(?:{_KILL_VERB})\s+(?:[\w'-]+\s+)?(?:(?:the|a|an|le|la|l'|un|une)\s*)?"
    rf"(?:[\w'-]+\s+)?(?P<noun>{_SINGULAR}|{_OFFICE})(?:\s+(?:of|de|d')\s*[\w'-]+)?"
    rf"\s+(?:and|et)\s+(?P<count>{COUNT})(?![\w-])",
    _I,
)
#: Objects a verb of killing takes in other pages: "kills 1,200 jobs", "2,000 chickens killed".
_NOT_PEOPLE = re.compile(
    r"\s*(?:\S+\s+){0,2}?(?:jobs|emplois|postes|positions|posts|projects|projets|bills|deals|"
    r"animals|animaux|cattle|bétail|têtes|sheep|moutons|chickens|poulets|volailles|birds|"
    r"oiseaux|cows|vaches|dogs|chiens|fish|poissons|trees|arbres|hopes|espoirs)\b",
    _I,
)
_YEAR = re.compile(r"(?:19|20)\d\d")
#: Victims of a fraud, a scam or a cyber-attack lost money, not their lives.
_NOT_DEATH_VICTIMS = re.compile(
    r"\b(?:escroquer\w*|arnaques?|fraudes?|frauds?|scams?|swindles?|cyber\w*|piratages?|"
    r"hacks?|hacking|phishing|hameçonnage|rançongiciels?|ransomware|vols?|theft|thefts|"
    r"harcèlement|harassment|abus|abuse|discriminations?|préjudices?|placements?|"
    r"investments?|ponzi|pyramid|pyramidale|usurpations?|identity)\b",
    _I,
)
_VICTIMS = re.compile(r"^(?:victims|victimes)$", _I)
#: "l'attentat de 2016, qui avait tué 86 personnes": a toll recalled in a pluperfect relative.
_RECALLED = re.compile(
    r"\b(?:qui|which|that|who|lequel|laquelle)\s+(?:avait|avaient|had)\s+(?:[\w'-]+\s+)?$",
    _I,
)
#: "A policeman and two civilians were killed": one named victim before the count.
_ONE_AND = re.compile(
    rf"(?:^|\b(?:a|an|one|un|une)\s+)(?:[\w'-]+\s+)?(?:{_SINGULAR}|{_OFFICE})"
    rf"(?:\s+{_FRENCH_ADJECTIVE})?\s+(?:and|et)\s+$",
    _I,
)
_NEGATED = re.compile(r"\b(?:no|not|nobody|aucune?|sans|ni)\s+$", _I)
_UNIT_AFTER = re.compile(rf"\s+{_UNITS}\b|[-%]", _I)
_WOUNDED_NEXT = re.compile(r"\s*(?:wounded|injured|blessée?s?)\b", _I)


@dataclass(frozen=True, slots=True)
class Toll:
    """A sentence's toll: the largest figure per role and the group hit."""

    killed: Count | None
    wounded: Count | None
    missing: Count | None
    group: str | None
    start: int

    def figure(self) -> Count | None:
        """The headline figure: killed if stated, else wounded, else missing."""
        return self.killed or self.wounded or self.missing


def find_toll(sentence: str) -> Toll | None:
    """The casualty toll stated in one sentence, or ``None`` if it states none."""
    figures: dict[str, list[Count]] = {"killed": [], "wounded": [], "missing": []}
    group: str | None = None
    start = len(sentence)
    for match in _COUNT_FIRST.finditer(sentence):
        if _NEGATED.search(sentence, max(0, match.start() - 12), match.start()):
            continue
        if _NOT_PEOPLE.match(sentence, match.end("count"), match.start(match.lastgroup or "count")):
            continue
        role = next(name for name in ("killed", "wounded", "missing") if match.group(name))
        if _VICTIMS.match(match.group(role)) and _NOT_DEATH_VICTIMS.search(sentence):
            continue
        if _UNIT_AFTER.match(sentence, match.end("count")):
            continue
        count = parse_count(match.group("count"))
        if (
            role == "killed"
            and count.value is not None
            and _ONE_AND.search(sentence, max(0, match.start() - 40), match.start())
        ):
            count = Count(count.value + 1, count.approximate)
        figures[role].append(count)
        group = group or _group(match.group(0))
        start = min(start, match.start())
    for match in _VERB_FIRST.finditer(sentence):
        if (
            _UNIT_AFTER.match(sentence, match.end("count"))
            or _NOT_PEOPLE.match(sentence, match.end("count"))
            or _RECALLED.search(sentence, max(0, match.start() - 30), match.start())
        ):
            continue
        role = "killed" if match.group("vkilled") else "wounded"
        figures[role].append(parse_count(match.group("count")))
        group = group or _group(match.group("tail"))
        start = min(start, match.start())
    for match in _AND_OTHERS.finditer(sentence):
        others = parse_count(match.group("count"))
        if others.value is not None and not _UNIT_AFTER.match(sentence, match.end("count")):
            figures["killed"].append(Count(others.value + 1, others.approximate))
            group = group or _group(match.group("noun"))
            start = min(start, match.start())
    for match in _TOLL.finditer(sentence):
        count = parse_count(match.group("count"))
        if _YEAR.fullmatch(match.group("count").strip()) or _UNIT_AFTER.match(
            sentence, match.end("count")
        ):
            continue
        role = "wounded" if _WOUNDED_NEXT.match(match.group("tail")) else "killed"
        figures[role].append(count)
        start = min(start, match.start())
    if not any(figures.values()):
        for single in (*_ONE_VICTIM.finditer(sentence), *_KILL_ONE.finditer(sentence)):
            role = "wounded" if single.groupdict().get("wounded") else "killed"
            figures[role].append(Count(1, False))
            group = group or _group(single.group("noun"))
            start = min(start, single.start())
    if not any(figures.values()):
        return None
    return Toll(
        killed=largest(figures["killed"]),
        wounded=largest(figures["wounded"]),
        missing=largest(figures["missing"]),
        group=group,
        start=start,
    )


def largest(counts: list[Count]) -> Count | None:
    """The largest figure; a vague one only when no figure is given. Between equal figures the
    bounded telling wins: "kills 12" over "killed at least 12" is a headline's shorthand, and the
    toll reads "at least 12" whichever sentence came first."""
    exact = [count for count in counts if count.value is not None]
    if exact:
        return max(exact, key=lambda count: (count.value or 0, count.approximate))
    return counts[0] if counts else None


def _group(text: str) -> str | None:
    for word in re.findall(r"[\w'-]+", text.lower()):
        group = GROUPS.get(word)
        if group:
            return group
    return None
