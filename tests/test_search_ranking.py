"""Ranking through query.run() on small archives where the right order is known: words typed together that stand
together come first (Vietnamese compounds above all), titles above bodies, quotes still require the words
together, folded forms rank the same, exact diacritics higher."""

import pytest

from archive.search import query
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def search(q, **params):
    data = {name: [value] for name, value in params.items()}
    return query.run({"q": [q], **data})


def titles(result):
    return [hit.article.title for hit in result.hits]


@pytest.fixture
def e_government(whoosh_index):
    """The e-government article, and articles that have its syllables scattered (and say them more often)."""
    compound = make_article(
        language="vi",
        title="Hội nghị trực tuyến về chuyển đổi số",
        body="<p>Bộ Thông tin và Truyền thông đẩy mạnh xây dựng chính phủ điện tử trong năm nay.</p>",
    )
    scattered = make_article(
        language="vi",
        title="Thu phí đường bộ bằng ví điện tử",
        body="<p>Chính phủ yêu cầu mở rộng. Chính phủ giao bộ ngành. Ví điện tử giúp tài xế; ví điện tử "
        "được dùng rộng rãi; tiền điện tử và thẻ điện tử cũng vậy.</p>",
    )
    arab = make_article(
        language="vi",
        title="Phong trào phản đối chính phủ các nước Ả Rập",
        body="<p>Mạng xã hội và thư điện tử lan truyền lời kêu gọi phản đối chính phủ, chính phủ, chính phủ.</p>",
    )
    whoosh_index()
    return {"compound": compound, "scattered": scattered, "arab": arab}


def test_a_vietnamese_compound_ranks_the_article_that_holds_it_first(e_government):
    result = search("chính phủ điện tử")
    assert result.count == 3  # every article with the four syllables matches; the order tells them apart
    assert result.hits[0].article == e_government["compound"]


def test_the_folded_compound_ranks_the_same(e_government):
    assert search("chinh phu dien tu").hits[0].article == e_government["compound"]
    assert search("CHÍNH PHỦ ĐIỆN TỬ").hits[0].article == e_government["compound"]


def test_quotes_still_require_the_words_together(e_government):
    result = search('"chính phủ điện tử"')
    assert [hit.article for hit in result.hits] == [e_government["compound"]]
    assert result.count == 1
    assert search('"chinh phu dien tu"').count == 1
    # In this order only: the reversed compound is in no article.
    assert search('"điện tử chính phủ"').count == 0


def test_administrative_reform_beats_reform_and_administration_apart(whoosh_index):
    scattered = make_article(
        language="vi",
        title="Chủ tịch Tập Cận Bình: tiếp tục cải cách",
        body="<p>Trung Quốc tiếp tục cải cách kinh tế, cải cách tài chính, cải cách doanh nghiệp. Trung tâm "
        "hành chính mới; chính sách hành chính.</p>",
    )
    together = make_article(
        language="vi",
        title="Tỉnh công bố chỉ số năm 2023",
        body="<p>Kết quả cải cách hành chính của tỉnh tăng ba bậc.</p>",
    )
    whoosh_index()
    assert [hit.article for hit in search("cải cách hành chính").hits] == [together, scattered]


def test_prime_minister_together_beats_the_two_words_apart(whoosh_index):
    apart = make_article(
        title="Minister of finance meets the prime lenders",
        body="<p>The minister said prime rates fall. The minister and the prime lenders agreed; minister, "
        "minister.</p>",
    )
    together = make_article(title="Budget talks continue", body="<p>The Prime Minister opened the talks.</p>")
    whoosh_index()
    assert [hit.article for hit in search("prime minister").hits] == [together, apart]


def test_a_title_that_matches_ranks_above_a_body_that_matches(whoosh_index):
    body = make_article(
        language="vi",
        title="Tin tức trong ngày",
        body="<p>Nhiều địa phương đẩy mạnh dịch vụ công trực tuyến trong tháng này.</p>",
    )
    title = make_article(
        language="vi", title="Dịch vụ công trực tuyến mức độ 4", body="<p>Người dân nộp hồ sơ tại nhà.</p>"
    )
    whoosh_index()
    assert [hit.article for hit in search("dịch vụ công trực tuyến").hits] == [title, body]


def test_a_whole_title_typed_finds_its_article_first_with_or_without_diacritics(whoosh_index):
    target = make_article(
        language="vi",
        title="Thủ tướng chủ trì hội nghị trực tuyến với các địa phương",
        body="<p>Hội nghị bàn về giải ngân vốn đầu tư công.</p>",
    )
    make_article(
        language="vi",
        title="Các địa phương tổ chức hội nghị",
        body="<p>Thủ tướng yêu cầu các địa phương chủ trì hội nghị trực tuyến với doanh nghiệp, với người dân.</p>",
    )
    whoosh_index()
    for q in (target.title, "thu tuong chu tri hoi nghi truc tuyen voi cac dia phuong"):
        assert search(q).hits[0].article == target


def test_exact_diacritics_rank_higher_among_equals(whoosh_index):
    """`phụ` and `phủ` fold alike; the one spelled as typed comes first, whichever was written later."""
    spelled = make_article(language="vi", title="Chính phủ họp phiên thường kỳ", body="<p>Phiên họp tháng.</p>")
    other = make_article(language="vi", title="Chính phụ họp phiên thường kỳ", body="<p>Phiên họp tháng.</p>")
    whoosh_index()
    assert titles(search("chính phủ")) == [spelled.title, other.title]
    assert titles(search("chính phụ")) == [other.title, spelled.title]


def test_words_across_or_and_exclusions_are_not_a_pair(whoosh_index):
    """`a OR b c` pairs nothing across the OR; `-x` breaks a run: the plain score decides."""
    make_article(title="Digital government services", body="<p>Plain words.</p>")
    excluded = make_article(title="Government digital services", body="<p>Draft only.</p>")
    whoosh_index()
    result = search("digital -draft government")
    assert excluded.pk not in {hit.article.pk for hit in result.hits}
    assert result.count == 1


def test_an_article_that_says_the_compound_ranks_above_one_only_tagged_with_it(whoosh_index):
    """Topic names are searchable through tags, but words an article says come first."""
    from archive.models import Topic

    reform = Topic.objects.get(slug="administrative-reform")
    tagged = make_article(
        language="vi", title="Cải cách thủ tục tại tỉnh", body="<p>Hành chính công được cải cách.</p>", topics=[reform]
    )
    says = make_article(language="vi", title="Tin địa phương", body="<p>Cải cách hành chính được đẩy mạnh.</p>")
    whoosh_index()
    assert reform.name_vi.casefold() == "cải cách hành chính"
    assert [hit.article for hit in search("cải cách hành chính").hits] == [says, tagged]
