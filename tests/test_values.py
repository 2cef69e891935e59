"""The small value modules: dates, quantities, slugs and URLs."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import unquote

import pytest

from generator.dates import PartialDate, Period, looks_like_date, parse_date, parse_period
from generator.quantities import Quantity, format_number, parse_quantity
from generator.slugs import slugify_name
from generator.urls import (
    absolute, article_path, base_path, entity_path, index_path, output_file, relative, root_prefix, tag_path,
    text_fragment,
)


# ---------------------------------------------------------------- dates

@pytest.mark.parametrize("text, expected", [
    ("2024", PartialDate(2024)),
    ("2024-05", PartialDate(2024, 5)),
    ("2024-05-19", PartialDate(2024, 5, 19)),
])
def test_parse_date_keeps_precision(text, expected):
    date = parse_date(text)
    assert date == expected
    assert date.iso == text
    assert str(date) == text


@pytest.mark.parametrize("text, human", [
    ("2024", "2024"),
    ("2024-05", "May 2024"),
    ("2024-05-19", "19 May 2024"),
    ("2021-01-01", "1 January 2021"),
    ("2021-12", "December 2021"),
])
def test_date_human(text, human):
    assert parse_date(text).human == human


def test_parse_date_strips_surrounding_white_space():
    assert parse_date("  2024-05 ") == PartialDate(2024, 5)


def test_leap_day_is_a_real_day():
    assert parse_date("2024-02-29") == PartialDate(2024, 2, 29)


@pytest.mark.parametrize("text", [
    "", "24", "202", "20245", "2024-5", "2024-5-1", "2024/05/19", "19 May 2024", "2024-05-19T10:00",
    "2024-13", "2024-00", "2024-05-00", "2024-05-32", "2023-02-29", "2024-04-31", "May 2024", "soon",
])
def test_invalid_dates_raise_value_error(text):
    with pytest.raises(ValueError):
        parse_date(text)


def test_invalid_date_message_gives_the_format():
    with pytest.raises(ValueError, match="YYYY, YYYY-MM or YYYY-MM-DD"):
        parse_date("May 2024")


def test_looks_like_date_is_about_shape_only():
    assert looks_like_date("2024-13")
    assert looks_like_date("2024")
    assert not looks_like_date("over 2024")


@pytest.mark.parametrize("a, b", [
    ("2024", "2024-05"), ("2024-05", "2024-05-19"), ("2024", "2024-05-19"), ("2024-05-19", "2024-05-19"),
])
def test_agrees_with_more_precise_form(a, b):
    assert parse_date(a).agrees_with(parse_date(b))
    assert parse_date(b).agrees_with(parse_date(a))


@pytest.mark.parametrize("a, b", [
    ("2024", "2025"), ("2024-05", "2024-06"), ("2024-05-19", "2024-05-20"), ("2024-05", "2025-05-19"),
    ("2024-05-19", "2024-06"),
])
def test_disagreeing_dates(a, b):
    assert not parse_date(a).agrees_with(parse_date(b))
    assert not parse_date(b).agrees_with(parse_date(a))


def test_dates_order_chronologically():
    assert parse_date("2023-12-31") < parse_date("2024") < parse_date("2024-01") < parse_date("2024-01-01")


def test_parse_period():
    period = parse_period("2021-01/2021-09")
    assert period == Period(PartialDate(2021, 1), PartialDate(2021, 9))
    assert period.iso == "2021-01/2021-09"


@pytest.mark.parametrize("text, human", [
    ("2021-01/2021-09", "January–September 2021"),
    ("2019/2021", "2019 – 2021"),
    ("2020-11/2021-02", "November 2020 – February 2021"),
    ("2021-01-05/2021-03-31", "5 January 2021 – 31 March 2021"),
])
def test_period_human(text, human):
    assert parse_period(text).human == human


@pytest.mark.parametrize("text", ["2021-01", "2021-01/2021-09/2021-12", "2021-09/2021-01", "2021-01/soon", "/"])
def test_invalid_periods_raise_value_error(text):
    with pytest.raises(ValueError):
        parse_period(text)


def test_period_ending_before_it_starts_says_so():
    with pytest.raises(ValueError, match="ends before it starts"):
        parse_period("2022/2021")


# ---------------------------------------------------------------- quantities

@pytest.mark.parametrize("text, comparator, amount", [
    ("over 500", "over", "500"),
    ("more than 500", "over", "500"),
    ("> 500", "over", "500"),
    (">500", "over", "500"),
    ("under 5", "under", "5"),
    ("less than 5", "under", "5"),
    ("<5", "under", "5"),
    ("about 10", "about", "10"),
    ("~10", "about", "10"),
    ("~ 10", "about", "10"),
    ("up to 3", "up to", "3"),
    ("OVER 500", "over", "500"),
    ("More  Than   500", "over", "500"),
    ("500", "", "500"),
])
def test_comparators(text, comparator, amount):
    quantity = parse_quantity(text)
    assert quantity is not None
    assert quantity.comparator == comparator
    assert quantity.amount == Decimal(amount)


@pytest.mark.parametrize("text, scale, magnitude", [
    ("193.48 billion", "billion", Decimal("193480000000")),
    ("1.5 million", "million", Decimal("1500000")),
    ("1.5 Million", "million", Decimal("1500000")),
    ("3 thousand", "thousand", Decimal("3000")),
    ("2 trillion", "trillion", Decimal("2000000000000")),
])
def test_scale_words(text, scale, magnitude):
    quantity = parse_quantity(text)
    assert quantity.scale == scale
    assert quantity.magnitude == magnitude


def test_thousands_separators():
    assert parse_quantity("300,000").amount == Decimal("300000")
    assert parse_quantity("1,234,567.5").amount == Decimal("1234567.5")


@pytest.mark.parametrize("text", ["1,2345", "12,34", "1,000,00"])
def test_misplaced_separators_are_not_quantities(text):
    assert parse_quantity(text) is None


def test_percent_becomes_the_unit():
    quantity = parse_quantity("38.8%", "vehicles")
    assert quantity.amount == Decimal("38.8")
    assert quantity.unit == "%"
    assert quantity.human == "38.8%"


def test_percent_with_comparator():
    assert parse_quantity("more than 95%").human == "over 95%"


def test_unit_is_kept():
    assert parse_quantity("300000", "vehicles").unit == "vehicles"


@pytest.mark.parametrize("text, unit, human", [
    ("300000", "vehicles", "300,000 vehicles"),
    ("193.48 billion", "CNY", "193.48 billion CNY"),
    ("over 500", "people", "over 500 people"),
    ("more than 500", "people", "over 500 people"),
    ("~10", "", "about 10"),
    ("12.50", "", "12.50"),
    ("-1500", "", "-1,500"),
    ("1234567.25", "USD", "1,234,567.25 USD"),
])
def test_quantity_human(text, unit, human):
    assert parse_quantity(text, unit).human == human


@pytest.mark.parametrize("text", [
    "", "abc", "Beijing", "1e3", "0x1F", "over", "500 people", "five hundred", "1 000", "2024-05-19",
    "1:20", ".5", "over 500 or so", "billion",
])
def test_non_quantities_return_none(text):
    assert parse_quantity(text) is None


def test_key_equality_across_scale_words():
    assert parse_quantity("193.48 billion").key() == parse_quantity("193480000000").key()
    assert parse_quantity("193.48 billion", "CNY").key() == parse_quantity("193,480,000,000", "cny").key()


def test_key_ignores_trailing_zeros():
    assert parse_quantity("12.50").key() == parse_quantity("12.5").key()


def test_key_differs_by_comparator_unit_and_amount():
    base = parse_quantity("500", "people").key()
    assert parse_quantity("over 500", "people").key() != base
    assert parse_quantity("500", "vehicles").key() != base
    assert parse_quantity("501", "people").key() != base


def test_format_number():
    assert format_number(Decimal("300000")) == "300,000"
    assert format_number(Decimal("0.25")) == "0.25"
    assert format_number(Decimal("-1234.5")) == "-1,234.5"


def test_quantity_defaults():
    quantity = Quantity(Decimal("7"))
    assert quantity.human == "7"
    assert quantity.magnitude == Decimal("7")


# ---------------------------------------------------------------- slugs

@pytest.mark.parametrize("name, slug", [
    ("小米集团", "xiao-mi-ji-tuan"),
    ("Ｘｉａｏｍｉ", "xiaomi"),
    ("Xiaomi Auto", "xiaomi-auto"),
    ("Lei Jun", "lei-jun"),
    ("  Beijing   E-Town  ", "beijing-e-town"),
    ("Ünïcödé Café", "unicode-cafe"),
    ("Москва", "moskva"),
    ("R&D centre", "r-d-centre"),
])
def test_slugify_name(name, slug):
    assert slugify_name(name) == slug


@pytest.mark.parametrize("name", ["!!!", "---", "   ", "", "…", "?!&"])
def test_slug_of_punctuation_is_empty(name):
    assert slugify_name(name) == ""


def test_slug_is_capped_at_80_characters_on_a_word_boundary():
    slug = slugify_name(" ".join(["word"] * 40))
    assert 0 < len(slug) <= 80
    assert not slug.endswith("-")
    assert set(slug.split("-")) == {"word"}


# ---------------------------------------------------------------- urls

def test_entity_path():
    assert entity_path("company", "xiaomi") == "companies/xiaomi/"
    assert entity_path("site", "yizhuang") == "sites/yizhuang/"
    assert entity_path("person", "lei-jun") == "people/lei-jun/"
    assert entity_path("event", "launch") == "events/launch/"


def test_other_paths():
    assert index_path("company") == "companies/"
    assert article_path("a-story") == "articles/a-story/"
    assert tag_path("electric-vehicles") == "tags/electric-vehicles/"


@pytest.mark.parametrize("path, file", [
    ("", "index.html"),
    ("companies/", "companies/index.html"),
    ("companies/xiaomi/", "companies/xiaomi/index.html"),
    ("static/style.css", "static/style.css"),
])
def test_output_file(path, file):
    assert output_file(path) == file


@pytest.mark.parametrize("path, prefix", [
    ("", ""),
    ("companies/", "../"),
    ("companies/xiaomi/", "../../"),
    ("articles/some-story/", "../../"),
    ("static/style.css", "../"),
])
def test_root_prefix(path, prefix):
    assert root_prefix(path) == prefix


def test_relative_links_end_in_index_html_so_they_work_from_disk():
    assert relative("", "") == "index.html"
    assert relative("", "companies/xiaomi/") == "companies/xiaomi/index.html"
    assert relative("companies/", "") == "../index.html"
    assert relative("companies/xiaomi/", "people/lei-jun/") == "../../people/lei-jun/index.html"
    assert relative("articles/x/", "static/style.css") == "../../static/style.css"
    assert relative("sites/x/", "articles/y/#:~:text=a") == "../../articles/y/index.html#:~:text=a"
    assert relative("companies/x/", "companies/x/feed.xml") == "../../companies/x/feed.xml"


def test_pretty_relative_links_end_in_the_folder():
    assert relative("", "", pretty=True) == "./"
    assert relative("companies/", "", pretty=True) == "../"
    assert relative("companies/xiaomi/", "people/lei-jun/", pretty=True) == "../../people/lei-jun/"
    assert relative("sites/x/", "articles/y/#:~:text=a", pretty=True) == "../../articles/y/#:~:text=a"


@pytest.mark.parametrize("base, path, url", [
    ("https://example.org/", "", "https://example.org/"),
    ("https://example.org/", "companies/xiaomi/", "https://example.org/companies/xiaomi/"),
    ("https://x.github.io/repo/", "companies/xiaomi/", "https://x.github.io/repo/companies/xiaomi/"),
    ("https://x.github.io/repo/", "feed.xml", "https://x.github.io/repo/feed.xml"),
    ("", "companies/xiaomi/", ""),
])
def test_absolute_urls_join_base_url_and_page_folder(base, path, url):
    assert absolute(base, path) == url


def test_base_path_is_the_path_of_base_url():
    assert base_path("https://x.github.io/repo/") == "/repo/"
    assert base_path("https://example.org/") == "/"
    assert base_path("") == "/"


def test_relative_links_never_absolute():
    for here in ("", "companies/", "companies/xiaomi/", "tags/ev/"):
        assert not relative(here, "sites/x/").startswith("/")


@pytest.mark.parametrize("text", [
    "300,000 vehicles a year",
    "Beijing E-Town",
    "R&D headquarters",
    "小米集团 opened",
    "a-b & c, d",
    "100% #1 ?x=y",
])
def test_text_fragment_round_trips(text):
    fragment = text_fragment(text)
    assert fragment.startswith("#:~:text=")
    encoded = fragment.removeprefix("#:~:text=")
    assert unquote(encoded) == text
    for char in " -&,#?=":
        assert char not in encoded
    assert encoded.isascii()


def test_text_fragment_encodes_specials():
    assert text_fragment("a b") == "#:~:text=a%20b"
    assert text_fragment("E-Town") == "#:~:text=E%2DTown"
    assert text_fragment("R&D") == "#:~:text=R%26D"
    assert text_fragment("1,000") == "#:~:text=1%2C000"
    assert text_fragment("小") == "#:~:text=%E5%B0%8F"


def test_text_fragment_collapses_white_space():
    assert unquote(text_fragment("  over\n500\t people ").removeprefix("#:~:text=")) == "over 500 people"
