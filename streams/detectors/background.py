"""Tolls told as background: figures a sentence gives that are not the toll of the event it
reports (a trial, a commemoration, a yearly or cumulative count, an earlier disaster it is
compared with, a superseded toll)."""

from __future__ import annotations

import re
from functools import lru_cache

import ahocorasick

#: Every pattern here is matched on lower-cased text: case-insensitive matching of long
#: alternations costs three times as much.

_YEAR = r"(?:1[89]\d\d|20\d\d)"
_MONTHS = (
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    r"janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
)
#: Punctuation that ends the clause a figure belongs to.
_CLAUSE_END = re.compile(r"[,;:()«»\"—–]|\s-\s")

#: A sentence that reports a court's proceedings: its tolls belong to the crime it judges.
_COURT = re.compile(
    r"\b(?:pleaded\s+(?:not\s+)?guilty|pleads\s+(?:not\s+)?guilty|plaidée?\s+coupable|"
    r"sentenced|condamnée?s?\s+(?:à|pour)|cour\s+d'assises|court\s+(?:heard|was\s+told)|"
    r"told\s+(?:the|a)\s+court|devant\s+(?:le\s+tribunal|la\s+cour)|life\s+(?:sentence|in\s+prison)|"
    r"réclusion|perpétuité|jurors|jurés|on\s+trial|stands?\s+trial|goes\s+on\s+trial|"
    r"trial\s+(?:of|opened|opens|began|begins)|procès\s+(?:de|du|des|d')|"
    r"s'ouvre\s+le\s+procès)\b",
)
#: The figure is what someone is tried for: "accused of killing five", "condamné pour avoir tué",
#: "the trial over the attack that killed 40".
_TRIED_FOR = re.compile(
    r"(?:\b(?:trials?|procès|convicted|sentenced|guilty|jugée?s?|condamnée?s?|acquitted|"
    r"acquittée?s?)\b"
    r"[^.;!?]{0,40}?\b(?:of|for|with|de|pour|d'avoir|over)\s+(?:\w+\s+){0,3}?(?:killing|murdering|"
    r"(?:the\s+)?(?:murders?|deaths?|killings?)\s+of|tué|tuer|assassiné|assassiner|"
    r"(?:la\s+)?mort\s+de|(?:le\s+)?meurtre\s+de|(?:l')?assassinat\s+de)"
    r"|\b(?:trials?|procès|jury|verdict|inquest|hearing|audience)\b[^.;!?]{0,80}?"
    r"\b(?:that|which|qui|in\s+which|où|dans\s+lequel|dans\s+laquelle)\b)[^.;!?]{0,40}$",
)
#: A commemoration before the figure: "on the anniversary of the bombing that killed 191".
_MEMORY = re.compile(
    r"\b(?:anniversary|anniversaire|commemorat\w*|commémor\w*|memorial|mémorial|remembrance|"
    r"in\s+memory\s+of|en\s+mémoire|years?\s+ago|years\s+(?:after|on\s+from)|decades?\s+ago|"
    r"il\s+y\s+a\s+\w+\s+ans|ans\s+après|ans\s+jour\s+pour\s+jour|"
    # "pour honorer la mémoire des victimes", "se souvient des tueries", "remember the dead".
    r"(?:la\s+)?mémoire\s+d(?:es|e|u)|(?:honorer|saluer|célébrer|raviver)\s+la\s+mémoire|hommages?\s+(?:aux|à)|se\s+souvien\w+|"
    r"remember\w*|honou?r\w*\s+(?:the\s+)?(?:victims|dead|memory|fallen))\b",
)
#: A count of a period rather than an event: "every year", "par semaine", "so far this year".
_PERIOD = re.compile(
    r"\b(?:(?:each|every|per|chaque|par)\s+(?:year|week|month|day|année|an|semaine|mois|jour)|"
    r"an?\s+(?:year|week|month|day)\b(?![-\w]|\s+(?:after|before|earlier|later|ago|of|since|"
    r"when))|"
    r"annually|yearly|annuellement|tous\s+les\s+(?:ans|jours|mois)|toutes\s+les\s+semaines|"
    r"on\s+average|en\s+moyenne|this\s+year|cette\s+année|(?:last|past|previous)\s+year|"
    r"l'(?:an|année)\s+(?:derni(?:er|ère)|passée?|précédente?)|in\s+recent\s+years|"
    r"ces\s+dernières\s+années|(?:over|in|during)\s+the\s+(?:past|last)\s+(?:\w+\s+)?"
    r"(?:years?|decades?|months)|au\s+cours\s+des\s+(?:\w+\s+)?(?:dernières\s+années|derniers\s+"
    r"mois|dernières\s+décennies)|(?:for|in|pour|en)\s+" + _YEAR + r"\s+alone|"
    # A quarter's or a half-year's count: "au premier trimestre", "in the first quarter".
    r"(?:au|du|le|en)\s+(?:premier|deuxième|second|troisième|quatrième|dernier)\s+"
    r"(?:trimestre|semestre)|(?:in|during|over|for)\s+the\s+(?:first|second|third|fourth|last)\s+"
    r"(?:quarter|half)|quarterly|trimestriel\w*|semestriel\w*|"
    # A count over a span: "over the month", "en vingt ans", "in two decades".
    r"(?:over|during|throughout)\s+the\s+(?:month|year|week|quarter|decade|period)|"
    r"(?:en|in|over)\s+(?:\w+[- ])?(?:\w+\s+)?(?:ans|années|décennies|years|decades)|"
    r"(?:monthly|weekly|mensuel\w*|hebdomadaire)\s+(?:note|report|update|summary|count|"
    r"toll|tally|figures?|bilan|rapport|décompte))\b",
)
#: A sentence that cites a periodic count: its figures sum a year or a month, not an event.
_AGGREGATE = re.compile(
    r"\b(?:(?:décompte|bilan|rapport|recensement)s?\s+(?:annuel|mensuel|trimestriel)\w*|"
    r"(?:annual|yearly|monthly|quarterly)\s+(?:report|count|tally|toll|figures|note|survey|"
    r"review)|(?:note|revue)\s+mensuelle)\b",
)
#: A figure told as what could happen: "could kill hundreds", "risque de faire des centaines
#: de morts"; "may have killed 12" is a hedge on what happened.
_HYPOTHETICAL = re.compile(
    r"\b(?:(?:could|might|would|may|pourrai(?:t|ent)|pourr(?:a|ont)|risqu\w*\s+de|"
    r"threaten\w*\s+to|menac\w*\s+de)\s+(?:well\s+|still\s+|also\s+|encore\s+)?"
    r"(?:kill|cost|leave|claim|cause|result\s+in|faire|tuer|coûter|causer|provoquer)|"
    # What would have happened: "would have killed dozens", "aurait pu faire des morts".
    r"(?:would\s+have|aurai(?:t|ent)\s+pu)\s+(?:killed|cost|left|claimed|caused|faire|tuer|"
    r"coûter|causer|provoquer))\s+(?:[\w'-]+\s+){0,2}$",
)
#: "since 2014", "depuis le début de l'année", "since the start of its intervention"; the start
#: of clashes or of an offensive is this event's own.
_SINCE = re.compile(r"\b(?:since|depuis)\s+(?P<span>[^,;:.()]{1,60})")
_LONG_SPAN = re.compile(
    rf"\b(?:{_YEAR}|{_MONTHS}|war|guerre|conflict|conflit|invasion|intervention|uprising|"
    r"insurrection|insurgency|rébellion|rebellion|campaign|campagne|revolution|révolution|"
    r"independence|indépendance|occupation|crisis|crise|pandemic|pandémie|epidemic|épidémie|"
    r"the\s+year|l'année|records\s+began|creation|création|month|mois)\b",
)
#: A span counted in days is this event's own: "since Sunday", "depuis hier", "since dawn".
_SHORT_SPAN = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|lundi|mardi|mercredi|"
    r"jeudi|vendredi|samedi|dimanche|yesterday|hier|la\s+veille|overnight|dawn|l'aube|"
    r"morning|matin|weekend|week-end|this\s+week|cette\s+semaine|last\s+week|"
    r"la\s+semaine\s+dernière|the\s+(?:attack|blast|explosion|bombing|quake|earthquake|storm|"
    r"flood|floods|fire|crash|collapse|clashes|fighting)|l'(?:attaque|attentat|explosion|"
    r"incendie|accident|effondrement)|le\s+(?:séisme|tremblement|naufrage|crash|drame)|"
    r"les\s+(?:combats|affrontements|inondations|intempéries))\b",
)
#: An opening adverbial that dates the whole sentence: "Since 2014,", "In 2015,", "Last year,".
_FRONTED = re.compile(r"\s*(?P<head>[^,;:.]{1,60}),")
_FRONTED_SINCE = re.compile(r"(?:since|depuis)\s+(?P<span>.+)")
_FRONTED_YEAR = re.compile(
    rf"(?:in|en|during|durant|au\s+cours\s+de)\s+(?:(?:{_MONTHS})\s+)?{_YEAR}"
    rf"|(?:in|en|début|fin|mi-|early|late)\s*(?:{_MONTHS})"
)
#: A war's cumulative toll, not an event's: "la guerre a fait plus de 27 000 morts", "the
#: conflict, which began in 2023, has killed tens of thousands".
_WAR_TOLL = re.compile(
    r"\b(?:war|guerre|conflict|conflit|insurgency|insurrection|rébellion|rebellion|violences?|"
    r"crisis|crise|fighting)\b[^.;!?]{0,70}?\b(?:has|have|had|a|ont|avait|avaient)\s+"
    r"(?:already\s+|déjà\s+|so\s+far\s+)?(?:killed|claimed|caused|left|fait|coûté|tué|causé)\b"
    r"[^.;!?]{0,50}$"
    # "the war claimed 17,000 lives", "a decade-long insurgency ... cost 13,000 lives": a war's
    # toll in the simple past ("fighting killed 12" stays an event's toll).
    r"|\b(?:war|guerre|conflict|conflit|insurgency|insurrection|rébellion|rebellion)\b"
    r"[^.;!?]{0,70}?\b(?:claimed|cost|coûta|coûté)\b[^.;!?]{0,50}$"
)
#: A figure in a clause about an earlier, dated event: "the 2015 blast that killed 40",
#: "l'attentat de 2016, qui avait fait 86 morts", "since 2009, when a crash killed 50".
_DATED_EVENT = re.compile(
    rf"(?:\b(?:the|a|an|its|this)\s+{_YEAR}\b|\b(?:de|du|des|since|depuis|in|en)\s+"
    rf"(?:(?:{_MONTHS})\s+)?{_YEAR}\b)"
    r"[^.;!?,]{0,60}?,?\s*\b(?:that|which|who|when|where|in\s+which|qui|où|lorsque|quand|dans\s+"
    r"lequel|dans\s+laquelle|killing|tuant|faisant|leaving|laissant)\b[^.;!?]{0,80}$",
)
#: "the deadliest since the bombing that killed 130": the figure of the event compared with.
_COMPARED = re.compile(
    r"\b(?:deadliest|bloodiest|worst|most\s+deadly|most\s+lethal|heaviest|highest|largest|"
    r"biggest|(?:le|la|les)\s+plus\s+(?:meurtri\w+|lourde?s?|graves?|sanglante?s?|importante?s?)|"
    r"pire)\b[^.;!?]{0,60}?"
    r"\b(?:since|depuis|than|que|qu')\b[^.;!?]{0,80}?\b(?:that|which|when|qui|où|lorsque|"
    r"killing|tuant|faisant|leaving|laissant)\b[^.;!?]{0,80}$",
)
#: A toll that a later one replaced: "up from 12", "a previous toll of 18", "(et non 13)".
_SUPERSEDED = re.compile(
    r"(?:\b(?:up|down)\s+from|\b(?:previous|earlier|former|précédent)\s+(?:death\s+)?"
    r"(?:toll|bilan|figure|count|report)\b[^.;!?]{0,40}?|\bbilan\s+précédent\b[^.;!?]{0,40}?|"
    r"\b(?:premier\s+bilan|initial\s+(?:death\s+)?toll|first\s+toll)\b[^.;!?]{0,40}?"
    r"\b(?:faisait|était|avait|had|was)\b[^.;!?]{0,30}?|"
    r"\bet\s+non(?:\s+pas)?|\brather\s+than|\binstead\s+of|\bau\s+lieu\s+d[e'])\s*$",
)
#: A superlative before "since" or "this year" makes a comparison, not a cumulative count:
#: "the deadliest attack since 2015", "the worst floods this year".
_SUPERLATIVE_BEFORE = re.compile(
    r"\b(?:deadliest|bloodiest|worst|most\s+(?:deadly|lethal|violent|serious|devastating)|"
    r"heaviest|highest|largest|biggest|first|(?:le|la|les)\s+plus\s+\w+|pire|premièr?e?)\b"
    r"(?:\s+[\w'-]+){0,4}\s*$",
)


#: Words one of which each kind of cue holds: most sentences hold none and leave at once.
_COURT_WORDS = (
    "guilty", "coupable", "sentenc", "condamn", "assises", "court", "tribunal", "cour ",
    "réclusion", "perpétuité", "juror", "juré", "trial", "procès", "jugé", "acquitt",
    "convicted", "jury", "verdict", "inquest", "hearing", "audience",
)  # fmt: skip
_MEMORY_WORDS = (
    "anniversar", "commemor", "commémor", "memorial", "mémorial", "remembr", "memory",
    "mémoire", " ago", "years after", "years on", "il y a", "ans après", "jour pour jour",
)  # fmt: skip
_COMPARED_WORDS = (
    "deadliest", "bloodiest", "worst", "most ", "heaviest", "highest", "largest", "biggest",
    "plus meurtri", "plus lourd", "plus grave", "plus sanglant", "plus important", "pire",
)  # fmt: skip
_SUPERSEDED_WORDS = (
    "up from", "down from", "previous", "earlier", "former", "précédent", "premier bilan",
    "initial", "first toll", "et non", "rather than", "instead of", "au lieu d",
)  # fmt: skip
_PERIOD_WORDS = (
    "each ", "every ", "per ", "chaque", "par an", "par sem", "par mois", "par jour", "a year",
    "a week", "a month", "a day", "an year", "annual", "yearly", "annuellement", "tous les",
    "toutes les", "average", "moyenne", "this year", "cette année", "last year", "past year",
    "previous year", "l'an ", "l'année", "recent years", "dernières années", "the past",
    "the last", "au cours des", "alone", "trimestre", "semestre", "quarter", "first half",
    "second half", "last half", "trimestriel", "semestriel", "over the", "during the",
    "throughout the", " ans", "années", "décennies", "years", "decades", "monthly", "weekly",
    "mensuel", "hebdomadaire",
)  # fmt: skip
_AGGREGATE_WORDS = (
    "annuel", "mensuel", "trimestriel", "annual", "yearly", "monthly", "quarterly",
)  # fmt: skip
_HYPOTHETICAL_WORDS = (
    "could", "might", "would", "may ", "pourrai", "pourra", "risqu", "threaten", "menac",
    "aurait pu", "auraient pu",
)  # fmt: skip
_COURT_CUE, _MEMORY_CUE, _COMPARED_CUE, _SUPERSEDED_CUE, _PERIOD_CUE, _SINCE_CUE, _YEAR_CUE = (
    1,
    2,
    4,
    8,
    16,
    32,
    64,
)
_WAR_CUE, _MONTH_CUE, _AGGREGATE_CUE, _HYPOTHETICAL_CUE = 128, 256, 512, 1024
#: The verbs of a war's toll rather than its nouns: rarer in copy, so a sharper cheap test.
_WAR_WORDS = (
    "has killed", "have killed", "had killed", "has claimed", "has caused", "has left",
    "a fait", "ont fait", "avait fait", "a coûté", "a tué", "ont tué", "a causé", "claimed",
    "cost", "coûta",
)  # fmt: skip
_WAR_NOUNS = (
    "war", "guerre", "conflict", "conflit", "insurg", "rébellion", "rebellion", "violence",
    "crisis", "crise", "fighting",
)  # fmt: skip
_CUES: tuple[tuple[int, tuple[str, ...]], ...] = (
    (_COURT_CUE, _COURT_WORDS),
    (_MEMORY_CUE, _MEMORY_WORDS),
    (_COMPARED_CUE, _COMPARED_WORDS),
    (_SUPERSEDED_CUE, _SUPERSEDED_WORDS),
    (_PERIOD_CUE, _PERIOD_WORDS),
    (_SINCE_CUE, ("since", "depuis")),
    (_AGGREGATE_CUE, _AGGREGATE_WORDS),
    (_HYPOTHETICAL_CUE, _HYPOTHETICAL_WORDS),
    (_WAR_CUE, _WAR_WORDS),
    # Only a month opening a sentence dates it ("In July, ..."): "in july", "en juillet".
    (_MONTH_CUE, tuple(f"{lead} {month}" for lead in ("in", "en") for month in _MONTHS.split("|"))),
)

_ANY_YEAR = re.compile(_YEAR)


def _cue_automaton() -> ahocorasick.Automaton:
    """One automaton for every cue word, each word carrying the kinds it signals."""
    automaton = ahocorasick.Automaton()
    for cue, cue_words in _CUES:
        for word in cue_words:
            automaton.add_word(word, automaton.get(word, 0) | cue)
    automaton.make_automaton()
    return automaton


_CUE_AUTOMATON = _cue_automaton()


def is_background(sentence: str, start: int, end: int) -> bool:
    """Whether the figure at ``sentence[start:end]`` is told as background rather than as the
    toll of the event the sentence reports."""
    lowered, cues = _cues(sentence)
    if not cues:
        return False
    if cues & _COURT_CUE and _COURT.search(lowered):
        return True
    if cues & _AGGREGATE_CUE and _AGGREGATE.search(lowered):
        return True
    before = lowered[max(0, start - 160) : start]
    if cues & _HYPOTHETICAL_CUE and _HYPOTHETICAL.search(
        lowered, max(0, _clause(lowered, start, end)[0], start - 40), start
    ):
        return True
    if (
        (cues & _YEAR_CUE and _DATED_EVENT.search(before))
        or (cues & _COMPARED_CUE and _COMPARED.search(before))
        or (cues & _COURT_CUE and _TRIED_FOR.search(before))
        or (cues & _MEMORY_CUE and _MEMORY.search(before))
    ):
        return True
    if cues & _SUPERSEDED_CUE and _SUPERSEDED.search(lowered, max(0, start - 70), start):
        return True
    if cues & (_PERIOD_CUE | _SINCE_CUE | _YEAR_CUE | _MONTH_CUE) and _fronted(lowered, start):
        return True
    if cues & _WAR_CUE and any(noun in before for noun in _WAR_NOUNS) and _WAR_TOLL.search(before):
        return True
    if not cues & (_PERIOD_CUE | _SINCE_CUE):
        return False
    head, tail = _clause(lowered, start, end)
    for period in _PERIOD.finditer(lowered, head, tail) if cues & _PERIOD_CUE else ():
        if not _compared(lowered, head, period.start()):
            return True
    if not cues & _SINCE_CUE:
        return False
    return any(
        _long_span(since.group("span")) and not _compared(lowered, head, since.start())
        for since in _SINCE.finditer(lowered, head, tail)
    )


@lru_cache(maxsize=512)
def _cues(sentence: str) -> tuple[str, int]:
    """The sentence in lower case, and the kinds of background cue it holds (a bit set)."""
    lowered = sentence.lower()
    if len(lowered) != len(sentence):
        # A few letters grow when lower-cased ("İ"); keep offsets by folding letter by letter.
        lowered = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in sentence)
    cues = _YEAR_CUE if _ANY_YEAR.search(lowered) else 0
    for _, cue in _CUE_AUTOMATON.iter(lowered):
        cues |= cue
    return lowered, cues


def _clause(sentence: str, start: int, end: int) -> tuple[int, int]:
    """Where the clause around a figure starts and ends: at the punctuation around it."""
    heads = [found.end() for found in _CLAUSE_END.finditer(sentence, 0, start)]
    tail = _CLAUSE_END.search(sentence, end)
    return (heads[-1] if heads else 0), (tail.start() if tail else len(sentence))


def _compared(sentence: str, head: int, position: int) -> bool:
    """Whether a superlative comes just before ``position`` in its clause."""
    return bool(_SUPERLATIVE_BEFORE.search(sentence, head, position))


def _long_span(span: str) -> bool:
    """Whether a "since ..." span reaches back beyond the event: a year, a month, a war."""
    return bool(_LONG_SPAN.search(span)) and not _SHORT_SPAN.search(span)


def _fronted(sentence: str, start: int) -> bool:
    """Whether the sentence opens with an adverbial that puts the figure after it in the past
    or in a long span: "Since 2014, strikes have killed 735", "En 2015, ... 130 morts"."""
    opening = _FRONTED.match(sentence)
    if opening is None or opening.end() > start:
        return False
    head = opening.group("head").strip()
    since = _FRONTED_SINCE.fullmatch(head)
    return bool(
        (since and _long_span(since.group("span")))
        or _FRONTED_YEAR.fullmatch(head)
        or (_PERIOD.search(head) and not _SUPERLATIVE_BEFORE.search(head))
    )
