"""The analyzers: NFC, folding, per-language stemming, and that Whoosh can pickle them with the schema."""

import pickle
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from archive.search import analysis
from archive.search.backend import FIELD_TYPES


def texts(analyzer, value):
    return [t.text for t in analyzer(value)]


def test_folding_removes_vietnamese_diacritics_and_case():
    assert texts(analysis.folded_analyzer, "Lê Minh Khái, Đà Nẵng") == ["le", "minh", "khai", "da", "nang"]


def test_decomposed_input_is_normalized_before_tokenizing():
    decomposed = unicodedata.normalize("NFD", "Khái Nẵng")
    assert texts(analysis.exact_analyzer, decomposed) == ["khái", "nẵng"]
    assert texts(analysis.folded_analyzer, decomposed) == ["khai", "nang"]


def test_exact_field_keeps_diacritics():
    assert texts(analysis.exact_analyzer, "Lê Minh Khái") == ["lê", "minh", "khái"]


def test_russian_stemming_joins_inflections():
    forms = {"документ", "документов", "документы", "документами"}
    assert {analysis.forms(w)["text_ru"] for w in forms} == {"документ"}
    assert texts(analysis.russian_analyzer, "Документов") == ["документ"]


def test_russian_stem_is_folded_after_stemming():
    # й is known to the stemmer; the stem is then folded (ё -> е, й -> и) like the query will be.
    assert texts(analysis.russian_analyzer, "Правительственной") == texts(
        analysis.russian_analyzer, "правительственной"
    )
    assert texts(analysis.russian_analyzer, "Ёлка") == texts(analysis.russian_analyzer, "елка")


def test_english_stemming():
    assert texts(analysis.english_analyzer, "documents Reforming") == ["document", "reform"]


def test_vietnamese_is_folded_not_stemmed():
    assert texts(analysis.folded_analyzer, "các nhiệm vụ") == ["cac", "nhiem", "vu"]


def test_legal_number_becomes_adjacent_parts():
    assert texts(analysis.folded_analyzer, "Nghị quyết 101/2023/QH15") == ["nghi", "quyet", "101", "2023", "qh15"]


def test_every_schema_field_pickles():
    for make in FIELD_TYPES.values():
        field = make()
        clone = pickle.loads(pickle.dumps(field))
        if getattr(field, "analyzer", None) is not None:
            assert [t.text for t in clone.analyzer("Lê документов")] == [
                t.text for t in field.analyzer("Lê документов")
            ]


def test_plain_text_keeps_paragraphs_apart_and_unescapes():
    assert analysis.plain_text("<p>One&amp;two</p><p>three</p>") == "One&two three"


def test_russian_stemming_leaves_latin_and_vietnamese_words_alone():
    # Whoosh's Snowball stemmer reads Latin as transliterated Russian (`office` -> `offic`) and turns
    # Vietnamese into mixed-script strings (`nghị` -> `нгhi`); a Russian article quotes both. The stem field
    # holds only what stemming adds: none of those words.
    assert texts(analysis.russian_analyzer, "office Nghị quyết QH15 документов") == ["документ"]
    assert analysis.forms("tốt")["text_ru"] == "tot"


def test_stem_fields_hold_only_the_stems_that_differ_from_the_word():
    assert texts(analysis.english_analyzer, "the documents document reform") == ["document"]
    assert texts(analysis.russian_analyzer, "документ документов") == ["документ"]


@given(
    st.text(st.sampled_from("Lê Minh Khái Đà Nẵng документов Ёлка the Reforming nghị 101/2023/QH15 ,.-\n"), max_size=80)
)
def test_the_fast_index_path_produces_what_the_analyzers_produce(text):
    for kind, analyzer in analysis.ANALYZERS.items():
        expected = {}
        for token in analyzer(text, positions=True):
            expected.setdefault(token.text, []).append(token.pos)
        assert analysis.index_terms(kind, text) == expected, kind
