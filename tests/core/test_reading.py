"""core/reading.py: RDF and query files read whole or refused with one message naming the file
(and the line): not a regular file, too large, not UTF-8, an unknown type, nested too deep,
XML entities that expand without bound; a file without triples is an empty graph. The command
line's view of the same is the bad-input corpus (tests/system/test_bad_input.py); these are the
functions' own."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kosovo_kg.core import reading
from kosovo_kg.core.reading import load_file, parse_file, read_limited, read_query_file, regular_file
from kosovo_kg.errors import LoadError

EX = "https://w3id.org/kosovo-kg/test/"


@pytest.fixture(autouse=True)
def here(tmp_path, monkeypatch):
    """Files are shown relative to the working folder: work in the test's own."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_regular_file_gives_its_status(here):
    (here / "a.ttl").write_text("x")
    assert regular_file(here / "a.ttl").st_size == 1


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: None, "a.rq: no such file"),
        (lambda p: p.symlink_to(p.parent / "gone.rq"), "a.rq: is a link to a file that does not exist"),
        (lambda p: p.mkdir(), "a.rq: is a folder; expected a query (.rq)"),
        (lambda p: os.mkfifo(p), "a.rq: is not a regular file (a device, FIFO or socket); expected a query (.rq)"),
        (lambda p: p.symlink_to(p), "a.rq: cannot be read: "),
    ],
    ids=["missing", "dangling-link", "folder", "fifo", "symlink-loop"],
)
def test_what_is_not_a_regular_file_is_refused_before_it_is_read(here, make, message):
    make(here / "a.rq")
    with pytest.raises(LoadError) as caught:
        regular_file(Path("a.rq"), "a query (.rq)")
    assert str(caught.value).startswith(message)


def test_a_device_is_refused_rather_than_read_forever():
    with pytest.raises(LoadError, match=r"^/dev/zero: is not a regular file \(a device, FIFO or socket\)"):
        read_limited(Path("/dev/zero"), 1 << 20, "a query")


def test_read_limited_reads_up_to_the_limit_and_refuses_beyond(here):
    path = here / "big.rq"
    path.write_bytes(b"x" * (1 << 20))
    assert read_limited(path, 1 << 20, "a query") == b"x" * (1 << 20)
    path.write_bytes(b"x" * ((1 << 20) + 1))
    with pytest.raises(LoadError, match=r"^big\.rq: is larger than the limit of 1 MiB for a query$"):
        read_limited(path, 1 << 20, "a query")


def test_a_query_file_gives_the_name_to_show_and_its_text(here):
    (here / "q.rq").write_text("ASK { ?s ?p 'Thaçi' }\n", encoding="utf-8")
    assert read_query_file("q.rq") == ("q.rq", "ASK { ?s ?p 'Thaçi' }\n")
    (here / "bad.rq").write_bytes(b"ASK {\n}\n# caf\xe9\n")
    with pytest.raises(LoadError, match=r"^bad\.rq:3: is not valid UTF-8 \(byte 13\)$") as caught:
        read_query_file(here / "bad.rq")
    assert caught.value.line == 3


def test_a_query_from_standard_input_is_read_up_to_the_limit(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"ASK {}\n")))
    assert read_query_file("-") == ("<stdin>", "ASK {}\n")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"\xff")))
    with pytest.raises(LoadError, match=r"^<stdin>:1: is not valid UTF-8 \(byte 0\)$"):
        read_query_file("-")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"#" * (reading.MAX_QUERY_BYTES + 1))))
    with pytest.raises(LoadError, match=r"^<stdin>: is larger than the limit of 16 MiB for a query$"):
        read_query_file("-")


@pytest.mark.parametrize(
    ("name", "suffix"),
    [("data.txt", "'.txt'"), ("data", "'(none)'"), ("data.ttl.bak", "'.bak'")],
)
def test_an_unknown_file_type_is_refused_naming_the_known_ones(here, name, suffix):
    (here / name).write_text(f"<{EX}a> <{EX}b> <{EX}c> .\n")
    with pytest.raises(LoadError) as caught:
        parse_file(here / name)
    assert str(caught.value) == (
        f"{name}: unknown file type {suffix}; expected one of .jsonld, .nt, .owl, .rdf, .ttl, .xml"
    )


def test_the_suffix_is_read_in_any_case_and_relative_iris_resolve_against_the_file(here):
    (here / "data.TTL").write_text("<a> <b> <c> .\n")
    [triple] = parse_file(here / "data.TTL")
    assert triple.subject == ox.NamedNode((here / "a").as_uri())


@pytest.mark.parametrize("name", ["empty.ttl", "empty.nt", "blank.rdf", "blank.jsonld", "comments.ttl"])
def test_a_file_without_triples_is_an_empty_graph_of_the_store(here, name):
    """A query over it alone runs over an empty dataset, and FROM or default-graph-uri can name it."""
    text = {"empty": "", "blank": " \n\t\n", "comments": "# nothing stated yet\n"}[name.split(".")[0]]
    (here / name).write_text(text)
    assert parse_file(here / name) == []
    store, graph = ox.Store(), ox.NamedNode((here / name).as_uri())
    load_file(store, here / name, graph)
    assert list(store.named_graphs()) == [graph] and len(store) == 0


def test_a_syntax_error_names_the_file_line_and_column(here):
    (here / "bad.nt").write_text(f"<{EX}a> <{EX}b> <{EX}c> .\n<{EX}a> <{EX}b> .\n")
    with pytest.raises(LoadError) as caught:
        parse_file(here / "bad.nt")
    error = caught.value
    assert (error.path, error.line) == ("bad.nt", 2) and error.column is not None
    assert error.message.startswith("syntax error: ") and "Parser error" not in error.message


def jsonld(depth: int, inside: str = '"x"') -> str:
    return (
        f'{{"@context": {{"ex": "{EX}"}},\n"@id": "ex:a",\n"ex:p": '
        + '{"ex:p": ' * depth
        + inside
        + "}" * depth
        + "}\n"
    )


def test_json_ld_nested_deeper_than_the_limit_is_refused_with_the_line(here):
    (here / "deep.jsonld").write_text(jsonld(reading.MAX_JSON_DEPTH))
    with pytest.raises(LoadError, match=r"^deep\.jsonld:3: nests JSON objects or arrays more than 512 deep; refused$"):
        parse_file(here / "deep.jsonld")


def nested_triple_terms(depth: int) -> str:
    return (
        "<https://x.test/s> <https://x.test/p> "
        + "<<( <https://x.test/a> <https://x.test/b> " * depth
        + "<https://x.test/c>"
        + " )>>" * depth
        + " .\n"
    )


@pytest.fixture
def stack_of_8_mib():
    """The usual 8 MiB limit on the main thread's stack, where 20,000 nested terms overflow it
    (a machine set to more, or to none, would parse them: the test is of the refusal)."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_STACK)
    usual = 8 << 20
    if soft == resource.RLIM_INFINITY or soft > usual:
        resource.setrlimit(resource.RLIMIT_STACK, (usual, hard))
    yield
    resource.setrlimit(resource.RLIMIT_STACK, (soft, hard))


@pytest.mark.parametrize("name", ["deep.nt", "deep.ttl"])
def test_triple_terms_nested_until_the_parser_crashes_are_refused_not_a_crash(here, name, stack_of_8_mib):
    # regression: 20,000 nested triple terms killed every command that loaded the file (SIGSEGV)
    (here / name).write_text(nested_triple_terms(20000))
    for read in (parse_file, lambda path: load_file(ox.Store(), path, ox.NamedNode(EX + "g"))):
        with pytest.raises(LoadError, match=rf"^{name}: Oxigraph's parser crashed reading it \(SIGSEGV\)"):
            read(here / name)


def rdf_xml_triple_terms(depth: int) -> str:
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    return (
        f'<rdf:RDF xmlns:rdf="{rdf}" xmlns:ex="https://x.test/" rdf:version="1.2">'
        '<rdf:Description rdf:about="https://x.test/s">'
        + '<ex:p rdf:parseType="Triple"><rdf:Description rdf:about="https://x.test/a">' * depth
        + '<ex:b rdf:resource="https://x.test/c"/>'
        + "</rdf:Description></ex:p>" * depth
        + "</rdf:Description></rdf:RDF>"
    )


def test_rdf_xml_triple_terms_nested_until_the_parser_crashes_are_refused(here, stack_of_8_mib):
    (here / "deep.rdf").write_text(rdf_xml_triple_terms(20000))
    with pytest.raises(LoadError, match=r"^deep\.rdf: Oxigraph's parser crashed reading it \(SIGSEGV\)"):
        parse_file(here / "deep.rdf")
    (here / "shallow.rdf").write_text(rdf_xml_triple_terms(50))
    [triple] = parse_file(here / "shallow.rdf")
    assert isinstance(triple.object, ox.Triple)


def test_triple_terms_nested_a_little_are_read(here):
    (here / "shallow.nt").write_text(nested_triple_terms(50))
    [triple] = parse_file(here / "shallow.nt")
    assert isinstance(triple.object, ox.Triple)


def test_brackets_inside_json_strings_are_not_nesting(here):
    (here / "brackets.jsonld").write_text(jsonld(3, '"' + "{[" * 1000 + '\\"]}"'))
    [*triples] = parse_file(here / "brackets.jsonld")
    assert len(triples) == 4
    assert any(isinstance(t.object, ox.Literal) and t.object.value.startswith("{[{[") for t in triples)


RDF_XML = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
{entities}
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="{ex}">
  <rdf:Description rdf:about="{ex}a"><ex:p>{value}</ex:p></rdf:Description>
</rdf:RDF>
"""


def rdf_xml(entities: str, value: str) -> str:
    return RDF_XML.format(entities=entities, ex=EX, value=value)


def test_internal_xml_entities_as_protege_writes_them_are_read(here):
    (here / "ok.rdf").write_text(rdf_xml('<!ENTITY owl "http://www.w3.org/2002/07/owl#">', "&owl;Thing"))
    [triple] = parse_file(here / "ok.rdf")
    assert triple.object.value == "http://www.w3.org/2002/07/owl#Thing"


@pytest.mark.parametrize(
    ("entities", "value", "message"),
    [
        ('<!ENTITY % p "x">', "x", r"^x\.rdf:3: declares a parameter entity %p; these are not read$"),
        (
            '<!ENTITY e SYSTEM "file:///etc/passwd">',
            "&e;",
            r"^x\.rdf:3: declares an external entity e \(SYSTEM\); external entities are never loaded$",
        ),
        (
            '<!ENTITY a "&b;">\n<!ENTITY b "&a;">',
            "&a;",
            r"^x\.rdf:3: XML entity a refers to other entities or characters; nested entities \(a 'billion laughs'\) are not read$",
        ),
        (
            "\n".join(
                ['<!ENTITY l0 "' + "lol" * 10 + '">']
                + [f'<!ENTITY l{n} "' + f"&l{n - 1};" * 10 + '">' for n in range(1, 9)]
            ),
            "&l8;",
            r"^x\.rdf:4: XML entity l1 refers to other entities or characters; nested entities \(a 'billion laughs'\) are not read$",
        ),
    ],
    ids=["parameter", "external", "self-reference", "billion-laughs"],
)
def test_xml_entities_that_would_fetch_or_expand_without_bound_are_refused(here, entities, value, message):
    (here / "x.rdf").write_text(rdf_xml(entities, value))
    with pytest.raises(LoadError, match=message):
        parse_file(here / "x.rdf")


def test_load_file_puts_the_files_triples_in_its_named_graph(here):
    (here / "a.ttl").write_text(f"<{EX}a> <{EX}b> <{EX}c> , <{EX}d> .\n")
    (here / "b.rdf").write_text(rdf_xml("", "x"))
    store = ox.Store()
    graph_a, graph_b = ox.NamedNode((here / "a.ttl").as_uri()), ox.NamedNode((here / "b.rdf").as_uri())
    load_file(store, here / "a.ttl", graph_a)
    load_file(store, "b.rdf", graph_b)
    assert len(list(store.quads_for_pattern(None, None, None, graph_a))) == 2
    assert [q.object.value for q in store.quads_for_pattern(None, None, None, graph_b)] == ["x"]


def test_load_file_refuses_what_parse_file_refuses_and_loads_nothing(here):
    store = ox.Store()
    graph = ox.NamedNode(EX + "g")
    (here / "bad.ttl").write_text(f"<{EX}a> <{EX}b> <{EX}c> .\n<{EX}a> <{EX}b> .\n")
    with pytest.raises(LoadError, match=r"^bad\.ttl:2:\d+: syntax error: "):
        load_file(store, here / "bad.ttl", graph)
    (here / "deep.jsonld").write_text(jsonld(600))
    with pytest.raises(LoadError, match="more than 512 deep"):
        load_file(store, here / "deep.jsonld", graph)
    assert len(store) == 0 and list(store.named_graphs()) == []


MY_RDF_XML = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
{entities}
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="https://w3id.org/kosovo-kg/test/">
<rdf:Description rdf:about="https://w3id.org/kosovo-kg/test/a"><ex:b>{body}</ex:b></rdf:Description>
</rdf:RDF>
"""


def rdf_xml_file(tmp_path, entities: str, body: str):
    path = tmp_path / "data.rdf"
    path.write_text(MY_RDF_XML.format(entities=entities, body=body), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("entities", "name"),
    [
        ('<!ENTITY a "aaaa">\n<!ENTITY b "&a;&a;&a;">', "b"),  # nested: how a billion laughs grows
        ('<!ENTITY α "aaaa">\n<!ENTITY λόλ "&α;&α;&α;">', "λόλ"),  # the same in Greek
        ('<!ENTITY 笑 "aaaa">\n<!ENTITY 笑笑 "&笑;&笑;">', "笑笑"),  # in Han characters
        ('<!ENTITY a "aaaa">\n<!ENTITY b "&#38;a;&#38;a;">', "b"),  # a character reference that spells one
    ],
)
def test_nested_entities_are_refused_whatever_their_names_script(tmp_path, entities, name):
    path = rdf_xml_file(tmp_path, entities, "x")
    with pytest.raises(LoadError, match=f"XML entity {name} refers to other entities or characters") as refused:
        parse_file(path)
    assert refused.value.line == 4


def test_flat_entities_that_expand_too_far_are_refused(tmp_path):
    path = rdf_xml_file(tmp_path, f'<!ENTITY big "{"x" * 1000}">', "&big;" * 20_000)
    with pytest.raises(LoadError, match="its XML entities expand to more than 10,000,000 bytes"):
        parse_file(path)


def test_an_entity_declaration_the_check_cannot_read_is_refused(tmp_path):
    path = rdf_xml_file(tmp_path, "<!ENTITY odd>", "x")
    with pytest.raises(LoadError, match="declares an XML entity in a form that cannot be checked"):
        parse_file(path)


def test_a_byte_order_mark_is_named(tmp_path):
    data = tmp_path / "bom.ttl"
    data.write_bytes(b"\xef\xbb\xbf@prefix ex: <https://w3id.org/kosovo-kg/test/> .\nex:a ex:b ex:c .\n")
    with pytest.raises(LoadError, match=r"starts with a byte-order mark \(U\+FEFF; EF BB BF in UTF-8\)"):
        parse_file(data)
    query = tmp_path / "bom.rq"
    query.write_bytes(b"\xef\xbb\xbfASK {}")
    assert read_query_file(query)[1].startswith("\ufeff")  # read as it is; the pipeline tells it (test_pipeline)


def test_a_large_files_first_bad_byte_is_found_with_its_line(tmp_path):
    data = tmp_path / "big.ttl"
    line = '<https://w3id.org/kosovo-kg/test/a> <https://w3id.org/kosovo-kg/test/b> "x" .\n'
    good = (line * 40_000).encode()  # 3 MB: read a megabyte at a time
    whole = good + b'<https://w3id.org/kosovo-kg/test/a> <https://w3id.org/kosovo-kg/test/b> "\xc3\x28" .\n'
    data.write_bytes(whole)
    with pytest.raises(LoadError) as refused:
        parse_file(data)
    bad = whole.index(b"\xc3")
    assert refused.value.message == f"is not valid UTF-8 (byte {bad})"
    assert refused.value.line == 40_001
