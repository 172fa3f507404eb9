"""Syndicated copies grouped at ingest: files too, and indexes from before stories existed."""

from __future__ import annotations

from tests.fakes import quick_assistant
from tests.sources.pages import story


def _write(folder, name: str, paragraphs: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text("\n\n".join(paragraphs), encoding="utf-8")


def test_file_copies_group_and_old_signatures_are_recomputed(tmp_path):
    corpus = tmp_path / "corpus"
    text = story("glacier", sentences=12)
    _write(corpus, "wire.txt", text)
    _write(corpus, "other.txt", story("harbour", sentences=12))
    with quick_assistant(tmp_path / "data") as asst:
        asst.ingest([corpus])
        _write(corpus, "copy.txt", ["GENEVA (Wire) -", *text])
        _write(corpus, "trim.txt", ["(Wire) -", *text[:-2], "Copyright Wire."])
        asst.ingest([corpus])
        ids = [d["doc_id"] for d in asst.documents()]
        stories = asst.index.catalog.stories.of(ids)
        assert stories["corpus/copy.txt"] == stories["corpus/wire.txt"]
        assert stories["corpus/trim.txt"] == stories["corpus/wire.txt"]
        assert stories["corpus/other.txt"] != stories["corpus/wire.txt"]
        hits = asst.retrieve(text[0], top_k=5)
        # A passage the kept copy holds word for word (a dateline aside) is shown once,
        # naming the outlets whose copy holds it; the trimmed copy's passage ends with a line
        # the others lack, so it is shown too rather than hidden.
        leads = [h for h in hits if text[0] in h.text]
        assert {h.doc_id for h in leads} in ({"corpus/wire.txt", "corpus/trim.txt"},
                                             {"corpus/copy.txt", "corpus/trim.txt"})  # fmt: skip
        full = next(h for h in leads if h.doc_id != "corpus/trim.txt")
        assert [o.doc_id for o in full.also_reported_by] == [
            "corpus/copy.txt" if full.doc_id == "corpus/wire.txt" else "corpus/wire.txt"
        ]
        # The paragraphs the trimmed copy dropped are still found in the full copies.
        tail = asst.retrieve(text[-1], top_k=1)[0]
        assert tail.doc_id in ("corpus/wire.txt", "corpus/copy.txt") and text[-1] in tail.text
        # Signatures of another shingling (an index written by an older version) are
        # dropped and computed again: a new copy still finds its story.
        asst.index.catalog.set_meta("stories", "3|128|1|legacy")
        _write(corpus, "third.txt", [*text[1:], "Reporting by a third outlet."])
        asst.ingest([corpus])
        stories = asst.index.catalog.stories.of([*ids, "corpus/third.txt"])
        assert stories["corpus/third.txt"] == stories["corpus/wire.txt"]
        assert asst.index.catalog.get_meta("stories") != "3|128|1|legacy"


def test_the_story_index_is_kept_between_runs_until_someone_else_writes(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    text = story("orchard", sentences=12)
    _write(corpus, "a.txt", text)
    with quick_assistant(tmp_path / "data") as asst:
        loads = []
        real = asst.index.catalog.stories.rows
        monkeypatch.setattr(asst.index.catalog.stories, "rows", lambda: loads.append(1) or real())
        asst.ingest([corpus])
        _write(corpus, "b.txt", ["(Wire) -", *text])
        asst.ingest([corpus])
        assert len(loads) == 1  # the second run placed its copy in the index it kept
        # Another writer (a second assistant on the same data directory) adds a copy: the next
        # run sees the catalog changed and loads the index again, so it finds that copy.
        with quick_assistant(tmp_path / "data") as other:
            _write(corpus, "c.txt", [*text, "Reporting by a third outlet."])
            other.ingest([corpus])
        _write(corpus, "d.txt", ["Updated:", *text[1:], "Reporting by a fourth outlet."])
        asst.ingest([corpus])
        assert len(loads) == 2
        ids = [f"corpus/{n}.txt" for n in "abcd"]
        assert len(set(asst.index.catalog.stories.of(ids).values())) == 1
