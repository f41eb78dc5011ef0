"""The ``qingdan`` command line: the boundary where engine errors become messages and exit codes."""
