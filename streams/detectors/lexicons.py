"""Word lists shared by the detectors: victim groups, place filters, country names (FR/EN)."""

from __future__ import annotations


def words(block: str) -> frozenset[str]:
    """The whitespace-separated words of a block of text, as a set."""
    return frozenset(block.split())


#: Victim groups as written (FR/EN, plural and singular) -> the group name events carry.
GROUPS: dict[str, str | None] = {
    "civilians": "civilians", "civilian": "civilians", "civils": "civilians",
    "civil": "civilians", "non-combatants": "civilians", "habitants": "civilians",
    "villagers": "civilians", "villageois": "civilians", "residents": "civilians",
    "soldiers": "soldiers", "soldier": "soldiers", "soldats": "soldiers", "soldat": "soldiers",
    "troops": "soldiers", "militaires": "soldiers", "militaire": "soldiers",
    "servicemen": "soldiers", "serviceman": "soldiers", "marines": "soldiers",
    "policemen": "police", "policeman": "police", "police": "police", "policiers": "police",
    "policier": "police", "gendarmes": "police", "gendarme": "police", "officers": "police",
    "officer": "police", "agents": "police", "guards": "police", "gardes": "police",
    "children": "children", "child": "children", "enfants": "children", "enfant": "children",
    "boy": "children", "girl": "children", "boys": "children", "girls": "children",
    "écoliers": "children", "schoolchildren": "children", "babies": "children",
    "women": "women", "woman": "women", "femmes": "women", "femme": "women",
    "militants": "militants", "militant": "militants", "jihadists": "militants",
    "jihadist": "militants", "djihadistes": "militants", "djihadiste": "militants",
    "jihadistes": "militants", "islamists": "militants", "islamistes": "militants",
    "insurgents": "militants", "insurgés": "militants", "terrorists": "militants",
    "terroristes": "militants", "gunmen": "militants", "assaillants": "militants",
    "attackers": "militants", "extremists": "militants",
    "rebels": "rebels", "rebel": "rebels", "rebelles": "rebels", "rebelle": "rebels",
    "fighters": "fighters", "fighter": "fighters", "combattants": "fighters",
    "combattant": "fighters", "guerrillas": "fighters", "miliciens": "fighters",
    "militiamen": "fighters",
    "migrants": "migrants", "migrant": "migrants", "refugees": "migrants",
    "réfugiés": "migrants", "asylum-seekers": "migrants", "exilés": "migrants",
    "protesters": "protesters", "protester": "protesters", "manifestants": "protesters",
    "manifestant": "protesters", "demonstrators": "protesters",
    "hostages": "hostages", "hostage": "hostages", "otages": "hostages", "otage": "hostages",
    "students": "students", "student": "students", "étudiants": "students", "élèves": "students",
    "workers": "workers", "ouvriers": "workers", "miners": "workers", "mineurs": "workers",
    "employees": "workers", "employés": "workers",
    "passengers": "passengers", "passagers": "passengers",
    "prisoners": "prisoners", "prisonniers": "prisoners", "détenus": "prisoners",
    "inmates": "prisoners",
    "worshippers": "worshippers", "fidèles": "worshippers", "pilgrims": "worshippers",
    "pèlerins": "worshippers",
    "journalists": "journalists", "journalist": "journalists", "journalistes": "journalists",
    "journaliste": "journalists",
    "people": None, "persons": None, "personnes": None, "personne": None, "person": None,
    "man": None, "men": None, "hommes": None, "homme": None, "victims": None, "victimes": None,
    "members": None, "membres": None, "suspects": None, "suspect": None, "personnel": None,
    "priest": None, "monk": None, "monks": None, "teacher": None, "teen": None, "aid worker": None,
}  # fmt: skip

#: Place names that are also everyday words: accepted only after "in", "à", "city of" ...
COMMON_WORD_PLACES = words(
    """
    of bar split male date police nice mobile tours sens vue mort orange reading bath
    mold bury hope union aurora independence liberty florence troy much worms gap lens
    sale mans moulins laval nancy mara victoria charlotte chelsea jackson austin lincoln
    marks royal best deal poole bologna march may june august ho kota mercedes
    santa bristol concord enterprise paradise pleasant providence salem temple spring
    springs hamilton warren lawrence camden dover sandy stanford washington
    mandi central eastern western northern southern deux saint sainte port grand
    belle bel beau nord sud est ouest centre forest mission madison kent vale
    asia europe africa america mosque islam allah god jesus christ church le la les
    tall hit bab sante
    """
)

#: Capitalised words that start sentences or name people, bodies and times, never a town.
NOT_TOWN_NAMES = words(
    """
    monday tuesday wednesday thursday friday saturday sunday lundi mardi mercredi jeudi
    vendredi samedi dimanche january february march april may june july august september
    october november december janvier fevrier mars avril mai juin juillet aout septembre
    octobre novembre decembre army armee forces force troops rebels rebelles militants
    islamic state etat islamique president minister ministre general colonel police
    government gouvernement officials reuters afp ap bbc un onu nato otan eu ue
    defence defense interior health finance justice ministry ministere ministry's
    sahel maghreb levant darfur donbas donbass kivu sinai kurdistan balochistan tigray amhara
    the a an this that these those some les des une un ce cette ces after before when while
    on in at by for with from of to and but or as since until
    town city village ville localite localites commune hamlet military militaire
    """
)

#: Armed groups whose names look like towns' ("Al-Qaïda", "Al-Shabaab"), folded.
GROUP_NAMES = frozenset(
    part.strip()
    for part in [
        "al qaida",
        "al qaeda",
        "al qaeda in the arabian peninsula",
        "al shabaab",
        "al shabab",
        "shabaab",
        "shebab",
        "\n    boko haram",
        "hezbollah",
        "hamas",
        "taliban",
        "talibans",
        "daesh",
        "isis",
        "isil",
        "iswap",
        "jnim",
        "ansar dine",
        "ansar al sharia",
        "\n    houthis",
        "ansar allah",
        "wagner",
        "africa corps",
        "hayat tahrir al sham",
        "jabhat al nosra",
        "al nusra",
        "\n    etat islamique",
        "islamic state",
        "fatah",
        "al aqsa",
        "azawad",
    ]
)

#: Words that end a place name's run in title case, e.g. "Manchester City", "Real Madrid".
SPORT_SUFFIXES = frozenset(["city", "united", "fc", "saint-germain", "rovers", "athletic", "sc"])
SPORT_PREFIXES = frozenset(["real", "atletico", "ac", "inter", "bayern", "olympique", "stade"])

#: Function words of each language, used both to guess the language and to drop alternate
#: place names that are really words ("Of", "Date").
STOPWORDS_EN = words(
    """
    the of and to in a is was were for on that with by as at from has have had it its
    be been are after this said says an which who their they not but or will over
    into than more against also about while would there his her he she we new two
    """
)
STOPWORDS_FR = words(
    """
    le la les de des du et à en un une est sont dans pour par sur au aux que qui ont
    a été ce cette ses leur leurs il elle ils elles pas plus selon avec après mais
    ou où lors depuis entre contre sous nous vous son sa se ne ainsi deux avait
    """
)

#: Countries as French and English wires name them, with demonyms; ISO 3166 alpha-2.
#: English names come from GeoNames; this table adds French names and adjectives.
COUNTRY_ALIASES: dict[str, str] = {
    "SY": "Syrie|syrien|syrienne|syriens|syriennes|Syrian|Syrians",
    "IQ": "Irak|Iraq|irakien|irakienne|irakiens|irakiennes|Iraqi|Iraqis",
    "AF": "Afghanistan|afghan|afghane|afghans|afghanes|Afghan|Afghans",
    "UA": "Ukraine|ukrainien|ukrainienne|ukrainiens|ukrainiennes|Ukrainian|Ukrainians",
    "RU": "Russie|russe|russes|Russia|Russian|Russians",
    "ML": "Mali|malien|malienne|maliens|maliennes|Malian|Malians",
    "LY": "Libye|libyen|libyenne|libyens|libyennes|Libya|Libyan|Libyans",
    "YE": "Yémen|Yemen|yéménite|yéménites|Yemeni|Yemenis",
    "SO": "Somalie|somalien|somalienne|somaliens|Somalia|Somali|Somalis",
    "NG": "Nigeria|nigérian|nigériane|nigérians|Nigerian|Nigerians",
    "CD": "RDC|RD Congo|République démocratique du Congo|congolais|congolaise|Congolese|DR Congo|DRC",
    "SD": "Soudan|soudanais|soudanaise|Sudan|Sudanese",
    "SS": "Soudan du Sud|South Sudan|sud-soudanais",
    "ET": "Ethiopie|Éthiopie|éthiopien|éthiopienne|éthiopiens|Ethiopia|Ethiopian|Ethiopians",
    "MM": "Birmanie|birman|birmane|birmans|Myanmar|Burma|Burmese",
    "BD": "Bangladesh|bangladais|bangladaise|Bangladeshi|Bangladeshis",
    "IL": "Israël|israélien|israélienne|israéliens|Israel|Israeli|Israelis",
    "PS": "Palestine|Cisjordanie|West Bank|palestinien|palestinienne|palestiniens|Palestinian|Palestinians",
    "LB": "Liban|libanais|libanaise|Lebanon|Lebanese",
    "TR": "Turquie|turc|turque|turcs|Turkey|Türkiye|Turkish",
    "IR": "Iran|iranien|iranienne|iraniens|Iranian|Iranians",
    "PK": "Pakistan|pakistanais|pakistanaise|Pakistani|Pakistanis",
    "IN": "Inde|indien|indienne|India|Indian",
    "BF": "Burkina Faso|Burkina|burkinabè|burkinabé|Burkinabe",
    "NE": "Niger|nigérien|nigérienne|Nigerien",
    "TD": "Tchad|tchadien|tchadienne|Chad|Chadian",
    "CF": "Centrafrique|centrafricain|centrafricaine|Central African Republic",
    "MZ": "Mozambique|mozambicain|Mozambican",
    "CM": "Cameroun|camerounais|camerounaise|Cameroon|Cameroonian",
    "DZ": "Algérie|algérien|algérienne|Algeria|Algerian",
    "EG": "Egypte|Égypte|égyptien|égyptienne|Egypt|Egyptian",
    "TN": "Tunisie|tunisien|tunisienne|Tunisia|Tunisian",
    "MA": "Maroc|marocain|marocaine|Morocco|Moroccan",
    "FR": "France|français|française|French",
    "DE": "Allemagne|allemand|allemande|Germany|German",
    "GB": "Royaume-Uni|britannique|Britain|United Kingdom|British|UK",
    "US": "Etats-Unis|États-Unis|américain|américaine|United States|American|US|USA",
    "CN": "Chine|chinois|chinoise|China|Chinese",
    "MX": "Mexique|mexicain|mexicaine|Mexico|Mexican",
    "CO": "Colombie|colombien|colombienne|Colombia|Colombian",
    "HT": "Haïti|haïtien|haïtienne|Haiti|Haitian",
    "PH": "Philippines|philippin|philippine|Filipino",
    "AM": "Arménie|arménien|arménienne|Armenia|Armenian",
    "AZ": "Azerbaïdjan|azerbaïdjanais|Azerbaijan|Azerbaijani|Azeri",
    "SA": "Arabie saoudite|saoudien|saoudienne|Saudi Arabia|Saudi",
    "JO": "Jordanie|jordanien|Jordan|Jordanian",
    "KE": "Kenya|kényan|kényane|Kenyan",
    "TH": "Thaïlande|thaïlandais|Thailand|Thai",
    "LK": "Sri Lanka|sri-lankais|Sri Lankan",
    "GE": "Géorgie|géorgien|Georgia|Georgian",
    "ES": "Espagne|espagnol|espagnole|Spain|Spanish",
    "IT": "Italie|italien|italienne|Italy|Italian",
    "BE": "Belgique|belge|Belgium|Belgian",
    "CH": "Suisse|Switzerland|Swiss",
    "PL": "Pologne|polonais|Poland|Polish",
    "BR": "Brésil|brésilien|Brazil|Brazilian",
    "VE": "Venezuela|vénézuélien|Venezuelan",
    "ID": "Indonésie|indonésien|Indonesia|Indonesian",
}

#: Nouns that make a mention a region, not a city: "la province de", "Rakhine State".
REGION_NOUNS = (
    "province|provinces|région|region|regions|governorate|gouvernorat|state|état|district|"
    "oblast|département|department|county|préfecture|prefecture|wilaya|division|canton|"
    "territory|territoire|valley|vallée|countryside|campagne|rural|zone|périphérie|outskirts|"
    "suburbs|banlieue|township|sub-district|upazila"
)

#: Nouns before "of <city>" that keep the mention a city: "the town of", "la ville de".
CITY_NOUNS = (
    "town|towns|city|cities|village|villages|hamlet|settlement|ville|villes|ville-forteresse|"
    "cité|localité|localités|bourgade|bourg|hameau|capital|capitals|capitale|capitales|"
    "stronghold|bastion|fief|port|hub|chef-lieu|municipality|commune|agglomération|metropolis|"
    "métropole|enclave|district\\s+(?:centre|center|headquarters)"
)

#: Parts of a city written after its name ("Kandahar airport"): partial control, no capture.
PARTIAL_NOUNS = (
    "district|districts|quarter|neighbourhood|neighborhood|base|airbase|airport|palace|"
    "outskirts|suburbs|suburb|downtown|old city|hill|checkpoint|bridge|road|highway|"
    "hospital|prison|university|stadium|refinery|dam|citadel|countryside|front|frontline|"
    "garrison|barracks|area|areas|sector|pocket|outpost|outposts|camp|battalion|regiment|"
    "police station|junction"
)

#: Exonyms wires use that GeoNames lacks, as (GeoNames name, country code).
EXTRA_NAMES: dict[str, tuple[str, str]] = {
    "Fallouja": ("Al Fallūjah", "IQ"),
    "Falloujah": ("Al Fallūjah", "IQ"),
    "Lyssytchansk": ("Lysychansk", "UA"),
    "Lougansk": ("Luhansk", "UA"),
    "Louhansk": ("Luhansk", "UA"),
    "Zaporijia": ("Zaporizhzhya", "UA"),
    "Zaporijjia": ("Zaporizhzhya", "UA"),
    "Zaporizhzhia": ("Zaporizhzhya", "UA"),
    "El-Facher": ("El Fasher", "SD"),
    "El Facher": ("El Fasher", "SD"),
    "Tyr": ("Tyre", "LB"),
    "Hodeidah": ("Al Ḩudaydah", "YE"),
    "Hodeida": ("Al Ḩudaydah", "YE"),
}
