"""Cite this answer: a stored question's answer as a citation of the dataset's release, with every
source behind its rows, as plain text, BibTeX and CSL-JSON (what Zotero, Pandoc and citeproc read)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kosovo_kg.namespaces import DATASET

if TYPE_CHECKING:
    from kosovo_kg.publish.lookup import Source

AUTHOR = "The kosovo-kg developers"
DATASET_TITLE = "kosovo-kg: a knowledge graph of Kosovo–NATO relations"
LICENCE = "CC BY-SA 4.0"


@dataclass
class Release:
    """The dataset as cited: its version and date, and where it is published (when known)."""

    version: str
    date: str  #: YYYY-MM-DD
    url: str | None = None


@dataclass
class Citation:
    text: str
    bibtex: str
    csl_json: str


def _date_parts(text: str) -> list[list[int]] | None:
    parts = [int(p) for p in re.findall(r"\d+", text[:10])[:3]]
    return [parts] if parts else None


def _people(names: str) -> list[dict[str, str]]:
    """``Chawla, Shalini; Doe, J.`` as CSL names (family, given); anything else as one literal name."""
    people = []
    for name in filter(None, (n.strip() for n in names.split(";"))):
        family, comma, given = name.partition(",")
        people.append({"family": family.strip(), "given": given.strip()} if comma else {"literal": name})
    return people


def _source_type(source: Source) -> str:
    details = source.details
    if details.get("isbn"):
        return "book"
    if details.get("doi") or details.get("volume"):
        return "article-journal"
    if details.get("url") or details.get("work"):
        return "webpage"
    return "document"


def _source_key(source: Source) -> str:
    local = source.iri.rsplit("/", 1)[-1]
    return re.sub(r"[^A-Za-z0-9:_-]", "-", local)


def source_text(source: Source) -> str:
    """One source as a reference list line: author, year, title, work, identifiers, address."""
    d = source.details
    parts = []
    if d.get("authorName"):
        parts.append(d["authorName"])
    if d.get("published"):
        parts.append(f"({d['published']})")
    parts.append(f"“{d.get('title') or source.label}”.")
    if d.get("work"):
        work = d["work"]
        if d.get("volume"):
            work += f" {d['volume']}" + (f" ({d['issue']})" if d.get("issue") else "")
        if d.get("pages"):
            work += f": {d['pages']}"
        parts.append(work + ".")
    if source.publisher and source.publisher != d.get("work"):
        parts.append(source.publisher + ".")
    if d.get("doi"):
        parts.append(f"doi:{d['doi']}.")
    if d.get("isbn"):
        parts.append(f"ISBN {d['isbn']}.")
    if d.get("url"):
        parts.append(d["url"])
    if d.get("retrieved"):
        parts.append(f"(retrieved {d['retrieved']})")
    return " ".join(parts)


def _bibtex_value(text: str) -> str:
    """Text as a BibTeX field value: its special characters escaped, inside braces."""
    escaped = re.sub(
        r"([&%$#_{}~^\\])",
        lambda m: {"\\": r"\textbackslash{}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}.get(
            m.group(1), "\\" + m.group(1)
        ),
        text,
    )
    return "{" + escaped + "}"


def _bibtex_entry(kind: str, key: str, fields: dict[str, str | None], protect: tuple[str, ...] = ("title",)) -> str:
    """An entry; the ``protect`` fields in double braces (a title's capitals kept as written, an
    organization as author not read as a person's first and last names)."""
    lines = [f"@{kind}{{{key},"]
    for name, value in fields.items():
        if value:
            protected = _bibtex_value(value)
            if name in protect:
                protected = "{" + protected + "}"
            lines.append(f"  {name} = {protected},")
    lines.append("}")
    return "\n".join(lines)


@dataclass(frozen=True)
class _Asked:
    """What a citation of an answer names: the stored question, its title with the parameters, the
    release, where the answer is read (its page, else the release's site) and the release's IRI."""

    name: str
    title: str
    release: Release
    where: str
    version_iri: str

    @property
    def key(self) -> str:
        return f"kosovokg:{self.name}:{self.release.version}"


def _answer_text(asked: _Asked, sources: list[Source]) -> str:
    release = asked.release
    lines = [
        f"{AUTHOR} ({release.date[:4]}). “{asked.title}”. Answer to the stored question {asked.name} of "
        f"{DATASET_TITLE}, release {release.version} of {release.date}. {LICENCE}. {asked.version_iri}"
        + (f" — {asked.where}" if asked.where else ""),
    ]
    if sources:
        lines.append("")
        lines.append("Sources behind the rows:")
        lines += [f"- {source_text(s)}" for s in sources]
    return "\n".join(lines)


def _answer_bibtex(asked: _Asked, sources: list[Source]) -> str:
    release = asked.release
    return _bibtex_entry(
        "misc",
        asked.key,
        {
            "author": AUTHOR,
            "title": asked.title,
            "howpublished": f"Answer to the stored question {asked.name} of {DATASET_TITLE}, release {release.version}",
            "year": release.date[:4],
            "date": release.date,
            "version": release.version,
            "url": asked.where or asked.version_iri,
            "note": f"{LICENCE}; sources: " + ", ".join(_source_key(s) for s in sources) if sources else LICENCE,
        },
        protect=("title", "author"),
    )


def source_bibtex(source: Source) -> str:
    """A source's BibTeX entry: a book, a journal article, or anything else as ``@misc``."""
    d = source.details
    kind = {"book": "book", "article-journal": "article"}.get(_source_type(source), "misc")
    return _bibtex_entry(
        kind,
        _source_key(source),
        {
            "author": " and ".join(n.strip() for n in d.get("authorName", "").split(";") if n.strip()) or None,
            "title": d.get("title") or source.label,
            "journal" if kind == "article" else "howpublished": d.get("work"),
            "publisher": source.publisher,
            "volume": d.get("volume"),
            "number": d.get("issue"),
            "pages": d.get("pages"),
            "year": source.year or None,
            "date": d.get("published"),
            "doi": d.get("doi"),
            "isbn": d.get("isbn"),
            "url": d.get("url"),
            "urldate": d.get("retrieved"),
        },
    )


def _answer_csl(asked: _Asked) -> dict[str, object]:
    return {
        "id": asked.key,
        "type": "dataset",
        "title": asked.title,
        "author": [{"literal": AUTHOR}],
        "container-title": DATASET_TITLE,
        "version": asked.release.version,
        "issued": {"date-parts": _date_parts(asked.release.date)},
        "URL": asked.where or asked.version_iri,
        "license": LICENCE,
        "note": f"Answer to the stored question {asked.name}; release IRI {asked.version_iri}",
    }


def source_csl(source: Source) -> dict[str, object]:
    """A source as a CSL-JSON item, with the fields the graph records for it."""
    d = source.details
    item: dict[str, object] = {
        "id": _source_key(source),
        "type": _source_type(source),
        "title": d.get("title") or source.label,
    }
    optional = {
        "author": _people(d["authorName"]) if d.get("authorName") else None,
        "container-title": d.get("work"),
        "publisher": source.publisher,
        "volume": d.get("volume"),
        "issue": d.get("issue"),
        "page": d.get("pages"),
        "issued": {"date-parts": _date_parts(d["published"])}
        if d.get("published") and _date_parts(d["published"])
        else None,
        "accessed": {"date-parts": _date_parts(d["retrieved"])}
        if d.get("retrieved") and _date_parts(d["retrieved"])
        else None,
        "DOI": d.get("doi"),
        "ISBN": d.get("isbn"),
        "URL": d.get("url"),
        "language": d.get("language"),
    }
    item.update({k: v for k, v in optional.items() if v})
    return item


def cite_answer(
    name: str,
    summary: str,
    params: dict[str, str],
    release: Release,
    page_url: str | None,
    sources: list[Source],
) -> Citation:
    """The citation of one stored question's answer (with these parameters) in one release: as text,
    as BibTeX and as CSL-JSON, the sources behind its rows with it."""
    given = ", ".join(f"{k} = {v}" for k, v in params.items())
    title = summary + (f" ({given})" if given else "")
    asked = _Asked(name, title, release, page_url or (release.url or ""), f"{DATASET}/{release.version}")
    bibtex = "\n\n".join([_answer_bibtex(asked, sources), *(source_bibtex(s) for s in sources)]) + "\n"
    items = [_answer_csl(asked), *(source_csl(s) for s in sources)]
    csl = json.dumps(items, ensure_ascii=False, indent=2) + "\n"
    return Citation(_answer_text(asked, sources), bibtex, csl)


__all__ = ["Citation", "Release", "cite_answer", "source_bibtex", "source_csl", "source_text"]
