"""publish/site.py: the static Linked Data site of a release: relative links, a file per resource
(its page and its RDF, in a fixed order), the names index the search reads, and the rewrite rules
content negotiation needs. The whole site, built inside a release, is tests/publish/release/
test_build.py's and tests/system/test_site_browser.py's."""

from __future__ import annotations

import json
import re

import pyoxigraph as ox
import pytest

from kosovo_kg.core.store import load_graph
from kosovo_kg.errors import ReleaseError
from kosovo_kg.namespaces import KKG, KKR, RDFS_LABEL, SKOS
from kosovo_kg.publish.pages import Pages
from kosovo_kg.publish.release.graph import canonical_graph
from kosovo_kg.publish.site import (
    RDF_FILES,
    SITE_URL_PLACEHOLDER,
    Entry,
    SiteLinks,
    build_ontology_docs_reproducibly,
    entries,
    htaccess,
    resource_names,
    search_index,
    w3id_htaccess,
    write_resource,
)
from kosovo_kg.querying.pipeline import QueryOptions


@pytest.mark.parametrize(("depth", "root"), [(0, ""), (1, "../")])
def test_every_link_of_the_site_is_relative(depth, root):
    links = SiteLinks(depth)
    assert (links.home(), links.resource("kosovo"), links.turtle("kosovo")) == (
        root + "index.html",
        root + "resource/kosovo.html",
        root + "resource/kosovo.ttl",
    )
    assert links.resource_format("kosovo", "jsonld") == root + "resource/kosovo.jsonld"
    assert links.resource_format("kosovo", "nt") == root + "resource/kosovo.nt"
    assert (links.chart("polls"), links.question("poll-trend", {"x": "1"})) == (
        root + "charts/polls.svg",
        root + "queries/poll-trend.html",  # the site has each question with its defaults only
    )
    assert links.download("poll-trend", "csv") == root + "queries/poll-trend.csv"
    assert links.static("site.css").startswith(root + "static/site.") and links.search() == root + "search.html"
    assert links.resource_pattern() == (root + "resource/", ".html")
    # no endpoint behind a static site: no editor, no API, not live
    assert links.editor("poll-trend") is None and links.api() is None and not links.live


def test_every_resource_of_the_graph_has_a_name_that_can_be_a_file_name(kg):
    names = resource_names(kg)
    assert names == sorted(names) and len(names) > 290 and "kosovo" in names
    assert all(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_~-]*", name) for name in names)


def test_a_resource_name_that_cannot_be_a_file_name_is_refused(tmp_path):
    (tmp_path / "x.ttl").write_text(f'<{KKR}a.b> <{RDFS_LABEL}> "A dot" .\n<{KKR}fine> <{RDFS_LABEL}> "Fine" .\n')
    with pytest.raises(ReleaseError, match=r"^the resource name 'a\.b' cannot be a file name of the site$"):
        resource_names(load_graph([tmp_path / "x.ttl"], packaged=False))


def test_each_entry_has_its_label_its_most_specific_kind_and_every_name(tmp_path):
    (tmp_path / "x.ttl").write_text(
        f"@prefix kkg: <{KKG}> . @prefix kkr: <{KKR}> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f"@prefix skos: <{SKOS}> .\n"
        'kkg:Actor rdfs:label "actor"@en . kkg:State rdfs:label "state"@en ; rdfs:subClassOf kkg:Actor .\n'
        'kkr:kosovo a kkg:State , kkg:Actor ; rdfs:label "Kosovo"@en , "Kosova"@sq ; skos:altLabel "Косово"@sr-latn .\n'
        "kkr:unknown kkg:p 1 .\n"
    )
    kg = load_graph([tmp_path / "x.ttl"], packaged=False)
    found = entries(kg, ["kosovo", "unknown"], Pages(kg, allow_federation=False))
    assert found == [
        Entry("kosovo", "Kosovo", "state", [("Kosova", "sq"), ("Kosovo", "en"), ("Косово", "sr-Latn")]),
        Entry("unknown", "unknown", "resource", []),
    ]


def test_the_search_index_is_a_script_that_no_name_can_end(tmp_path):
    (tmp_path / "x.ttl").write_text(
        f'<{KKR}x> <{RDFS_LABEL}> "</script><script>alert(1)</script>"@en ; <{SKOS}altLabel> "Vučić"@sr-latn .\n'
        f'<urn:x:elsewhere> <{RDFS_LABEL}> "Not a resource of the site"@en .\n'
    )
    script = search_index(load_graph([tmp_path / "x.ttl"], packaged=False))
    assert script.startswith("// Every name of every resource, for search.js") and "</script>" not in script
    data = json.loads(script.split("window.KOSOVO_KG_INDEX = ", 1)[1].rstrip(";\n"))
    assert [entity["name"] for entity in data["entities"]] == ["x"]  # only resources of the site
    names = {name[0] for name in data["entities"][0]["names"]}
    assert {"</script><script>alert(1)</script>", "Vučić"} <= names
    assert data["fold"]["č"] == "c" and data["fold"]["ć"] == "c"  # the browser folds a query as the index did


def test_the_sites_rules_negotiate_each_rdf_file_and_the_page():
    rules = htaccess()
    for suffix, (media, _) in RDF_FILES.items():
        assert f"RewriteRule ^resource/([^/.]+)$ resource/$1.{suffix} [L]" in rules
        assert f"AddType {media} .{suffix}" in rules
    assert rules.rstrip().endswith("</IfModule>") and "RewriteRule ^resource/([^/.]+)$ resource/$1.html [L]" in rules
    assert "\\.(html|ttl|jsonld|nt)$" in rules


def test_the_w3id_rules_redirect_to_the_site_given_or_say_where_to_put_it():
    rules = w3id_htaccess("https://kosovo-kg.github.io/releases/1/site/")
    assert (
        "RewriteRule ^resource/([A-Za-z0-9][A-Za-z0-9_~-]*)$ https://kosovo-kg.github.io/releases/1/site/resource/$1.ttl [R=303,L,NE]"
        in rules
    )
    assert "RewriteRule ^ontology$ https://kosovo-kg.github.io/releases/1/site/../ontology.ttl [R=303,L,NE]" in rules
    assert SITE_URL_PLACEHOLDER not in rules and "RewriteCond %{HTTP_ACCEPT} text/turtle" in rules
    placeholder = w3id_htaccess(None)
    assert "replace SITE-URL below with the address of site/" in placeholder
    assert "RewriteRule ^$ SITE-URL/index.html [R=303,L,NE]" in placeholder


def test_the_w3id_rules_redirect_to_a_site_address_with_a_percent_or_a_dollar_as_it_is():
    """mod_rewrite reads $N and %N in a substitution as back-references and escapes a redirect's
    address unless told NE: under Apache 2.4, --base-url https://x.test/my%20site/$1/ sent
    resource/greece to https://x.test/my0site/greece/site/resource/greece.ttl. Here the substitution
    is expanded as mod_rewrite's do_expand does (\\$ and \\% literal, $N and %N back-references)."""

    def expand(substitution: str, groups: tuple[str, ...]) -> str:
        return re.sub(
            r"\\([$%])|\$(\d)|%(\d)",
            lambda m: m.group(1) or (groups[int(m.group(2)) - 1] if m.group(2) else ""),
            substitution,
        )

    site = "https://x.test/my%20site/$1/"
    redirects = {}
    for line in w3id_htaccess(site).splitlines():
        if line.startswith("RewriteRule ^resource/"):
            _, pattern, substitution, flags = line.split()
            assert "NE" in flags.strip("[]").split(",")
            match = re.search(pattern, "resource/greece")
            assert match is not None and not re.search(pattern, "resource/a\r\nX-Evil: y")
            redirects[substitution.rsplit(".", 1)[1]] = expand(substitution, match.groups())
    assert redirects == {s: f"https://x.test/my%20site/$1/resource/greece.{s}" for s in ("ttl", "jsonld", "nt", "html")}


def test_a_resource_is_written_as_its_page_and_its_rdf_in_three_formats(tmp_path):
    kg = canonical_graph(load_graph())  # as a release writes it: blank nodes named alike at every load
    pages = Pages(kg, allow_federation=False, links=SiteLinks(1))
    write_resource(tmp_path, "spain", kg, pages, QueryOptions())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["spain.html", "spain.jsonld", "spain.nt", "spain.ttl"]
    page = (tmp_path / "spain.html").read_text(encoding="utf-8")
    assert (
        "<h1>Spain</h1>" in page
        and 'href="../resource/recognition-spain-kosovo.html"' in page
        and 'href="/' not in page
    )
    nt = {q.triple for q in ox.parse(path=tmp_path / "spain.nt", format=ox.RdfFormat.N_TRIPLES)}
    ttl = {q.triple for q in ox.parse(path=tmp_path / "spain.ttl", format=ox.RdfFormat.TURTLE)}
    assert nt == ttl and ox.NamedNode(KKR + "spain") in {t.subject for t in nt}
    # the same resource written again gives the same bytes (the store's order is not the file's)
    again = tmp_path / "again"
    again.mkdir()
    other = canonical_graph(load_graph())
    write_resource(again, "spain", other, Pages(other, False, SiteLinks(1)), QueryOptions())
    for name in ("spain.html", "spain.ttl", "spain.nt", "spain.jsonld"):
        assert (again / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_documentation_that_cannot_be_built_is_one_error(tmp_path):
    with pytest.raises(ReleaseError, match=r"^the ontology's documentation could not be built: "):
        build_ontology_docs_reproducibly(tmp_path / "ontology", tmp_path / "no-such-ontology.ttl")
