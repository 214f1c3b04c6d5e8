"""Article pages as references: Highwire meta tags, the Cite block, and RIS, BibTeX and CSL-JSON downloads
read back by the parsers that reference managers use."""

import datetime
import json

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from lxml import html as lxml_html

from archive.models import Status
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def ru(seeds):
    article = seeds["ru"]
    article.source_name = "Công Luận"
    article.source_url = "https://congluan.vn/some-article"
    article.save()
    return article


def permalink(article):
    return f"http://testserver/articles/{article.slug}/"


def download(client, article, style):
    response = client.get(f"/articles/{article.slug}/cite/{style}")
    assert response.status_code == 200
    return response


def test_page_carries_highwire_tags_with_title_date_language_publisher_url_and_officials(client, ru):
    page = lxml_html.fromstring(client.get(ru.get_absolute_url()).content)

    def meta(name):
        return [element.get("content") for element in page.xpath(f'//head/meta[@name="{name}"]')]

    assert meta("citation_title") == [ru.title]
    assert meta("citation_publication_date") == ["2024/01/13"]
    assert meta("citation_language") == ["ru"]
    assert meta("citation_publisher") == ["Công Luận"]
    assert meta("citation_public_url") == [permalink(ru)]
    assert "Lê Minh Khái" in meta("citation_keywords")
    # The schema.org description stays.
    assert page.xpath('//script[@type="application/ld+json"]')


def test_cite_block_gives_the_reference_as_text_and_links_the_downloads(client, ru):
    page = lxml_html.fromstring(client.get(ru.get_absolute_url()).content)

    [block] = page.xpath('//section[@class="cite"]')
    citation = block.xpath('.//p[@class="citation"]')[0].text_content()
    assert citation == f"Công Luận. (2024, January 13). {ru.title}. Gazette. {permalink(ru)}"
    links = {a.text_content(): a.get("href") for a in block.xpath(".//a[@download]")}
    assert links == {
        "RIS": f"/articles/{ru.slug}/cite/ris",
        "BibTeX": f"/articles/{ru.slug}/cite/bibtex",
        "CSL-JSON": f"/articles/{ru.slug}/cite/csl",
    }


def test_ris_is_read_back_by_rispy(client, ru):
    response = download(client, ru, "ris")
    assert response["Content-Type"].startswith("application/x-research-info-systems")
    assert response["Content-Disposition"] == f'attachment; filename="{ru.slug}.ris"'

    [entry] = rispy.loads(response.content.decode("utf-8"))

    assert entry["type_of_reference"] == "NEWS"
    assert entry["title"] == ru.title
    assert entry["date"] == "2024/01/13" and entry["year"] == "2024"
    assert entry["urls"] == [permalink(ru)]
    assert entry["language"] == "ru"
    assert entry["authors"] == ["Công Luận"] and entry["publisher"] == "Công Luận"
    assert "Lê Minh Khái" in entry["keywords"]


def test_bibtex_is_read_back_by_bibtexparser(client, ru):
    response = download(client, ru, "bibtex")
    assert response["Content-Type"].startswith("application/x-bibtex")

    library = bibtexparser.parse_string(response.content.decode("utf-8"), append_middleware=[LatexDecodingMiddleware()])

    assert not library.failed_blocks
    [entry] = library.entries
    fields = {name: field.value for name, field in entry.fields_dict.items()}
    assert entry.key == f"gazette-{ru.pk}"
    assert fields["title"] == ru.title
    assert (fields["year"], fields["month"], fields["date"]) == ("2024", "1", "2024-01-13")
    assert fields["url"] == permalink(ru)
    assert fields["author"] == "Công Luận"


def test_bibtex_escapes_what_tex_would_read_as_markup(client, whoosh_index):
    title = "Budget & 5% growth: {draft} plan #2 for the $ and the_rest ~ more"
    article = make_article(title=title, source_name="Office & Co")

    text = download(client, article, "bibtex").content.decode("utf-8")
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])

    fields = {name: field.value for name, field in library.entries[0].fields_dict.items()}
    assert fields["title"] == title
    assert fields["author"] == "Office & Co"


def test_csl_json_is_rendered_by_citeproc(client, ru):
    response = download(client, ru, "csl")
    assert response["Content-Type"].startswith("application/vnd.citationstyles.csl+json")
    items = json.loads(response.content)

    source = CiteProcJSON(items)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    bibliography.register(Citation([CitationItem(items[0]["id"])]))
    [rendered] = [str(item) for item in bibliography.bibliography()]

    assert ru.title in rendered
    assert "2024" in rendered and "13 January" in rendered
    assert permalink(ru) in rendered
    assert rendered.startswith("Công Luận (2024)")
    assert items[0]["issued"] == {"date-parts": [[2024, 1, 13]]}
    assert items[0]["language"] == "ru"


def test_without_a_source_the_title_leads_and_the_archive_publishes(client, whoosh_index):
    article = make_article(title="Decree on public service units", published=datetime.date(2025, 3, 4))
    page = lxml_html.fromstring(client.get(article.get_absolute_url()).content)
    citation = page.xpath('//p[@class="citation"]')[0].text_content()
    assert citation == f"Decree on public service units. (2025, March 4). Gazette. {permalink(article)}"
    [entry] = rispy.loads(download(client, article, "ris").content.decode())
    assert entry["publisher"] == "Gazette" and "authors" not in entry


def test_unknown_style_and_unpublished_articles_are_not_found(client, whoosh_index):
    article = make_article()
    assert client.get(f"/articles/{article.slug}/cite/chicago").status_code == 404
    draft = make_article(status=Status.DRAFT)
    assert client.get(f"/articles/{draft.slug}/cite/ris").status_code == 404
