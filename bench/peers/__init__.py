"""Peers of qingdan measured beside it by the benchmarks (optional; never dependencies of the project)."""
