"""CM000 unparseable-file: reported by the engine, documented here like every rule."""

from __future__ import annotations

from claude_migrate.rules.base import Rule, invalid, valid


class UnparseableFile(Rule):
    code = "CM000"
    name = "unparseable-file"
    severity = "error"
    fix = "none"
    summary = "A file that cannot be read, decoded or parsed"
    what = (
        "Reports a file the tool could not check: it cannot be read, its bytes are not valid in "
        "its declared encoding, or LibCST cannot parse it. The run goes on with the other files."
    )
    why = "A file that was not checked may still call a retired model; CI must not pass silently."
    fix_safety = "No fix. `fix` never writes a file it could not parse."
    valid = (valid("import anthropic\n"),)
    invalid = (invalid('import anthropic\n\n\ndef broken(:\n    return "claude-3-opus-20240229"\n', at=[(4, 12)]),)
