"""Finding messages are one line of text in the code's own names, whatever the shape of the code."""

from __future__ import annotations

from pathlib import Path

from vcx.config import Config
from vcx.pipeline import ScanOptions, scan

UPLOAD = """\
export function insertFiles(files: File[], uploadFile: Uploader) {
  for (const file of files) {
    uploadFile(file, {
      id: file.name,
      onProgress: (progress: number) => report(file.name, progress),
    }).then((url: string) => {
      fetch(url, { method: "HEAD" }).catch(() => {});
    });
  }
}
"""


def test_a_callback_of_a_call_spread_over_lines_is_named_on_one_line(tmp_path: Path) -> None:
    (tmp_path / "insert.ts").write_text(UPLOAD, encoding="utf-8")
    result = scan([tmp_path], Config(select=["ERR004"]), cwd=tmp_path, options=ScanOptions(jobs=1))
    assert [(f.line, f.message) for f in result.findings] == [
        (7, "`.catch(() => {})` in `uploadFile(…).then(…) callback in insertFiles` swallows the rejection "
            "silently"),
    ]


def test_a_floating_promise_in_browser_code_says_what_happens_there(tmp_path: Path) -> None:
    (tmp_path / "main.tsx").write_text(
        'import { createRoot } from "react-dom/client";\n'
        'import { refresh } from "./api";\n'
        "createRoot(document.body).render(<button onClick={() => { refresh(); }} />);\n",
        encoding="utf-8")
    (tmp_path / "worker.ts").write_text('import { refresh } from "./api";\n'
                                        "export function tick() {\n  refresh();\n}\n", encoding="utf-8")
    (tmp_path / "api.ts").write_text("export async function refresh() {\n  return JSON.parse(localStorage.state);\n}\n",
                                     encoding="utf-8")
    result = scan([tmp_path], Config(select=["ERR005"]), cwd=tmp_path, options=ScanOptions(jobs=1))
    assert [(f.path, f.line, f.message.rsplit("; ", 1)[1]) for f in result.findings] == [
        ("main.tsx", 3, "a rejection goes unnoticed: the browser only logs it to the console"),
        ("worker.ts", 3, "a rejection crashes the process"),
    ]


def test_a_network_call_in_a_try_whose_catch_rethrows_is_not_said_to_be_outside_a_try(tmp_path: Path) -> None:
    (tmp_path / "sync.ts").write_text(
        "export async function pushEvents(events: string[]) {\n"
        "  try {\n"
        '    return await fetch("https://collector.example.com/e", { method: "POST", body: events.join() });\n'
        "  } catch (error) {\n"
        '    console.warn("push failed");\n'
        "    throw error;\n"
        "  }\n"
        "}\n"
        "export async function pullEvents() {\n"
        '  return fetch("https://collector.example.com/e");\n'
        "}\n", encoding="utf-8")
    result = scan([tmp_path], Config(select=["ERR001"]), cwd=tmp_path, options=ScanOptions(jobs=1))
    assert [(f.line, f.message.split("` in `", 1)[1]) for f in result.findings] == [
        (3, "pushEvents` is inside a try/catch that rethrows the error and no caller in the project handles it"),
        (10, "pullEvents` is not inside a try/catch and no caller in the project handles it"),
    ]
