"""Casualty tolls: how many were killed, wounded or went missing, and who they were."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import ahocorasick

from streams.detectors.background import is_background
from streams.detectors.lexicons import GROUPS
from streams.detectors.numbers import (
    COUNT,
    NUMBER_DIGITS,
    NUMBER_WORDS,
    Count,
    parse_count,
    parse_number,
)

_I = re.IGNORECASE

#: Animals, singular and plural, FR/EN: a herd struck by lightning is no casualty report.
ANIMALS = (
    r"animals?|animaux|cattle|bétail|livestock|cheptel|bêtes?|têtes?|head|cows?|vaches?|"
    r"bovins?|calves|calf|veaux?|bulls?|taureaux?|oxen|buffalo(?:es)?|buffles?|sheep|moutons?|"
    r"brebis|ewes?|lambs?|agneaux?|rams?|béliers?|goats?|chèvres?|pigs?|porcs?|cochons?|hogs?|"
    r"horses?|chevaux|cheval|juments?|donkeys?|ânes?|camels?|chameaux|dromadaires?|"
    r"chickens?|hens?|poulets?|poules?|volailles?|poultry|ducks?|canards?|geese|oies?|"
    r"turkeys?|dindes?|birds?|oiseaux|eagles?|aigles?|vultures?|vautours?|dogs?|chiens?|"
    r"puppies|chiots?|cats?|chats?|elephants?|éléphants?|rhinos?|rhinoceros(?:es)?|"
    r"rhinocéros|lions?|lionnes?|tigers?|tigres?|leopards?|léopards?|bears?|ours|wolves|wolf|"
    r"loups?|deer|cerfs?|biches?|reindeer|rennes|gorillas?|gorilles?|chimpanzees?|"
    r"chimpanzés?|monkeys?|singes?|giraffes?|girafes?|zebras?|zèbres?|hippos?|hippopotames?|"
    r"whales?|baleines?|dolphins?|dauphins?|phoques?|sharks?|requins?|turtles?|"
    r"tortues?|crocodiles?|fish|poissons?|bees?|abeilles?|bats?|chauves-souris|minks?|visons?|"
    r"pets?|herds?|troupeaux?|flocks?"
)

_KILLED = (
    r"killed|dead|died|die|dies|deaths|fatality|slain|perished|murdered|massacred|executed|beheaded|"
    r"lives|drowned|drowns?|se\s+noient|shot\s+dead|gunned\s+down|fatalities|bodies|lives\s+lost|"
    r"lost\s+their\s+lives|"
    r"victims|tuée?s?|morte?s?|décès|décédée?s?|ont\s+péri|péri|périssent|victimes|"
    r"exécutée?s|massacrée?s|noyée?s|abattue?s|assassinée?s|sans\s+vie|(?:ont|a|avaient|avait)\s+perdu\s+la\s+vie|perdu\s+la\s+vie|"
    r"ont\s+trouvé\s+la\s+mort|trouvé\s+la\s+mort|"
    # A communiqué's word for enemies killed: "'dozens' of militants were neutralised".
    r"neutralis(?:ée?s?|ed)|neutralized|eliminated|éliminée?s"
)
_WOUNDED = r"wounded|injured|hurt|blessée?s?"
#: Rarer ways to tell a death or a wound, read by a second pattern only when a word of
#: ``_RARE_ROLE_WORDS`` is there (each alternative in the main pattern slows every count).
_RARE_ROLE = (
    r"(?P<killed>fatally\s+(?:shot|injured|wounded|stabbed|hurt|struck)|mortally\s+wounded|"
    r"mortellement\s+(?:blessée?s?|touchée?s?)|succumbed|(?:ont|a|avaient|avait)\s+succombé|"
    r"succombé|succombent|"
    # "sont tombés en héros", "tombés au combat", "fell in combat": soldiers' deaths.
    r"tombée?s?\s+(?:en\s+héros|au\s+combat|au\s+champ\s+d'honneur|les\s+armes\s+à\s+la\s+main)|"
    r"fell\s+in\s+(?:combat|battle|action)|"
    # "were hacked to death", "stabbed to death".
    r"(?:hacked|stabbed|beaten|burned|burnt|clubbed|stoned)\s+to\s+death)|"
    r"(?P<wounded>hospitali[sz]ed\s+with\s+(?:\w+\s+)?injuries|"
    r"(?:taken|rushed|admitted|airlifted|transported|sent|evacuated)\s+to\s+(?:the\s+|a\s+|"
    r"local\s+|area\s+|nearby\s+)?hospitals?(?:\s+with\s+(?:\w+\s+)?injuries)?|"
    r"treated\s+for\s+(?:\w+\s+)?injuries|with\s+(?:\w+\s+)?injuries|"
    r"(?:suffered|sustained)\s+(?:\w+\s+)?injuries|hospitalisée?s\s+(?:pour\s+|avec\s+)?"
    r"(?:des\s+)?blessures)|(?P<missing>(?!))"
)
_RARE_ROLE_WORDS = (
    "fatal", "mortal", "mortel", "succomb", "hospital", "injuries", "blessures", "en héros",
    "au combat", "champ d'honneur", "armes à la main", "fell in", "to death",
)  # fmt: skip
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
    r"(?:\s+(?:were|have\s+been|has\s+been|had\s+been|been|are|was|seriously|critically|"
    r"slightly|badly|severely|lightly|grièvement|gravement|légèrement|"
    r"is|being|ont\s+été|a\s+été|été|sont|se|étaient|avaient\s+été|reportedly|reported|"
    r"confirmed|believed|feared|presumed|found|"
    r"retrouvée?s?|officially|also|aussi|également|already|déjà|now|désormais|probably|"
    r"probablement|left|laissant|(?:may|might|could)\s+have(?:\s+been)?|to\s+have(?:\s+been)?|"
    r"auraient(?:\s+été)?|seraient))*"
)
#: "au moins douze civils ont été tués", "dozens of people were killed", "12 dead".
_NO_SECOND_COUNT = (
    r"(?!\s+(?:at\s+least|au\s+moins|\d|dozens|des\s+(?:dizaines|centaines|milliers)|hundreds|"
    r"scores|(?:plus|près|more|nearly|about|some)\s+(?:d[e']|than)?\s*\d|une?\b|one\b|two\b|"
    r"deux\b))"
)
#: After the victims: "passengers and crew", or an aside "(including three children)".
_VICTIMS_TAIL = (
    # What the victims were doing: "10 villagers working their fields near X were killed",
    # "dix-sept fidèles réunis pour la prière ont été tués".
    r"(?:\s+(?:(?!(?:killing|wounding|injuring|leaving|bringing|raising|taking|according|"
    r"including)\b)[a-z]+ing|(?:who|qui)\s+[\w'-]+|réunie?s|rassemblée?s|venue?s|présente?s|"
    r"installée?s|réfugiée?s|travaillant|se\s+rendant)(?:\s+[\w'-]+){1,7}?)?"
    # Where the victims lived: "habitants du hameau de X", "residents of the village of X".
    r"(?:\s+(?:du|de\s+la|des|de|d'|of\s+the|of|from\s+the|from)\s*(?:hameau|village|town|"
    r"ville|localité|quartier|district|camp|city|commune|neighbou?rhood|douar|bourgade|"
    r"settlement|région|region|province)(?:\s+(?:de|d'|of))?(?:\s*[\w'-]+){1,3}?)?"
    # An apposition that counts some of them: "14 civilians, 8 of them children, died",
    # "29 personnes, dont 21 femmes, ont été tuées".
    r"(?:,\s*(?:[\w-]+\s+(?:of\s+them|d'entre\s+(?:eux|elles))|including|among\s+them|"
    r"dont|parmi\s+(?:eux|elles|lesquels|lesquelles))(?:\s+[\w'-]+){1,3},)?"
    r"(?:\s+(?:and|et)\s+(?:(?:the|les|des)\s+)?(?:crew(?:\s+members)?|membres\s+d'équipage|"
    r"équipage|staff|personnel))?(?:\s*\([^()]{0,40}\))?"
    # "fighters from both sides", "combattants des deux camps".
    r"(?:\s+(?:from|on|of)\s+(?:both|either|each|the\s+two)\s+sides?|\s+on\s+both\s+sides|"
    r"\s+des\s+deux\s+(?:camps|côtés|bords)|\s+de\s+part\s+et\s+d'autre)?"
)
_COUNT_FIRST = re.compile(
    rf"(?<![\w-])(?P<count>{COUNT})(?:\s*[»\"”'’])?(?:\s+(?:of|de|d'))?\s*{_FREE}{{0,4}}?{_VICTIMS_TAIL}{_AUX}"
    rf"\s+(?:{_ROLE})\b" + _NO_SECOND_COUNT,
    _I,
)
_COUNT_FIRST_RARE = re.compile(
    rf"(?<![\w-])(?P<count>{COUNT})(?:\s+(?:of|de|d'))?\s*{_FREE}{{0,4}}?{_VICTIMS_TAIL}{_AUX}"
    rf"\s+(?:{_RARE_ROLE})\b" + _NO_SECOND_COUNT,
    _I,
)
_KILL_VERB = (
    r"killing|killed|kills|kill|tuant|tué|tue|tuent|tuait|massacred|massacring|massacrant|"
    r"executed|executing|executes|execute|exécuté|exécutant|exécutent|abattu|shot\s+dead|"
    r"massacres|murdered|murders|murdering|"
    r"gunned\s+down|"
    r"(?:hacked|hacking|stabbed|stabbing|beat|beaten|beating|burned|burnt|burning|clubbed|"
    r"clubbing|stoned|stoning)\s+to\s+death|"
    r"claim(?:ed|ing)?\s+the\s+lives\s+of|coût(?:é|ant|e)\s+la\s+vie\s+à|"
    r"(?:la|the)\s+mort\s+d[e']|the\s+deaths?\s+of|la\s+mort\s+de|"
    r"neutralis(?:é|ée|és|ées|ant|ed|ing)|neutraliz(?:ed|ing)|eliminated|éliminée?s?|éliminant"
)
_WOUND_VERB = r"wounding|wounded|wounds|injuring|injured|injures|blessant|blessé|blesse|blessent"
#: "killed 12 people", "tuant au moins 12 personnes et en blessant 30".
_VERB_FIRST = re.compile(
    rf"\b(?:(?P<vkilled>{_KILL_VERB})|(?P<vwounded>{_WOUND_VERB}))(?:\s*[»\"”'’])?\s+"
    rf"(?:en\s+|all\s+(?:the\s+|its\s+|their\s+)?|tous\s+les\s+|ses\s+|leurs\s+|les\s+|its\s+|"
    rf"their\s+|the\s+)?(?:[«\"“'‘]\s*)?"
    rf"(?P<count>{COUNT})(?![\w-])(?P<tail>(?:\s+(?:of|de|d'))?{_FREE}{{0,3}})",
    _I,
)
#: "rebels hack 10 villagers to death": the count between the verb and "to death".
_TO_DEATH = re.compile(
    r"\b(?:hack|hacks|hacked|hacking|stab|stabs|stabbed|stabbing|beat|beats|beaten|beating|"
    r"burn|burns|burned|burnt|burning|club|clubs|clubbed|stone|stones|stoned|crush|crushes|"
    rf"crushed|bludgeon|bludgeons|bludgeoned)\s+(?P<count>{COUNT})(?![\w-])"
    r"(?P<tail>(?:\s+(?!to\b)[\w'-]+){0,3}?)\s+to\s+death\b",
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
_SINGULAR_NAMED = (
    r"soldier|civilian|policeman|policewoman|police\s+officer|officer|man|woman|child|boy|girl|"
    r"teenager|teen|student|journalist|priest|monk|worker|aid\s+worker|farmer|villager|suspect|"
    r"militant|rebel|fighter|person|resident|protester|guard|commander|leader|activist|doctor|"
    r"nurse|teacher|pilot|peacekeeper|soldat|civil|policier|gendarme|homme|femme|enfant|"
    r"adolescent|garçon|fillette|étudiant|étudiante|journaliste|prêtre|moine|villageois|"
    r"militaire|combattant|rebelle|djihadiste|jihadiste|manifestant|agriculteur|habitant|"
    r"passant|casque\s+bleu|chauffeur|driver"
)
#: More people a single-victim report names, read only next to a verb of death or wounding.
_SINGULAR = (
    rf"{_SINGULAR_NAMED}|motorcyclist|cyclist|pedestrian|motorist|passenger|herder|herdsman|"
    r"shepherd|berger|éleveur|chief|chef|notable|marabout|elder|volunteer|vdp|militiaman|"
    r"vigilante|dozo|hunter|chasseur|"
    r"hiker|climber|swimmer|fisherman|miner|employee|baby|infant|toddler|mother|father|pensioner|"
    r"motard|cycliste|piéton|piétonne|automobiliste|conducteur|conductrice|passager|passagère|"
    r"randonneur|randonneuse|alpiniste|baigneur|baigneuse|pêcheur|mineur|ouvrier|ouvrière|employé|"
    r"employée|bébé|nourrisson|mère|père|retraité|retraitée|jeune|collégien|collégienne|lycéen|"
    r"lycéenne|[a-zé]+génaire|trentenaire|vingtenaire|convert|tailor|businessman|businesswoman|"
    r"trader|shopkeeper|merchant|professor|lecturer|pastor|cleric|blogger|writer|lawyer|judge|"
    r"official|politician|activist|leader|chief|aide|bomber|gunman|attacker|hostage|prisoner|"
    r"inmate|migrant|refugee|tourist|commerçant|professeur|pasteur|imam|blogueur|écrivain|"
    r"avocat|avocate|élu|élue|militant|militante|kamikaze|assaillant|otage|détenu|détenue|"
    r"migrant|migrante|réfugié|réfugiée|touriste|vendor|hawker|seller|ranger|constable|sergeant|"
    r"corporal|lieutenant|captain|conscript|recruit|sentry|bodyguard|photographer|reporter|"
    r"cameraman|correspondent|nun|bishop|mechanic|engineer|contractor|labourer|laborer|"
    r"vendeur|vendeuse|marchand|marchande|commerçante|caporal|sergent|lieutenant|capitaine|"
    r"adjudant|garde|gardien|vigile|photographe|reporter|religieuse|évêque|ingénieur|"
    r"mécanicien|secouriste|rescuer|paramedic|médecin|infirmier|infirmière|agent"
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
#: One victim without a number: "a soldier was killed", "un policier a été tué", "the victim
#: died", "a man is dead after", "une femme a succombé à ses blessures".
#: Verbs of one victim's death or wound, matched on lower-cased text (case-insensitive
#: matching of this many alternatives costs three times as much).
_ONE_VICTIM_VERB = re.compile(
    # The look-ahead lists the first letters below: a cheap test at each word start.
    r"\b(?=[abcdefghiklmprstwé])(?:(?P<killed>killed|shot\s+dead|gunned\s+down|tuée?|abattue?|dies|died|morte?|dead|"
    r"assassinée?|found\s+dead|pronounced\s+dead|"
    r"(?:stabbed|beaten|hacked|burned|burnt|bludgeoned|shot|crushed)\s+to\s+death|lynched|"
    r"murdered|executed|beheaded|lynchée?|exécutée?|décapitée?|"
    r"shot\s+and\s+killed|fatally\s+(?:shot|stabbed|injured|wounded)|mortally\s+wounded|"
    r"succumbed|(?:a\s+)?succombé|décédée?|retrouvée?\s+(?:morte?|sans\s+vie)|"
    r"mortellement\s+(?:blessée?|touchée?)|(?:a\s+)?trouvé\s+la\s+mort|(?:a\s+)?perdu\s+la\s+vie|"
    r"tuée?\s+par\s+balles?|poignardée?\s+à\s+mort)|"
    r"(?P<wounded>(?:seriously\s+|critically\s+|badly\s+|slightly\s+|grièvement\s+|"
    r"gravement\s+|légèrement\s+)?(?:wounded|injured|blessée?|hurt)|"
    r"hospitali[sz]ed\s+with\s+(?:\w+\s+)?injuries))\b"
)
#: The victim right before such a verb, read back from it (searching the verbs first is
#: faster than trying every noun at every position).
#: An age told after the victim: "a man, 45,", "un jeune de 19 ans", "aged 70", "(16 ans)".
_AGE = (
    r"(?:,\s*\d{1,3}(?:\s*ans)?,|\s+(?:de|âgée?\s+de|aged)\s+\d{1,3}(?:\s+ans)?|"
    r"\s+in\s+(?:his|her)\s+(?:early\s+|mid-?|late\s+)?\w+ies|"
    r"\s*\(\d{1,3}(?:\s*ans)?\))?"
)
#: Matched on lower-cased text, like the verbs.
_ONE_VICTIM_BEFORE = re.compile(
    rf"(?:\b(?:(?:a|an|one|un|une|another|un\s+autre|une\s+autre|the|la|le)\s+|l')"
    rf"(?:[\w'-]+\s+){{0,2}}?|(?:^|[:;]\s*|\b(?:after|as|when|while|après)\s+)"
    rf"(?:[\w'-]+\s+){{0,3}}?)"
    rf"(?P<noun>{_SINGULAR}|victim|victime|\d{{1,3}}-year-old(?:\s+[\w'-]+){{0,3}}?)"
    rf"(?:\s+{_FRENCH_ADJECTIVE})?{_AGE}"
    rf"(?:\s+(?:was|has\s+been|a\s+été|est|is|were|had\s+been|later|also|then|ensuite|"
    rf"finalement|aussi|subsequently))*\s+$"
)
#: "He later died of his wounds", "elle est décédée des suites de ses blessures".
_HE_DIED = re.compile(
    r"\b(?:he|she|il|elle)\s+(?:later\s+|then\s+|subsequently\s+|ensuite\s+|finalement\s+)?"
    r"(?:died|succumbed|(?:a\s+)?succombé|est\s+décédée?|est\s+morte?)\s+(?:(?:of|from|to)\s+"
    r"(?:his|her)\s+(?:wounds|injuries)|in\s+hospital|at\s+the\s+scene|on\s+the\s+way\s+to|"
    r"(?:à|des\s+suites\s+de)\s+ses\s+blessures|à\s+l'hôpital|sur\s+le\s+coup)",
    _I,
)
#: "his body was found with gunshot wounds", "le corps sans vie d'une femme a été retrouvé".
_BODY_FOUND = re.compile(
    r"\b(?:his|her|the|a|an|son|le|un|[\w-]+'s)\s+(?:lifeless\s+|dead\s+|charred\s+|"
    r"burned\s+|decomposed\s+|decomposing\s+)?(?:body|corpse|corps|cadavre)\b"
    r"(?:\s+sans\s+vie)?[^.;!?]{0,50}?\b(?:was|has\s+been|had\s+been|is|a\s+été|avait\s+été|"
    r"est)\s+(?:\w+\s+)?(?:found|discovered|recovered|pulled|retrieved|retrouvée?|découverte?|"
    r"repêchée?)\b"
    r"|\b(?:found|discovered|recovered|retrouvé|découvert|repêché)\s+(?:the|a|his|her|le|un|son)\s+"
    r"(?:lifeless\s+|dead\s+|charred\s+)?(?:body|corpse|corps|cadavre)\b",
    _I,
)
#: "kills a soldier", "tue un policier", "wounding a child": the verb, on lower-cased text...
_KILL_ONE = re.compile(
    r"\b(?:kills?|killed|killing|tue|tuent|tué|tuant|shoots?\s+dead|shot\s+dead|abat(?:tent)?|"
    r"executed|executes|executing|murdered|murders|murdering|beheaded|lynched|exécuté|exécutent|"
    r"exécutant|assassiné|assassinent|assassinant"
    r"|(?P<wounded>wounding|injuring|wounds?|injures?|blessant))\s"
)
#: ...then the one victim right after it.
_ONE_VICTIM_AFTER = re.compile(
    rf"\s*(?:(?:a|an|one|un|une|the|le|la)\s+)?(?:[\w'-]+\s+){{0,2}}?(?P<noun>{_SINGULAR})\b",
    _I,
)
#: "killed the governor and six guards": one named victim plus a count; a bomber "killing
#: himself and 18 others" is one of the dead.
_AND_OTHERS = re.compile(
    rf"\b(?:{_KILL_VERB})\s+(?:[\w'-]+\s+)?(?:(?:the|a|an|le|la|l'|un|une)\s*)?"
    rf"(?:[\w'-]+\s+)?(?P<noun>{_SINGULAR_NAMED}|{_OFFICE}|himself|herself)(?:\s+(?:of|de|d')\s*[\w'-]+)?"
    rf"\s+(?:and|et)\s+(?P<count>{COUNT})(?![\w-])",
    _I,
)
#: Machines shot down rather than people: "abattu un hélicoptère", "shot down two drones".
_MACHINES = (
    r"h[ée]licopt[èe]res?|drones?|avions?|aircraft|planes?|airplanes?|jets?|"
    r"fighter\s+jets?|missiles?|roquettes?|rockets?|ballons?|balloons?|"
    r"appareils?|a[ée]ronefs?|chars?|tanks?|v[ée]hicules?|vehicles?|blind[ée]s?|mig|sukhoi"
)
#: Objects a verb of killing takes in other pages: "kills 1,200 jobs", "2,000 chickens killed".
_NOT_PEOPLE = re.compile(
    rf"\s*(?:\S+\s+){{0,2}}?(?:d'|de\s+|of\s+)?(?:jobs|emplois|postes|positions|posts|projects|projets|bills|deals|"
    rf"trees|arbres|hopes|espoirs|{_MACHINES}|{ANIMALS})\b",
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
    rf"(?:^|\b(?:a|an|one|un|une)\s+)(?:[\w'-]+\s+)?(?:{_SINGULAR_NAMED}|{_OFFICE})"
    rf"(?:\s+{_FRENCH_ADJECTIVE})?\s+(?:and|et)\s+$",
    _I,
)
_NEGATED = re.compile(r"\b(?:no|not|nobody|aucune?|sans|ni)\s+$", _I)
_UNIT_AFTER = re.compile(rf"\s+{_UNITS}\b|\s?[-%]", _I)
_WOUNDED_NEXT = re.compile(r"\s*(?:wounded|injured|blessée?s?)\b", _I)


#: "rose from 12 to 30", "revu à la hausse, de 5 à 21": a toll revised, read as the later figure.
_FROM_TO = re.compile(
    rf"(?:de\s+|from\s+)?(?:{NUMBER_DIGITS}|{NUMBER_WORDS})\s*(?:to|à)\s*"
    rf"(?P<later>{NUMBER_DIGITS}|{NUMBER_WORDS})",
    _I,
)
_REVISION_BEFORE = re.compile(
    r"\b(?:revu\w*|révisée?|revised|rose|risen|rises|rising|climbed|climbs|jumped|jumps|"
    r"increased|increases|raised|raises|lowered|lowers|corrected|corrigée?|grimpée?|grimpe|"
    r"passée?|passe|passant|alourdi|alourdit|augmentée?|hausse|baisse|upward|downward|soared|"
    r"soars|went\s+up|gone\s+up)\b[^.;!?]{0,40}?(?:\b(?:from|de)\s*)?$",
    _I,
)
#: Everyone aboard died: "there were no survivors", "aucun survivant", "killing everyone on
#: board"; the toll is then the number aboard.
_ALL_DEAD = re.compile(
    r"\b(?:no\s+survivors?|(?:no\s+one|nobody|none)(?:\s+of\s+(?:the|them|those)(?:\s+[\w'-]+){0,4})?"
    r"(?:\s+(?:on\s+board|aboard))?\s+survived|aucune?\s+survivante?s?|"
    r"aucune?\s+(?:des\s+(?:[\w'-]+\s+){0,4}?|d'entre\s+(?:eux|elles)\s+)?n'a\s+survécu|"
    r"personne\s+n'a\s+survécu|sans\s+(?:laisser\s+de\s+)?"
    r"survivants?|killing\s+(?:everyone|everybody|all\s+(?:those|people|on|aboard))|"
    r"tuant\s+(?:tous|toutes|l'ensemble)|"
    # "Everyone aboard the 12-seat plane died": the craft named after "aboard".
    r"(?:everyone|everybody|all(?:\s+[\w'-]+){1,2})\s+(?:on\s+board|aboard)"
    r"\s+(?:the\s+|a\s+)?(?:[\w-]+\s+){1,3}?(?:died|perished|were\s+killed|was\s+killed|"
    r"have\s+died)|(?:everyone|everybody|all)\s+(?:\w+\s+){0,3}?"
    r"(?:on\s+board|aboard|à\s+bord)\s+(?:died|perished|were\s+killed|was\s+killed|have\s+died|"
    r"are\s+dead|ont\s+péri|sont\s+morts)|(?:tous|toutes)\s+(?:les\s+)?(?:\w+\s+){0,3}?(?:ont\s+péri|"
    r"sont\s+morts|ont\s+été\s+tués|ont\s+perdu\s+la\s+vie|ont\s+trouvé\s+la\s+mort))\b",
    _I,
)
#: Words one of which every _ALL_DEAD phrase holds: a cheap test before the pattern.
_ALL_DEAD_WORDS = (
    "surviv", "survéc", "board", "bord", "everyone", "everybody", "all ", "tous", "toutes",
    "l'ensemble",
)  # fmt: skip
_DIED_WORDS = ("died", "succomb", "décéd", "mort")
_CODED_WORDS = ("coded", "fatalit", "estimate")
_BODY_WORDS = ("body", "bodies", "corps", "cadavre", "corpse", "dépouille", "remains")
#: Bits of ``_hints``: which of the patterns gated by a word list may match.
_RARE_HINT, _ALL_DEAD_HINT, _DIED_HINT, _BODY_HINT, _AND_ONE_HINT, _WOUNDED_HINT = (
    1,
    2,
    4,
    8,
    16,
    32,
)
_CODED_HINT = 64
_CASUALTIES_HINT = 128
_ENUMERATED_HINT = 256
#: How the last of listed victims is joined on: "and his wife", "et leurs trois enfants".
_ENUMERATED_WORDS = (
    " and his ", " and her ", " and their ", " and its ", " and a ", " and an ", " and one ",
    " and two ", " and three ", " et sa ", " et son ", " et ses ", " et leur ", " et leurs ",
    " et un ", " et une ", " et deux ", " et trois ",
)  # fmt: skip
_CASUALTIES_WORDS = ("casualt",)
#: "causing an unknown number of casualties", "resulting in 12 casualties", "inflicted heavy
#: casualties": people were hit, but the noun does not tell killed from wounded, so the toll
#: carries no figure. "No casualties", "without causing casualties" tell none.
_CASUALTIES = re.compile(
    r"(?<!without\s)(?<!no\s)\b(?:caus(?:e|es|ed|ing)|result(?:s|ed|ing)?\s+in|left|leaving|"
    r"inflict(?:s|ed|ing)?|suffer(?:s|ed|ing)?|sustain(?:s|ed|ing)?|incur(?:s|red|ring)?)\s+"
    rf"(?:(?:{COUNT}|heavy|significant|serious|numerous|some|"
    r"an?\s+(?:unknown|undetermined|unspecified|undisclosed)\s+number)\s+)?(?:of\s+)?"
    r"(?:(?:civilian|military|human|further|more)\s+)?casualties\b",
    _I,
)
#: The casualties family needs violence in its sentence: "the merger caused casualties among
#: banks" is a figure of speech.
_VIOLENCE = re.compile(
    r"\b(?:attack\w*|strikes?|struck|airstrikes?|shell\w*|bomb\w*|clash\w*|fight\w*|blasts?|"
    r"explo\w+|ambush\w*|raid\w*|gunmen|gunfire|fired|militants|militias?|insurgents|rebels|"
    r"troops|forces|army|soldiers|drones?|ied|mortars?|artillery|rockets?|missiles?|assault\w*|"
    r"offensive|battles?|combat|violence)\b",
    _I,
)
_WOUNDED_WORDS = ("wound", "injur", "bless", "hurt", "hospital")
_AND_ONE_WORDS = (" and a ", " and an ", " and one ", " et un ", " et une ")


def _hint_automaton() -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for hint, hint_words in (
        (_RARE_HINT, _RARE_ROLE_WORDS),
        (_ALL_DEAD_HINT, _ALL_DEAD_WORDS),
        (_DIED_HINT, _DIED_WORDS),
        (_BODY_HINT, _BODY_WORDS),
        (_AND_ONE_HINT, _AND_ONE_WORDS),
        (_WOUNDED_HINT, _WOUNDED_WORDS),
        (_CODED_HINT, _CODED_WORDS),
        (_CASUALTIES_HINT, _CASUALTIES_WORDS),
        (_ENUMERATED_HINT, _ENUMERATED_WORDS),
    ):
        for word in hint_words:
            automaton.add_word(word, automaton.get(word, 0) | hint)
    automaton.make_automaton()
    return automaton


_HINTS = _hint_automaton()


def _hints(lowered: str) -> int:
    """Which gated patterns a lower-cased sentence may hold, in one automaton pass."""
    hints = 0
    for _, hint in _HINTS.iter(lowered):
        hints |= hint
    return hints


_NO_ONE_BEFORE = re.compile(r"\bno\s+$", _I)
#: An event note's coded toll: "Fatalities coded 86", "coded as 3 (several)", "Best estimate:
#: 30", "total fatalities 86", "Fatalities: 4".
_CODED = re.compile(
    rf"\b(?:(?:total\s+)?fatalit(?:y|ies)\s*(?::|coded(?:\s+as)?|=)?|coded(?:\s+as)?|"
    rf"best\s+estimate\s*:?)\s*(?P<count>{NUMBER_DIGITS})\b(?!\s*(?:fatalities\s+)?coded\s+for)"
    rf"|\b(?P<count2>{NUMBER_DIGITS})\s+fatalit(?:y|ies)\s+coded\b(?!\s+for)",
    _I,
)
#: "found the bodies of 11 people", "les corps de douze civils".
_BODIES_OF = re.compile(
    rf"\b(?:bodies|corps|cadavres|dépouilles|remains)\s+(?:of|de|d')\s*(?P<count>{COUNT})(?![\w-])"
    rf"|(?<![\w-])(?P<count2>{COUNT})\s+(?:corps|cadavres|dépouilles)\b(?!\s+d'armée)",
    _I,
)
#: "5 soldiers and ": the first of two counts joined before one verb ("5 soldiers and 14
#: militants killed" is 19).
_FIRST_OF_PAIR = re.compile(
    rf"(?<![\w-])(?P<count>{NUMBER_DIGITS}|{NUMBER_WORDS})\s+"
    rf"(?:(?!(?:{_KILLED}|{_WOUNDED}|{_MISSING}|{_NOT_VICTIMS})\b)[\w'-]+\s+){{1,3}}?(?:and|et)\s+$",
    _I,
)
_ABOARD = re.compile(
    rf"(?<![\w-])(?P<count>{COUNT})(?![\w-])\s+(?:(?!\d)[\w'-]+\s+){{0,3}}?(?:people|persons|"
    r"passengers|passagers|personnes|occupants|souls|crew|members|membres|migrants|pilgrims|"
    r"pèlerins|tourists|touristes|aboard|on\s+board|à\s+(?:son\s+|leur\s+)?bord)\b",
    _I,
)


#: "Two soldiers and a civilian were killed": a count, then one more victim, then the verb.
_AND_ONE = re.compile(
    rf"(?<![\w-])(?P<count>{COUNT})(?![\w-])\s*{_FREE}{{0,3}}?\s+(?:and|et)\s+(?:a|an|one|un|une)\s+"
    rf"(?:[\w'-]+\s+)?(?:{_SINGULAR_NAMED}|{_OFFICE})(?:\s+{_FRENCH_ADJECTIVE})?{_AUX}\s+"
    rf"(?:(?P<killed>{_KILLED})|(?P<wounded>{_WOUNDED}))\b",
    _I,
)


#: Members of a family or a household killed together, each told in turn.
_KIN = (
    r"man|men|woman|women|wife|wives|husbands?|sons?|daughters?|child|children|kids?|brothers?|"
    r"sisters?|mother|father|parents|grand(?:son|daughter|child|mother|father)s?|grandchildren|"
    r"nephews?|nieces?|cousins?|baby|infant|twins|relatives|guests?|neighbou?rs?|"
    r"homme|hommes|femmes?|épouse|mari|fils|filles?|enfants?|frères?|sœurs?|soeurs?|mère|père|"
    r"petite?s?-(?:fils|filles?|enfants?)|neveux?|nièces?|cousine?s?|bébés?|jumeaux|jumelles|"
    r"proches|voisine?s?"
)
#: One listed victim: "his wife", "their two sons", "un homme".
_ENUMERATED_ITEM = (
    r"(?:a|an|one|his|her|their|its|the|un|une|sa|son|ses|leur|leurs|le|la|les)\s+"
    rf"(?:(?P<n>{NUMBER_WORDS}|\d{{1,2}})\s+)?(?:[a-zà-ÿ-]+\s+)??"
    rf"(?P<kin>{_KIN}|{_SINGULAR})\b"
)
_ITEM = re.sub(r"\?P<\w+>", "?:", _ENUMERATED_ITEM)
#: "killed a man, his wife and their two sons": the victims listed one after another.
_ENUMERATED = re.compile(
    rf"\b(?:{_KILL_VERB})\s+(?P<list>{_ITEM}(?:,\s+{_ITEM})*,?\s+(?:and|et)\s+{_ITEM})",
    _I,
)
#: "A soldier and his driver were killed": the victims listed before the verb.
_ENUMERATED_SUBJECT = re.compile(
    rf"(?:^|(?<=[,;:]\s)|\b(?:when|as|after|lorsque|quand)\s+)"
    rf"(?P<list>{_ITEM}(?:,\s+{_ITEM})*,?\s+(?:and|et)\s+{_ITEM}){_AUX}\s+"
    rf"(?:(?P<killed>{_KILLED})|(?P<wounded>{_WOUNDED}))\b",
    _I,
)
_ENUMERATED_ONE = re.compile(_ENUMERATED_ITEM, _I)
_PLURAL_KIN = re.compile(
    r"(?:men|women|children|kids|parents|grandchildren|twins|relatives|hommes|jumeaux|"
    r"jumelles|proches|\w+s|\w+x)$",
    _I,
)


def _enumerated(sentence: str) -> Iterator[tuple[re.Match[str], Count]]:
    """The victims a verb of killing lists one by one, with their number: "a man, his wife and
    their two sons" is four; "their children" leaves the number vague."""
    for match in [*_ENUMERATED.finditer(sentence), *_ENUMERATED_SUBJECT.finditer(sentence)]:
        total: int | None = 0
        for item in _ENUMERATED_ONE.finditer(match.group("list")):
            if item.group("n"):
                value = parse_number(item.group("n"))
            elif _PLURAL_KIN.search(item.group("kin")) and item.group("kin").lower() != "fils":
                value = None
            else:
                value = 1
            total = None if value is None or total is None else total + value
        yield match, Count(total, total is None)


#: Case-sensitive twins of the patterns ``find_toll`` scans, for lower-cased text; keyed by
#: id, as hashing a compiled pattern hashes its whole program.
_LOWERED = {
    id(pattern): re.compile(pattern.pattern)
    for pattern in (_COUNT_FIRST, _COUNT_FIRST_RARE, _VERB_FIRST, _AND_OTHERS, _TOLL, _AND_ONE)
}


@dataclass(frozen=True, slots=True)
class Toll:
    """A sentence's toll: the largest figure per role and the group hit."""

    killed: Count | None
    wounded: Count | None
    missing: Count | None
    group: str | None
    start: int
    #: The killed figure is an event note's coded count ("Fatalities coded 86"): it stands
    #: over the figures the note's narrative gives.
    coded: bool = False

    def figure(self) -> Count | None:
        """The headline figure: killed if stated, else wounded, else missing."""
        return self.killed or self.wounded or self.missing


def find_toll(sentence: str, context: str = "") -> Toll | None:
    """The casualty toll stated in one sentence, or ``None`` if it states none. ``context`` is
    the text before the sentence in its item: "There were no survivors" takes the number aboard
    from it."""
    figures: dict[str, list[Count]] = {"killed": [], "wounded": [], "missing": []}
    group: str | None = None
    start = len(sentence)
    lowered = sentence.lower()
    hints = _hints(lowered)
    text = lowered if len(lowered) == len(sentence) else sentence
    count_first = [*_scan(_COUNT_FIRST, sentence, text)]
    if hints & _RARE_HINT:
        count_first.extend(_scan(_COUNT_FIRST_RARE, sentence, text))
    for match in count_first:
        if _NEGATED.search(sentence, max(0, match.start() - 12), match.start()):
            continue
        if _NOT_PEOPLE.match(sentence, match.end("count"), match.start(match.lastgroup or "count")):
            continue
        role = next(name for name in ("killed", "wounded", "missing") if match.group(name))
        if _VICTIMS.match(match.group(role)) and _NOT_DEATH_VICTIMS.search(sentence):
            continue
        if _UNIT_AFTER.match(sentence, match.end("count")) or is_background(
            sentence, match.start("count"), match.end("count")
        ):
            continue
        count = _read(sentence, match)
        one_and = _ONE_AND.search(sentence, max(0, match.start() - 40), match.start())
        if role == "killed" and count.value is not None and one_and:
            count = Count(count.value + 1, count.approximate)
        window = lowered[max(0, match.start() - 50) : match.start()]
        pair = (
            _FIRST_OF_PAIR.search(sentence, max(0, match.start() - 50), match.start())
            if not one_and and (" and " in window or " et " in window)
            else None
        )
        if (
            pair is not None
            and count.value is not None
            and not _UNIT_AFTER.match(sentence, pair.end("count"))
        ):
            first = parse_count(pair.group("count"))
            if first.value is not None and not is_background(sentence, pair.start(), pair.end()):
                count = Count(count.value + first.value, count.approximate or first.approximate)
        figures[role].append(count)
        group = group or _group(match.group(0))
        start = min(start, match.start())
    for match in _scan(_VERB_FIRST, sentence, text):
        if (
            _UNIT_AFTER.match(sentence, match.end("count"))
            or _NOT_PEOPLE.match(sentence, match.end("count"))
            or _RECALLED.search(sentence, max(0, match.start() - 30), match.start())
            or is_background(sentence, match.start("count"), match.end("count"))
        ):
            continue
        role = "killed" if match.group("vkilled") else "wounded"
        figures[role].append(_read(sentence, match))
        group = group or _group(match.group("tail"))
        start = min(start, match.start())
    if "to death" in lowered:
        for match in _TO_DEATH.finditer(sentence):
            if not is_background(sentence, match.start("count"), match.end("count")):
                figures["killed"].append(_read(sentence, match))
                group = group or _group(match.group("tail"))
                start = min(start, match.start())
    for match in _scan(_AND_OTHERS, sentence, text):
        others = parse_count(match.group("count"))
        if (
            others.value is not None
            and not _UNIT_AFTER.match(sentence, match.end("count"))
            and not is_background(sentence, match.start("count"), match.end("count"))
        ):
            figures["killed"].append(Count(others.value + 1, others.approximate))
            group = group or _group(match.group("noun"))
            start = min(start, match.start())
    for match in _scan(_TOLL, sentence, text):
        if (
            _YEAR.fullmatch(match.group("count").strip())
            or _UNIT_AFTER.match(sentence, match.end("count"))
            or is_background(sentence, match.start("count"), match.end("count"))
        ):
            continue
        role = "wounded" if _WOUNDED_NEXT.match(match.group("tail")) else "killed"
        figures[role].append(_read(sentence, match))
        start = min(start, match.start())
    if hints & _BODY_HINT:
        for match in _BODIES_OF.finditer(sentence):
            group = "count" if match.group("count") is not None else "count2"
            count = parse_count(match.group(group))
            if not is_background(sentence, match.start(group), match.end(group)):
                figures["killed"].append(count)
                start = min(start, match.start())
    coded = None
    if hints & _CODED_HINT:
        for match in _CODED.finditer(sentence):
            value = parse_number(match.group("count") or match.group("count2"))
            if value:
                coded = Count(value, False)
                start = min(start, match.start())
    if coded is not None:
        figures["killed"] = [coded]
    everyone = _ALL_DEAD.search(sentence) if hints & _ALL_DEAD_HINT else None
    if everyone and not is_background(sentence, everyone.start(), everyone.end()):
        aboard = _aboard(sentence) or _aboard(context)
        # Without the number aboard, "everyone aboard died" or "aucun survivant" is still a
        # toll, with no figure (the seats of a "19-seat plane" are not the people aboard).
        figures["killed"].append(aboard or Count(None, True))
        start = min(start, everyone.start())
    if hints & _AND_ONE_HINT:
        for match in _scan(_AND_ONE, sentence, text):
            role = "killed" if match.group("killed") else "wounded"
            count = parse_count(match.group("count"))
            if count.value is None or is_background(
                sentence, match.start("count"), match.end("count")
            ):
                continue
            figures[role].append(Count(count.value + 1, count.approximate))
            group = group or _group(match.group(0))
            start = min(start, match.start())
    if hints & _ENUMERATED_HINT:
        for match, count in _enumerated(sentence):
            if not is_background(sentence, match.start("list"), match.end("list")):
                role = (
                    "wounded" if match.re is _ENUMERATED_SUBJECT and match["wounded"] else "killed"
                )
                figures[role].append(count)
                start = min(start, match.start())
    # One victim without a number tells a role no figure told: "killed a soldier and wounded
    # three others".
    told = {role for role, counts in figures.items() if counts}
    if "killed" not in told or ("wounded" not in told and hints & _WOUNDED_HINT):
        for single in _singles(sentence, lowered, hints):
            role = "wounded" if single.wounded else "killed"
            if role in told or is_background(sentence, single.start, single.end):
                continue
            figures[role].append(Count(1, False))
            group = group or _group(single.noun)
            start = min(start, single.start)
    if not any(figures.values()) and hints & _CASUALTIES_HINT and _VIOLENCE.search(sentence):
        for match in _CASUALTIES.finditer(sentence):
            if not is_background(sentence, match.start(), match.end()):
                figures["killed"].append(Count(None, True))
                start = min(start, match.start())
                break
    for role, counts in figures.items():
        # "Best estimate 0 deaths", "0 fatalities": a figure of none tells no casualty.
        figures[role] = [count for count in counts if count.value != 0]
    if not any(figures.values()):
        return None
    return Toll(
        killed=largest(figures["killed"]),
        wounded=largest(figures["wounded"]),
        missing=largest(figures["missing"]),
        group=group,
        start=start,
        coded=coded is not None,
    )


def _scan(pattern: re.Pattern[str], sentence: str, text: str) -> Iterator[re.Match[str]]:
    """The matches of a case-insensitive ``pattern``, found on the lower-cased ``text`` when it
    keeps the sentence's offsets (three times faster than case-insensitive matching). A lone
    "un"/"une" counts only where the sentence writes it in lower case or capitalised: "UN" is
    the United Nations."""
    if text is sentence:
        yield from pattern.finditer(sentence)
        return
    for match in _LOWERED[id(pattern)].finditer(text):
        if "count" in match.re.groupindex and match.group("count") in ("un", "une"):
            written = sentence[match.start("count") : match.end("count")]
            if written.isupper():
                continue
        yield match


def _read(sentence: str, match: re.Match[str]) -> Count:
    """The count a match holds; a toll revised "from 5 to 21" ("de 5 à 21") is the later one,
    not a range."""
    text = match.group("count")
    revised = _FROM_TO.fullmatch(text.strip())
    if revised and _REVISION_BEFORE.search(
        sentence, max(0, match.start("count") - 60), match.start("count")
    ):
        later = parse_number(revised.group("later"))
        if later is not None:
            return Count(later, False)
    return parse_count(text)


def _aboard(text: str) -> Count | None:
    """The largest number of people said to be aboard or travelling: "carrying 49 people"."""
    counts = [
        parse_count(match.group("count"))
        for match in _ABOARD.finditer(text)
        # "no one on board survived" holds no number.
        if not _NO_ONE_BEFORE.search(text, max(0, match.start() - 4), match.start())
    ]
    return largest([count for count in counts if count.value is not None])


@dataclass(frozen=True, slots=True)
class _Single:
    """One victim told without a number."""

    start: int
    end: int
    wounded: bool
    noun: str


def _singles(sentence: str, lowered: str, hints: int) -> list[_Single]:
    """Phrases that tell of one victim: "a man was shot dead", "his body was found"."""
    found: list[_Single] = []
    # Lower-casing keeps offsets for all but a few letters ("İ"); those sentences are rare.
    verbs = _ONE_VICTIM_VERB.finditer(lowered if len(lowered) == len(sentence) else "")
    for verb in verbs:
        victim = _ONE_VICTIM_BEFORE.search(lowered, max(0, verb.start() - 80), verb.start())
        if victim:
            found.append(
                _Single(victim.start(), verb.end(), bool(verb.group("wounded")), victim["noun"])
            )
    for verb in _KILL_ONE.finditer(lowered if len(lowered) == len(sentence) else ""):
        victim = _ONE_VICTIM_AFTER.match(sentence, verb.end(), verb.end() + 80)
        if victim:
            found.append(
                _Single(verb.start(), victim.end(), bool(verb.group("wounded")), victim["noun"])
            )
    patterns = []
    if hints & _DIED_HINT:
        patterns.append(_HE_DIED)
    if hints & _BODY_HINT:
        patterns.append(_BODY_FOUND)
    for pattern in patterns:
        for match in pattern.finditer(sentence):
            groups = match.groupdict()
            found.append(
                _Single(
                    match.start(),
                    match.end(),
                    bool(groups.get("wounded")),
                    groups.get("noun") or "",
                )
            )
    return found


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
