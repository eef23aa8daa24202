"""Output formats for findings. Each formatter takes the run's findings and returns the text."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from pathlib import PurePath
from typing import Sequence
from urllib.parse import quote

import click

from claude_migrate.findings import Finding


def _ordered(findings: Sequence[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: f.sort_key)


#: What a file name or message must not carry into a terminal or a CI log: C0 and C1 controls,
#: DEL, the Unicode line and paragraph separators, and lone surrogates (a name that is not UTF-8).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escaped(match: re.Match) -> str:
    char = match.group()
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a non-UTF-8 name, as os.fsdecode keeps it
        return f"\\x{code - 0xDC00:02x}"
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def escape(text: str) -> str:
    """``text`` with each unsafe character as a backslash escape (``\\n``, ``\\x1b``)."""
    return _UNSAFE.sub(_escaped, text)


def location(finding: Finding) -> str:
    cell = f"cell {finding.cell}:" if finding.cell is not None else ""
    return f"{escape(finding.path)}:{cell}{finding.line}:{finding.column}"


def text_line(finding: Finding, unsafe_fixes: bool, color: bool = False) -> str:
    mark = " [*]" if finding.fixable(unsafe_fixes) else ""
    message = escape(finding.message)
    if not color:
        return f"{location(finding)}: {finding.code} {message}{mark}"
    code = click.style(finding.code, fg="red" if finding.severity == "error" else "yellow", bold=True)
    return f"{click.style(location(finding), bold=True)}: {code} {message}{click.style(mark, fg='cyan')}"


def summary(findings: Sequence[Finding], unsafe_fixes: bool) -> str:
    if not findings:
        return "All checks passed!"
    total = len(findings)
    fixable = sum(1 for f in findings if f.fixable(unsafe_fixes))
    hidden = sum(1 for f in findings if f.fixable(True) and not f.fixable(unsafe_fixes))
    parts = []
    if fixable:
        command = "claude-migrate fix --unsafe-fixes" if unsafe_fixes else "claude-migrate fix"
        parts.append(f"{fixable} fixable with `{command}`")
    if hidden:
        parts.append(f"{hidden} more with --unsafe-fixes" if fixable else f"{hidden} fixable with --unsafe-fixes")
    detail = f" ({', '.join(parts)})" if parts else ""
    return f"Found {total} finding{'s' if total != 1 else ''}{detail}."


def as_text(findings, unsafe_fixes: bool, color: bool, closing: str | None = None) -> str:
    lines = [text_line(f, unsafe_fixes, color) for f in _ordered(findings)]
    return "\n".join([*lines, closing or summary(findings, unsafe_fixes)]) + "\n"


def as_concise(findings, unsafe_fixes: bool) -> str:
    return "".join(f"{location(f)}: {f.code} {escape(f.message)}\n" for f in _ordered(findings))


def as_json(findings) -> str:
    rows = []
    for f in _ordered(findings):
        row = {
            "path": f.path, "line": f.line, "column": f.column, "end_line": f.end_line,
            "end_column": f.end_column, "code": f.code, "name": f.name, "severity": f.severity,
            "message": f.message, "fix": f.fix.applicability if f.fix else None,
        }
        if f.cell is not None:
            row["cell"] = f.cell
        rows.append(row)
    return json.dumps(rows, indent=2) + "\n"


def statistics(findings, unsafe_fixes: bool) -> str:
    counts = Counter(f.code for f in findings)
    names = {f.code: f.name for f in findings}
    fixable = Counter(f.code for f in findings if f.fixable(unsafe_fixes))
    lines = []
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        mark = "[*]" if fixable[code] == count else "[-]" if fixable[code] else "   "
        lines.append(f"{count:5}  {code}  {mark} {names[code]}")
    return "\n".join(lines) + ("\n" if lines else "")


def _escape(value: str, property_value: bool = False) -> str:
    value = escape(value).replace("%", "%25")
    return value.replace(":", "%3A").replace(",", "%2C") if property_value else value


def as_github(findings) -> str:
    """GitHub Actions workflow commands: one annotation a finding."""
    return "".join(
        f"::{'error' if f.severity == 'error' else 'warning'} file={_escape(f.path, True)},"
        f"line={f.line},col={f.column},title={f.code}::{_escape(f.message)}\n"
        for f in _ordered(findings)
    )


def as_gitlab(findings) -> str:
    """A GitLab code quality report. Fingerprints hash the path, code and message, plus the
    occurrence index of identical ones, so they survive edits elsewhere in the file."""
    seen: Counter = Counter()
    rows = []
    for f in _ordered(findings):
        path, message = escape(f.path), escape(f.message)
        key = (path, f.code, message)
        seen[key] += 1
        digest = hashlib.sha256("\0".join([*key, str(seen[key])]).encode()).hexdigest()
        rows.append(
            {
                "description": f"{f.code} {message}",
                "check_name": f.code,
                "fingerprint": digest,
                "severity": "major" if f.severity == "error" else "minor",
                "location": {"path": path, "lines": {"begin": f.line, "end": f.end_line}},
            }
        )
    return json.dumps(rows, indent=2) + "\n"


def _uri(path: str) -> str:
    """A path as a URI reference: its UTF-8 bytes (a non-UTF-8 name's own bytes) percent-encoded,
    so that ``#``, ``?``, ``%`` and spaces stay part of the name."""
    pure = PurePath(path)
    if pure.is_absolute():
        return pure.as_uri()
    return quote(pure.as_posix().encode("utf-8", "surrogateescape"), safe="/")


def as_sarif(findings, version: str) -> str:
    """SARIF 2.1.0: one rule per code with its docs, one result per finding, fixes described."""
    from claude_migrate.explain import render as rule_doc
    from claude_migrate.rules import RULES

    index = {rule.code: i for i, rule in enumerate(RULES)}
    rules = [
        {
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.what},
            "help": {"text": rule_doc(rule)},
            "defaultConfiguration": {"level": rule.severity},
            "properties": {"fix": rule.fix},
        }
        for rule in RULES
    ]
    results = []
    for f in _ordered(findings):
        uri = _uri(f.path)
        result = {
            "ruleId": f.code,
            "level": "error" if f.severity == "error" else "warning",
            "message": {"text": escape(f.message)},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri},
                        "region": {
                            "startLine": f.line, "startColumn": f.column,
                            "endLine": f.end_line, "endColumn": f.end_column,
                        },
                    }
                }
            ],
        }
        if f.code in index:  # a code this version does not know (an old cache) has no rule entry
            result["ruleIndex"] = index[f.code]
        if f.fix is not None:
            result["fixes"] = [
                {
                    "description": {"text": f"{f.fix.applicability} fix: `claude-migrate fix`"
                                    + (" --unsafe-fixes" if f.fix.applicability == "unsafe" else "")},
                    "artifactChanges": [
                        {
                            "artifactLocation": {"uri": uri},
                            "replacements": [
                                {
                                    "deletedRegion": {"startLine": a, "startColumn": b, "endLine": c, "endColumn": d},
                                    "insertedContent": {"text": new},
                                }
                                for a, b, c, d, new in f.edits
                            ],
                        }
                    ],
                }
            ]
        if f.cell is not None:
            result["properties"] = {"cell": f.cell}
        results.append(result)
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "claude-migrate", "version": version, "rules": rules}},
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"


def render(findings, output_format: str, unsafe_fixes: bool, color: bool, version: str, closing: str | None = None) -> str:
    if output_format == "text":
        return as_text(findings, unsafe_fixes, color, closing)
    if output_format == "concise":
        return as_concise(findings, unsafe_fixes)
    if output_format == "json":
        return as_json(findings)
    if output_format == "sarif":
        return as_sarif(findings, version)
    if output_format == "github":
        return as_github(findings)
    return as_gitlab(findings)
