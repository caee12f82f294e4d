"""``kosovo-kg release -o DIR [--previous DIR]``: a citable, reproducible release of the graph.

One module per job: :mod:`.dates` (the date and version), :mod:`.graph` (the graph as released and its
dumps), :mod:`.previous` (reading an earlier release), :mod:`.citation` (CITATION.cff), :mod:`.void`
(VoID and DCAT; serve's VoID too), :mod:`.build` (writing the folder).

A release folder holds::

    kosovo-kg.ttl  kosovo-kg.nt  kosovo-kg.jsonld  kosovo-kg.rdf     the graph as stated
    kosovo-kg.inferred.{ttl,nt,jsonld,rdf}                          the graph with what it entails
    ontology.ttl  shapes.ttl                                        the ontology and the SHACL shapes
    void.ttl                                                        VoID and DCAT: the dataset and its files
    CHANGES.md                                                      the facts changed since --previous
    CITATION.cff                                                    how to cite it (CFF 1.2.0)
    w3id.htaccess                                                   rules for https://w3id.org/kosovo-kg/
    site/                                                           the static Linked Data site
    SHA256SUMS                                                      every file's SHA-256 (sha256sum -c)

*Stated* is what ``kosovo-kg export`` writes (the files' triples and the day bounds derived from
their dates) and the release's own description: its version (``owl:versionInfo``,
``owl:versionIRI``) and date (``dcterms:modified``). *Inferred* is what ``export --inferred``
writes: the stated graph, the RDFS entailments that queries see (subclass and subproperty, in the
named graph of :mod:`kosovo_kg.core.entailment`) and what the OWL reasoner HermiT entails (Java).

The same inputs give the same bytes: blank nodes get their RDFC-1.0 canonical labels, every file
is written in a fixed order, and the date is never the clock's: ``--date``, else
``SOURCE_DATE_EPOCH``, else the date of the project's last commit when the graph's files are as
committed, else the newest modification time of the files the graph was loaded from.

The release is written into a temporary folder beside ``DIR`` and renamed into place only when
complete, so an error or an interruption leaves no half-written release.
"""
