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
