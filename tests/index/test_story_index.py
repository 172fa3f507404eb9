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
        _write(corpus, "copy.txt", ["GENEVA (Wire) -", *text[:-2], "Copyright Wire."])
        asst.ingest([corpus])
        ids = [d["doc_id"] for d in asst.documents()]
        stories = asst.catalog.stories_of(ids)
        assert stories["corpus/copy.txt"] == stories["corpus/wire.txt"]
        assert stories["corpus/other.txt"] != stories["corpus/wire.txt"]
        hits = asst.retrieve(text[0], top_k=5)
        # The lead is shown once, from one copy, naming the other outlet; the paragraphs the
        # copy dropped are still found in the original.
        assert sum(text[0] in h.text for h in hits) == 1
        assert hits[0].also_reported_by and text[0] in hits[0].text
        tail = asst.retrieve(text[-1], top_k=1)[0]
        assert tail.doc_id == "corpus/wire.txt" and text[-1] in tail.text
        # Signatures of another shingling (an index written by an older version) are
        # dropped and computed again: a new copy still finds its story.
        asst.catalog.set_meta("stories", "3|128|1|legacy")
        _write(corpus, "third.txt", [*text[1:], "Reporting by a third outlet."])
        asst.ingest([corpus])
        stories = asst.catalog.stories_of([*ids, "corpus/third.txt"])
        assert stories["corpus/third.txt"] == stories["corpus/wire.txt"]
        assert asst.catalog.get_meta("stories") != "3|128|1|legacy"


def test_the_story_index_is_kept_between_runs_until_someone_else_writes(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    text = story("orchard", sentences=12)
    _write(corpus, "a.txt", text)
    with quick_assistant(tmp_path / "data") as asst:
        loads = []
        real = asst.catalog.story_rows
        monkeypatch.setattr(asst.catalog, "story_rows", lambda: loads.append(1) or real())
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
        assert len(set(asst.catalog.stories_of(ids).values())) == 1
