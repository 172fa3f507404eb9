"""Eval harness: suites, scoring, metrics, runs, baselines, comparison pipelines."""
