"""Changing state: loading lists, firing transitions, progress reports, step data, evidence, permissions and the audit chain."""
