"""Charts of the graph, each drawn from a stored query (``kosovo-kg chart NAME -o FILE``, the home page):
:mod:`.data` says what each plots, :mod:`.drawing` draws it with matplotlib."""
