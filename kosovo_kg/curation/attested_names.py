"""Names in Albanian and Serbian that CLDR does not have, as encyclopedia entries give them.

Each record is one entry, read at the encyclopedia's own address (a stored copy of the page, found with
the project's search tools), and the names its lead sentence or infobox prints for the entity, exactly as
printed. ``kosovo-kg names --write`` turns them into graph/names.ttl with the entry as the names' source.
Where the entry prints a Serbian name only in Cyrillic, the generator derives the Latin form and records
that it did (kkg:DerivedName); where it prints both, both are read and the tests check that they agree.

Left out on purpose: the mixed-script forms some of these pages also print (the Simple English entry for
the Prime Minister of Kosovo gives "Премијер Pепубликe Косова", with a Latin P and e, in its infobox; the
English entry for the Autonomous Province of Kosovo and Metohija gives "Метохиja" with a Latin ja), and
every name no entry at hand gives: the people of the graph other than Aleksandar Vučić, and NATO, KFOR and
the other international bodies, whose Serbian and Albanian names are not in any stored page found.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    entity: str  # the local name under https://w3id.org/kosovo-kg/resource/
    source: str  # the local name of the source node written for the entry
    title: str  # the entry's title, as the page prints it
    work: str  # the encyclopedia
    language: str  # the language of the entry
    url: str
    names: dict[str, str]  # language tag -> name, as the entry prints it


ENTRIES: tuple[Entry, ...] = (
    Entry(
        "aleksandar-vucic",
        "src-simplewiki-aleksandar-vucic",
        "Aleksandar Vučić",
        "Simple English Wikipedia",
        "en",
        "https://simple.wikipedia.org/wiki/Aleksandar_Vu%C4%8Di%C4%87",
        {"sr": "Александар Вучић", "sr-Latn": "Aleksandar Vučić"},
    ),
    Entry(
        "apkm",
        "src-ocwiki-kosova",
        "Kosova",
        "Wikipedia in Occitan",
        "oc",
        "https://oc.m.wikipedia.org/wiki/Kosova",
        {"sq": "Krahina Autonome e Kosovës dhe Metohisë", "sr": "Аутономна покрајина Косово и Метохија"},
    ),
    Entry(
        "assembly-of-kosovo",
        "src-enwiki-assembly-of-kosovo",
        "Assembly of the Republic of Kosovo",
        "Wikipedia",
        "en",
        "https://en.wikipedia.org/wiki/Assembly_of_the_Republic_of_Kosovo",
        {"sq": "Kuvendi i Republikës së Kosovës", "sr": "Скупштина Републике Косово"},
    ),
    Entry(
        "fr-yugoslavia",
        "src-simplewiki-fr-yugoslavia",
        "Federal Republic of Yugoslavia",
        "Simple English Wikipedia",
        "en",
        "https://simple.wikipedia.org/wiki/Federal_Republic_of_Yugoslavia",
        {"sr": "Савезна Република Југославија", "sr-Latn": "Savezna Republika Jugoslavija"},
    ),
    Entry(
        "government-of-kosovo",
        "src-enwiki-government-of-kosovo",
        "Government of Kosovo",
        "Wikipedia",
        "en",
        "https://en.m.wikipedia.org/wiki/Government_of_Kosovo",
        {"sq": "Qeveria e Kosovës", "sr": "Влада Косова", "sr-Latn": "Vlada Kosova"},
    ),
    Entry(
        "president-of-kosovo",
        "src-enwiki-president-of-kosovo",
        "President of Kosovo",
        "Wikipedia",
        "en",
        "https://en.wikipedia.org/wiki/President_of_Kosovo",
        {"sq": "Presidenti i Kosovës", "sr": "Председник Косова", "sr-Latn": "Predsednik Kosova"},
    ),
    Entry(
        "prime-minister-of-kosovo",
        "src-simplewiki-prime-minister-of-kosovo",
        "Prime Minister of Kosovo",
        "Simple English Wikipedia",
        "en",
        "https://simple.m.wikipedia.org/wiki/Prime_Minister_of_Kosovo",
        {
            "sq": "Kryeministri i Republikës së Kosovës",
            "sr": "Премијер Републике Косово",
            "sr-Latn": "Premijer Republike Kosovo",
        },
    ),
)
