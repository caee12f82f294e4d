"""Reading what users give: XML entities under a bound whatever their names, a byte-order mark
told as such, and a large file's encoding checked without reading it whole."""

from __future__ import annotations

import pytest

from kosovo_kg.core.reading import parse_file, read_query_file
from kosovo_kg.errors import LoadError

RDF_XML = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
{entities}
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="https://w3id.org/kosovo-kg/test/">
<rdf:Description rdf:about="https://w3id.org/kosovo-kg/test/a"><ex:b>{body}</ex:b></rdf:Description>
</rdf:RDF>
"""


def rdf_xml(tmp_path, entities: str, body: str):
    path = tmp_path / "data.rdf"
    path.write_text(RDF_XML.format(entities=entities, body=body), encoding="utf-8")
    return path


def test_flat_entities_as_protege_writes_them_are_read(tmp_path):
    path = rdf_xml(
        tmp_path, '<!ENTITY owl "http://www.w3.org/2002/07/owl#" >\n<!ENTITY ex "ex value">', "&owl;Class &ex;"
    )
    [triple] = parse_file(path)
    assert triple.object.value == "http://www.w3.org/2002/07/owl#Class ex value"


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
    path = rdf_xml(tmp_path, entities, "x")
    with pytest.raises(LoadError, match=f"XML entity {name} refers to other entities or characters") as refused:
        parse_file(path)
    assert refused.value.line == 4


def test_flat_entities_that_expand_too_far_are_refused(tmp_path):
    path = rdf_xml(tmp_path, f'<!ENTITY big "{"x" * 1000}">', "&big;" * 20_000)
    with pytest.raises(LoadError, match="its XML entities expand to more than 10,000,000 bytes"):
        parse_file(path)


def test_an_entity_declaration_the_check_cannot_read_is_refused(tmp_path):
    path = rdf_xml(tmp_path, "<!ENTITY odd>", "x")
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
