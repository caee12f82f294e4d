"""Keeping the graph right: well-formedness, SHACL and quality checks, OWL reasoning, Wikidata links, names."""
