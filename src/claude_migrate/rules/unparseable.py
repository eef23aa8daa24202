"""CM000 unparseable-file: reported by the engine for any file it cannot check, documented here
like every rule (documentation only: no check of its own)."""

from __future__ import annotations

from claude_migrate.rules.base import RuleDoc, invalid, valid


class UnparseableFile(RuleDoc):
    code = "CM000"
    name = "unparseable-file"
    severity = "error"
    fix = "none"
    summary = "A file that cannot be read, decoded or parsed"
    what = (
        "Reports a file the tool could not check: it cannot be read, its bytes are not valid in "
        "its declared encoding, Python's own parser refuses it, or it is beyond the bounds "
        "LibCST parses safely: larger than `max-file-size` (2 MiB by default; denser code counts "
        "a token per 5 bytes of it) or nested more than 300 levels deep. A file over "
        "`max-file-size` (but under 16 MiB) that never mentions what a rule looks for is skipped. "
        "The run goes on with the other files."
    )
    why = "A file that was not checked may still call a retired model; CI must not pass silently."
    fix_safety = "No fix. `fix` never writes a file it could not parse."
    valid = (valid("import anthropic\n"),)
    invalid = (invalid('import anthropic\n\n\ndef broken(:\n    return "claude-3-opus-20240229"\n', at=[(4, 12)]),)
