"""Edges for programs: the REST API and the command line."""
