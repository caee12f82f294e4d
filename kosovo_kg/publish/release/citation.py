"""CITATION.cff (Citation File Format 1.2.0) for a release."""

from __future__ import annotations

import pyoxigraph as ox

from kosovo_kg.core.store import KnowledgeGraph
from kosovo_kg.namespaces import DATASET, KKG, KKR
from kosovo_kg.publish.release.graph import ARTICLE, article_url

CLDR = KKR + "src-cldr"


def _value(kg: KnowledgeGraph, iri: str, prop: str) -> str | None:
    for quad in kg.store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(KKG + prop), None):
        if isinstance(quad.object, ox.Literal):
            return quad.object.value
    return None


def citation(kg: KnowledgeGraph, version: str, date: str, commit: str | None, base_url: str | None) -> str:
    """CITATION.cff (Citation File Format 1.2.0) for the release, with the article it derives
    from and the CLDR release its names come from as references, as the graph records them."""
    cff: dict[str, object] = {
        "cff-version": "1.2.0",
        "message": "If you use this dataset, please cite it as below. It is derived from the English Wikipedia "
        "article “Kosovo–NATO relations” and the sources it cites, and shares their licence: reuse it under "
        "CC BY-SA 4.0, with attribution.",
        "type": "dataset",
        "title": "kosovo-kg: a knowledge graph of Kosovo–NATO relations",
        "abstract": "Every statement, poll, membership, recognition and event of the Wikipedia article "
        "“Kosovo–NATO relations” as a dated, sourced node of an RDF graph, with an OWL ontology, SHACL shapes "
        "and Wikidata links.",
        "authors": [{"name": "The kosovo-kg developers"}],
        "version": version,
        "date-released": date,
        "license": "CC-BY-SA-4.0",
        "identifiers": [
            {"type": "url", "value": f"{DATASET}/{version}", "description": "The version IRI of this release"}
        ],
        "keywords": ["Kosovo", "NATO", "knowledge graph", "RDF", "SPARQL", "Wikidata"],
    }
    if commit:
        cff["commit"] = commit
    if base_url:
        cff["url"] = base_url + "/"
    references: list[dict[str, object]] = []
    article, article_title = article_url(kg), _value(kg, ARTICLE, "title")
    if article and article_title:
        references.append(
            {
                "type": "encyclopedia",
                "title": article_title,
                "authors": [{"name": "Wikipedia contributors"}],
                "collection-title": _value(kg, ARTICLE, "work") or "Wikipedia",
                "url": article,
                "license": "CC-BY-SA-4.0",
            }
        )
    cldr_title, cldr_work, cldr_url = (_value(kg, CLDR, p) for p in ("title", "work", "url"))
    if cldr_title and cldr_work:
        reference: dict[str, object] = {"type": "data", "title": cldr_title, "authors": [{"name": cldr_work}]}
        if cldr_url:
            reference["url"] = cldr_url
        references.append(reference)
    if references:
        cff["references"] = references
    return (
        "# The Citation File Format 1.2.0 (https://citation-file-format.github.io/), written by kosovo-kg release\n"
        + (_yaml_text(cff))
    )


def _yaml_text(document: dict[str, object]) -> str:
    """YAML written by PyYAML, which quotes and escapes whatever a value holds (a newline, a
    colon, a "#", a leading "-" or "&", a control character) so that it reads back as the same
    string and never as another key, a number or a date. Keys in the order given; text beyond
    ASCII as it is; long values unwrapped."""
    import yaml

    class Dumper(yaml.SafeDumper):
        """PyYAML writes a string holding NEL, U+2028 or U+2029 (line breaks to YAML) or a control
        character raw in a plain or single-quoted scalar, where it reads back as a line break;
        such a string is written double-quoted, where every one of them is escaped."""

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        breaks = not value.isprintable() or any(c in value for c in "\x85\u2028\u2029")
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"' if breaks else None)

    Dumper.add_representer(str, text)
    return yaml.dump(
        document, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=1 << 16, default_flow_style=False
    )
