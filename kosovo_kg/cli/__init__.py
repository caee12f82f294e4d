"""The ``kosovo-kg`` command line: one module per command, one table of them."""
