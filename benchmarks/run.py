"""Benchmark claude-migrate against ruff and a bare LibCST parse, on two generated trees.

Trees (built in a temporary folder, outside any git work tree so no .gitignore hides them):

* sparse: the running interpreter's standard library (``*.py`` only, without
  ``site-packages`` and ``venv``, which both tools skip by default) plus 1% extra files
  that call the Anthropic SDK. Most files never mention Claude: this measures the
  prefilter and the file walk against ruff, the speed of light for a Python linter.
* dense: 2,000 generated files of about 150 lines, each with request sites for every
  rule. Every file is parsed and analysed: this measures the rules against a bare
  ``libcst.parse_module`` of the same files (LibCST is the floor: the tool parses with it).

Runs per tree, each a subprocess timed with the wall clock, its peak memory the summed
VmRSS of the process and all its descendants, sampled every 20 ms:

* ``claude-migrate check --no-cache``     (cold; ``--no-cache`` only if the CLI has it)
* ``claude-migrate fix --diff --no-cache``
* ``claude-migrate check`` twice with the cache on: the first fills it, the second is reported
* ``ruff check --isolated --select E711 --no-cache``
* a bare LibCST parse with a pool of ``--jobs`` processes (dense only; sparse too with ``--full``)

Run from the repository root:

    .venv/bin/python benchmarks/run.py [--scale 1.0] [--jobs N] [--repeat 3] [--out benchmarks/results/latest.json] [--keep] [--full]

``--scale`` shrinks or grows both trees (0.05 is a quick smoke run); ``--keep`` leaves the
trees and each run's output in the temporary folder. The table and the target verdicts are
printed and written, with the machine's details, to the JSON file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import multiprocessing
import os
import platform
import random
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from importlib.metadata import version
from pathlib import Path
from string import Template

import libcst

from claude_migrate.rules import CHECKS

BIN = Path(sys.executable).parent
CLAUDE_MIGRATE = str(BIN / "claude-migrate")
RUFF = str(BIN / "ruff")
CACHE_FOLDER = ".claude_migrate_cache"
#: Folders of the standard library left out: both tools skip them by default.
SKIPPED_STDLIB_FOLDERS = {"site-packages", "venv", "__pycache__"}
DENSE_FILES = 2000
SAMPLE_SECONDS = 0.02
#: No run takes this long at scale 1 unless it hangs.
RUN_TIMEOUT_SECONDS = 1800
#: Every rule the dense files should trigger: each that the registry's checks report.
EVERY_RULE = {reported.code for rule in CHECKS for reported in rule.reports()}
PEAK_MB_LIMIT = 250.0


# --- generated code -------------------------------------------------------------------------

RETIRED = [
    "claude-3-7-sonnet-20250219", "claude-3-5-sonnet-20241022", "claude-3-opus-20240229",
    "claude-3-haiku-20240307", "claude-3-5-haiku-latest", "claude-sonnet-4-20250514",
    "claude-opus-4-1-20250805", "claude-2.1",
]
RETIRED_BEDROCK = [
    "us.anthropic.claude-3-5-sonnet-20241022-v2:0", "us.anthropic.claude-3-7-sonnet-20250219-v1:0",
    "anthropic.claude-3-haiku-20240307-v1:0",
]
RETIRED_VERTEX = ["claude-3-7-sonnet@20250219", "claude-3-5-sonnet-v2@20241022", "claude-3-5-haiku@20241022"]
DEPRECATED = ["claude-sonnet-4-5-20250929", "claude-sonnet-4-5"]
OUTDATED = ["claude-opus-4-5-20251101", "claude-opus-4-5"]
MANUAL_THINKING_DEPRECATED = ["claude-opus-4-6", "claude-sonnet-4-6", "claude-opus-4-7"]
BEFORE_ADAPTIVE = ["claude-haiku-4-5", "claude-haiku-4-5-20251001"]
OBSOLETE_BETAS = ["token-efficient-tools-2025-02-19", "output-128k-2025-02-19"]
LEGACY_EDITORS = ["text_editor_20250124", "text_editor_20241022"]
VERBS = ["answer", "summarize", "classify", "draft", "review", "triage", "translate", "extract", "rank"]
NOUNS = ["ticket", "invoice", "order", "article", "report", "message", "thread", "profile", "note"]

HEADER = Template('''\
"""The $noun service (generated benchmark module $index)."""

import json
import logging
from dataclasses import dataclass

import anthropic

log = logging.getLogger(__name__)
client = anthropic.Anthropic()

PRIMARY_MODEL = "$retired"
FALLBACK_MODEL = "$deprecated"
REVIEW_MODEL = "$outdated"
''')

SNIPPETS = [
    # CM601 (prefill), CM603 (output_format), CM602 + CM604 + CM605 (sampling and forced tools
    # with manual thinking), CM606 (Text Completions)
    Template('''
def structured_$noun(text: str):
    reply = client.beta.messages.create(
        model="claude-sonnet-4-6", max_tokens=$small_max,
        output_format={"type": "json_schema", "schema": {"type": "object"}},
        messages=[{"role": "user", "content": text}, {"role": "assistant", "content": "{"}],
    )
    forced = client.messages.create(
        model="claude-haiku-4-5-20251001", max_tokens=$max_tokens, temperature=0.$limit, top_p=0.9,
        tool_choice={"type": "any"}, thinking={"type": "enabled", "budget_tokens": $budget},
        messages=[{"role": "user", "content": text}],
    )
    legacy = client.completions.create(model="claude-2.1", max_tokens_to_sample=$limit, prompt=text)
    return reply, forced, legacy
'''),
    # CM301 (manual thinking on a 4.6+ model), CM201 (dead betas)
    Template('''
def ${verb}_$noun(question: str) -> str:
    response = client.beta.messages.create(
        model="$modern",
        max_tokens=$max_tokens,
        thinking={"type": "enabled", "budget_tokens": $budget},
        betas=["$beta", "files-api-2025-04-14"],
        messages=[{"role": "user", "content": question}],
    )
    return response.content[-1].text
'''),
    # CM101 through a parameter default, CM201 through extra_headers
    Template('''
def ${verb}_${noun}_text(text: str, model: str = PRIMARY_MODEL) -> str:
    response = client.messages.create(
        model=model,
        max_tokens=$max_tokens,
        extra_headers={"anthropic-beta": "$beta"},
        messages=[{"role": "user", "content": f"${verb}: {text}"}],
    )
    return response.content[0].text
'''),
    # CM302 (adaptive thinking before 4.6)
    Template('''
def quick_$noun(text: str) -> str:
    response = client.messages.create(
        model="$haiku",
        max_tokens=$small_max,
        thinking={"type": "adaptive"},
        messages=[{"role": "user", "content": text}],
    )
    return response.content[-1].text
'''),
    # CM303 (budget not below max_tokens)
    Template('''
def careful_$noun(text: str) -> str:
    response = client.messages.create(
        model="$haiku",
        max_tokens=$small_max,
        thinking={"type": "enabled", "budget_tokens": $big_budget},
        messages=[{"role": "user", "content": text}],
    )
    return response.content[-1].text
'''),
    # CM401 (legacy text editor and its name), CM402 (undo_edit)
    Template('''
${noun_upper}_TOOLS = [{"type": "$editor", "name": "str_replace_editor"}]


def handle_$noun(block, files):
    if block.name == "str_replace_editor":
        command = block.input["command"]
        if command == "view":
            return files.read(block.input["path"])
        elif command == "undo_edit":
            return files.undo(block.input["path"])
    return None
'''),
    # CM501 (stop_reason chain without "refusal"), as if/elif and as match
    Template('''
def render_$noun(response) -> str:
    if response.stop_reason == "end_turn":
        return response.content[0].text
    elif response.stop_reason == "max_tokens":
        return response.content[0].text + " [truncated after $max_tokens tokens]"
    elif response.stop_reason == "tool_use":
        return "(working on it...)"
    return ""


def route_$noun(message: dict) -> str:
    match message["stop_reason"]:
        case "tool_use":
            return "tools"
        case "end_turn" | "stop_sequence":
            return "done"
    return "unknown"
'''),
    # CM101 in a batch request's params dict, and in a comparison (an unsafe fix)
    Template('''
def submit_${noun}s(items):
    return client.messages.batches.create(
        requests=[
            {
                "custom_id": item.id,
                "params": {
                    "model": "$retired",
                    "max_tokens": $max_tokens,
                    "messages": [{"role": "user", "content": item.text}],
                },
            }
            for item in items
        ]
    )


def price_for_$noun(model: str) -> float:
    if model == "$retired":
        return $price
    return $cheap_price
'''),
    # CM101 in Bedrock and Vertex form
    Template('''
def fallback_$noun(text: str):
    messages = [{"role": "user", "content": text}]
    try:
        bedrock = anthropic.AnthropicBedrock(aws_region="us-east-1")
        return bedrock.messages.create(model="$bedrock", max_tokens=$max_tokens, messages=messages)
    except anthropic.APIError:
        log.warning("Bedrock failed for a $noun; trying Vertex")
        vertex = anthropic.AnthropicVertex(region="us-east5", project_id="$noun-service")
        return vertex.messages.create(model="$vertex", max_tokens=$max_tokens, messages=messages)
'''),
]

FILLER = Template('''
@dataclass
class ${noun_title}Record:
    id: int
    name: str
    score: float = $price

    def summary(self) -> str:
        return f"{self.name}: {self.score:.2f}"


def load_${noun}s(path: str) -> list[${noun_title}Record]:
    with open(path, encoding="utf-8") as handle:
        rows = json.load(handle)
    records = [${noun_title}Record(row["id"], row["name"], row.get("score", $price)) for row in rows]
    log.info("loaded %d ${noun}s from %s", len(records), path)
    return records


def top_${noun}s(records: list[${noun_title}Record], limit: int = $limit) -> list[${noun_title}Record]:
    ranked = sorted(records, key=lambda record: record.score, reverse=True)
    return ranked[:limit]
''')


def _values(rng: random.Random, index: int) -> dict:
    """The names, model IDs and numbers one generated file uses."""
    noun = rng.choice(NOUNS)
    max_tokens = rng.choice([4096, 8192, 16000, 32000])
    return {
        "index": index,
        "noun": noun,
        "noun_upper": noun.upper(),
        "noun_title": noun.title(),
        "verb": rng.choice(VERBS),
        "retired": rng.choice(RETIRED),
        "bedrock": rng.choice(RETIRED_BEDROCK),
        "vertex": rng.choice(RETIRED_VERTEX),
        "deprecated": rng.choice(DEPRECATED),
        "outdated": rng.choice(OUTDATED),
        "modern": rng.choice(MANUAL_THINKING_DEPRECATED),
        "haiku": rng.choice(BEFORE_ADAPTIVE),
        "beta": rng.choice(OBSOLETE_BETAS),
        "editor": rng.choice(LEGACY_EDITORS),
        "max_tokens": max_tokens,
        "budget": rng.randrange(1024, max_tokens // 2),
        "small_max": rng.choice([512, 1024]),
        "big_budget": rng.choice([1024, 2048, 4096]),
        "price": round(rng.uniform(1, 20), 2),
        "cheap_price": round(rng.uniform(0.1, 1), 2),
        "limit": rng.randrange(5, 50),
    }


def dense_module(index: int) -> str:
    """About 150 lines with request sites for every rule."""
    values = _values(random.Random(index), index)
    parts = [HEADER, *SNIPPETS, FILLER]
    return "\n".join(part.substitute(values) for part in parts)


def sdk_module(index: int) -> str:
    """A short file that calls the SDK: the header and three of the snippets."""
    rng = random.Random(-1 - index)
    values = _values(rng, index)
    return "\n".join(part.substitute(values) for part in [HEADER, *rng.sample(SNIPPETS, 3)])


# --- trees ----------------------------------------------------------------------------------


@dataclass
class Tree:
    name: str
    path: Path
    files: int
    lines: int
    bytes: int


def python_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if CACHE_FOLDER not in p.parts)


def backdate(folder: Path) -> None:
    """Date every file an hour back, as in a project not edited the moment before the check
    (the cache rightly distrusts the stat of a file modified in the last seconds)."""
    an_hour_ago = time.time() - 3600
    for file in python_files(folder):
        os.utime(file, (an_hour_ago, an_hour_ago))


def describe(name: str, path: Path) -> Tree:
    data = [p.read_bytes() for p in python_files(path)]
    lines = sum(len(d.splitlines()) for d in data)
    return Tree(name, path, len(data), lines, sum(map(len, data)))


def every_kth(items: list, scale: float) -> list:
    """A deterministic ``scale`` fraction of ``items``, evenly spread."""
    return [items[int(i / scale)] for i in range(round(len(items) * scale))]


def build_sparse(dest: Path, scale: float) -> Tree:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    files = sorted(
        p for p in stdlib.rglob("*.py")
        if not SKIPPED_STDLIB_FOLDERS.intersection(p.relative_to(stdlib).parts[:-1])
    )
    chosen = every_kth(files, min(scale, 1.0))
    for source in chosen:
        target = dest / source.relative_to(stdlib)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    apps = dest / "claude_apps"
    apps.mkdir()
    for i in range(max(1, round(len(chosen) / 100))):
        (apps / f"app_{i:04}.py").write_text(sdk_module(i), "utf-8")
    backdate(dest)
    return describe("sparse", dest)


def build_dense(dest: Path, scale: float) -> Tree:
    for i in range(max(1, round(DENSE_FILES * scale))):
        package = dest / f"pkg_{i // 100:02}"
        package.mkdir(parents=True, exist_ok=True)
        (package / f"module_{i:05}.py").write_text(dense_module(i), "utf-8")
    backdate(dest)
    return describe("dense", dest)


def missing_rules(tree: Tree) -> list[str]:
    """The rules that a check of the first three dense files does not report (should be none)."""
    sample = [str(p) for p in python_files(tree.path)[:3]]
    command = [CLAUDE_MIGRATE, "check", *no_cache_option(), "--output-format", "json", *sample]
    out = subprocess.run(command, capture_output=True, text=True, check=False).stdout
    return sorted(EVERY_RULE - {finding["code"] for finding in json.loads(out)})


# --- measuring ------------------------------------------------------------------------------


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0  # a zombie has no resident set


def _children(pid: int) -> list[int]:
    return [
        int(child)
        for task in Path(f"/proc/{pid}/task").iterdir()
        for child in (task / "children").read_text().split()
    ]


def tree_rss_kb(pid: int) -> int:
    """The summed VmRSS of a process and all its descendants (shared pages count once each)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            total += _rss_kb(current)
            pending += _children(current)
        except OSError:
            pass  # it exited while we looked
    return total


class PeakRss(threading.Thread):
    """Samples a process tree's RSS every 20 ms until stopped; ``peak_kb`` is the largest sum."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kb = 0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            self.peak_kb = max(self.peak_kb, tree_rss_kb(self.pid))
            self._done.wait(SAMPLE_SECONDS)

    def stop(self) -> None:
        self._done.set()
        self.join()


@dataclass
class Measurement:
    seconds: float
    peak_mb: float
    returncode: int
    lines_per_second: float
    log: str


def measure(command: list[str], tree: Tree, log: Path, env: dict | None = None) -> Measurement:
    """Run ``command`` in the tree's folder, its stdout and stderr to ``log``."""
    with log.open("wb") as output:
        start = time.perf_counter()
        # A session of its own, so that a hung run's whole process tree can be killed at once.
        process = subprocess.Popen(
            command, cwd=tree.path, stdout=output, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
        sampler = PeakRss(process.pid)
        sampler.start()
        try:
            returncode = process.wait(timeout=RUN_TIMEOUT_SECONDS)
        except BaseException:  # a hung run, or Ctrl-C (which does not reach the run's session)
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise
        finally:
            seconds = time.perf_counter() - start
            sampler.stop()
    if returncode not in (0, 1) or b"\nTraceback (most recent call last):" in b"\n" + log.read_bytes():
        print(f"  ! {' '.join(command)} exited {returncode}; see {log}", file=sys.stderr)
    peak_mb = round(sampler.peak_kb / 1024, 1)
    return Measurement(round(seconds, 3), peak_mb, returncode, round(tree.lines / seconds), str(log))


@functools.cache
def no_cache_option() -> list[str]:
    """``["--no-cache"]`` if this version of the CLI has the flag, else nothing."""
    help_text = subprocess.run([CLAUDE_MIGRATE, "check", "--help"], capture_output=True, text=True, check=False).stdout
    return ["--no-cache"] if "--no-cache" in help_text else []


def clear_cache(tree: Tree) -> None:
    shutil.rmtree(tree.path / CACHE_FOLDER, ignore_errors=True)


def run_all(tree: Tree, jobs: int, logs: Path, bare_parse: bool, repeat: int) -> dict[str, Measurement]:
    """Every timed run on one tree: cold check, fix --diff, a check that fills the cache and one
    that reads it, ruff, the bare parse. The whole sequence runs ``repeat`` times and each run
    keeps its fastest time (runs of half a second vary by a tenth on a shared machine)."""
    jobs_option = ["--jobs", str(jobs)]
    no_cache = no_cache_option()
    runs: dict[str, Measurement] = {}

    def timed(name: str, command: list[str], env: dict | None = None) -> None:
        got = measure(command, tree, logs / f"{tree.name}-{name}.log", env)
        if name not in runs or got.seconds < runs[name].seconds:
            runs[name] = got

    for _ in range(repeat):
        clear_cache(tree)
        timed("check", [CLAUDE_MIGRATE, "check", *no_cache, *jobs_option, "."])
        timed("fix_diff", [CLAUDE_MIGRATE, "fix", "--diff", *no_cache, *jobs_option, "."])
        clear_cache(tree)
        timed("check_cache_fill", [CLAUDE_MIGRATE, "check", *jobs_option, "."])
        timed("check_cached", [CLAUDE_MIGRATE, "check", *jobs_option, "."])
        ruff_env = {**os.environ, "RAYON_NUM_THREADS": str(jobs)}  # ruff's thread count
        timed("ruff", [RUFF, "check", "--isolated", "--select", "E711", "--no-cache", "."], ruff_env)
        if bare_parse:
            timed("bare_parse", [sys.executable, __file__, "--bare-parse", ".", "--jobs", str(jobs)])
    return runs


# --- the bare parse (run in its own process by run_all) -------------------------------------


def parses(path: Path) -> bool:
    try:
        libcst.parse_module(path.read_bytes())
    except Exception:  # any failure (syntax, encoding, recursion) only counts as a failed file
        return False
    return True


def bare_parse(folder: Path, jobs: int) -> None:
    files = python_files(folder)
    with multiprocessing.Pool(jobs) as pool:
        parsed = sum(pool.imap_unordered(parses, files, chunksize=4))
    print(json.dumps({"files": len(files), "failed": len(files) - parsed}))


# --- report ---------------------------------------------------------------------------------


@dataclass
class Target:
    tree: str
    name: str
    value: float
    limit: float
    at_most: bool  # the value must be <= limit, else >= limit

    @property
    def passed(self) -> bool:
        return self.value <= self.limit if self.at_most else self.value >= self.limit


def targets(tree: str, runs: dict[str, Measurement]) -> list[Target]:
    sec = {name: m.seconds for name, m in runs.items()}
    peak = max(m.peak_mb for name, m in runs.items() if name not in ("ruff", "bare_parse"))
    found = [Target(tree, "cached check / first check", sec["check_cached"] / sec["check_cache_fill"], 0.2, True)]
    if tree == "sparse":
        found.append(Target(tree, "check / ruff", sec["check"] / sec["ruff"], 2.0, True))
    if tree == "dense":
        found.append(Target(tree, "check throughput / bare parse", sec["bare_parse"] / sec["check"], 0.5, False))
        found.append(Target(tree, "fix --diff / check", sec["fix_diff"] / sec["check"], 1.3, True))
    found.append(Target(tree, "claude-migrate peak MB", peak, PEAK_MB_LIMIT, True))
    return found


def print_tree(tree: Tree, runs: dict[str, Measurement]) -> None:
    print(f"\n{tree.name}: {tree.files:,} files, {tree.lines:,} lines")
    print(f"  {'run':<18}{'seconds':>9}{'peak MB':>10}{'lines/s':>12}{'exit':>6}")
    for name, m in runs.items():
        print(f"  {name:<18}{m.seconds:>9.2f}{m.peak_mb:>10.1f}{m.lines_per_second:>12,}{m.returncode:>6}")


def print_targets(found: list[Target]) -> None:
    print("\ntargets:")
    for t in found:
        verdict = "pass" if t.passed else "FAIL"
        print(f"  {t.tree:<7}{t.name:<32}{t.value:>8.2f}  {'<=' if t.at_most else '>='} {t.limit:<6} {verdict}")


def compile_installed_package() -> None:
    """Write claude-migrate's bytecode, as installing its wheel does. An editable install
    under PYTHONDONTWRITEBYTECODE (set on some CI machines) would otherwise compile every
    module on every run, which is not what users time."""
    import claude_migrate

    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(claude_migrate.__file__).parent)], check=True)


def tool_version(command: list[str]) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=False).stdout.strip()


def machine() -> dict:
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "claude_migrate": tool_version([CLAUDE_MIGRATE, "--version"]),
        "ruff": tool_version([RUFF, "--version"]),
        "libcst": version("libcst"),
        "commit": tool_version(["git", "-C", str(Path(__file__).parent), "rev-parse", "--short", "HEAD"]),
    }


# --- main -----------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="size of both trees (default 1.0)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count(), help="worker processes (default: CPUs)")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "latest.json")
    parser.add_argument("--keep", action="store_true", help="keep the trees and the run logs")
    parser.add_argument("--full", action="store_true", help="also time a bare parse of the sparse tree")
    parser.add_argument(
        "--repeat", type=int, default=3,
        help="runs of the sparse tree's sequence, fastest kept (default 3; the dense tree runs once)",
    )
    parser.add_argument("--bare-parse", type=Path, help=argparse.SUPPRESS)  # run_all's subprocess
    args = parser.parse_args()
    if args.scale <= 0 or args.jobs < 1:
        parser.error("--scale must be > 0 and --jobs >= 1")
    return args


def time_trees(trees: list[Tree], args: argparse.Namespace, logs: Path) -> tuple[dict, list[Target]]:
    """Time every run on each tree, print its table, and collect the target verdicts."""
    results, found = {}, []
    for tree in trees:
        print(f"timing {tree.name}...", flush=True)
        repeat = args.repeat if tree.name == "sparse" else 1  # a dense run is long enough to be stable
        runs = run_all(tree, args.jobs, logs, bare_parse=tree.name == "dense" or args.full, repeat=repeat)
        print_tree(tree, runs)
        found += targets(tree.name, runs)
        results[tree.name] = {**asdict(tree), "path": str(tree.path), "runs": {k: asdict(m) for k, m in runs.items()}}
    return results, found


def main() -> None:
    args = parse_args()
    if args.bare_parse:
        bare_parse(args.bare_parse, args.jobs)
        return
    compile_installed_package()
    work = Path(tempfile.mkdtemp(prefix="claude-migrate-bench-"))
    logs = work / "logs"
    logs.mkdir()
    try:
        print(f"building the trees in {work}...", flush=True)
        trees = [build_sparse(work / "sparse", args.scale), build_dense(work / "dense", args.scale)]
        missing = missing_rules(trees[1])
        if missing:
            print(f"warning: the dense tree triggers no {', '.join(missing)}", file=sys.stderr)
        try:
            results, found = time_trees(trees, args, logs)
        except subprocess.TimeoutExpired as exc:
            sys.exit(f"error: {' '.join(exc.cmd)} ran for over {exc.timeout} s; rerun with --keep to see its output")
        print_targets(found)
        report = {
            "machine": machine(),
            "settings": {"scale": args.scale, "jobs": args.jobs, "no_cache_flag": bool(no_cache_option())},
            "dense_rules_missing": missing,
            "trees": results,
            "targets": [{**asdict(t), "value": round(t.value, 3), "passed": t.passed} for t in found],
        }
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2) + "\n", "utf-8")
        print(f"\nwrote {args.out}")
    finally:
        if args.keep:
            print(f"kept the trees and logs in {work}")
        else:
            shutil.rmtree(work)


if __name__ == "__main__":
    main()
