"""The package's version: one place that the facade, the command line and the API description read."""

VERSION = "0.1.0"
