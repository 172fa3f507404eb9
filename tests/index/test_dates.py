"""Dates keep the precision the source gives, and date filters compare ranges."""

from __future__ import annotations

import datetime as dt

import pytest

from rag.errors import QueryError
from rag.index.catalog import Catalog
from rag.index.dates import normalize_date
from rag.records import Article, Chunk
from rag.search.filters import Filters


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("June 2023", "2023-06"),
        ("2023-06", "2023-06"),
        ("06/2023", "2023-06"),
        ("2023", "2023"),
        (2023, "2023"),  # YAML front matter `date: 2023`
        ("2023-06-01", "2023-06-01"),
        ("2024-08-19T10:00:00Z", "2024-08-19"),
        ("August 19, 2024", "2024-08-19"),
        ("Tue, 05 Mar 2024 10:00:00 GMT", "2024-03-05"),
        (dt.date(2023, 6, 1), "2023-06-01"),
        (dt.datetime(2023, 6, 1, 23, 59), "2023-06-01"),
        ("June", None),  # no year: not completed from today
        ("19 August", None),
        ("Monday", None),
        ("2023-13", None),
        ("someday", None),
        ("", None),
        (None, None),
        (True, None),
        (["2023"], None),
        ("2023 " * 40, None),  # far longer than any written date
    ],
)
def test_normalize_date_keeps_the_precision_given(value, expected):
    assert normalize_date(value) == expected


def test_partial_date_does_not_depend_on_the_ingest_day(monkeypatch):
    # dateutil fills missing fields from its `default`, which is today unless given: the
    # stored date for "June 2023" used to end in today's day of the month.
    from dateutil import parser

    real_parse = parser.parse
    seen = []

    def spy(text, **kwargs):
        seen.append(kwargs.get("default"))
        return real_parse(text, **kwargs)

    monkeypatch.setattr(parser, "parse", spy)
    assert normalize_date("June 2023") == "2023-06"
    assert normalize_date("15 June 2023") == "2023-06-15"
    assert seen and None not in seen  # today's date never takes part


def test_filters_keep_the_precision_of_their_dates():
    f = Filters.make(date_from="June 2023", date_to="2024")
    assert (f.date_from, f.date_to) == ("2023-06", "2024")
    assert Filters.make(date_from="2023-06-01").date_from == "2023-06-01"
    with pytest.raises(QueryError, match=r"date_to must be a date such as 2024-08-19, 2024-08 or"):
        Filters.make(date_to="June")


DATED = {
    "may31": "2023-05-31",
    "jun01": "2023-06-01",
    "jun30": "2023-06-30",
    "june": "2023-06",
    "y2023": "2023",
    "jul01": "2023-07-01",
    "y2022": "2022-12-31",
    "undated": None,
}


@pytest.fixture
def catalog(tmp_path):
    cat = Catalog(tmp_path / "catalog.db")
    items = []
    for doc_id, date in DATED.items():
        article = Article(doc_id=doc_id, text="text", source=f"/n/{doc_id}.txt", date=date)
        items.append((article, "/n", [], []))
    cat.put(items)
    yield cat
    cat.close()


@pytest.mark.parametrize(
    ("date_from", "date_to", "expected"),
    [
        # date_from="2023-06" includes the first of June and an article dated only "2023-06";
        # "2023" overlaps June too; the last day of May does not.
        ("2023-06", None, {"jun01", "jun30", "june", "y2023", "jul01"}),
        # date_to="2023-05" ends with May: June 1st and "2023-06" are out, "2023" overlaps.
        (None, "2023-05", {"may31", "y2023", "y2022"}),
        ("2023-06", "2023-06", {"jun01", "jun30", "june", "y2023"}),
        # A day inside June matches articles known only to be from June or from 2023.
        ("2023-06-15", "2023-06-15", {"june", "y2023"}),
        ("2023-06-01", "2023-06-01", {"jun01", "june", "y2023"}),
        # Year-only filters.
        ("2023", "2023", {"may31", "jun01", "jun30", "june", "y2023", "jul01"}),
        ("2022", "2022", {"y2022"}),
        ("2024", None, set()),
        (None, "2022", {"y2022"}),
    ],
)
def test_date_filters_match_overlapping_ranges(catalog, date_from, date_to, expected):
    f = Filters.make(date_from=date_from, date_to=date_to)
    assert set(catalog.filter_doc_ids(None, f.date_from, f.date_to)) == expected


def test_no_date_filter_keeps_undated_articles(catalog):
    assert "undated" in catalog.filter_doc_ids(None, None, None)


@pytest.mark.parametrize(
    ("date", "number"),
    [("2023-06-01", 20230601), ("2023-06", 20230600), ("2023", 20230000)],
)
def test_chroma_date_number_pads_unknown_month_and_day(date, number):
    from rag.index.vectorstore import chunk_node

    article = Article(doc_id="a", text="some text", source="/a.txt", date=date)
    node = chunk_node(article, Chunk("a#0", "a", "some text", 0, 9), [0.0, 1.0])
    assert node.metadata["date"] == date and node.metadata["date_num"] == number
