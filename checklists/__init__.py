"""The checklists shipped with qingdan (``*.yaml`` beside this file), installed as package data so that
``qingdan serve --demo`` finds them from a wheel as well as from the source tree.

A data package only: no code lives here. ``engine.definition.shipped`` finds the files through
``importlib.resources``; the folder stays at the top of the repository, where people look for it.
"""
