"""An edit that changes no code changes no fact: the last scan's result is then reused
(``pipeline._reuse_last_result``), so nothing in the facts may depend on byte offsets."""

from __future__ import annotations

import pytest

from vcx.cache import encode
from vcx.frontends import extract

PY = '''\
import requests


def sync(items, session):
    # fetch each item
    for item in items:
        try:
            if item.remote:
                requests.get(item.url, timeout=5)
            elif item.local:
                session.add(item)
            else:
                session.delete(item)
        except requests.RequestException:
            pass
'''

TS = '''\
import axios from "axios";

export async function sync(items: Item[], repo: Repo) {
  // fetch each item
  for (const item of items) {
    try {
      if (item.remote) {
        await axios.get(item.url, { timeout: 5000 });
      } else if (item.local) {
        await repo.save(item);
      } else {
        await repo.delete(item.id);
      }
    } catch (err) {
      console.error(err);
    }
  }
}
'''


@pytest.mark.parametrize(("source", "language", "path"), [(PY, "python", "sync.py"), (TS, "typescript", "sync.ts")])
def test_a_comment_edited_in_place_changes_no_fact(source: str, language: str, path: str) -> None:
    before = extract(source.encode(), language, path)
    edited = source.replace("fetch each item", "fetch every item, one request each (see the batch API)")
    after = extract(edited.encode(), language, path)
    assert after == before
    assert encode(after) == encode(before)  # what pipeline._reuse_last_result compares
    calls = [c for c in before.calls if c.branches]  # the calls inside if branches (Python: and a try body)
    assert [c.branches for c in calls] == [((0, 0), (1, 0)), ((0, 1), (1, 0)), ((0, 2), (1, 0))] \
        if language == "python" else \
        [((0, 0),), ((1, 0), (0, 1)), ((1, 1), (0, 1))]


@pytest.mark.parametrize(("source", "language", "path", "comment"),
                         [(PY, "python", "sync.py", "    # "), (TS, "typescript", "sync.ts", "  // ")])
def test_a_comment_line_added_above_moves_the_facts(source: str, language: str, path: str, comment: str) -> None:
    """Positions are facts (findings and their messages carry lines): such an edit is not reused."""
    before = extract(source.encode(), language, path)
    edited = source.replace("fetch each item\n", f"fetch each item\n{comment}one request each\n")
    after = extract(edited.encode(), language, path)
    assert [c.loc.line + 1 for c in before.calls] == [c.loc.line for c in after.calls]
