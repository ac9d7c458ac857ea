"""Dynamic dispatch (``vcx.dispatch``): the calls the Python front end keeps for it, the calls
that reach a method through it, and what ERR001 says when it does not settle a finding."""

from __future__ import annotations

from pathlib import Path

from vcx import cache as cache_mod
from vcx.config import Config
from vcx.frontends import extract
from vcx.link import ClassRef, FuncRef, link
from vcx.pipeline import scan

FIXTURES = Path(__file__).parent / "fixtures" / "ERR001"

KEPT = '''\
import logging

import requests

log = logging.getLogger(__name__)


class Sync(Base):
    def run(self, source, settings):
        try:
            source.runner.run_query("q")
            settings.get("token")
            log.error("x")
            source.__enter__()
            requests.get("https://example.com", timeout=1)
            self.helper()
            self.inherited()
            make().run_query("q")

            def later():
                source.runner.run_query("q")
        except Exception:
            pass
        source.runner.test_connection()
        self.inherited_too()

    def helper(self):
        pass
'''


def test_the_front_end_keeps_calls_on_unknown_receivers_in_a_try_and_inherited_self_calls() -> None:
    facts = extract(KEPT.encode(), "python", "sync.py")
    assert [(d.text, d.loc.line, d.func, bool(d.handlers)) for d in facts.dispatches] == [
        ("source.runner.run_query", 11, "Sync.run", True),  # an unknown receiver, in a try
        # not: a dict's and a logger's methods, a dunder, a library call, the class's own method
        ("self.inherited", 17, "Sync.run", True),
        # not: a call on a call's result, a call in a function the try only defines, a call outside the try
        ("self.inherited_too", 25, "Sync.run", False),  # a self call, in a try or not
    ]
    calls = {c.text for c in facts.calls}
    assert "source.runner.run_query" not in calls  # no other rule sees calls on unknown receivers
    # self.m() is also a call: link follows it into a project base class that defines m (nothing
    # judges it by its name)
    assert {"self.inherited", "self.inherited_too"} <= calls


def test_dispatches_round_trip_through_the_cache_codec() -> None:
    facts = extract(KEPT.encode(), "python", "sync.py")
    assert facts.dispatches
    assert cache_mod.loads(cache_mod.dumps(facts)) == facts
    assert cache_mod.encode(cache_mod.loads(cache_mod.dumps(facts))) == cache_mod.encode(facts)


def _project(case: str):  # type: ignore[no-untyped-def]
    folder = FIXTURES / case
    modules = {}
    for path in sorted(folder.rglob("*.py")):
        rel = path.relative_to(folder).as_posix()
        modules[rel] = extract(path.read_bytes(), "python", rel)
    return link(modules, folder, folder)


def test_dispatch_callers_stay_out_of_the_call_graph() -> None:
    project = _project("py_plugin_dispatch")
    run_query = FuncRef("runners/http.py", "HttpRunner.run_query")
    assert project.callers_of(run_query) == []
    assert [(p, c.text, c.func) for p, c in project.dispatchers_of(run_query)] == [
        ("runners/base.py", "self.run_query", "BaseRunner.test_connection"),  # template methods of the base
        ("runners/base.py", "self.run_query", "BaseRunner._run_internal"),
        ("service.py", "runner.run_query", "execute"),  # in a try, on whatever runner a source names
    ]
    # an inherited method called on self: BaseRunner._run_internal, from RestSQLRunner._get_tables
    assert [(p, c.text, c.func) for p, c in project.dispatchers_of(FuncRef("runners/base.py",
                                                                          "BaseRunner._run_internal"))] == [
        ("runners/http.py", "self._run_internal", "RestSQLRunner._get_tables")]
    # a method of the same name that overrides nothing is reached by name only
    assert project.dispatchers_of(FuncRef("runners/http.py", "UsageReport.run_query")) == []


def test_a_finding_dispatch_does_not_clear_reads_as_before() -> None:
    """A dynamic caller never appears in a message: unguarded, or guarded by a handler that does
    not catch the error, the finding says what it says without dispatch."""
    found = []
    for case in ("py_plugin_dispatch", "py_dispatch_lookalikes"):
        folder = FIXTURES / case
        found += [(f.path, f.line, f.message) for f in scan([folder], Config(select=["ERR001"]), cwd=folder).findings]
    assert found == [
        ("runners/http.py", 19, '`requests.get(f"{API}/tables/{table}/preview", timeout=30)` in `HttpRunner.preview` '
                                "is not inside a try/catch and no caller in the project handles it"),
        ("runners/http.py", 40, '`requests.post(f"{API}/usage", json={"q": query}, timeout=30)` in '
                                "`UsageReport.run_query` is not inside a try/catch and no caller in the project "
                                "handles it"),
        ("hooks/clients.py", 12, '`requests.get(f"https://api.github.com/{path}", timeout=10)` in `GithubClient.get` '
                                 "is not inside a try/catch and no caller in the project handles it"),
        ("hooks/clients.py", 23, '`requests.put("https://bucket.example.com/rows.json", json=r…` in '
                                 "`S3Exporter.export` is not inside a try/catch and no caller in the project "
                                 "handles it"),
        ("hooks/views.py", 17, '`requests.post(CI_URL, json={"ref": request.POST["ref"]}, ti…` in '
                               "`DeployHookView.post` is not inside a try/catch and no caller in the project "
                               "handles it"),
    ]


JS_HIERARCHY = {
    "lib/base.ts": "export class Base { load(u: string) { return u } }\n",
    "lib/index.ts": 'export * from "./base";\nexport { Base as Root } from "./base";\n',
    "lib/default.ts": 'import { Base } from "./base";\nexport default class Mid extends Base { save() { return 1 } }\n',
    "app/a.ts": ('import { Base } from "../lib";\nimport * as lib from "../lib";\nimport Mid from "../lib/default";\n'
                 "class A extends Base { run() { return this.load('a') } }\n"
                 "class B extends lib.Root { run() { const f = () => super.load('b'); return f() } }\n"
                 "class C extends Mid { run() { this.save(); return this.load('c') } }\n"
                 "class D extends External { run() { return this.load('d') } }\n"),
}


def test_js_classes_resolve_their_bases_and_inherited_calls(tmp_path: Path) -> None:
    modules = {}
    for rel, text in JS_HIERARCHY.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
        modules[rel] = extract(text.encode(), "typescript", rel)
    project = link(modules, tmp_path, tmp_path)
    assert project.resolve_js_class("app/a.ts", "Base") == ClassRef("lib/base.ts", "Base")
    assert project.resolve_js_class("app/a.ts", "lib.Root") == ClassRef("lib/base.ts", "Base")
    assert project.resolve_js_class("app/a.ts", "Mid") == ClassRef("lib/default.ts", "Mid")
    assert project.resolve_js_class("app/a.ts", "External") is None
    load = project.dispatchers_of(FuncRef("lib/base.ts", "Base.load"))
    assert sorted((p, c.text, c.func) for p, c in load) == [
        ("app/a.ts", "super.load", "B.run.<locals>.f"), ("app/a.ts", "this.load", "A.run"),
        ("app/a.ts", "this.load", "C.run")]
    assert [(p, c.func) for p, c in project.dispatchers_of(FuncRef("lib/default.ts", "Mid.save"))] == [
        ("app/a.ts", "C.run")]
