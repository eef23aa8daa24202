"""The effective settings of a run: command line over configuration file over defaults."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace

#: The contract's default ``--target``. The generations it may be are the catalog's
#: (``Catalog.targets``), checked where the settings are made.
DEFAULT_TARGET = "4.6"
#: The default ``max-file-size``, in bytes.
DEFAULT_MAX_FILE_SIZE = 2 * 1024 * 1024
#: The report formats ``--output-format`` accepts.
FORMATS = ("text", "concise", "json", "sarif", "github", "gitlab")


@dataclass(frozen=True)
class Settings:
    target: str = DEFAULT_TARGET
    today: dt.date = field(default_factory=dt.date.today)
    select: tuple[str, ...] = ("CM",)
    ignore: tuple[str, ...] = ()
    unsafe_fixes: bool = False
    #: Per old ID, the successor ID a project chose instead of the catalog's.
    successors: tuple[tuple[str, str], ...] = ()
    #: A test file: tests pin models on purpose and compare them with recorded replies the
    #: tool cannot see, so every fix there is unsafe.
    test_file: bool = False
    #: Also report on facts the catalog marks unverified (3P or conflicting sources).
    preview: bool = False
    #: Files larger than this many bytes are reported (CM000), not read: LibCST needs up to
    #: 3 KB of memory per byte of dense code.
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    #: The project's catalog file (an absolute path), merged into the built-in catalog.
    catalog_file: str | None = None

    def selects(self, code: str) -> bool:
        """The most specific matching prefix decides; on a tie, ignore wins (as in ruff)."""
        best_select = max((len(p) for p in self.select if code.startswith(p)), default=-1)
        best_ignore = max((len(p) for p in self.ignore if code.startswith(p)), default=-1)
        return best_select >= 0 and best_select > best_ignore

    def successor_override(self, model_id: str) -> str | None:
        return dict(self.successors).get(model_id)


#: Test files by the conventions of pytest and unittest.
_TEST_PATH = re.compile(r"(^|[/\\])(tests?|testing)[/\\]|(^|[/\\])(test_[^/\\]*|[^/\\]*_test|conftest)\.(py|ipynb)$")


def for_path(settings: Settings, display: str) -> Settings:
    """The settings for one file: in a test file every fix is unsafe."""
    if _TEST_PATH.search(display) and not settings.test_file:
        return replace(settings, test_file=True)
    return settings
