"""Names of states and international organizations in the languages of NATO's member states and of the
region, taken from the Unicode CLDR through Babel.

``graph/names.ttl`` is generated from here (``kosovo-kg names --write``) and never edited by hand. Nothing
is translated: an entity gets a name only where CLDR has one for the territory or organization it is, found
by its English CLDR name. Babel is needed only to regenerate the file, so it is imported here alone, and
only when called, which keeps it out of every other command's start-up.

Which languages: the national official languages that CLDR's territory data gives (official or de facto
official, not regional) for every state the graph records as a full member of NATO and for every state of
the region (``REGION``). A regional form (``pt-PT``, ``sr-Latn-BA``) is kept only for the names in which
CLDR's locale for that language in that state differs from the language's own; elsewhere the language's
name stands for it, as BCP 47 lookup falls back from ``pt-PT`` to ``pt``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kosovo_kg.namespaces import KKR
from kosovo_kg.querying.pipeline import execute

if TYPE_CHECKING:
    from kosovo_kg.core.store import KnowledgeGraph

#: Kosovo, the states that border it (Albania, Montenegro, North Macedonia, Serbia) and the other successor
#: states of SFR Yugoslavia (Bosnia and Herzegovina, Croatia, Slovenia): the places whose languages the
#: article's people, places and institutions are named in. A CLDR territory code need not be an entity of
#: the graph (Bosnia and Herzegovina is not) to bring its languages in.
REGION: tuple[str, ...] = ("AL", "BA", "HR", "ME", "MK", "RS", "SI", "XK")

#: CLDR's territory data names Norwegian twice for Norway: as the macrolanguage (no) and as Bokmal (nb), with
#: the same names in both locales (the tests check). The graph keeps nb, the tag of the written standard.
SAME_AS: dict[str, str] = {"no": "nb"}

#: CLDR's official statuses that make a language one of a state's own ("official_regional" does not).
OFFICIAL = ("official", "de_facto_official")

#: English names the graph uses (as the article does) that CLDR's English names no longer are:
#: CLDR calls these territories "Czechia" and "Türkiye". Each is checked by the tests against
#: Babel, so a wrong code here fails there.
ENGLISH_ALIASES: dict[str, str] = {"Czech Republic": "CZ", "Turkey": "TR"}

NAMES_FILE = "names.ttl"
SOURCE = "src-cldr"


@dataclass(frozen=True)
class Language:
    tag: str  # the language tag in the graph: "sr-Latn", "pt-PT"
    locale: str  # the Babel locale its names come from: "sr_Latn", "pt_PT"
    states: tuple[str, ...]  # the CLDR territory codes of the states that bring it in
    varies: str | None = None  # for a regional form, the tag of the language it is a form of


@dataclass(frozen=True)
class Names:
    entity: str  # IRI
    label: str  # the graph's English label
    code: str  # the CLDR territory code the English name matched
    names: dict[str, str]  # language tag -> name


def cldr_version() -> str:
    """The CLDR release that the installed Babel ships (for example "49")."""
    from babel.core import get_cldr_version

    return str(get_cldr_version())


def babel_version() -> str:
    import babel

    return str(babel.__version__)


def _territory_names(locale: str) -> dict[str, str]:
    from babel import Locale

    return dict(Locale.parse(locale).territories)


def _tag(locale: str) -> str:
    return locale.replace("_", "-")


def nato_members(kg: KnowledgeGraph) -> set[str]:
    """The IRIs of the states that the graph records as full members of NATO."""
    rows = execute(
        """SELECT DISTINCT ?state WHERE {
             ?membership kkg:organization kkr:nato ; kkg:membershipType kkg:FullMember ; kkg:member ?state .
           }""",
        kg=kg,
    )
    return {str(row["state"]) for row in rows}


def _entities(kg: KnowledgeGraph) -> list[tuple[str, str, str]]:
    """(IRI, English label, CLDR code) of every state and international organization CLDR has a code for."""
    english = {name: code for code, name in _territory_names("en").items()}
    english.update(ENGLISH_ALIASES)
    rows = execute(
        """SELECT ?entity ?label (GROUP_CONCAT(?alt; SEPARATOR="\\u0001") AS ?alts) WHERE {
             ?entity a/rdfs:subClassOf* ?top ; rdfs:label ?label .
             VALUES ?top { kkg:State kkg:InternationalOrganization }
             FILTER(LANGMATCHES(LANG(?label), "en"))
             OPTIONAL { ?entity skos:altLabel ?alt }
           } GROUP BY ?entity ?label ORDER BY ?entity""",
        kg=kg,
    )
    found = []
    for row in rows:
        label = str(row["label"])
        candidates = [label, *(a for a in str(row["alts"] or "").split("\u0001") if a)]
        code = next((english[name] for name in candidates if name in english), None)
        if code is not None:
            found.append((str(row["entity"]), label, code))
    return found


def name_languages(kg: KnowledgeGraph) -> list[Language]:
    """The graph's languages for names, ordered by tag: see the module's docstring for the rule."""
    from babel import Locale, localedata
    from babel.core import get_global

    codes = {iri: code for iri, _, code in _entities(kg)}
    states = sorted({codes[iri] for iri in nato_members(kg) if iri in codes} | set(REGION))
    territory_languages = get_global("territory_languages")
    bringers: dict[str, set[str]] = {}
    for state in states:
        for locale, info in territory_languages.get(state, {}).items():
            if info.get("official_status") in OFFICIAL:
                bringers.setdefault(SAME_AS.get(locale, locale), set()).add(state)
    languages = [Language(_tag(locale), locale, tuple(sorted(by))) for locale, by in bringers.items()]
    wanted = sorted(set(codes.values()))
    for language in list(languages):
        own = _territory_names(language.locale)
        for state in language.states:
            regional = str(Locale.parse(f"{language.locale}_{state}"))
            if not localedata.exists(regional):
                continue
            table = _territory_names(regional)
            if any(table.get(code) != own.get(code) for code in wanted):
                languages.append(Language(f"{language.tag}-{state}", regional, (state,), language.tag))
    return sorted(languages, key=lambda language: language.tag)


def find_names(kg: KnowledgeGraph, languages: list[Language] | None = None) -> list[Names]:
    """Every state and international organization with the CLDR names of the territory it matches."""
    languages = name_languages(kg) if languages is None else languages
    tables = {language.tag: _territory_names(language.locale) for language in languages}
    found: list[Names] = []
    for entity, label, code in _entities(kg):
        names: dict[str, str] = {}
        for language in languages:
            name = tables[language.tag].get(code)
            if name is None:
                continue
            if language.varies is not None and tables[language.varies].get(code) == name:
                continue
            names[language.tag] = name
        if names:
            found.append(Names(entity, label, code, names))
    return found


#: The local name of the transliteration that derives a Serbian Latin name from a Serbian Cyrillic one.
TRANSLITERATION = "serbian-cyrillic-to-latin"


def cyrtranslit_version() -> str:
    from importlib.metadata import version

    return version("cyrtranslit")


def serbian_latin(cyrillic: str) -> str:
    """The Serbian Latin form of a Serbian Cyrillic name.

    Cyrillic to Latin is the direction without ambiguity (each Cyrillic letter has one Latin letter or
    digraph: љ lj, њ nj, џ dž); Latin to Cyrillic is not (nadživeti has d+ž, not dž), so names go this way
    only."""
    import cyrtranslit

    return str(cyrtranslit.to_latin(cyrillic, "sr"))


def _is_cyrillic(letter: str) -> bool:
    return "\u0400" <= letter <= "\u04ff"


def _check_script(entry: str, tag: str, name: str) -> None:
    # Pages mix scripts by accident (a Latin "P" in a Cyrillic word): such a name would never match a search.
    letters = [c for c in name if c.isalpha()]
    cyrillic = tag in ("sr", "sr-Cyrl", "mk", "bg", "bs-Cyrl")
    if any(_is_cyrillic(c) != cyrillic for c in letters):
        script = "Cyrillic" if cyrillic else "Latin"
        raise ValueError(f"{entry}: the {tag} name {name!r} is not all in {script} letters")


@dataclass(frozen=True)
class AttestedNames:
    entity: str  # IRI
    label: str  # the graph's English label
    source: str  # local name of the source node
    names: dict[str, str]  # language tag -> name, read from the source or derived
    derived: dict[str, str]  # language tag -> the name it was derived from (its tag is "sr")


def attested_names(kg: KnowledgeGraph) -> list[AttestedNames]:
    """The names that encyclopedia entries give (kosovo_kg/curation/attested_names.py), with the Serbian Latin form
    derived where the entry prints only the Cyrillic."""
    from kosovo_kg.curation.attested_names import ENTRIES

    labels = {
        str(row["entity"]): str(row["label"])
        for row in execute(
            """SELECT ?entity ?label WHERE { ?entity rdfs:label ?label . FILTER(LANGMATCHES(LANG(?label), "en")) }""",
            kg=kg,
        )
    }
    found = []
    for entry in ENTRIES:
        iri = KKR + entry.entity
        if iri not in labels:
            raise ValueError(f"kosovo_kg/curation/attested_names.py: kkr:{entry.entity} is not an entity of the graph")
        for tag, name in entry.names.items():
            _check_script(f"kkr:{entry.entity}", tag, name)
        names, derived = dict(entry.names), {}
        if "sr" in names and "sr-Latn" not in names:
            names["sr-Latn"] = serbian_latin(names["sr"])
            derived["sr-Latn"] = names["sr"]
        found.append(AttestedNames(iri, labels[iri], entry.source, names, derived))
    return sorted(found, key=lambda found: found.entity)


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def names_turtle(kg: KnowledgeGraph) -> str:
    """The text of graph/names.ttl for this graph and the installed Babel."""
    version, babel = cldr_version(), babel_version()
    languages = name_languages(kg)
    locales = ", ".join(language.locale for language in languages)
    lines = [
        "# Names in other languages. Generated by `kosovo-kg names --write` (kosovo_kg/curation/names.py): do not edit by hand.",
        "# Nothing is translated. Institutions, offices, a former state and a person have the Albanian and Serbian",
        "# names that an encyclopedia entry prints (kosovo_kg/curation/attested_names.py); states and international",
        "# organizations have the names that the Unicode CLDR (through Babel) gives in the languages of NATO's",
        "# member states and of the region. Each language, and the states (CLDR codes) whose official language",
        "# CLDR says it is:",
    ]
    for language in languages:
        if language.varies:
            lines.append(
                f"#   {language.tag:<11} the form used in {language.states[0]}, where it differs from {language.varies}"
            )
        else:
            lines.append(f"#   {language.tag:<11} {' '.join(language.states)}")
    lines += [
        "",
        "@prefix kkg:  <https://w3id.org/kosovo-kg/ontology#> .",
        "@prefix kkr:  <https://w3id.org/kosovo-kg/resource/> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        "@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .",
        "",
        f"kkr:{SOURCE} a kkg:Source ;",
        "    kkg:sourceKind kkg:OfficialSource ;",
        f'    rdfs:label "Unicode CLDR {version} (through Babel {babel})"@en ;',
        '    kkg:title "Unicode Common Locale Data Repository"@en ;',
        '    kkg:work "Unicode Consortium" ;',
        '    kkg:url "https://cldr.unicode.org/"^^xsd:anyURI ;',
        f'    rdfs:comment "Territory names of CLDR release {version}, as Babel {babel} ships them '
        f'(babel.core.get_cldr_version() gives {version}); the locales read are {locales}."@en .',
    ]
    lines += _attested_turtle(kg)
    lines += ["", "# --- From CLDR ---"]
    for found in find_names(kg, languages):
        local = found.entity.removeprefix(KKR)
        lines.append("")
        lines.append(f"# {found.label}: CLDR territory {found.code}")
        lines.append(f"kkr:{local} kkg:namesSource kkr:{SOURCE} ;")
        labels = [f"{_literal(name)}@{tag}" for tag, name in sorted(found.names.items())]
        lines.append("    skos:prefLabel " + " ,\n        ".join(labels) + " .")
    return "\n".join(lines) + "\n"


def _attested_turtle(kg: KnowledgeGraph) -> list[str]:
    from kosovo_kg.curation.attested_names import ENTRIES

    lines = [
        "",
        "# --- From encyclopedia entries (kosovo_kg/curation/attested_names.py) ---",
        "# Each entity's names are those its entry prints; a Serbian Latin name the entry does not print is",
        "# derived from the Cyrillic one, and a kkg:DerivedName node says so.",
        "",
        f"kkr:{TRANSLITERATION} a kkg:Transliteration ;",
        '    rdfs:label "Serbian Cyrillic to Serbian Latin"@en ;',
        '    rdfs:comment "The one-to-one mapping of the Serbian Cyrillic alphabet onto the Serbian Latin alphabet '
        "(\u0459 to lj, \u045a to nj, \u045f to d\u017e), as cyrtranslit "
        f'{cyrtranslit_version()} (to_latin with language sr) applies it."@en .',
    ]
    written: set[str] = set()
    for entry in sorted(ENTRIES, key=lambda entry: entry.source):
        if entry.source in written:
            continue
        written.add(entry.source)
        lines += [
            "",
            f"kkr:{entry.source} a kkg:Source ;",
            "    kkg:sourceKind kkg:EncyclopediaSource ;",
            f"    rdfs:label {_literal(entry.work + ': ' + entry.title)}@en ;",
            f"    kkg:title {_literal(entry.title)}@{entry.language} ;",
            f"    kkg:work {_literal(entry.work)} ;",
            f'    kkg:language "{entry.language}"^^xsd:language ;',
            f'    kkg:url "{entry.url}"^^xsd:anyURI .',
        ]
    for found in attested_names(kg):
        local = found.entity.removeprefix(KKR)
        lines += ["", f"# {found.label}", f"kkr:{local} kkg:namesSource kkr:{found.source} ;"]
        labels = [f"{_literal(name)}@{tag}" for tag, name in sorted(found.names.items())]
        derived = [
            f"    kkg:derivedName [ a kkg:DerivedName ; kkg:derivedForm {_literal(found.names[tag])}@{tag} ;\n"
            f"        kkg:derivedFrom {_literal(source)}@sr ; kkg:derivationMethod kkr:{TRANSLITERATION} ]"
            for tag, source in sorted(found.derived.items())
        ]
        lines.append("    skos:prefLabel " + " ,\n        ".join(labels) + (" ;" if derived else " ."))
        if derived:
            lines.append(" ;\n".join(derived) + " .")
    return lines


def names_file() -> Path:
    from kosovo_kg.core.paths import graph_dir

    return graph_dir() / NAMES_FILE


def write_names(kg: KnowledgeGraph, path: Path | None = None) -> Path:
    """Regenerate graph/names.ttl (atomically)."""
    from kosovo_kg.core.writing import atomic_writer

    target = path or names_file()
    with atomic_writer(target) as out:
        out.write(names_turtle(kg))
    return target
