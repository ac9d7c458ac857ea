"""Stage 4: link the files of one scan into a project.

Resolves calls between the project's own modules (``import:<module>:<name>`` callees the
front ends leave behind) to the function they reach, and indexes who calls whom, so that
rules can ask "who calls this function?" across files.
"""

from __future__ import annotations

import json
import posixpath
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from vcx.facts import Call, Function, ModuleFacts

JS_EXTS = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts")


@dataclass(frozen=True, slots=True)
class FuncRef:
    path: str
    func: str


@dataclass
class Project:
    modules: dict[str, ModuleFacts]
    root: Path
    # Dependencies declared in package.json files of the scanned tree: name -> version spec.
    npm_deps: dict[str, str] = field(default_factory=dict)
    callers: dict[FuncRef, list[tuple[str, Call]]] = field(default_factory=lambda: defaultdict(list))
    # Call (path, call id) -> the project function it reaches.
    targets: dict[tuple[str, int], FuncRef] = field(default_factory=dict)

    def function(self, ref: FuncRef) -> Function | None:
        mod = self.modules.get(ref.path)
        return mod.functions.get(ref.func) if mod else None

    def target(self, path: str, call: Call) -> FuncRef | None:
        return self.targets.get((path, call.id))

    def callers_of(self, ref: FuncRef) -> list[tuple[str, Call]]:
        return self.callers.get(ref, [])

    def iter_calls(self):  # type: ignore[no-untyped-def]
        for path, mod in self.modules.items():
            for call in mod.calls:
                yield path, mod, call


def _python_module_index(modules: dict[str, ModuleFacts]) -> dict[str, str]:
    """Dotted module name -> path, for every suffix of the path (``app.models``, ``models``)."""
    index: dict[str, str] = {}
    for path, mod in modules.items():
        if mod.language != "python":
            continue
        parts = path[:-3].split("/")
        if parts[-1] == "__init__":
            parts = parts[:-1]
        for i in range(len(parts)):
            index.setdefault(".".join(parts[i:]), path)
    return index


def _resolve_python(importer: str, module: str, index: dict[str, str],
                    modules: dict[str, ModuleFacts]) -> str | None:
    if module.startswith("."):
        level = len(module) - len(module.lstrip("."))
        base = posixpath.dirname(importer)
        for _ in range(level - 1):
            base = posixpath.dirname(base)
        rest = module[level:].replace(".", "/")
        stem = posixpath.join(base, rest) if rest else base
        for cand in (stem + ".py", stem + "/__init__.py"):
            if cand in modules:
                return cand
        return None
    return index.get(module)


def _resolve_js(importer: str, spec: str, modules: dict[str, ModuleFacts],
                aliases: list[tuple[str, str]]) -> str | None:
    if spec.startswith("."):
        stem = posixpath.normpath(posixpath.join(posixpath.dirname(importer), spec))
    else:
        for prefix, target in aliases:
            if spec == prefix.rstrip("/*") or spec.startswith(prefix.rstrip("*")):
                stem = posixpath.normpath(target.rstrip("*") + spec[len(prefix.rstrip("*")):])
                break
        else:
            return None
    if stem in modules:
        return stem
    base, ext = posixpath.splitext(stem)
    candidates = [stem + e for e in JS_EXTS] + [stem + "/index" + e for e in JS_EXTS]
    if ext in (".js", ".mjs", ".cjs", ".jsx"):  # TS sources imported with a .js suffix
        candidates += [base + e for e in JS_EXTS]
    for cand in candidates:
        if cand in modules:
            return cand
    return None


def _tsconfig_aliases(root: Path, modules: dict[str, ModuleFacts]) -> list[tuple[str, str]]:
    """``paths`` aliases of tsconfig/jsconfig files, as (prefix, target) in scan-path terms."""
    out: list[tuple[str, str]] = []
    prefix = _display_prefix(modules)
    for name in ("tsconfig.json", "jsconfig.json"):
        cfg = root / name
        if not cfg.is_file():
            continue
        try:
            data = json.loads(_strip_json_comments(cfg.read_text(encoding="utf-8", errors="replace")))
        except (OSError, ValueError):
            continue
        opts = data.get("compilerOptions", {}) if isinstance(data, dict) else {}
        base = opts.get("baseUrl", ".") if isinstance(opts, dict) else "."
        paths = opts.get("paths", {}) if isinstance(opts, dict) else {}
        if isinstance(paths, dict):
            for alias, targets in paths.items():
                if isinstance(targets, list) and targets and isinstance(targets[0], str):
                    out.append((alias, posixpath.normpath(posixpath.join(prefix, str(base), targets[0]))))
    return out


def _display_prefix(modules: dict[str, ModuleFacts]) -> str:
    paths = list(modules)
    if not paths:
        return ""
    common = posixpath.commonpath(paths) if len(paths) > 1 else posixpath.dirname(paths[0])
    return common


def _strip_json_comments(text: str) -> str:
    out, i, n, in_str = [], 0, len(text), False
    while i < n:
        c = text[i]
        if in_str:
            out.append(c)
            if c == "\\" and i + 1 < n:
                out.append(text[i + 1])
                i += 1
            elif c == '"':
                in_str = False
        elif c == '"':
            in_str = True
            out.append(c)
        elif text.startswith("//", i):
            while i < n and text[i] != "\n":
                i += 1
            continue
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j == -1 else j + 2
            continue
        else:
            out.append(c)
        i += 1
    return "".join(out)


def _npm_deps(root: Path) -> dict[str, str]:
    deps: dict[str, str] = {}
    for pkg in [root / "package.json", *sorted(root.glob("*/package.json"))]:
        try:
            data = json.loads(pkg.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(data, dict):
            continue
        for key in ("dependencies", "devDependencies", "peerDependencies"):
            section = data.get(key)
            if isinstance(section, dict):
                for name, version in section.items():
                    deps.setdefault(str(name), str(version))
    return deps


def link(modules: dict[str, ModuleFacts], root: Path) -> Project:
    project = Project(modules=modules, root=root, npm_deps=_npm_deps(root))
    py_index = _python_module_index(modules)
    js_aliases = _tsconfig_aliases(root, modules)
    py_roots = {name.split(".", 1)[0] for name in py_index}
    resolved_module: dict[tuple[str, str], str | None] = {}

    def module_path(importer: str, lang: str, module: str) -> str | None:
        key = (importer, module)
        if key not in resolved_module:
            if lang == "python":
                resolved_module[key] = _resolve_python(importer, module, py_index, modules)
            else:
                resolved_module[key] = _resolve_js(importer, module, modules, js_aliases)
        return resolved_module[key]

    def export_target(path: str, name: str, depth: int = 0) -> FuncRef | None:
        mod = modules.get(path)
        if mod is None or depth > 5:
            return None
        if name in mod.functions:
            return FuncRef(path, name)
        exported = mod.exports.get(name)
        if exported is not None and exported.ref:
            ref = exported.ref
            if ref.startswith("local:") and ref[6:] in mod.functions:
                return FuncRef(path, ref[6:])
            if ref.startswith("import:"):
                _, spec, inner = ref.split(":", 2)
                target = module_path(path, mod.language, spec)
                if target is not None:
                    return export_target(target, inner, depth + 1)
        for imp in mod.imports:  # `export * from './x'` and re-exports of imported names
            if imp.name == "*" and imp.local == "*":
                target = module_path(path, mod.language, imp.module)
                if target is not None:
                    found = export_target(target, name, depth + 1)
                    if found is not None:
                        return found
        return None

    for path, mod in modules.items():
        for call in mod.calls:
            ref: FuncRef | None = None
            callee = call.callee.replace("().", ".")
            if callee.startswith("local:"):
                name = callee[6:]
                if name in mod.functions:
                    ref = FuncRef(path, name)
            elif callee.startswith("import:"):
                _, spec, rest = callee.split(":", 2)
                target = module_path(path, mod.language, spec)
                if target is not None:
                    ref = export_target(target, rest)
                    if ref is None and "." in rest:  # module import: helpers.fetch_user
                        head, _, tail = rest.partition(".")
                        sub_spec = (spec + head if spec.endswith(".") else f"{spec}.{head}")
                        sub = module_path(path, mod.language, sub_spec) if mod.language == "python" else None
                        if sub is not None:
                            ref = export_target(sub, tail)
            elif mod.language == "python" and callee.split(".", 1)[0] in py_roots:
                parts = callee.split(".")
                for i in range(len(parts) - 1, 0, -1):
                    target = py_index.get(".".join(parts[:i]))
                    if target is not None:
                        ref = export_target(target, ".".join(parts[i:]))
                        break
            if ref is not None:
                project.targets[(path, call.id)] = ref
                project.callers[ref].append((path, call))
    return project
