"""What is known about one file, computed once, in the walk the rules run in, by concern:

- ``cst``: questions about one node (a literal's value, a dict's entries, a pattern's strings);
- ``scopes``: the names each scope binds, and the modules the file imports;
- ``literals``: where each string literal stands, and which ones are model IDs;
- ``sites``: the requests the file sends to Claude;
- ``suppressions``: the codes each line (or the whole file) silences;
- ``after_fixes``: each request as it will be after this run's fixes (from the rules' own
  declarations of what their fixes rewrite).

The facts visitors run before the rules in the batch, so a parent's facts are known when a
child is visited; facts that need the whole file (sites, suppressed lines) are ready once the
walk is done, before ``check_request`` and ``finish``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from claude_migrate.facts.literals import Literals
from claude_migrate.facts.scopes import Scopes
from claude_migrate.facts.sites import RequestSite, Sites
from claude_migrate.facts.suppressions import Lines, Suppressions

if TYPE_CHECKING:
    import libcst as cst

    from claude_migrate.catalog import Catalog


class FileFacts:
    def __init__(self, catalog: Catalog) -> None:
        self.scopes = Scopes()
        self.literals = Literals(catalog)
        self.suppressions = Suppressions()
        self._sites = Sites(self.scopes, self.literals)

    @property
    def visitors(self) -> tuple[cst.BatchableCSTVisitor, ...]:
        return (self.scopes, self.literals, self._sites, self.suppressions)

    def finish(self, lines: Lines) -> None:
        """After the walk: ``lines`` gives a node's first and last line."""
        self._sites.finish()
        self.suppressions.finish(lines)

    @property
    def sites(self) -> list[RequestSite]:
        """The file's requests to Claude, in source order (ready after the walk)."""
        return self._sites.sites

    @property
    def imports(self) -> set[str]:
        """The top-level packages the file imports absolutely."""
        return self.scopes.imports
