"""The hard limits on a checklist file, in one place: what the reader refuses before building anything big.

Every limit is far above what a real yearly list needs (the shipped lists are under 10 KiB, nest 6 levels deep and
their longest text is 50 characters; the benchmark list of 1,000 tasks × 25 items is 0.8 MiB with 40,000 entries)
and low enough that a hostile or broken file is refused in well under a second, in bounded memory. The lengths
follow the database columns (``engine.store.tables``): ids are ``String(100)``, item names ``String(500)``.
docs/checklist-format.md ("Limits") and docs/security.md ("Input") describe them for people. This module only
holds numbers and patterns; it checks nothing itself.
"""

from __future__ import annotations

import re

#: a checklist file, in bytes (the command line, the web upload and the Excel import's draft alike)
MAX_FILE_BYTES = 4 * 1024 * 1024

#: mappings and lists inside one another; the format itself needs 6 (workflows → x → transitions → 0 → from → 0)
MAX_DEPTH = 32

#: entries in one mapping or one list (tasks, a task's items …)
MAX_ENTRIES = 20_000

#: entries in the whole file, aliases counted each time they are used
MAX_NODES = 500_000

#: nodes reached again through aliases: a "billion laughs" file hits this in a fraction of a second
MAX_REPEATS = 50_000

#: characters in any single value or key, before the format's own, shorter limits below
MAX_SCALAR_CHARS = 10_000

#: ids (checklist, units, people, workflows, states, triggers, tasks, parts, deadlines): the id columns' length
MAX_ID = 100

#: names and titles (an item's name is a task's title when it has no items): ``items.name`` is String(500)
MAX_NAME = 500

#: free text: a task's note, the documents' measures and requirements
MAX_LONG_TEXT = MAX_SCALAR_CHARS

#: an e-mail address (RFC 5321's path limit)
MAX_EMAIL = 254

#: what an id may hold: it is a path segment of the web pages (/checklists/<id>/tasks/<id>) and a database key.
#: ``@`` is a plain character of a path segment (RFC 3986 pchar) and lists use it (``plan@v2``); ``/ ? # % :`` and
#: spaces are not (``:`` separates CHECKLIST:TASK on the command line)
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]*")

#: problems listed for one file; the rest are counted in a last line ("还有 N 个问题未列出")
MAX_PROBLEMS = 200

#: problems kept while checking (the first ones found, sorted afterwards); beyond this they are only counted
MAX_KEPT_PROBLEMS = 5_000

#: characters YAML refuses (anything outside its printable set), reported at their own line and column
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
