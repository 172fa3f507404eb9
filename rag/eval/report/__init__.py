"""Eval reports: the terminal/markdown table and the HTML report with charts."""
