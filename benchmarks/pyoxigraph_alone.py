"""The baseline of benchmarks/data.py: pyoxigraph alone loads the files into an in-memory store, a
named graph each, and runs the query text over their union; prints the number of rows.

    python benchmarks/pyoxigraph_alone.py QUERY.rq FILE.ttl|FILE.nt ...
"""

import argparse

import pyoxigraph as ox


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("query_file", metavar="QUERY.rq")
    parser.add_argument("files", nargs="+", metavar="FILE")
    args = parser.parse_args()
    query_file, files = args.query_file, args.files
    with open(query_file, encoding="utf-8") as stream:
        query = stream.read()
    store = ox.Store()
    for path in files:
        rdf_format = ox.RdfFormat.TURTLE if path.endswith(".ttl") else ox.RdfFormat.N_TRIPLES
        store.load(path=path, format=rdf_format, to_graph=ox.NamedNode("file://" + path))
    print(len(list(store.query(query, use_default_graph_as_union=True))))


if __name__ == "__main__":
    main()
