"""Text normalisation and search folding."""

import unicodedata

import pytest

from cms.content.text import clean_text, excerpt, fold, html_to_text


def test_clean_text_turns_decomposed_vietnamese_into_nfc():
    nfd = unicodedata.normalize("NFD", "Cải cách hành chính")
    assert nfd != "Cải cách hành chính"
    assert clean_text(nfd) == "Cải cách hành chính"


def test_clean_text_drops_control_characters_and_lone_surrogates():
    assert clean_text("a\x00b\x1fc\ud800d") == "abcd"


def test_clean_text_single_line_collapses_whitespace():
    assert clean_text("  Tin \n\t tức  ", single_line=True) == "Tin tức"


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Cải cách hành chính", "cai cach hanh chinh"),
        ("ĐIỆN BIÊN", "dien bien"),
        ("Thứ 5, ngày 14/5/2020", "thu 5 ngay 14 5 2020"),
        (unicodedata.normalize("NFD", "Đoàn kiểm tra"), "doan kiem tra"),
    ],
)
def test_fold_removes_case_and_diacritics(text, folded):
    assert fold(text) == folded


def test_html_to_text_and_excerpt():
    assert html_to_text("<p>Một <b>hai</b></p><p>ba &amp; bốn</p>") == "Một hai ba & bốn"
    assert excerpt("một hai ba bốn năm", 9) == "một hai…"
    assert excerpt("ngắn", 10) == "ngắn"
