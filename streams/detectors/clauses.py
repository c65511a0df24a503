"""Captures read clause by clause: tokens, lemmas and a lexicon kept as data.

The capture families of ``capture.py`` recognise the ways wires usually tell a capture. This
reader covers the rest by grammar rather than by phrase: a sentence is cut into tokens once,
each token's lemma (``simplemma``) is looked up in ``data/capture_lexicon.tsv``, and around
each trigger the clause is walked for the place the trigger's frame puts there: the object of
"seized" past time words, adverbs, asides and descriptions ("seized late on Tuesday the
strategic border town of X"), the subject of "was retaken" past an apposition, the place a
party is driven out of. "the town" and "la localité" stand for the place named before. Negation, intention and partial control are read from the same
tokens; the modality of what is found is assessed by the caller, as for every capture.

Adding a verb is one line of the lexicon, with the frames it takes.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import simplemma

from streams.detectors.capture import (
    AGENT,
    ARMED,
    FROM_PARTY,
    REPORTED_SPEECH,
    CaptureMatch,
    bracketed,
    clause_around,
    denied,
    destination,
    np_after,
    object_city,
    recalled,
    recalled_sentence,
    speaks,
    subject_of,
    usable_city,
)
from streams.detectors.gazetteer import Mention
from streams.detectors.lexicons import words

LEXICON_PATH = Path(__file__).with_name("data") / "capture_lexicon.tsv"
FRAMES = frozenset({"object", "object_de", "control", "state", "subject", "fall", "cede", "expel"})

_TOKEN = re.compile(
    r"(?:qu|jusqu|lorsqu|puisqu|[cdjlmnst])['’](?=\w)|['’]s\b|\d+(?:[.,]\d+)*|\w+(?:-\w+)*|[^\w\s]",
    re.IGNORECASE,
)

#: Prepositions that open a time phrase only: "in the early hours", "dans la nuit", "à l'aube".
_TIME_OPENERS = words("in during at dans à au")
_TIME_WORDS = words(
    "early hours night morning afternoon evening dawn course nuit aube matin petit soirée "
    "matinée journée fin début cours"
)
_BY_TIME = words("nightfall evening midday noon morning dawn sunset")
_MONTHS = words(
    "january february march april may june july august september october november december "
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
)
#: Words that may stand between a verb and its object or its subject without changing what
#: the clause tells: time, manner, auxiliaries.
_ADJUNCT = (
    words(
        """
    on early late this last earlier overnight again back finally reportedly
    effectively officially fully completely entirely swiftly quickly now already also then
    monday tuesday wednesday thursday friday saturday sunday yesterday today tonight
    morning afternoon evening night dawn weekend week hours day next the of
    lundi mardi mercredi jeudi vendredi samedi dimanche hier soir matin nuit aube week-end
    la le du de d' cette ce tôt tard fin début journée matinée soirée semaine
    finalement désormais enfin déjà totalement entièrement rapidement officiellement
    nouveau encore
    """
    )
    | _MONTHS
)
#: Auxiliaries and adverbs between a place and its participle: "X has now been retaken".
_AUXILIARY = words(
    """
    is are was were be been being has have had now finally officially reportedly again back
    fully completely entirely effectively once also already since then
    est sont était étaient serait seraient sera a ont avait avaient aurait auraient été être
    désormais finalement enfin déjà entièrement totalement complètement officiellement bel et
    bien de nouveau à maintenant
    """
)
_DETERMINER = words(
    "the a an this that its their his her le la les l' un une cette ce ces son sa ses leur leurs"
)
#: Heads of a noun phrase that name the place itself: "the border town of X", "la localité de X".
_SETTLEMENT = words(
    """
    town towns city cities village villages hamlet settlement capital capitals stronghold
    bastion hub municipality commune crossroads headquarters seat locality
    ville villes cité localité localités bourgade bourg hameau capitale chef-lieu fief
    agglomération métropole
    """
)
#: Settlement nouns that may stand for a town named before: "the town", "la localité".
_SINGULAR_SETTLEMENT = words(
    "town city village hamlet locality capital ville cité localité bourgade bourg capitale "
    "chef-lieu"
)
_PLURAL_SETTLEMENT = words("towns cities villages localities villes localités bourgades")
_COUNTS = words("two three four five several many some deux trois quatre cinq plusieurs")
#: What follows a town handed over: "cédée aux talibans", "ceding it to Russian forces".
_CEDED_TO = words("to à aux au")
#: Prepositions that open a phrase of means or circumstance before an object.
_PHRASE_OPENERS = words(
    "in after with without during following amid despite après avec sans malgré dans lors au"
)
#: Prepositions other than "of" / "de": they end the object's phrase.
_PREPOSITION = words(
    "in at on near around towards toward into onto from with without inside outside across "
    "through along dans sur près vers autour avec sans chez entre contre parmi"
)
_OBJECT_DETERMINER = words("the a an its their la le l' les une un sa son leur")
_DEFINITE = words("the this that la l' le cette ce")
_ARTICLE = words("of de d' du la le the")
#: What may follow a noun phrase that ends: a mark, a preposition, a conjunction, a time word.
_PHRASE_END = words(
    ". , ; : ( ) - – — on in at after before from and with without following amid as by to "
    "until since late early itself entirely completely sur après avant et en dans depuis lors "
    "par aux au à sans mais but"
)
#: Heads of "control of": "took full control of X", "le contrôle total de X".
_CONTROL = words("control contrôle controle possession command")
_WHOLE = words("whole all entirety ensemble totalité quasi-totalité")
#: Words that leave the place out of the object: a part of it, a direction, something else.
_PARTIAL = words(
    """
    near towards toward around outside outskirts edge edges gates part parts district
    districts neighbourhood neighbourhoods neighborhood neighborhoods quarter quarters
    suburb suburbs airport base bases positions position hill hills bridge road roads
    checkpoint checkpoints areas area sector sectors pocket outposts outpost
    camp camps garrison barracks prison hospital palace stadium centre center
    vers près portes abords environs périphérie quartier quartiers partie parties aéroport
    colline pont route axe secteur poche caserne hôpital banlieue faubourgs faubourg alentours
    """
)
#: Words before a trigger that say the capture did not happen, or not yet.
_UNDONE = words(
    """
    not never no n't failed fail fails failing trying try tries tried attempt attempts
    attempted attempting aim aims aimed aiming bid vow vows vowed vowing threaten threatens
    threatened threatening plan plans planned planning prepare prepares prepared preparing
    seek seeks sought seeking want wants wanted will would could might may must should
    ready poised about if unless whether
    ne n' pas jamais point promis tenter tente tentent tenté tentaient cherchent cherche
    cherchaient viser visent vise menace menacent menaçait promet promettent pourrait pourraient
    pourront
    peuvent veulent veut voulaient prépare préparent pour afin vue
    """
)
#: Verbs of claiming before an infinitive: "a affirmé contrôler X", "claims to control".
_CLAIMING = words(
    "claims claim claimed claiming affirme affirment affirmé affirmait dit disent assure "
    "assurent assuré revendique revendiquent"
)
#: What makes "controls" or "holds" news: "now", "désormais", a party's claim.
_NEW_STATE = words("now briefly désormais maintenant says say said") | _CLAIMING
#: What makes it a standing state: "still holds", "contrôle toujours".
_STILL = words("still toujours encore remains remain continue continues")
#: Words before an infinitive or a gerund that say it was done: "managed to retake".
_ACHIEVED = words(
    "managed succeeded success able after après parvenu parvenus parvenue réussi réussit "
    "réussissent parviennent parvient"
)
_CLAUSE_END = words(". ; : ? ! but mais while tandis whereas alors")
_BY = words("by par")
#: The auxiliaries of the passive: "was retaken", "a été reprise" ("a repris" is active).
_BE = words("is are was were be been being est sont était étaient serait seraient sera été être")
_FALL_TO = words("to into under aux entre sous dans")
#: What "fell into" / "tombée sous" must reach to tell a change of hands.
_HANDS = words("hands control grip mains contrôle coupe escarcelle")
_PLUPERFECT = words("had avait avaient était étaient s'était s'étaient")
#: Endings of the French future and conditional ("reprendra", "libérerait"), not of the
#: simple past ("s'empara", "libéra").
_FUTURE = ("era", "dra", "rra", "rai", "ras", "rait", "raient", "rons", "ront", "rez")
_OUT_OF = words("from de d' du des")


@dataclass(frozen=True, slots=True)
class Token:
    """A word or a mark of a sentence, with its span and lemma."""

    text: str
    lower: str
    lemma: str
    start: int
    end: int


def tokenise(sentence: str, lang: str) -> list[Token]:
    """The tokens of a sentence, lemmatised for ``lang`` ("fr", "en")."""
    tokens = []
    for match in _TOKEN.finditer(sentence):
        text = match.group(0)
        lower = text.lower().replace("’", "'")
        lemma = _lemma(lower, lang) if lower[:1].isalpha() else lower
        tokens.append(Token(text, lower, lemma, match.start(), match.end()))
    return tokens


@lru_cache(maxsize=65536)
def _lemma(lower: str, lang: str) -> str:
    if lang not in ("fr", "en"):
        return lower
    return simplemma.lemmatize(lower, lang=lang).lower()


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Surface forms and lemmas of capture words, per language, with their frames."""

    entries: dict[tuple[str, str], frozenset[str]]

    @classmethod
    def load(cls, path: Path = LEXICON_PATH) -> Lexicon:
        """The lexicon of ``data/capture_lexicon.tsv``."""
        entries: dict[tuple[str, str], set[str]] = {}
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) not in (3, 4):
                raise ValueError(f"{path.name}:{number}: expected 3 or 4 tab-separated fields")
            lang, lemma, frames = fields[0], fields[1], set(fields[2].split(","))
            unknown = frames - FRAMES
            if unknown:
                raise ValueError(f"{path.name}:{number}: unknown frame {sorted(unknown)}")
            forms = fields[3].split(",") if len(fields) == 4 else []
            for form in [lemma, *forms]:
                entries.setdefault((lang, form.strip().lower()), set()).update(frames)
        return cls({key: frozenset(frames) for key, frames in entries.items()})

    def frames(self, token: Token, lang: str) -> frozenset[str]:
        """The frames a token takes as a capture word (empty if it is none)."""
        return self.entries.get((lang, token.lower)) or self.entries.get(
            (lang, token.lemma), frozenset()
        )


class ClauseReader:
    """Finds the captures a sentence tells by walking the clause around each capture word."""

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lexicon = lexicon or Lexicon.load()

    def captures(
        self,
        sentence: str,
        lang: str,
        mentions: list[Mention] | Callable[[], list[Mention]],
        earlier: Mention | None = None,
    ) -> list[CaptureMatch]:
        """The captures of one sentence (``mentions`` and ``earlier`` as for ``find_captures``)."""
        tokens = tokenise(sentence, lang)
        triggers = [
            (index, frames)
            for index, token in enumerate(tokens)
            if (frames := self.lexicon.frames(token, lang))
        ]
        if not triggers:
            return []
        if callable(mentions):
            mentions = mentions()
        if recalled_sentence(sentence):
            return []
        walk = _Walk(
            self.lexicon, sentence, lang, tokens, [m for m in mentions if m.is_city], earlier
        )
        if not walk.cities and earlier is None:
            return []
        found: dict[int, CaptureMatch] = {}
        for index, frames in triggers:
            for capture in walk.read(index, frames):
                if walk.news(capture, index):
                    found.setdefault(capture.mention.start, capture)
        return list(found.values())


class _Walk:
    """One sentence's tokens and places, walked from each trigger."""

    def __init__(
        self,
        lexicon: Lexicon,
        sentence: str,
        lang: str,
        tokens: list[Token],
        cities: list[Mention],
        earlier: Mention | None,
    ) -> None:
        self.lexicon = lexicon
        self.sentence = sentence
        self.lang = lang
        self.tokens = tokens
        self.cities = cities
        self.earlier = earlier
        self.starts = [token.start for token in tokens]
        self.at: dict[int, Mention] = {}
        for city in cities:
            self.at.setdefault(self._index(city.start), city)

    def _index(self, offset: int) -> int:
        """The token that holds a character offset."""
        return max(0, bisect.bisect_right(self.starts, offset) - 1)

    def _after(self, city: Mention) -> int:
        """The first token after a place name."""
        return bisect.bisect_left(self.starts, city.end)

    def read(self, index: int, frames: frozenset[str]) -> list[CaptureMatch]:
        """The captures the trigger at ``index`` tells, by its frames."""
        if self._undone(index) or not self._verb_form(index):
            return []
        places: list[Mention] = []
        if frames & {"object", "control"}:
            places = self._object(index, control_only="object" not in frames)
        elif "object_de" in frames:
            places = self._object(index, preposition=True)
        elif "state" in frames and self._new_state(index):
            places = self._object(index)
        if not places and "expel" in frames:
            places, party = self._expelled(index)
            if places:
                if not ARMED.search(party):
                    return []
                return [self._match(city, index, from_actor=_party(party)) for city in places]
        if places:
            return [self._match(city, index) for city in places]
        if "cede" in frames:
            ceded = self._ceded(index)
            if ceded is not None:
                return [ceded]
        if frames & {"subject", "fall", "cede"}:
            return [self._match(city, index, passive=True) for city in self._subject(index, frames)]
        return []

    def _ceded(self, index: int) -> CaptureMatch | None:
        """A town its holder hands over: "ceding it to Russian forces" after the sentence named
        the town, "a cédé la ville aux rebelles"; the receiver takes it from the subject."""
        tokens = self.tokens
        position = index + 1
        if position < len(tokens) and tokens[position].lower in ("it", "la", "l'", "le"):
            places = self._antecedent(index)
            position += 1
        else:
            places = self._object(index)
            if places:
                position = self._after(places[-1]) if places[-1].start >= 0 else position
        if not places or position >= len(tokens) or tokens[position].lower not in _CEDED_TO:
            return None
        receiver = np_after(self.sentence, tokens[position - 1].end, AGENT) or np_after(
            self.sentence, tokens[position - 1].end, FROM_PARTY
        )
        match = self._match(places[0], index)
        return replace(match, actor=receiver, from_actor=match.actor)

    def _new_state(self, index: int) -> bool:
        """Whether "controls" or "holds" tells a new state rather than a standing one: "now
        controls", "affirme contrôler", "claims fighters hold", "held the whole town"."""
        before = {token.lower for token in self.tokens[max(0, index - 3) : index]}
        if before & _STILL:
            # "the government says it still holds the town": a standing state.
            return False
        if before & _NEW_STATE:
            return True
        after = {token.lower for token in self.tokens[index + 1 : index + 4]}
        return bool(after & _WHOLE)

    # -- the object side -------------------------------------------------------------------

    def _object(
        self, index: int, *, control_only: bool = False, preposition: bool = False
    ) -> list[Mention]:
        position = self._skip_adjuncts(index + 1)
        tokens = self.tokens
        if position < len(tokens) and tokens[position].lower in ("over", "back"):
            position = self._skip_adjuncts(position + 1)
        if preposition:
            if position >= len(tokens) or tokens[position].lower not in _OUT_OF:
                return []
            position += 1
        else:
            position = self._skip_phrase(position)
        head: str | None = None
        counted = False
        linked = False
        steps = 0
        while position < len(tokens) and steps < 12:
            city = self.at.get(position)
            if city is not None and city.start == tokens[position].start:
                if control_only and head not in _CONTROL:
                    return []
                if (
                    head is not None
                    and head not in _SETTLEMENT | _CONTROL | _WHOLE
                    and (linked or head in _PARTIAL or not _qualifier(head))
                ):
                    # "seized coastal Robertsport": words that only qualify the name; "took
                    # 20 hostages in Bama" or "the outskirts of Bama" do not.
                    return []
                if head in _SETTLEMENT and city.region:
                    # "the district town of Gwoza": a name that is also a district's, said to
                    # be the town.
                    city = replace(city, region=False)
                return self._listed(city)
            token = tokens[position]
            word = token.lower
            if word in _CLAUSE_END or word in _PREPOSITION:
                # "took up positions in the hills around the town of X": the object ended.
                return []
            if word in ("of", "over", "de", "d'", "du", "des"):
                linked = True
                if head is not None and head not in _SETTLEMENT | _CONTROL | _WHOLE:
                    return []
            elif word == ",":
                if head in _SETTLEMENT:
                    pass  # "the Sahel's third largest town, X"
                else:
                    return []
            elif word in _DETERMINER or word in ("'s", "-"):
                pass
            elif token.text[:1].isupper() and head is None:
                # A capitalised word that is no known place: a region or a people qualifying
                # the head ("the Sahel's", "the Kurdish-held"), or a name we do not know.
                pass
            elif token.text[:1].isalpha() or token.text[:1].isdigit():
                if word in _PLURAL_SETTLEMENT and counted:
                    # "deux villes de la Diyala": the towns are counted; "of" names their region.
                    return []
                counted = counted or word[:1].isdigit() or word in _COUNTS
                head = word
            else:
                return []
            if head in _SETTLEMENT and self._anaphor(position, index):
                return self._antecedent(index)
            position += 1
            steps += 1
        return []

    def _skip_phrase(self, position: int) -> int:
        """Past a phrase of means or circumstance between a verb and its object: "retook in a
        dawn assault, backed by helicopters, the port of X", "ont conquis après deux jours de
        combats la bourgade de X". The object is the next determiner whose phrase holds a
        settlement noun or a place."""
        tokens = self.tokens
        if position >= len(tokens) or tokens[position].lower not in _PHRASE_OPENERS:
            return position
        for other in range(position + 1, min(len(tokens), position + 16)):
            word = tokens[other].lower
            if word in _CLAUSE_END or other in self.at:
                return position
            if word == ",":
                return self._skip_adjuncts(other)
            if word in _OBJECT_DETERMINER and self._settlement_within(other + 1):
                return other
        return position

    def _settlement_within(self, position: int) -> bool:
        """Whether a settlement noun or a place comes within the next four tokens."""
        for other in range(position, min(len(self.tokens), position + 4)):
            if other in self.at or self.tokens[other].lower in _SETTLEMENT:
                return True
        return False

    def _anaphor(self, position: int, verb: int) -> bool:
        """Whether a settlement noun stands for a place named before: singular, definite and
        ending its phrase ("seized the town on Sunday", "de la localité."), or bare right after
        the verb in a note's telegraphic style ("briefly held town"); not "two cities",
        "another town" or "the city hall"."""
        if self.tokens[position].lower not in _SINGULAR_SETTLEMENT:
            return False
        previous = position - 1
        if previous >= 0 and self.tokens[previous].lower not in _DEFINITE:
            previous -= 1  # one adjective: "the northern town", "la petite localité"
        bare = self.lang == "en" and position == verb + 1
        if not bare and (previous < 0 or self.tokens[previous].lower not in _DEFINITE):
            return False
        if position + 1 >= len(self.tokens):
            return True
        following = self.tokens[position + 1].lower
        if following == "," and position + 2 in self.at:
            return False  # "the provincial capital, Sheberghan": the name follows.
        return following in _PHRASE_END or (following in _ADJUNCT and following not in _ARTICLE)

    def _antecedent(self, index: int) -> list[Mention]:
        """The place "the town" stands for: the last named before the trigger, else the one
        the item named before this sentence."""
        start = self.tokens[index].start
        for city in reversed(self.cities):
            if city.end <= start and destination(self.sentence, city):
                # "FACA withdrew to Bozoum; the rebels now control the town": not Bozoum.
                continue
            if city.end <= start and not bracketed(self.sentence, city):
                if (
                    speaks(self.sentence, city)
                    or not usable_city(self.sentence, city)
                    or not object_city(self.sentence, city)
                ):
                    return []
                return [city]
        if self.earlier is not None:
            return [replace(self.earlier, start=-1, end=-1)]
        return []

    def _listed(self, city: Mention) -> list[Mention]:
        """A place and those listed right after it ("the towns of A, B and C")."""
        if not usable_city(self.sentence, city) or not object_city(self.sentence, city):
            return []
        listed = [city]
        position = self._after(city)
        closed = False
        while position + 1 < len(self.tokens) and self.tokens[position].lower in (",", "and", "et"):
            closed = closed or self.tokens[position].lower in ("and", "et")
            following = self.at.get(self._past_settlement_noun(position + 1))
            if following is None or not usable_city(self.sentence, following):
                break
            listed.append(following)
            position = self._after(following)
            if closed:
                break
        if self._head_after(self._after(city)) in _PARTIAL:
            # "the Nateh and Naman districts": the noun after the names is their head.
            return []
        return listed if closed else listed[:1]

    def _past_settlement_noun(self, position: int) -> int:
        """Past "the nearby town of" in a list: "Dessie et la ville voisine de Kombolcha"."""
        for other in range(position, min(len(self.tokens), position + 5)):
            word = self.tokens[other].lower
            if word in _SINGULAR_SETTLEMENT and other + 1 < len(self.tokens):
                if self.tokens[other + 1].lower in ("of", "de", "d'"):
                    return other + 2
                if other + 2 < len(self.tokens) and self.tokens[other + 2].lower in (
                    "of",
                    "de",
                    "d'",
                ):
                    return other + 3  # "la ville voisine de"
                return position
            if not (word in _DETERMINER or (word.isalpha() and word.islower())):
                return position
        return position

    def _head_after(self, position: int) -> str:
        """The first lower-case word after a run of names and list marks."""
        while position < len(self.tokens):
            token = self.tokens[position]
            if token.lower in (",", "and", "et") or token.text[:1].isupper():
                position += 1
                continue
            return token.lower
        return ""

    def _expelled(self, index: int) -> tuple[list[Mention], str]:
        """The place a party is driven out of, and the party: "drove the militants out of X";
        "stormed X and drove out its garrison" drives them out of the place named before."""
        tokens = self.tokens
        token = tokens[index]
        for position in range(index + 1, min(len(tokens), index + 10)):
            word = tokens[position].lower
            if word in _CLAUSE_END or word == ",":
                break
            out_of = word == "of" and tokens[position - 1].lower == "out"
            if (word in _OUT_OF or out_of) and position > index + 1:
                following = position + 1
                while following < len(tokens) and tokens[following].lower in _DETERMINER:
                    following += 1
                city = self.at.get(following)
                if city is not None and city.start == tokens[following].start:
                    return self._listed(city), self.sentence[token.end : city.start]
        if index + 1 < len(tokens) and tokens[index + 1].lower == "out":
            end = next(
                (
                    t.start
                    for t in tokens[index + 2 :]
                    if t.lower in _CLAUSE_END or t.lower in (",", "from", "of")
                ),
                len(self.sentence),
            )
            return self._antecedent(index), self.sentence[tokens[index + 1].end : end]
        return [], ""

    # -- the subject side ------------------------------------------------------------------

    def _subject(self, index: int, frames: frozenset[str]) -> list[Mention]:
        after = self._skip_adjuncts(index + 1)
        following = self.tokens[after].lower if after < len(self.tokens) else ""
        if "fall" in frames and "subject" not in frames and not self._to_hands(after):
            return []
        if "cede" in frames and following not in _CEDED_TO:
            return []
        position = index - 1
        auxiliaries = 0
        while position >= 0:
            word = self.tokens[position].lower
            if word in _AUXILIARY or word.endswith("ly") or word.endswith("ment"):
                auxiliaries += word in _BE
                position -= 1
                continue
            if word == "," or word == ")":
                opened = self._aside_start(position)
                if opened is None:
                    return []
                position = opened - 1
                continue
            break
        if not frames & {"fall", "cede"} and not auxiliaries and following not in _BY:
            # "Rebels captured X": an active verb whose object the object side reads.
            return []
        if position < 0:
            return []
        city = self._ending_at(position)
        if city is None:
            word = self.tokens[position].lower
            if (
                word in _SETTLEMENT
                and position > 0
                and self.tokens[position - 1].lower in _DETERMINER
            ):
                return self._antecedent(position - 1)
            return []
        if not self._opens_clause(city):
            return []
        return [city] if usable_city(self.sentence, city) else []

    def _to_hands(self, position: int) -> bool:
        """Whether "fell" goes to a party: "fell to the rebels", "fell into the hands of",
        "est tombée aux mains de"; not "fell into disrepair" or "tombée dans l'oubli"."""
        if position >= len(self.tokens) or self.tokens[position].lower not in _FALL_TO:
            return False
        if self.tokens[position].lower == "to":
            return True
        reach = {token.lower for token in self.tokens[position + 1 : position + 5]}
        return bool(reach & _HANDS)

    def _aside_start(self, position: int) -> int | None:
        """Where an aside that ends at ``position`` (a comma or a bracket) opened."""
        closing = self.tokens[position].lower
        opening = "(" if closing == ")" else ","
        for back in range(position - 1, max(-1, position - 20), -1):
            word = self.tokens[back].lower
            if word == opening:
                return back
            if word in _CLAUSE_END:
                return None
        return None

    def _ending_at(self, position: int) -> Mention | None:
        """The place whose name ends with the token at ``position``."""
        end = self.tokens[position].end
        return next((city for city in self.cities if city.end == end), None)

    def _opens_clause(self, city: Mention) -> bool:
        """Whether a place starts its clause: "X, a town of 8,000, was retaken" but not
        "fighters from X were killed"."""
        position = self._index(city.start) - 1
        while position >= 0 and self.tokens[position].lower in _DETERMINER:
            position -= 1
        if position < 0:
            return True
        word = self.tokens[position].lower
        if word in (",", ":", ";", "-", "–", "—", "«", '"', "“", "that", "que", "qu'", "and", "et"):
            return True
        if word in ("of", "de", "d'") and position > 0:
            return self.tokens[position - 1].lower in _SETTLEMENT
        return False

    # -- shared ----------------------------------------------------------------------------

    def _skip_adjuncts(self, position: int) -> int:
        """The first token after time words, adverbs and asides between commas."""
        tokens = self.tokens
        while position < len(tokens):
            word = tokens[position].lower
            if word == ",":
                closing = next(
                    (
                        other
                        for other in range(position + 1, min(len(tokens), position + 16))
                        if tokens[other].lower in (",", ";", ".")
                    ),
                    None,
                )
                if closing is None or tokens[closing].lower != ",":
                    return position
                position = closing + 1
                continue
            if word in _TIME_OPENERS and self._time_phrase(position + 1):
                position += 1
                continue
            if word[:1].isdigit() and self._dated(position):
                position += 1
                continue
            if word in _ADJUNCT and not self._place_at(position):
                if word in ("the", "la", "le", "l'", "de", "d'", "du", "of"):
                    # Articles belong to the object unless a time word follows.
                    if position + 1 < len(tokens) and tokens[position + 1].lower in _ADJUNCT:
                        position += 1
                        continue
                    return position
                position += 1
                continue
            if word.endswith("ly") and len(word) > 4 and not self._place_at(position):
                position += 1
                continue
            return position
        return position

    def _place_at(self, position: int) -> bool:
        return position in self.at

    def _time_phrase(self, position: int) -> bool:
        """Whether a time word follows, past its article ("the early hours", "la nuit"), not
        "in a dawn assault"."""
        while position < len(self.tokens) and self.tokens[position].lower in _DEFINITE:
            position += 1
        return position < len(self.tokens) and self.tokens[position].lower in _TIME_WORDS

    def _dated(self, position: int) -> bool:
        """Whether a number is a day of a month written beside it ("on 12 June")."""
        near = self.tokens[max(0, position - 1) : position + 2]
        return any(token.lower in _MONTHS for token in near)

    def _verb_form(self, index: int) -> bool:
        """Whether a trigger reads as a done deed, not an intention ("to retake")."""
        token = self.tokens[index]
        before = self.tokens[index - 1].lower if index else ""
        infinitive = (
            self.lang == "fr"
            and token.lower == token.lemma
            and token.lower.endswith(("er", "ir", "re"))
        )
        following = self.tokens[index + 1].lower if index + 1 < len(self.tokens) else ""
        article = before in _DETERMINER and not (self.lang == "fr" and before == "a")
        if article or following == "of":
            # "la reprise de Kidal", "simulates recapture of Narva": a noun, not a verb.
            return False
        if self.lang == "fr" and token.lower.endswith(_FUTURE):
            # "l'armée reprendra Goma", "reprendrait": a promise or a hypothesis.
            return False
        if token.lower.endswith("ing") and before == ",":
            # "advanced on the town, capturing it", ", ceding it to": a deed done.
            return True
        if before in ("to", "à") or token.lower.endswith("ing") or infinitive:
            window = {t.lower for t in self.tokens[max(0, index - 3) : index]}
            return bool(window & (_ACHIEVED | _CLAIMING)) or "avoir" in window
        # "Les islamistes occupaient la ville depuis novembre": a past state, no news.
        return not (self.lang == "fr" and token.lower.endswith(("ait", "aient")))

    def _undone(self, index: int) -> bool:
        """Whether the words before a trigger in its clause deny or defer it."""
        for position in range(index - 1, max(-1, index - 8), -1):
            word = self.tokens[position].lower
            if word in _CLAUSE_END or word == ",":
                return False
            if word in _ACHIEVED:
                return False
            if word in _UNDONE:
                return True
        return False

    def _match(
        self,
        city: Mention,
        index: int,
        *,
        nominal: bool = False,
        passive: bool = False,
        from_actor: str | None = None,
    ) -> CaptureMatch:
        token = self.tokens[index]
        group = index
        while group > 0 and self.tokens[group - 1].lower in _AUXILIARY | {"s'", "se"}:
            group -= 1
        start = self.tokens[group].start
        if passive:
            actor = np_after(self.sentence, token.end, AGENT)
        else:
            actor = self._actor(subject_of(self.sentence, start)) if not nominal else None
        if city.start >= 0 and from_actor is None:
            from_actor = np_after(self.sentence, city.end, FROM_PARTY)
        reported = bool(REPORTED_SPEECH.search(self.sentence, 0, start))
        return CaptureMatch(city, actor, from_actor, nominal, reported)

    def _actor(self, subject: str | None) -> str | None:
        """The subject before the verb, cut before an earlier capture verb it runs into ("group
        next day overran a base in X and briefly held town" -> "group")."""
        if subject is None:
            return None
        for token in tokenise(subject, self.lang):
            if self.lexicon.frames(token, self.lang):
                subject = subject[: token.start]
                break
        return _trimmed(subject)

    def news(self, capture: CaptureMatch, index: int) -> bool:
        """Whether a capture read here is this report's news: not recalled by a year or a
        background phrase, not denied or rumoured, not a pluperfect told outside reported
        speech ("which rebels had seized")."""
        start = self.tokens[index].start
        end = max(capture.mention.end, start)
        if recalled(clause_around(self.sentence, start, end)) or denied(self.sentence, start):
            return False
        before = {token.lower for token in self.tokens[max(0, index - 3) : index]}
        if not before & _PLUPERFECT or capture.reported_speech:
            return True
        # "By dawn the rebels had taken the town": the pluperfect of this report's night.
        opening = [token.lower for token in self.tokens[:3]]
        return opening[:1] == ["by"] and bool(set(opening[1:]) & _TIME_WORDS | _BY_TIME)


def _party(text: str) -> str | None:
    """The party a verb drove out: "drove the militants out of" -> "the militants"."""
    cleaned = re.sub(r"\b(?:out|of|from|de|d'|du|des|hors)\s*$", "", text.strip(), flags=re.I)
    return cleaned.strip(" ,") or None


def _trimmed(actor: str | None) -> str | None:
    """An actor without the time words that followed it: "the militants on Friday"."""
    if actor is None:
        return None
    kept = actor.split()
    while kept and kept[-1].lower() in _ADJUNCT:
        kept.pop()
    return " ".join(kept) or None


def _qualifier(word: str) -> bool:
    """Whether a word reads as an adjective before a name: "coastal", "northern", "key"."""
    return word in _QUALIFIERS or word.endswith(("al", "ern", "ic", "ian", "ese", "ous", "ive"))


_QUALIFIERS = words("key strategic main remote small border frontier hilltop oil market rebel")
