"""What the graph is published as: exports, QuickStatements, ontology docs, charts, pages, the static site, releases."""
