"""Benchmarks of the qingdan engine (see bench/README.md). Not part of the installed package."""
