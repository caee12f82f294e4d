"""The ``kosovo-kg`` command: a thin layer over the package's ``run_*`` functions.

Exit codes: 0 success (or the graph conforms), 1 violations found, 2 load or usage error.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .errors import EXIT_VIOLATIONS, KosovoKGError

OUTPUT_FORMATS = ("table", "csv", "tsv", "json")
EXPORT_FORMATS = ("turtle", "jsonld", "nt", "xml", "quickstatements")


class _Group(click.Group):
    """Turns the package's errors into one readable line on stderr and the documented exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KosovoKGError as error:
            click.echo(f"error: {error}", err=True)
            ctx.exit(error.exit_code)
        except BrokenPipeError:
            ctx.exit(0)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kosovo-kg")
def cli() -> None:
    """A knowledge graph of Kosovo–NATO relations: every fact dated, sourced and linked to Wikidata.

    \b
    Start with:
      kosovo-kg queries                               the stored questions
      kosovo-kg query non-recognizing-nato-members    one of them
      kosovo-kg validate                              check the graph
    """


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--no-reasoning", is_flag=True, help="Skip the OWL consistency check (HermiT needs Java).")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def validate(files: tuple[Path, ...], no_reasoning: bool, output_format: str) -> None:
    """SHACL shapes, OWL reasoning and quality checks over the graph plus any extra FILES.

    Exit 0 when it conforms, 1 when it has errors, 2 when a file cannot be loaded.
    """
    from .validation import run_validation

    if not no_reasoning:
        click.echo("Validating: SHACL, OWL reasoning (HermiT), quality checks…", err=True)
    report = run_validation(files, reasoning=not no_reasoning)
    if output_format == "json":
        import json

        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=1))
    else:
        click.echo(report.text)
    if not report.conforms:
        sys.exit(EXIT_VIOLATIONS)


@cli.command(name="queries")
def list_queries() -> None:
    """List the stored questions with their summaries and parameters."""
    from .catalogue import catalogue

    for query in catalogue().values():
        click.echo(click.style(query.name, bold=True) + f"  {query.summary}")
        if query.parameters:
            click.echo("    parameters: " + "; ".join(p.describe() for p in query.parameters))
        if query.federated:
            click.echo("    asks Wikidata's query service (SERVICE): run with --allow-federation")
        if query.tags:
            click.echo("    tags: " + ", ".join(query.tags))


@cli.command()
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def link(output_format: str) -> None:
    """Report the Wikidata links: coverage by kind, entities without a link and why,
    identifiers used twice, and links whose recorded Wikidata label differs from ours.

    Exit 1 when an identifier is used by two entities.
    """
    from .linking import link_report
    from .store import load_graph

    report = link_report(load_graph())
    if output_format == "json":
        import json

        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=1))
    else:
        click.echo(report.text)
    if not report.ok:
        sys.exit(EXIT_VIOLATIONS)


def _parse_params(values: tuple[str, ...]) -> dict[str, str]:
    params: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise click.UsageError(f"--param takes name=value, got {item!r}")
        if name in params:
            raise click.UsageError(f"--param {name} given twice")
        params[name] = value
    return params


_engine_option = click.option(
    "--engine",
    default="oxigraph",
    show_default=True,
    help="oxigraph (embedded), rdflib (embedded) or the URL of a SPARQL 1.1 endpoint.",
)
_format_option = click.option(
    "--format", "output_format", type=click.Choice(OUTPUT_FORMATS), default="table", show_default=True
)
_federation_option = click.option(
    "--allow-federation", is_flag=True, help="Allow SERVICE, LOAD and FROM, which make the engine fetch other URLs."
)
_timeout_option = click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    help="Stop the query after this many seconds (exit 2). Embedded engines run it in a child process; a URL gets an HTTP timeout.",
)
_wikidata_option = click.option(
    "--wikidata-endpoint",
    metavar="URL",
    help="Send the SERVICE clauses that name Wikidata's query service to this endpoint instead (a mirror, a test server).",
)


def _print_result(result, output_format: str, kg) -> None:
    from .output import render

    sys.stdout.write(render(result, output_format, kg))


@cli.command()
@click.argument("name")
@click.option(
    "--param", "params", multiple=True, metavar="NAME=VALUE", help="A parameter of the stored query (repeatable)."
)
@_format_option
@_engine_option
@_federation_option
@_wikidata_option
@_timeout_option
def query(
    name: str,
    params: tuple[str, ...],
    output_format: str,
    engine: str,
    allow_federation: bool,
    wikidata_endpoint: str | None,
    timeout: float | None,
) -> None:
    """Run the stored query NAME (see 'kosovo-kg queries')."""
    from .catalogue import get_stored_query, run_stored_query

    get_stored_query(name)
    kg = None
    if not engine.startswith(("http://", "https://")):
        from .store import load_graph

        kg = load_graph()
    result = run_stored_query(
        name,
        _parse_params(params),
        graph=kg,
        engine=engine,
        allow_federation=allow_federation,
        wikidata_endpoint=wikidata_endpoint,
        timeout=timeout,
    )
    _print_result(result, output_format, kg)


@cli.command()
@click.argument("text", required=False)
@click.option(
    "-f", "--file", "query_file", type=click.Path(path_type=Path), help="Read the query from a file ('-' for stdin)."
)
@_format_option
@_engine_option
@_federation_option
@_wikidata_option
@_timeout_option
def sparql(
    text: str | None,
    query_file: Path | None,
    output_format: str,
    engine: str,
    allow_federation: bool,
    wikidata_endpoint: str | None,
    timeout: float | None,
) -> None:
    """Run any SPARQL query, given as TEXT or with -f FILE. Prefixes kkg:, kkr:, rdfs:, owl:, wd: … are predeclared."""
    from .engines import run_query
    from .errors import QueryError

    if (text is None) == (query_file is None):
        raise click.UsageError("give the query either as TEXT or with -f FILE")
    if query_file is not None:
        if str(query_file) == "-":
            text = sys.stdin.read()
        else:
            try:
                text = query_file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise QueryError(f"{query_file}: cannot be read: {getattr(error, 'strerror', None) or error}") from None
    kg = None
    if not engine.startswith(("http://", "https://")):
        from .store import load_graph

        kg = load_graph()
    assert text is not None
    try:
        result = run_query(
            text,
            graph=kg,
            engine=engine,
            allow_federation=allow_federation,
            wikidata_endpoint=wikidata_endpoint,
            timeout=timeout,
        )
    except QueryError as error:
        if query_file is not None:
            from .paths import display_path

            shown = "<stdin>" if str(query_file) == "-" else display_path(query_file)
            raise QueryError(f"{shown}: {error}") from None
        raise
    _print_result(result, output_format, kg)


@cli.command()
@click.option("--format", "rdf_format", type=click.Choice(EXPORT_FORMATS), default="turtle", show_default=True)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="Write to this file (atomically) instead of stdout."
)
@click.option("--inferred", is_flag=True, help="Add what the OWL reasoner (HermiT) entails; needs Java.")
def export(rdf_format: str, output: Path | None, inferred: bool) -> None:
    """Export the whole graph (ontology and data) as Turtle, JSON-LD, N-Triples or RDF/XML,
    or the facts Wikidata can take as QuickStatements commands, each with its reference."""
    from .serialize import serialize_graph, with_inferences, write_export
    from .store import load_graph

    kg = load_graph()
    if rdf_format == "quickstatements":
        _export_quickstatements(kg, output)
        return
    if inferred:
        click.echo("Reasoning with HermiT…", err=True)
        stated = len(kg)
        kg = with_inferences(kg)
        click.echo(f"HermiT added {len(kg) - stated:,} entailed triples", err=True)
    if output is None:
        sys.stdout.buffer.write(serialize_graph(kg, rdf_format))
        return
    size = write_export(kg, rdf_format, output)
    click.echo(f"wrote {output} ({size:,} bytes, {len(kg):,} triples, {rdf_format})", err=True)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port (0 picks a free one)."
)
@click.option(
    "--timeout", default=10.0, show_default=True, type=click.FloatRange(1, 3600), help="Seconds a SPARQL query may run."
)
@click.option(
    "--max-result-mb", default=20.0, show_default=True, type=click.FloatRange(0.001), help="Largest result sent, in MB."
)
@_federation_option
def serve(host: str, port: int, timeout: float, max_result_mb: float, allow_federation: bool) -> None:
    """Serve the graph until stopped (Ctrl-C): a read-only SPARQL endpoint at /sparql with a query
    UI at /, the stored questions at /api/queries, OpenAPI at /openapi.json, and a page for every
    resource at /resource/NAME (HTML, Turtle or JSON-LD by the Accept header)."""
    from .server import ServeSettings, run_serve
    from .store import load_graph

    settings = ServeSettings(host, port, timeout, int(max_result_mb * 1_000_000), allow_federation)
    run_serve(load_graph(), settings, announce=lambda line: click.echo(line, err=True))


def _export_quickstatements(kg, output: Path | None) -> None:
    from .fileio import atomic_writer
    from .quickstatements import quickstatements

    statements = quickstatements(kg)
    if output is None:
        sys.stdout.write(statements.text)
    else:
        with atomic_writer(output) as stream:
            stream.write(statements.text)
        click.echo(f"wrote {output} ({len(statements.commands)} QuickStatements commands)", err=True)
    for reason in statements.skipped:
        click.echo(f"not exported: {reason}", err=True)


@cli.command()
@click.argument("name")
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), required=True, help="The image to write: FILE.png or FILE.svg."
)
def chart(name: str, output: Path) -> None:
    """Draw chart NAME from its stored query into a PNG or SVG file (written atomically).

    \b
    Charts:
      polls        support, opposed and neutral in each poll (poll-trend)
      timeline     dated events and statements by kind (timeline)
      recognition  NATO members by date of recognition (recognition-status)
      kfor         KFOR troop strength at the dates recorded (kfor-strength)
    """
    # charts.py imports matplotlib only when it draws, and the name and suffix are checked first.
    from .charts import chart_format, check_chart_name, draw_chart
    from .store import load_graph

    check_chart_name(name)
    chart_format(output)
    data = draw_chart(name, load_graph(), output)
    click.echo(
        f"wrote {output} ({output.stat().st_size:,} bytes, {len(data.points)} points from {data.query})", err=True
    )


@cli.command()
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="The folder to write into.")
def docs(output: Path) -> None:
    """Build the ontology's documentation into a folder: index.html (pyLODE: every class and
    property with its label, definition, domain and range) and a diagram of the classes and
    their relations (classes.svg, drawn by Graphviz's dot; classes.dot is its source)."""
    from .docs import build_docs

    build = build_docs(output)
    for path in build.files:
        click.echo(f"wrote {path}", err=True)
    click.echo(f"{len(build.classes)} classes and {len(build.properties)} properties documented", err=True)
    if not build.diagram_drawn:
        click.echo("Graphviz's dot is not installed: classes.svg was not drawn (apt-get install graphviz)", err=True)


def main() -> None:
    cli(prog_name="kosovo-kg")


__all__ = ["cli", "main"]
