"""How the graph links to Wikidata: coverage, each link with its evidence grade, missing links and
why, identifiers used twice, and links whose recorded Wikidata label disagrees with ours."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from kosovo_kg.core.store import KnowledgeGraph
from kosovo_kg.namespaces import WD
from kosovo_kg.querying.pipeline import execute

#: The kinds of thing that should link to Wikidata, by the class whose instances they are.
LINKABLE = {
    "state": "kkg:State",
    "province": "kkg:AutonomousProvince",
    "organization": "kkg:Organization",
    "person": "kkg:Person",
    "office": "kkg:Office",
    "event": "kkg:Event",
    "population group": "kkg:PopulationGroup",
}

#: The grades of kkg:EvidenceGradeScheme by their labels, strongest first; "none" is a link without one.
GRADE_ORDER = {"strong": 0, "single": 1, "none": 2}


@dataclass
class LinkReport:
    coverage: dict[str, tuple[int, int]] = field(default_factory=dict)  # kind -> (linked, total)
    missing: list[dict[str, str]] = field(default_factory=list)  # entity, label, kind, reason
    shared: list[dict[str, str]] = field(default_factory=list)  # wikidata, entities
    label_disagreements: list[dict[str, str]] = field(default_factory=list)  # entity, label, wikidata, wikidata_label
    labels_not_recorded: int = 0
    # Evidence (issue 25): every link carries a grade, and meets that grade's rule. Strong: pairings of
    # its identifier from two repositories. Single: one pairing from a curated file that records the
    # attribute agreeing with the graph.
    evidenced: int = 0  # links that meet their grade's rule
    grades: dict[str, int] = field(default_factory=dict)  # grade -> links
    links: list[dict[str, str]] = field(default_factory=list)  # entity, label, wikidata, grade, repositories
    weak: list[dict[str, str]] = field(default_factory=list)  # entity, label, wikidata, repositories, grade
    candidates: list[dict[str, str]] = field(default_factory=list)  # entity, label, wikidata, repositories

    @property
    def linked(self) -> int:
        return sum(linked for linked, _ in self.coverage.values())

    @property
    def ok(self) -> bool:
        return not self.shared and not self.weak

    @property
    def text_lines(self) -> list[str]:
        """The report as lines, each one line whatever the labels and reasons hold (see
        :func:`kosovo_kg.cli.options.write_report`); a blank line between the parts."""
        lines = ["Wikidata links by kind (linked / all):"]
        linked_total = sum(linked for linked, _ in self.coverage.values())
        all_total = sum(total for _, total in self.coverage.values())
        width = max(len(kind) for kind in [*self.coverage, "all"])
        for kind, (linked, total) in self.coverage.items():
            lines.append(f"  {kind:<{width}} {linked:>3} / {total:<3} {_percent(linked, total)}")
        lines.append(f"  {'all':<{width}} {linked_total:>3} / {all_total:<3} {_percent(linked_total, all_total)}")
        grades = ", ".join(f"{grade} {count}" for grade, count in self.grades.items()) or "none"
        lines += [
            "",
            f"Links whose evidence meets their grade: {self.evidenced} / {self.linked} "
            f"{_percent(self.evidenced, self.linked)} ({grades})",
        ]
        lines += [
            f"  weak: {w['label']} ({w['wikidata']}): graded {w['grade']}, pairings from "
            f"{w['repositories']} repository(ies)"
            for w in self.weak
        ]
        lines.append("")
        lines.append(f"Links and their evidence grades ({len(self.links)}):")
        lines += [f"  {link['grade']:<7} {link['label']} ({link['wikidata']})" for link in self.links] or ["  none"]
        lines.append(f"Candidates, their pairings enough for neither grade ({len(self.candidates)}):")
        lines += [f"  {c['label']}: {c['wikidata']} ({c['repositories']})" for c in self.candidates] or ["  none"]
        lines.append("")
        lines.append(f"Without a Wikidata link ({len(self.missing)}):")
        lines += [f"  {m['label']} ({m['kind']}): {m['reason']}" for m in self.missing]
        lines.append("")
        lines.append(f"Identifiers used by more than one entity ({len(self.shared)}):")
        lines += [f"  {s['wikidata']}: {s['entities']}" for s in self.shared] or ["  none"]
        lines.append("")
        lines.append(f"Recorded Wikidata label differs from ours ({len(self.label_disagreements)}):")
        lines += [
            f'  {d["wikidata"]}: ours "{d["label"]}", Wikidata "{d["wikidata_label"]}"'
            for d in self.label_disagreements
        ] or ["  none"]
        lines.append(f"  ({self.labels_not_recorded} linked entities have no recorded Wikidata label to compare)")
        return lines

    @property
    def text(self) -> str:
        return "\n".join(self.text_lines)

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
    >>> report.evidenced == report.linked, report.shared, report.weak, sorted(report.grades)
    (True, [], [], ['single', 'strong'])
    """
    report = LinkReport()
    for step in (_coverage, _links_and_grades, _candidates_and_missing, _shared_identifiers, _label_disagreements):
        step(kg, report)
    return report


def _coverage(kg: KnowledgeGraph, report: LinkReport) -> None:
    """How many entities of each kind have a link."""
    for kind, cls in LINKABLE.items():
        rows = execute(
            f"""SELECT (COUNT(DISTINCT ?e) AS ?total) (COUNT(DISTINCT ?linked) AS ?linkedCount) WHERE {{
                  ?e a/rdfs:subClassOf* {cls} .
                  OPTIONAL {{ ?e owl:sameAs ?item . FILTER(STRSTARTS(STR(?item), "{WD}")) BIND(?e AS ?linked) }}
                }}""",
            kg=kg,
        )
        row = next(iter(rows))
        report.coverage[kind] = (row["linkedCount"], row["total"])


def _links_and_grades(kg: KnowledgeGraph, report: LinkReport) -> None:
    """Every link with its grade, and whether its pairings meet the grade's rule."""
    for row in execute(
        f"""SELECT ?entity ?label ?item (SAMPLE(?gradeLabel) AS ?grade)
                   (COUNT(DISTINCT ?repository) AS ?repositories) (COUNT(DISTINCT ?agreeing) AS ?agreeingPairings)
            WHERE {{
              ?entity owl:sameAs ?item ; rdfs:label ?label .
              FILTER(STRSTARTS(STR(?item), "{WD}"))
              OPTIONAL {{ ?entity kkg:evidenceGrade/rdfs:label ?g BIND(STR(?g) AS ?gradeLabel) }}
              OPTIONAL {{
                ?entity kkg:wikidataEvidence ?pairing .
                ?pairing kkg:pairingRepository ?repository ; kkg:pairedIdentifier ?id .
                FILTER(?id = STRAFTER(STR(?item), "{WD}"))
                OPTIONAL {{ ?pairing kkg:curatedFileKind ?kind ; kkg:agreeingAttribute ?attribute BIND(?pairing AS ?agreeing) }}
              }}
            }} GROUP BY ?entity ?label ?item ORDER BY ?label""",
        kg=kg,
    ):
        grade = str(row["grade"] or "none")
        link = {
            "entity": row["entity"],
            "label": row["label"],
            "wikidata": row["item"].removeprefix(WD),
            "grade": grade,
            "repositories": str(row["repositories"]),
        }
        report.links.append(link)
        report.grades[grade] = report.grades.get(grade, 0) + 1
        meets = (grade == "strong" and row["repositories"] >= 2) or (grade == "single" and row["agreeingPairings"] >= 1)
        if meets:
            report.evidenced += 1
        else:
            report.weak.append(link)
    report.grades = dict(sorted(report.grades.items(), key=lambda item: GRADE_ORDER.get(item[0], len(GRADE_ORDER))))


def _candidates_and_missing(kg: KnowledgeGraph, report: LinkReport) -> None:
    """Pairings not (yet) enough for a link, and the entities without one, with the reason."""
    for row in execute(
        """SELECT DISTINCT ?entity ?label ?id ?repository WHERE {
             ?entity kkg:wikidataEvidence ?pairing ; rdfs:label ?label .
             ?pairing kkg:pairedIdentifier ?id ; kkg:pairingRepository ?repository .
             MINUS { ?entity owl:sameAs ?item }
           } ORDER BY ?label ?id ?repository""",
        kg=kg,
    ):
        key = {"entity": row["entity"], "label": row["label"], "wikidata": row["id"]}
        if report.candidates and all(report.candidates[-1][k] == v for k, v in key.items()):
            report.candidates[-1]["repositories"] += f", {row['repository']}"
        else:
            report.candidates.append({**key, "repositories": str(row["repository"])})
    for row in execute(
        """SELECT ?entity ?label ?kind ?reason WHERE {
             ?entity kkg:noWikidataReason ?reason ; rdfs:label ?label ; a ?class .
             ?class rdfs:label ?kind .
             MINUS { ?entity a ?narrower . ?narrower rdfs:subClassOf+ ?class }  # most specific class only
             MINUS { ?entity owl:sameAs ?item }
           } ORDER BY LCASE(?kind) ?label""",
        kg=kg,
    ):
        report.missing.append({k: str(row[k]) for k in ("entity", "label", "kind", "reason")})


def _shared_identifiers(kg: KnowledgeGraph, report: LinkReport) -> None:
    """A Wikidata identifier that two entities use."""
    for row in execute(
        f"""SELECT ?item (COUNT(DISTINCT ?e) AS ?n) WHERE {{
              ?e owl:sameAs ?item . FILTER(STRSTARTS(STR(?item), "{WD}"))
            }} GROUP BY ?item HAVING (COUNT(DISTINCT ?e) > 1) ORDER BY ?item""",
        kg=kg,
    ):
        entities = execute(f"SELECT ?e WHERE {{ ?e owl:sameAs <{row['item']}> }} ORDER BY ?e", kg=kg)
        report.shared.append(
            {
                "wikidata": row["item"].removeprefix(WD),
                "entities": ", ".join(kg.label(e["e"]) for e in entities),
            }
        )


def _label_disagreements(kg: KnowledgeGraph, report: LinkReport) -> None:
    """Links whose recorded Wikidata label differs from ours."""
    for row in execute(
        f"""SELECT ?entity ?label ?item ?recorded WHERE {{
              ?entity owl:sameAs ?item ; rdfs:label ?label .
              FILTER(STRSTARTS(STR(?item), "{WD}"))
              OPTIONAL {{ ?entity kkg:wikidataLabel ?recorded }}
            }} ORDER BY ?label""",
        kg=kg,
    ):
        if row["recorded"] is None:
            report.labels_not_recorded += 1
        elif str(row["recorded"]).casefold() != str(row["label"]).casefold():
            report.label_disagreements.append(
                {
                    "entity": row["entity"],
                    "label": row["label"],
                    "wikidata": row["item"].removeprefix(WD),
                    "wikidata_label": row["recorded"],
                }
            )
