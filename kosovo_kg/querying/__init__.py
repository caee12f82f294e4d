"""SPARQL text, the stored questions, the engines, deadlines, the one query pipeline and its output formats."""
