"""The ground floor: where files are, reading and writing them safely, caches, the loaded graph and what the loader derives."""
