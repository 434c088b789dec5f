"""Vietnamese text similarity: folded syllables and syllable pairs, TF-IDF, cosine."""

import unicodedata
from datetime import UTC, datetime

import pytest

from plugins.related.terms import (
    Doc,
    cosine,
    folded_text,
    phrases,
    rank_key,
    score,
    strongest,
    term_counts,
    weigh,
)

WHEN = datetime(2024, 5, 14, 3, 0, tzinfo=UTC)


def vector(title: str, summary: str = "", corpus: tuple[tuple[str, str], ...] = ()) -> dict:
    """The stored vector of one article among ``corpus`` (frequencies counted over all)."""
    texts = [(folded_text(t), folded_text(s)) for t, s in ((title, summary), *corpus)]
    frequencies: dict[str, int] = {}
    for t, s in texts:
        for term in term_counts(t, s):
            frequencies[term] = frequencies.get(term, 0) + 1
    counts = term_counts(*texts[0])
    return strongest(weigh(counts, frequencies, len(texts)))


def test_phrases_are_folded_and_cut_at_punctuation():
    assert phrases("Cải cách hành chính: kết quả năm 2022, tỉnh Điện Biên") == [
        "cai cach hanh chinh",
        "ket qua nam 2022",
        "tinh dien bien",
    ]


def test_case_diacritics_and_decomposed_input_fold_alike():
    precomposed = "CẢI CÁCH hành chính Đắk Lắk"
    decomposed = unicodedata.normalize("NFD", "cải cách HÀNH CHÍNH đắk lắk")
    assert folded_text(precomposed) == folded_text(decomposed) == "cai cach hanh chinh dak lak"


def test_terms_are_syllables_and_pairs_of_one_phrase():
    counts = term_counts(
        folded_text("Cải cách hành chính"), folded_text("Nông thôn mới. Điện Biên")
    )
    assert {"cach", "hanh", "chinh", "nong", "thon", "moi", "dien", "bien"} <= set(counts)
    assert {"cai cach", "cach hanh", "hanh chinh", "nong thon", "thon moi", "dien bien"} <= set(
        counts
    )
    assert "moi dien" not in counts  # a pair never spans two phrases
    assert counts["hanh chinh"] == 2.0 * 1.5  # a title pair: twice, and pairs weigh more
    assert counts["nong"] == 1.0


def test_function_words_are_no_terms_but_stay_halves_of_pairs():
    counts = term_counts(folded_text("Công tác của các cơ quan và cái cách làm"), "")
    assert "cua" not in counts
    assert "cac" not in counts
    assert "va" not in counts
    assert "cua cac" not in counts  # two function words make no pair
    assert "cong tac" in counts
    assert "co quan" in counts
    assert "cai cach" in counts  # "cái" is a function word, "cải cách" a word


def test_weights_make_a_unit_vector_and_rare_terms_weigh_more():
    corpus = tuple(("Tin tỉnh Lâm Sơn", f"Bản tin số {n}") for n in range(5))
    weights = weigh(term_counts(folded_text("Lâm Sơn đón mưa đá"), ""), {}, 1)
    assert sum(w * w for w in weights.values()) == pytest.approx(1.0)
    common_and_rare = vector("Lâm Sơn đón mưa đá", corpus=corpus)
    assert common_and_rare["mua da"] > common_and_rare["lam son"]


def test_multi_syllable_words_beat_the_same_syllables_scattered():
    """A Vietnamese word is two syllables: sharing the word relates more than sharing syllables."""
    corpus = (
        ("Đẩy mạnh cải cách hành chính năm 2024", ""),
        ("Hành trình khám phá cách làm chính sách cải thiện đời sống", ""),
        ("Giải bóng đá thiếu niên", ""),
    )
    main = vector("Kết quả cải cách hành chính của tỉnh", corpus=corpus)
    same_words = vector(*corpus[0], corpus=(("Kết quả cải cách hành chính của tỉnh", ""),))
    same_syllables = vector(*corpus[1], corpus=(("Kết quả cải cách hành chính của tỉnh", ""),))
    unrelated = vector(*corpus[2], corpus=(("Kết quả cải cách hành chính của tỉnh", ""),))
    assert cosine(main, same_words) > 2 * cosine(main, same_syllables) > 0
    assert cosine(main, unrelated) == 0.0


def test_diacritics_never_hide_a_relation():
    plain = vector("Cai cach hanh chinh tai Dien Bien")
    marked = vector("CẢI CÁCH HÀNH CHÍNH TẠI ĐIỆN BIÊN")
    assert cosine(plain, marked) == pytest.approx(1.0)


def doc(article_id, category=None, tags=(), text="", hours=0):
    when = WHEN.replace(hour=3 + hours)
    return Doc(article_id, category, frozenset(tags), when, vector(text) if text else {})


def test_structure_weighs_more_than_any_text():
    main = doc(1, category=7, tags={1, 2}, text="Cải cách hành chính tỉnh Lâm Sơn")
    same_category = doc(2, category=7, text="Hội thi văn nghệ quần chúng")
    two_tags = doc(3, category=8, tags={1, 2}, text="Giải bóng đá thiếu niên")
    same_text = doc(4, category=9, text="Cải cách hành chính tỉnh Lâm Sơn")
    nothing = doc(5, category=9, text="Giải bóng đá thiếu niên")
    assert score(main, two_tags) > score(main, same_category) > score(main, same_text) > 0
    assert score(main, nothing) == 0.0
    assert score(main, same_text) == score(same_text, main)  # symmetric


def test_equal_scores_go_newest_first():
    older, newer = doc(1, hours=0), doc(2, hours=5)
    keys = sorted([rank_key(1.0, older.published_at, 1), rank_key(1.0, newer.published_at, 2)])
    assert keys[0] == rank_key(1.0, newer.published_at, 2)
    assert rank_key(1.5, older.published_at, 1) < keys[0]  # a better score wins over newer


def test_stored_vectors_keep_the_strongest_terms():
    words = " ".join(f"từkhóa{n}" for n in range(60))
    stored = strongest(weigh(term_counts(folded_text(words), ""), {}, 1), limit=40)
    assert len(stored) == 40
