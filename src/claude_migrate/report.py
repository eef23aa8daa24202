"""Output formats for findings: text (with a summary line) and json."""

from __future__ import annotations

import json
from typing import Sequence

from claude_migrate.findings import Finding


def _fix_kind(finding: Finding) -> str | None:
    return finding.fix.applicability if finding.fix else None


def text_line(finding: Finding, unsafe_fixes: bool) -> str:
    mark = " [*]" if finding.fixable(unsafe_fixes) else ""
    return f"{finding.path}:{finding.line}:{finding.column}: {finding.code} {finding.message}{mark}"


def summary(findings: Sequence[Finding], unsafe_fixes: bool) -> str:
    if not findings:
        return "All checks passed!"
    total = len(findings)
    fixable = sum(1 for f in findings if f.fixable(unsafe_fixes))
    hidden = sum(1 for f in findings if f.fixable(True) and not f.fixable(unsafe_fixes))
    noun = "finding" if total == 1 else "findings"
    parts = []
    if fixable:
        command = "claude-migrate fix --unsafe-fixes" if unsafe_fixes else "claude-migrate fix"
        parts.append(f"{fixable} fixable with `{command}`")
    if hidden:
        parts.append(f"{hidden} more with --unsafe-fixes" if fixable else f"{hidden} fixable with --unsafe-fixes")
    detail = f" ({', '.join(parts)})" if parts else ""
    return f"Found {total} {noun}{detail}."


def as_json(findings: Sequence[Finding]) -> str:
    rows = [
        {
            "path": f.path,
            "line": f.line,
            "column": f.column,
            "end_line": f.end_line,
            "end_column": f.end_column,
            "code": f.code,
            "name": f.name,
            "severity": f.severity,
            "message": f.message,
            "fix": _fix_kind(f),
        }
        for f in sorted(findings, key=lambda f: f.sort_key)
    ]
    return json.dumps(rows, indent=2)
