"""The routes of ``serve``, one module per concept: the SPARQL endpoint, the stored questions'
API, Linked Data resources and descriptions, and the pages."""
