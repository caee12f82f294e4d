"""How the graph links to Wikidata: coverage, missing links and why, identifiers used twice,
and links whose recorded Wikidata label disagrees with ours."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .engines import run_query
from .store import KnowledgeGraph

WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"

#: The kinds of thing that should link to Wikidata, by the class whose instances they are.
LINKABLE = {
    "state": "kkg:State",
    "province": "kkg:AutonomousProvince",
    "organization": "kkg:Organization",
    "person": "kkg:Person",
    "office": "kkg:Office",
    "event": "kkg:Event",
}


@dataclass
class LinkReport:
    coverage: dict[str, tuple[int, int]] = field(default_factory=dict)  # kind -> (linked, total)
    missing: list[dict[str, str]] = field(default_factory=list)  # entity, label, kind, reason
    shared: list[dict[str, str]] = field(default_factory=list)  # wikidata, entities
    label_disagreements: list[dict[str, str]] = field(default_factory=list)  # entity, label, wikidata, wikidata_label
    labels_not_recorded: int = 0

    @property
    def ok(self) -> bool:
        return not self.shared

    @property
    def text(self) -> str:
        lines = ["Wikidata links by kind (linked / all):"]
        linked_total = sum(linked for linked, _ in self.coverage.values())
        all_total = sum(total for _, total in self.coverage.values())
        for kind, (linked, total) in self.coverage.items():
            lines.append(f"  {kind:<13} {linked:>3} / {total:<3} {_percent(linked, total)}")
        lines.append(f"  {'all':<13} {linked_total:>3} / {all_total:<3} {_percent(linked_total, all_total)}")
        lines.append(f"\nWithout a Wikidata link ({len(self.missing)}):")
        lines += [f"  {m['label']} ({m['kind']}): {m['reason']}" for m in self.missing]
        lines.append(f"\nIdentifiers used by more than one entity ({len(self.shared)}):")
        lines += [f"  {s['wikidata']}: {s['entities']}" for s in self.shared] or ["  none"]
        lines.append(f"\nRecorded Wikidata label differs from ours ({len(self.label_disagreements)}):")
        lines += [
            f'  {d["wikidata"]}: ours "{d["label"]}", Wikidata "{d["wikidata_label"]}"'
            for d in self.label_disagreements
        ] or ["  none"]
        lines.append(f"  ({self.labels_not_recorded} linked entities have no recorded Wikidata label to compare)")
        return "\n".join(lines)

    def to_json(self) -> dict:
        data = asdict(self)
        data["coverage"] = {kind: {"linked": linked, "total": total} for kind, (linked, total) in self.coverage.items()}
        return data


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "-"


def link_report(kg: KnowledgeGraph) -> LinkReport:
    """The linking report of a graph.

    >>> from kosovo_kg import load_graph
    >>> report = link_report(load_graph())
    >>> report.coverage["state"][0] == report.coverage["state"][1], report.shared
    (True, [])
    """
    report = LinkReport()
    for kind, cls in LINKABLE.items():
        rows = run_query(
            f"""SELECT (COUNT(DISTINCT ?e) AS ?total) (COUNT(DISTINCT ?linked) AS ?linkedCount) WHERE {{
                  ?e a/rdfs:subClassOf* {cls} .
                  OPTIONAL {{ ?e owl:sameAs ?item . FILTER(STRSTARTS(STR(?item), "{WIKIDATA_ENTITY}")) BIND(?e AS ?linked) }}
                }}""",
            graph=kg,
        )
        row = next(iter(rows))
        report.coverage[kind] = (row["linkedCount"], row["total"])
    for row in run_query(
        """SELECT ?entity ?label ?kind ?reason WHERE {
             ?entity kkg:noWikidataReason ?reason ; rdfs:label ?label ; a ?class .
             ?class rdfs:label ?kind .
             MINUS { ?entity a ?narrower . ?narrower rdfs:subClassOf+ ?class }  # most specific class only
           } ORDER BY LCASE(?kind) ?label""",
        graph=kg,
    ):
        report.missing.append({k: str(row[k]) for k in ("entity", "label", "kind", "reason")})
    for row in run_query(
        f"""SELECT ?item (COUNT(DISTINCT ?e) AS ?n) WHERE {{
              ?e owl:sameAs ?item . FILTER(STRSTARTS(STR(?item), "{WIKIDATA_ENTITY}"))
            }} GROUP BY ?item HAVING (COUNT(DISTINCT ?e) > 1) ORDER BY ?item""",
        graph=kg,
    ):
        entities = run_query(f"SELECT ?e WHERE {{ ?e owl:sameAs <{row['item']}> }} ORDER BY ?e", graph=kg)
        report.shared.append(
            {
                "wikidata": row["item"].removeprefix(WIKIDATA_ENTITY),
                "entities": ", ".join(kg.label(e["e"]) for e in entities),
            }
        )
    for row in run_query(
        f"""SELECT ?entity ?label ?item ?recorded WHERE {{
              ?entity owl:sameAs ?item ; rdfs:label ?label .
              FILTER(STRSTARTS(STR(?item), "{WIKIDATA_ENTITY}"))
              OPTIONAL {{ ?entity kkg:wikidataLabel ?recorded }}
            }} ORDER BY ?label""",
        graph=kg,
    ):
        if row["recorded"] is None:
            report.labels_not_recorded += 1
        elif str(row["recorded"]).casefold() != str(row["label"]).casefold():
            report.label_disagreements.append(
                {
                    "entity": row["entity"],
                    "label": row["label"],
                    "wikidata": row["item"].removeprefix(WIKIDATA_ENTITY),
                    "wikidata_label": row["recorded"],
                }
            )
    return report
