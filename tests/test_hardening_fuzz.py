"""Property and fuzz tests: no input crashes vcx, loses a file's facts or changes the answer.

Two profiles, chosen with the ``VCX_FUZZ`` environment variable:

* ``quick`` (the default, run by ``.ci/run``): a few hundred derandomised cases, seconds;
* ``extended``: 100k+ random cases (``VCX_FUZZ=extended pytest tests/test_hardening_fuzz.py``; a
  fraction of them with ``VCX_FUZZ_SCALE=0.1``),
  optionally over real code bases as well (``VCX_FUZZ_CORPUS=/path/one:/path/two``).
  What the extended run found is recorded in ``benchmarks/HARDENING.md``.

Inputs: random bytes and text; the fixture and example files of this repository mutated
(truncation, token deletion, duplication, splicing one language into another, insertion of
brackets, quotes, NULs and encoding cookies, deep nesting, long lines) and re-encoded
(UTF-8 with BOM, UTF-16 LE/BE, Latin-1, CRLF, CR, lone surrogates).
"""

from __future__ import annotations

import codecs
import json
import marshal
import os
import random
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from vcx.cache import decode as decode_facts
from vcx.cache import dumps, encode, loads
from vcx.config import Config
from vcx.discover import LANGUAGES, SourceFile, discover
from vcx.facts import ModuleFacts
from vcx.limits import Limits, TooDeep, check_depth
from vcx.parse import Undecodable, decode, parse
from vcx.pipeline import ScanOptions, extract_file, scan

EXTENDED = os.environ.get("VCX_FUZZ", "quick") == "extended"
REPO = Path(__file__).resolve().parent.parent
LANGS = ("python", "javascript", "typescript", "tsx")
EXT = {"python": ".py", "javascript": ".js", "typescript": ".ts", "tsx": ".tsx"}
# Reasons a file may be skipped for; anything else (an internal error, Python's recursion
# limit) is a bug in vcx.
ALLOWED_REASONS = ("undecodable: ", "nested too deeply: syntax tree deeper than", "nested too deeply: brackets open",
                   "too broken to analyse: a syntax-error region of", "analysis timed out after ")
LIMITS = Limits(timeout=30)


# ``VCX_FUZZ_SCALE=0.1`` runs a tenth of the extended cases (a shorter extended run).
SCALE = float(os.environ.get("VCX_FUZZ_SCALE", "1") or 1)


def fuzz_settings(quick: int, extended: int):  # type: ignore[no-untyped-def]
    examples = max(1, int(extended * SCALE)) if EXTENDED else quick
    return settings(max_examples=examples, deadline=None, derandomize=not EXTENDED,
                    database=None, suppress_health_check=list(HealthCheck), print_blob=True)


# ------------------------------------------------------------------------------ corpus


def _corpus() -> list[tuple[str, bytes]]:
    roots = [REPO / "tests" / "fixtures", REPO / "examples"]
    roots += [Path(p) for p in os.environ.get("VCX_FUZZ_CORPUS", "").split(os.pathsep) if p]
    out: list[tuple[str, bytes]] = []
    for root in roots:
        files = sorted(p for p in root.rglob("*") if p.suffix in LANGUAGES and p.is_file()
                       and "node_modules" not in p.parts and ".git" not in p.parts)
        if len(files) > 4000:
            files = random.Random(0).sample(files, 4000)
        for p in files:
            data = p.read_bytes()
            if len(data) <= 100_000:
                out.append((LANGUAGES[p.suffix], data))
    return out


CORPUS = _corpus()
SNIPPETS = {
    "python": b"import requests\n\nasync def f(x, *a, **k):\n    try:\n        return await g(x, timeout=30)\n"
              b"    except (ValueError, KeyError) as e:\n        raise\n\nclass C(Base):\n    @dec(1)\n"
              b"    def m(self):\n        for i in range(10):\n            requests.get(f'{u}/{i}')\n",
    "javascript": b"const axios = require('axios');\nexport async function f(u) {\n  try {\n"
                  b"    return await axios.get(`${u}/x`, { timeout: 1000 * 3 });\n  } catch (e) { throw e; }\n}\n"
                  b"for (const x of xs) { fetch(x).then(r => r.json()).catch(() => {}); }\n",
    "typescript": b"import { Injectable } from '@nestjs/common';\n@Injectable()\nexport class S {\n"
                  b"  constructor(private readonly http: HttpService) {}\n  async get<T>(u: string): Promise<T> {\n"
                  b"    const r = await this.http.get<T>(u).toPromise();\n    return r!.data as T;\n  }\n}\n",
    "tsx": b"import styled from 'styled-components';\n"
           b"const B = styled.div<{ a: boolean }>`\n  color: ${(p) => p.a};\n`;\n"
           b"export const V = ({ x }: P) => <B a>{x.map((y) => <i key={y}>{y}</i>)}</B>;\n",
}
TOKENS = [b"{", b"}", b"(", b")", b"[", b"]", b"\"", b"'", b"`", b"${", b"/*", b"*/", b'"""', b"\\", b"\n", b"\r",
          b"\t", b"<", b">", b"</", b"=>", b"async ", b"await ", b"def ", b"class ", b"@", b"#", b"//", b"\x00",
          b"\xff", b"\xe2\x80\xa8", codecs.BOM_UTF8, b"vcx: ignore[", b"# -*- coding: latin-1 -*-\n",
          b"# coding: utf-16\n", b"# coding: nonsense\n", b"0x" + b"f" * 400, b"9" * 5000, b"1e999", b"\xed\xa0\x80",
          b"try:", b"except:", b"catch (e) {", b"new ", b"import ", b"export default ", b"yield ", b"lambda: ",
          b"?.", b"??", b"...", b"<T,>", b"as const", b"satisfies X", b"#!/usr/bin/env node\n", b"\"use client\";\n"]


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    """A real file, mutated and possibly re-encoded, and the language to parse it as."""
    if CORPUS and draw(st.integers(0, 9)) > 0:
        lang, data = draw(st.sampled_from(CORPUS))
    else:
        lang = draw(st.sampled_from(LANGS))
        data = SNIPPETS[lang]
    if draw(st.integers(0, 9)) == 0:
        lang = draw(st.sampled_from(LANGS))  # Python parsed as TypeScript, and so on
    buf = bytearray(data)
    for _ in range(draw(st.integers(0, 4))):
        n = len(buf)
        op = draw(st.integers(0, 9))
        i = draw(st.integers(0, n))
        if op == 0:  # truncation
            del buf[i:]
        elif op == 1:  # token deletion
            del buf[i:i + draw(st.integers(1, 40))]
        elif op == 2 and n:  # duplication
            j = draw(st.integers(0, n))
            buf[i:i] = buf[min(i, j):max(i, j)][:5000]
        elif op == 3 and CORPUS:  # splicing another file (another language, often)
            _, other = draw(st.sampled_from(CORPUS))
            a = draw(st.integers(0, len(other)))
            buf[i:i] = other[a:a + draw(st.integers(1, 3000))]
        elif op == 4:
            buf[i:i] = draw(st.sampled_from(TOKENS)) * draw(st.integers(1, 3))
        elif op == 5:
            buf[i:i] = draw(st.binary(min_size=1, max_size=16))
        elif op == 6:  # deep nesting
            k = draw(st.integers(1, 3000))
            opener, closer = draw(st.sampled_from([(b"(", b")"), (b"[", b"]"), (b"{", b"}"), (b"f(", b")"),
                                                   (b"a.b(", b")"), (b"<a>", b"</a>"), (b"(x) => ", b""),
                                                   (b"lambda: ", b""), (b"if (x) {", b"}"), (b"A<", b">")]))
            buf[i:i] = opener * k + b"x" + closer * draw(st.integers(0, k))
        elif op == 7:  # a long line
            buf[i:i] = draw(st.sampled_from([b"a", b"x+", b"'", b" ", b"\\"])) * draw(st.integers(1, 200_000))
        elif op == 8:  # swap two lines
            lines = bytes(buf).split(b"\n")
            if len(lines) > 1:
                a, b = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
                lines[a], lines[b] = lines[b], lines[a]
                buf = bytearray(b"\n".join(lines))
        else:  # repeat a region many times (generated-looking code)
            buf[i:i] = buf[i:i + draw(st.integers(0, 200))] * draw(st.integers(1, 300))
    return lang, reencode(bytes(buf), draw(st.integers(0, 12)))


def reencode(data: bytes, how: int) -> bytes:
    text = data.decode("utf-8", "surrogateescape")
    if how == 1:
        return codecs.BOM_UTF8 + data
    if how == 2:
        return text.encode("utf-16", "surrogatepass")  # with a BOM
    if how == 3:
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be", "surrogatepass")
    if how == 4:
        return text.encode("latin-1", "replace")
    if how == 5:
        return data.replace(b"\n", b"\r\n")
    if how == 6:
        return data.replace(b"\n", b"\r")
    if how == 7:  # a lone surrogate in UTF-8 and in UTF-16
        return data + "\udc80".encode("utf-8", "surrogatepass")
    if how == 8:
        return codecs.BOM_UTF16_LE + (text + "\ud800").encode("utf-16-le", "surrogatepass")
    if how == 9:
        return text.encode("utf-16-le", "surrogatepass")  # UTF-16 without a BOM
    return data


# ------------------------------------------------------------------------------ checks


def check_facts(m: ModuleFacts) -> None:
    """What every facts object must satisfy: sane locations, and cache/IPC round trips."""
    for loc in [c.loc for c in m.calls] + [f.loc for f in m.functions.values()] + [h.loc for h in m.handlers]:
        assert 1 <= loc.line <= loc.end_line <= m.lines and loc.col >= 1 and loc.end_col >= 1, loc
    for lo, hi in m.error_ranges:
        assert 1 <= lo <= hi <= m.lines
    assert loads(dumps(m)) == m
    assert decode_facts(marshal.loads(marshal.dumps(encode(m)))) == m
    assert not _has_nan(encode(m))  # infinities are fine (1e999); NaN != NaN is not
    json.dumps(encode(m))


def _has_nan(obj: object) -> bool:
    stack = [obj]
    while stack:
        x = stack.pop()
        if isinstance(x, float) and x != x:
            return True
        if isinstance(x, dict):
            stack.extend(x.values())
        elif isinstance(x, (list, tuple)):
            stack.extend(x)
    return False


def analyse(lang: str, data: bytes, tmp: Path | None = None) -> ModuleFacts | str:
    sf = SourceFile(path=(tmp or Path("/nonexistent")) / f"f{EXT[lang]}", display=f"f{EXT[lang]}",
                    language=lang, size=len(data))
    res = extract_file(sf, data, LIMITS)
    if isinstance(res, str):
        assert res.startswith(ALLOWED_REASONS), res
    else:
        check_facts(res)
    return res


# ------------------------------------------------------------------ per-file properties


@fuzz_settings(quick=250, extended=60_000)
@given(mutated())
@example(("python", b"requests.get(u, timeout=0x" + b"f" * 400 + b")\n"))
@example(("javascript", b"axios.get(u, {timeout: 0" + b"7" * 500 + b"})\n"))
@example(("python", b"x = " + b"[" * 5000 + b"]" * 5000 + b"\n"))
@example(("tsx", SNIPPETS["tsx"]))
def test_front_ends_never_fail_on_mutated_code(case: tuple[str, bytes]) -> None:
    lang, data = case
    first = analyse(lang, data)
    if not EXTENDED or len(data) % 4 == 0:
        assert analyse(lang, data) == first  # and the same facts every time


@fuzz_settings(quick=100, extended=20_000)
@given(st.sampled_from(LANGS), st.binary(max_size=3000))
def test_front_ends_never_fail_on_random_bytes(lang: str, data: bytes) -> None:
    analyse(lang, data)


@fuzz_settings(quick=100, extended=20_000)
@given(st.sampled_from(LANGS), st.text(max_size=2000), st.integers(0, 12))
def test_front_ends_never_fail_on_random_text(lang: str, text: str, how: int) -> None:
    analyse(lang, reencode(text.encode("utf-8", "surrogatepass"), how))


@fuzz_settings(quick=100, extended=10_000)
@given(st.binary(max_size=400), st.sampled_from([None, "python"]))
def test_decode_gives_utf8_or_a_reason(data: bytes, lang: str | None) -> None:
    try:
        out = decode(data, lang)
    except Undecodable as exc:
        assert str(exc).startswith("undecodable: ")
        return
    out.decode("utf-8")


@fuzz_settings(quick=60, extended=5_000)
@given(st.lists(st.sampled_from(["(", ")", "[", "]", "x", ",", "\n", "f(", "+"]), max_size=3000),
       st.integers(1, 60))
def test_check_depth_agrees_with_a_full_walk(tokens: list[str], limit: int) -> None:
    tree = parse(("x = " + "".join(tokens)).encode(), "python")
    depth, stack = 0, [(tree.root_node, 0)]
    while stack:
        node, d = stack.pop()
        depth = max(depth, d)
        stack.extend((c, d + 1) for c in node.children)
    try:
        check_depth(tree.root_node, limit)
        assert depth <= limit
    except TooDeep:
        assert depth > limit


# ------------------------------------------------------------------- whole-scan properties


@st.composite
def trees(draw: st.DrawFn) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for i in range(draw(st.integers(1, 6))):
        lang, data = draw(mutated())
        folder = draw(st.sampled_from(["", "app/", "src/lib/", "tests/", "node_modules/x/", "a b/"]))
        files[f"{folder}f{i}{EXT[lang]}"] = data
    return files


def _write_tree(root: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)


@fuzz_settings(quick=20, extended=4_000)
@given(trees())
def test_a_scan_of_any_tree_reports_and_renders(tmp_path_factory: pytest.TempPathFactory,
                                                files: dict[str, bytes]) -> None:
    from vcx.report import json_report, sarif, text

    root = tmp_path_factory.mktemp("tree")
    _write_tree(root, files)
    cfg = Config(root=root)
    result = scan([root], cfg, cwd=root, options=ScanOptions(jobs=1))
    for path, reason in result.skipped:
        assert not reason.startswith(("internal error", "nested too deeply: Python")), (path, reason)
    again = scan([root], cfg, cwd=root, options=ScanOptions(jobs=1))
    assert json_report.render(again) == json_report.render(result)
    json.loads(sarif.render(result, root=root))
    text.render(result, color=False)


@fuzz_settings(quick=3, extended=150)
@given(trees(), st.sampled_from(["json", "sarif", "text"]), st.sampled_from(["1", "2"]))
def test_the_command_exits_0_or_1_without_a_traceback(tmp_path_factory: pytest.TempPathFactory,
                                                      files: dict[str, bytes], fmt: str, jobs: str) -> None:
    root = tmp_path_factory.mktemp("cli")
    _write_tree(root, files)
    proc = subprocess.run([sys.executable, "-m", "vcx", "scan", ".", "--format", fmt, "--jobs", jobs, "--no-cache"],
                          cwd=root, capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=300,
                          env={k: v for k, v in os.environ.items() if not k.startswith("VCX_")})
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "internal error" not in proc.stderr + proc.stdout


@fuzz_settings(quick=15, extended=1_000)
@given(st.lists(st.text(st.characters(blacklist_characters="/\x00", blacklist_categories=("Cs",)),
                        min_size=1, max_size=40), min_size=1, max_size=8, unique=True),
       st.sampled_from(list(LANGUAGES)))
def test_discover_handles_any_file_name(tmp_path_factory: pytest.TempPathFactory, names: list[str],
                                        suffix: str) -> None:
    root = tmp_path_factory.mktemp("names")
    made = 0
    for name in names:
        assume(name not in (".", ".."))
        try:
            (root / (name + suffix)).write_bytes(b"x = 1\n")
            made += 1
        except OSError:  # too long, or refused by the file system
            continue
    found = discover([root], root, [], 2_000_000)
    shown = [f.display for f in found.files]
    assert shown == sorted(shown)
    assert len(found.files) + len(found.skipped) <= made


# --------------------------------------------------- facts do not depend on the process


def _extract_in_worker(item: tuple[str, bytes]) -> bytes | str:
    res = analyse(*item)
    return res if isinstance(res, str) else marshal.dumps(encode(res))


def test_facts_are_the_same_in_a_worker_process() -> None:
    """py-tree-sitter's capture order differs between processes: facts must not."""
    sample = CORPUS if EXTENDED else CORPUS[::3]
    local = [analyse(lang, data) for lang, data in sample]
    start = time.monotonic()
    with ProcessPoolExecutor(2) as pool:
        remote = list(pool.map(_extract_in_worker, sample, chunksize=8))
    assert time.monotonic() - start < 600
    for (lang, data), a, b in zip(sample, local, remote, strict=True):
        b2 = b if isinstance(b, str) else decode_facts(marshal.loads(b))
        assert a == b2, (lang, data[:200])
