"""How a sentence tells what it tells: as fact, as someone's claim, as a denial, or as
background (anniversaries, obituaries, sports pages) that must not raise an alert."""

from __future__ import annotations

import re
from dataclasses import dataclass

from streams.detectors.cues import CUES
from streams.detectors.text import lower_twin

_I = re.IGNORECASE

#: French conditional of report ("auraient pris", "serait sous le contrôle") and English hedges.
_HEARSAY = re.compile(
    r"\?\s*$|\b(?:\w+erai(?:en)?t|aurai(?:en)?t|serai(?:en)?t|reportedly|allegedly|purportedly|apparemment|"
    r"présumée?s?|supposedly|unconfirmed|non confirmée?s?)\b",
    _I,
)
_SOURCE_NP = r"[^,.;:!?()«»\"]{2,60}?"
_SOURCE_END = r"(?=\s*(?:[,.;:!?()«»\"]|$|\b(?:que|qu'|that|on|mardi|lundi|mercredi|jeudi|vendredi|samedi|dimanche)\b))"
#: "selon l'OSDH", "according to the army", "d'après une source militaire".
_SOURCE_BEFORE = re.compile(
    rf"\b(?:selon|d'après|according\s+to|citing|cité\s+par|citée\s+par|quoted\s+by|"
    rf"de\s+source\s+\w+|from\s+sources?\s+\w+)\s+{_SOURCE_NP}{_SOURCE_END}",
    _I,
)
#: Verbs of saying and claiming ("said", "a annoncé à l'AFP", "revendique").
_SAY = re.compile(
    r"(?<!-)\b(?!claim\w*\s+the\s+lives)"
    r"(?:said|says|say|saying|claimed|claims|claim|claiming|announced|announces|announce|"
    r"declared|declares|stated|told|reported|reports|insisted|asserted|boasted|confirmed|"
    r"confirms|"
    r"(?:a|ont|avait|avaient)\s+(?:annoncé|affirmé|indiqué|déclaré|assuré|revendiqué|"
    r"rapporté|précisé|fait\s+savoir|dit|estimé|proclamé|publié|confirmé)|annonce(?:nt)?|"
    r"affirme(?:nt)?|indique(?:nt)?|déclare(?:nt)?|assure(?:nt)?|revendique(?:nt)?|"
    r"rapporte(?:nt)?|précise(?:nt)?|proclame(?:nt)?|confirme(?:nt)?|disent|claironne(?:nt)?)\b"
    # Case-blind, "[a-zıſ]" is "[A-Z]"; written so, it also holds on the lower-cased twin.
    r"(?:\s+(?:à|to)\s+(?:l'|la\s+|le\s+)?[a-zıſ][\w'-]+)?",
    _I,
)
#: Sources whose word on a toll is the news itself, not one side's claim: police, officials,
#: ministries, hospitals, rescuers, the UN. Armies, rebels, monitors and NGOs are not here.
_OFFICIAL_SOURCE = re.compile(
    r"\b(?:police|policiers?|gendarmerie|officials?|responsables?|authorit(?:y|ies)|autorités|"
    r"ministry|ministère|ministers?|ministres?|government|gouvernement|governors?|gouverneurs?|"
    r"mayors?|maires?|préfet|préfecture|prefect|administration|hospitals?|hôpitals?|hôpitaux|"
    r"hospitaliers?|hospitalières?|medics|médecins|doctors|paramedics|health|santé|"
    r"rescuers|rescue\s+workers|secouristes|secours|civil\s+defen[cs]e|défense\s+civile|"
    r"emergency\s+(?:services?|officials?|agency|agencies|management|workers)|"
    r"services\s+d'urgence|coroners?|morgue|UN|U\.N\b|ONU|United\s+Nations|emergency\s+room|"
    r"UNAMA|MONUSCO|MINUSMA|MINUSCA|UNMISS|departments?|"
    r"Red\s+Cross|Croix-Rouge|Red\s+Crescent|Croissant-Rouge|"
    r"Nations\s+unies|spokes(?:man|woman|person)|security\s+sources?|military\s+sources?|"
    r"sources?\s+(?:sécuritaires?|militaires?|médicales?|hospitalières?|policières?|"
    r"administratives?)|medical\s+sources?)\b",
    _I,
)
#: A party saying it killed ("say they killed", "affirment avoir tué"): its own claim.
_SELF_CLAIM = re.compile(
    r"\b(?:say|says|said|claim|claims|claimed|claiming|affirm\w*|assur\w*|revendiqu\w*|"
    r"annonc\w*|dit|disent)\s+(?:that\s+|qu'(?:ils|elles|il|elle)\s+|"
    r"(?:it|they|he|she)\s+|to\s+)?"
    r"(?:(?:had|have|has|avoir|ont|a|avaient|avait)\s+)?(?:[«\"“]\s*)?"
    r"(?:killed|kill|tué|tués|neutralisé|neutralized|neutralised|eliminated|éliminé|abattu)\b"
    r"|\bclaim(?:ed|s|ing)?\s+(?:responsibility|(?:the|an|a)\s+(?:attack|bombing|raid))"
    r"|\brevendiqu\w*\s+(?:la\s+responsabilité|(?:l'|un\s+|une\s+|cet\s+|cette\s+)"
    r"(?:attentat|attaque|assaut))",
    _I,
)
#: Onlookers rather than parties: a capture they report is the news, not a side's claim.
_WITNESS = re.compile(
    r"\b(?:tribal\s+(?:sources?|leaders?|elders?)|sources?\s+tribales?|aid\s+workers?|"
    r"humanitarian\s+(?:sources?|workers?)|humanitaires|residents?|witness(?:es)?|eyewitness(?:es)?|elders?|locals|inhabitants|villagers|"
    r"local\s+(?:sources?|officials?|media|journalists?|leaders?|chiefs?)|community\s+leaders?|"
    r"(?:a|an|one|two|three)\s+(?:local|regional|provincial)\s+(?:official|lawmaker|elder|"
    r"administrator|leader)|lawmakers?|journalists?|reporters?|correspondents?|"
    r"habitants?|témoins?|notables?|élus?\s+locaux|(?:un|deux|trois)\s+élus?|élu\s+local|"
    r"sources?\s+locales?|médias?\s+locaux|journalistes?|correspondants?|chefs?\s+coutumiers?|"
    r"rescapés|déplacés|(?:a|an|un|une)\s+(?:doctor|médecin)|sources?\s+administratives?|"
    r"société\s+civile|civil\s+society|maire|mayor|(?:a|one|two)\s+(?:security|military)\s+sources?|"
    r"police|policiers|senators?|sénateurs?|(?:council|assembly)\s+members?|"
    # Peacekeepers, monitors, the U.N., refugees and news agencies watch the war; they are
    # no side of it.
    r"peacekeep\w+|casques\s+bleus|interfax|images\s+authentifiées|(?:war\s+)?monitor(?:s|ing\s+group)?|"
    r"observatory|observatoire|osdh|sohr|u\.n\b|un\s+(?:source|official|mission|agency)s?|"
    r"diplomats?|diplomates?|observers?|observateurs?|survivors|survivants|human\s+rights\s+watch|"
    r"hrw|amnesty|unama|monusco|minusma|minusca|unmiss|unamid|"
    r"united\s+nations|nations\s+unies|onu|refugees|réfugiés|security\s+sources?|"
    r"sources?\s+sécuritaires?|aid\s+agenc(?:y|ies)|ngos?|ong)\b",
    _I,
)
_SOURCE_AFTER = re.compile(r"[^,;:.!?()«»\"]{0,60}")
_DENIAL = re.compile(
    r"\b(?:den(?:y|ies|ied|ying|ial|ials)|rejected|rejects|rejecting|dismissed|refuted|refutes|disputed|"
    r"disputes|contradicted|dément(?:ent|i)?|démenti|démentent|nie(?:nt)?|(?:a|ont)\s+nié|"
    r"réfute(?:nt)?|conteste(?:nt)?|(?:a|ont)\s+contesté|rejette(?:nt)?|(?:a|ont)\s+rejeté|"
    r"fausses?\s+informations?|false\s+claims?|propaganda|propagande)\b",
    _I,
)
#: The other side says it still holds the city or beat the assault back: a capture disputed
#: without a denial verb ("its forces still held parts of the city", "tiennent toujours").
_HOLDOUT = re.compile(
    r"\b(?:(?:beaten|driven|fought|pushed)\s+back|repelled|repulsed|repoussée?s?|"
    r"still\s+(?:holds?|held|controls?|controlled|in\s+(?:the\s+)?(?:city|town))|"
    r"(?:tien(?:nent|t)|contrôle(?:nt)?|control(?:s)?)\s+toujours|"
    # "assurent toujours tenir la ville".
    r"toujours\s+(?:tenir|contrôler)|(?:tenir|contrôler)\s+toujours|"
    r"toujours\s+(?:présente?s?\s+)?dans\s+la\s+ville|remained\s+in\s+place|"
    # "says the town remains under its control", "fighting was continuing inside the town",
    # "aucune unité n'était entrée dans la ville".
    r"remains?\s+under\s+(?:its|their|the\s+army's|army|government)\s+control|"
    r"fighting\s+(?:was\s+|is\s+)?(?:continuing|continues|going\s+on)\s+(?:inside|in)|"
    r"n'(?:était|est|a)\s+(?:jamais\s+)?(?:été\s+)?(?:entrée?s?|tombée?))\b",
    _I,
)
#: Video and board games: players "retake Kherson" on a screen.
_GAME = re.compile(
    r"\b(?:video\s*games?|jeux?\s+vidéos?|(?:strategy|war|board|computer|mobile)\s+games?|"
    r"jeux?\s+(?:de\s+(?:stratégie|guerre|société)|vidéo)|gamers|joueurs\s+doivent|"
    r"les\s+joueurs|players\s+(?:can|must|storm|retake|take|liberate|capture)|"
    # Fiction: "a war drama in which rebels capture Monrovia", "une dystopie".
    r"(?:drama|film|movie|novel|thriller|series|play|roman|série|téléfilm)\s+in\s+which|"
    r"(?:film|roman|série|téléfilm)\s+(?:où|dans\s+lequel|dans\s+laquelle)|dystop\w+|"
    r"nollywood|hollywood|bollywood|fespaco|box-office|premiere[sd]?|avant-première|"
    r"le\s+réalisateur\s+imagine|the\s+director\s+imagines|"
    # Drills: "l'armée a simulé la reprise d'une localité", "NATO drill simulates".
    r"simul\w+|drills?|war\s+games?|ennemi\s+fictif|fictional\s+enemy|mock\s+(?:assault|attack)|"
    r"exercices?\s+(?:militaires?|conjoints?))\b",
    _I,
)
#: Anniversaries, memories and obituaries: the event is old news.
_BACKGROUND = re.compile(
    r"\b(?:anniversary|anniversaire|commemorat\w*|commémor\w*|years?\s+ago|decades?\s+ago|"
    r"il\s+y\s+a\s+\w+\s+ans|(?:ans?|years?|decades?|décennies?|une\s+décennie)\s+(?:après|after|since|depuis|jour\s+pour\s+jour)|"
    r"jubilee|in\s+memory|en\s+mémoire|obituary|nécrologie|"
    r"(?:dies|died|meurt|décède|s'éteint|s'est\s+éteinte?|est\s+morte?|est\s+décédée?)\s+"
    r"(?:at|aged|à|à\s+l'âge\s+de)\s+\d+|hero\s+of|héros\s+de|veterans?\s+of|vétérans?\s+de|"
    # "died on Sunday at his home in Kidal aged 86": a death of old age, told further on.
    r"(?:died|dies|meurt|est\s+mort|est\s+décédée?)\b[^.;]{0,60}?\b(?:aged|à\s+l'âge\s+de)\s+\d+|"
    r"natural\s+causes|causes\s+naturelles|long(?:ue)?\s+(?:illness|maladie)|"
    r"remembers|se\s+souvien\w+|se\s+rappelle\w*|recalls|history\s+of|histoire\s+de)\b",
    _I,
)
_SPORT = re.compile(
    r"\b(?:match|matches|championnat|ligue|league|buts|scored|a\s+marqué|saison|season|"
    r"coach|entraîneur|striker|attaquant|midfielder|tournament|"
    r"tournoi|derby|stadium|football|soccer|rugby|tennis|basket\w*|cricket|olympi\w+|"
    r"championship|mercato|transfer|playoffs?|semi-final|demi-finale|"
    r"quarter-final|quart\s+de\s+finale|world\s+cup|coupe\s+du\s+monde|coupe\s+de\s+france|"
    r"grand\s+prix|six\s+nations|fc|psg|om|ol|premier\s+league|serie\s+a|bundesliga|liga|"
    r"nba|nfl|podium|peloton|maillot|jersey|titre\s+de\s+champion|"
    # A score ("won 2-1"), not a span of days ("on 2-3 August").
    r"\d-\d(?!\d*\s+(?:january|february|march|april|may|june|july|august|september|october|"
    r"november|december|janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|"
    r"novembre|décembre)\b))\b",
    _I,
)
_STRIKE = re.compile(
    r"\b(?:rockets?|missiles?|drones?|shelling|shells?|air\s*strikes?|airstrikes?|struck|"
    r"bomb(?:s|ing|ed|ardment)?|blast|explosions?|gunmen|suicide\s+bomber|roquettes?|obus|"
    r"frappes?|bombardements?|attentat|kamikaze|explosifs?)\b",
    _I,
)
_YEAR = re.compile(r"\b(?:1[89]\d\d|20\d\d)\b")
#: A date that puts a toll in the past: "in October 2019", "en juillet 1995", "en 1994".
_DATED = re.compile(
    r"\b(?:in|en|of|de|du)\s+(?:(?:\d{1,2}(?:er)?\s+)?(?:january|february|march|april|may|june|"
    r"july|august|september|october|november|december|janvier|février|mars|avril|mai|juin|"
    r"juillet|août|septembre|octobre|novembre|décembre)\s+)?(?:1[89]\d\d|20\d\d)\b",
    _I,
)
#: Items about votes: a party that "wins control of" or "conquiert" a city won an election.
_ELECTION = re.compile(
    r"\b(?:municipales|élections?\s+(?:municipales|locales)|(?:local|municipal|mayoral)\s+"
    r"elections?|mayoral|mayor's\s+office|second\s+tour|premier\s+tour|des\s+voix|"
    r"des\s+suffrages|of\s+the\s+vote|city\s+council|conseil\s+municipal|ballots?|"
    r"scrutin|\d+\s+(?:of\s+the\s+\d+\s+)?seats|\d+\s+sièges|by-elections?|bye-elections?|"
    r"(?:élection|législatives?)\s+partielles?|constituenc(?:y|ies)|circonscriptions?|voters|"
    r"électeurs|overturn\w*\s+(?:a|the|an|its|their)\s+(?:[\w-]+\s+){0,2}majority|"
    r"(?:won|wins?|winning|retain\w*|held|holds?|gain\w*|lost|loses?|kept|keeps?|flipped|flips?)"
    r"\s+the\s+(?:[\w-]+\s+)?seat|rempor\w+\s+(?:le|la)\s+(?:siège|circonscription))\b",
    _I,
)


def _find(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """``pattern.search(text)`` through the pattern's lower-case twin where offsets allow."""
    lowered = text.lower()
    if len(lowered) != len(text):
        return pattern.search(text)
    return lower_twin(pattern).search(lowered)


@dataclass(frozen=True, slots=True)
class Modality:
    """What a sentence's wording says about the events in it."""

    hearsay: bool
    attribution: str | None
    background: bool
    sport: bool
    official: bool = False
    self_claim: bool = False
    witnessed: bool = False

    @property
    def claimed(self) -> bool:
        """Told as someone's word (conditional, "selon", "said") rather than as fact."""
        return self.hearsay or self.attribution is not None

    @property
    def capture_claimed(self) -> bool:
        """A capture told as a side's word; what residents or witnesses saw is the news."""
        return self.hearsay or (self.attribution is not None and not self.witnessed)

    @property
    def toll_claimed(self) -> bool:
        """A toll told as someone's word: hearsay, a party's count of its own kills, or a source
        other than officials, police, hospitals, rescuers or witnesses (whose count is the
        news)."""
        if self.hearsay or self.self_claim:
            return True
        return self.attribution is not None and not self.official and not self.witnessed


def assess(sentence: str) -> Modality:
    """Read the modality cues of one sentence."""
    present = CUES.present(sentence.lower())
    source = _find(_SOURCE_BEFORE, sentence) if "modality.source" in present else None
    attribution = sentence[source.start() : source.end()].strip() if source else None
    # French puts the speaker after the verb ("a indiqué la police"): read both sides.
    source_text = attribution or ""
    if attribution is None:
        said = _find(_SAY, sentence) if "modality.say" in present else None
        if said:
            attribution = _speaker(sentence, said.start()) + sentence[said.start() : said.end()]
            after = _SOURCE_AFTER.match(sentence, said.end())
            source_text = attribution + (after.group(0) if after else "")
    return Modality(
        hearsay="modality.hearsay" in present and bool(_find(_HEARSAY, sentence)),
        attribution=attribution,
        background="modality.background" in present and bool(_find(_BACKGROUND, sentence)),
        sport=is_sport(sentence),
        official=bool(source_text and _OFFICIAL_SOURCE.search(source_text)),
        self_claim="modality.self_claim" in present and bool(_find(_SELF_CLAIM, sentence)),
        witnessed=bool(source_text and _find(_WITNESS, source_text)),
    )


#: Armed groups that are not a state's forces: when one takes a town and the state's officials
#: tell it, the loser concedes; that is news, not a claim.
_NON_STATE = re.compile(
    r"\b(?:rebels?|rebelles?|militants?|jihadists?|djihadistes?|jihadistes?|islamists?|"
    r"islamistes?|insurgents?|insurgés|guerrillas?|guérilleros|taliban|talibans|gangs?|gunmen|"
    r"bandits?|separatists?|séparatistes|militias?|milices?|militiamen|miliciens|"
    r"islamic\s+state|état\s+islamique|boko\s+haram|shabaab|shebab|m23|seleka|fano|houthis?|"
    r"jnim|iswap|isis|isil|daech|daesh|al-qaeda|al-qaïda|ruf|unita|farc|eln|hezbollah|hamas|"
    r"rapid\s+support\s+forces|rsf|fsr|ltte|maoists?|pkk|ypg|sdf|fds)\b",
    _I,
)


#: A state's forces in an actor: "Iraqi forces and allied militias" fight for the state.
_STATE_FORCES = re.compile(
    r"\b(?:army|armée|troops|troupes|government|gouvernement|gouvernementales?|soldiers|"
    r"soldats|military|militaires|police|(?<!rebel\s)(?<!opposition\s)forces)\b",
    _I,
)


def conceded(modality: Modality, actor: str | None) -> bool:
    """Whether a capture by a non-state group is told by the state's own officials ("The
    Taliban overran Farah, officials in the province said"): the side that lost says so."""
    if not modality.official or not actor or not _NON_STATE.search(actor):
        return False
    if _STATE_FORCES.search(actor):
        return False
    return not _NON_STATE.search(modality.attribution or "")


#: The conditional and its kin: the figure itself is unconfirmed ("auraient été tuées").
_CONDITIONAL = re.compile(
    r"\b(?:\w+erai(?:en)?t|aurai(?:en)?t|serai(?:en)?t|unconfirmed|non\s+confirmée?s?)\b", _I
)


def is_conditional(sentence: str) -> bool:
    """Whether a sentence hedges what it tells in the conditional ("auraient été tuées"),
    rather than only its actors ("des jihadistes présumés")."""
    return bool(_CONDITIONAL.search(sentence))


def is_denial(sentence: str) -> bool:
    """Whether a sentence denies something ("Kinshasa dément", "the army denied")."""
    return CUES.holds("modality.denial", sentence.lower()) and bool(_find(_DENIAL, sentence))


def is_holdout(sentence: str) -> bool:
    """Whether a sentence says a side still holds its ground ("still held", "repoussé")."""
    return holdout_at(sentence) is not None


def holdout_at(sentence: str) -> int | None:
    """Where a sentence says a side still holds its ground, or None."""
    found = _find(_HOLDOUT, sentence) if CUES.holds("modality.holdout", sentence.lower()) else None
    return found.start() if found else None


def is_background(text: str) -> bool:
    """Whether ``text`` recalls the past: an anniversary, "years after", an obituary."""
    return CUES.holds("modality.background", text.lower()) and bool(_find(_BACKGROUND, text))


def is_game(sentence: str) -> bool:
    """Whether a sentence is about a video or board game, a work of fiction or a drill."""
    return CUES.holds("modality.game", sentence.lower()) and bool(_find(_GAME, sentence))


#: Business copy: a group "takes control of" a port terminal or a bank.
_BUSINESS = re.compile(
    r"\b(?:rachat|rachète|racheté\w*|acquisition|acquired|acquires|stake|shares|actionna\w+|"
    r"shareholders?|concession|merger|fusion|terminal\s+(?:à\s+)?conteneurs|container\s+terminal)\b",
    _I,
)
_BUSINESS_HINTS = (
    "rach", "acqui", "stake", "share", "actionna", "concession", "merger", "fusion", "conteneur",
    "container",
)  # fmt: skip


def is_business(text: str) -> bool:
    """Whether ``text`` reads like business copy (buyouts, stakes, concessions)."""
    lowered = text.lower()
    return any(hint in lowered for hint in _BUSINESS_HINTS) and bool(_find(_BUSINESS, text))


def is_sport(sentence: str) -> bool:
    """Whether a sentence reads like the sports pages; a strike on a football pitch or a
    stadium ("a rocket struck a football pitch, killing 12") is war news."""
    return bool(_find(_SPORT, sentence)) and not _find(_STRIKE, sentence)


def has_year(text: str) -> bool:
    """Whether a calendar year is written in ``text`` (a capture dated by year is history)."""
    return bool(_YEAR.search(text))


def is_dated(text: str) -> bool:
    """Whether ``text`` dates what it tells in a past year ("in October 2019", "en 1994")."""
    return bool(_find(_DATED, text))


def is_election(text: str) -> bool:
    """Whether ``text`` reads like election results."""
    return CUES.holds("modality.election", text.lower()) and bool(_find(_ELECTION, text))


def _speaker(sentence: str, end: int) -> str:
    """Up to eight words before a verb of saying, stopping at punctuation: "the army ",
    "residents and a U.N. source "."""
    head = re.split(r"[,;:«»\"()]", sentence[:end])[-1]
    words = head.split()[-8:]
    return " ".join(words) + " " if words else ""
