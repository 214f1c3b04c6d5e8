"""Remove site chrome from copied web pages and keep the article.

What counts as chrome comes from real copies of government news pages: the portal's tagline, the
"Comment (0)" widget, template placeholders such as "{keywords}", "No data", lists of unrelated
headlines after the article, image placeholders ("<headline>, изображение 2"), video file names, empty
"Source" lines and bylines. Photo captions are article text (they name who is in the picture): they are
kept as <figure><figcaption>, with the image before them when there is one.
A "Source:/Nguồn:/Источник:" line that names a URL or an outlet is kept as metadata, not as text.
"""

import re
from dataclasses import dataclass, field
from html import escape

from archive.ingest.html import Block
from archive.text import fold_key

_URL = re.compile(r"https?://[^\s<>\"]+")
_FULL_DATE = r"\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)\d{2}"

# Whole lines that are never article text (compared folded: case and diacritics ignored).
_CHROME_LINES = [
    r"\{[\w ]+\}",  # unfilled template placeholders
    r"(comment|comments|комментари[йи]|binh luan)\s*\(\d+\)",
    r"no data|no videos available|нет данных|khong co du lieu",
    r"(share|print|tags?|related( news| articles)?|read more|see more|xem them|tin lien quan|поделиться)\s*:?",
    r"(back to top|top|menu|home|trang chu|главная)",
    r"[\w.-]+\.(vn|com|org|net|ru|info)\s*[-–—|:]\s*.{0,80}",  # "Vietnam.vn - Nền tảng quảng bá Việt Nam"
    r"video\s*:\s*\S+\.(mp4|webm|mov|avi)\S*",
    r".*\.(mp4|mp3|jpg|jpeg|png|webp)(\?\S*)?",
]
_CHROME = re.compile("^(?:" + "|".join(_CHROME_LINES) + ")$")
# Lines after which nothing belongs to the article.
_TAIL = re.compile(r"^(source|источник|nguon|comment \(\d+\)|комментари[йи] \(\d+\)|no data)$")
_SOURCE_LINE = re.compile(r"^(?:source|источник|nguồn|nguon)\s*:\s*(.+)$", re.IGNORECASE)
# Marked photo captions: "… |", "…, изображение 2", "— VNA/VNS Photo Thong Nhat", "(Ảnh: …)".
_MARKED_CAPTION = re.compile(
    r"(\s\|\s*$)|(,\s*(изображение|рисунок|фото|photo|image|ảnh|hình)\s*\d+\.?$)"
    r"|([—–-]\s*[A-Z][A-Za-z/]*\s+(Photo|Ảnh)\b)|(^(Photo|Ảnh|Фото)\s*:)|(\((Photo|Ảnh|Фото)\s*:[^)]*\)\.?$)",
    re.IGNORECASE,
)
# The headline repeated as an image's alternative text, numbered: "…, изображение 2", "…, рисунок 3".
_IMAGE_PLACEHOLDER = re.compile(r",\s*(изображение|рисунок|фото|photo|image|ảnh|hình)\s*\d+\.?$", re.IGNORECASE)
_CAPTION_MARK = re.compile(r"(?<=\s)\|\s*$")  # linear: no run of spaces is tried twice
# Unmarked captions name who did what in the picture: one short sentence around one of these verbs.
_CAPTION_VERBS = re.compile(
    r"\b(attend(s|ed|ing)?|speak(s|ing)?|chair(s|ed)?|present(s|ed)|award(s|ed)|deliver(s|ed)|pose(s|d)?"
    r"|visit(s|ed)|receive(s|d)|preside(s|d)?|принял[аи]? участие|принимает участие|выступает|выступил[аи]?"
    r"|присвоил[аи]?|вручил[аи]?|вручает|председательствует|посетил[аи]?)\b",
    re.IGNORECASE,
)
# Starts only where a run of spaces starts, and never gives spaces back: a long run stays linear.
_AGENCY_SIGNOFF = re.compile(r"(?<!\s)\s++[—–]\s*+([A-Z][A-Z/]{1,12})\s*+$")


@dataclass
class Cleaned:
    blocks: list
    headline: str = ""
    byline_date: str = ""
    source_name: str = ""
    source_url: str = ""
    dropped: list = field(default_factory=list)


def is_chrome(text):
    return bool(_CHROME.match(fold_key(text)))


def is_caption(text, *, first):
    words = text.split()
    if _MARKED_CAPTION.search(text):
        return len(words) <= 40  # a long paragraph that ends in a photo credit is text, not a caption
    return (
        not first
        and len(words) <= 25
        and text.rstrip().endswith(".")
        and not re.search(r"[\d\"“”«»:;]", text)
        and len(re.findall(r"[.!?](\s|$)", text)) == 1
        and bool(_CAPTION_VERBS.search(" ".join(words[:12])))
    )


def clean(blocks, *, has_title=False):
    result = Cleaned(blocks=[])
    kept = []
    for index, block in enumerate(blocks):
        text = block.text.strip()
        if block.tag != "p":
            kept.append(block)
            continue
        if not text:
            if "<img" in block.html:
                kept.append(block)
            continue
        if source := _SOURCE_LINE.match(text):
            value = source.group(1).strip()
            if url := _URL.search(value):
                result.source_url = result.source_url or url.group(0).rstrip(".,;)")
            else:
                result.source_name = result.source_name or value
            result.dropped.append(text)
            continue
        # Chrome lines are short; long paragraphs skip the (costly) folding.
        folded = fold_key(text) if len(text) <= 160 else text.casefold()
        if _TAIL.match(folded) and kept:
            # "Source", "Comment (0)", "No data": the article is over; what follows is the site's.
            result.dropped.extend(b.text for b in blocks[index:] if b.text.strip())
            if kept and _is_author(kept[-1].text):
                result.dropped.append(kept.pop().text)
            break
        if kept and kept[-1].tag == "p" and len(kept) > 2 and kept[-1].text.strip().casefold() == text.casefold():
            # A teaser card repeats its headline (link text, then image alt): the related-news list starts.
            result.dropped.append(kept.pop().text)
            result.dropped.extend(b.text for b in blocks[index:] if b.text.strip())
            break
        if _CHROME.match(folded):
            result.dropped.append(text)
            continue
        if len(kept) < 4 and (byline := _byline(text)):
            result.byline_date, name = byline
            result.source_name = result.source_name or name
            result.dropped.append(text)
            if kept and not has_title and not result.headline and kept[-1].tag == "p":
                result.headline = kept.pop().text  # the line above a byline is the headline
            continue
        if is_caption(text, first=not kept):
            if _IMAGE_PLACEHOLDER.search(text):
                result.dropped.append(text)
            else:
                kept.append(_figure(text, kept))
            continue
        kept.append(block)
    if kept and kept[-1].tag == "p" and (signoff := _AGENCY_SIGNOFF.search(kept[-1].text)):
        last = kept[-1]
        agency = signoff.group(1)
        result.source_name = result.source_name or agency
        kept[-1] = type(last)(last.tag, _AGENCY_SIGNOFF.sub("", last.html), _AGENCY_SIGNOFF.sub("", last.text))
    if (
        not has_title
        and not result.headline
        and len(kept) > 1
        and kept[0].tag == "p"
        and _looks_like_headline(kept[0].text)
    ):
        result.headline = kept.pop(0).text
    result.blocks = kept
    return result


def _figure(caption, kept):
    """A caption as a figure; an image-only paragraph just before it becomes the figure's image."""
    text = _CAPTION_MARK.sub("", caption).strip()
    image = ""
    if kept and kept[-1].tag == "p" and not kept[-1].text.strip() and "<img" in kept[-1].html:
        image = kept.pop().html
    return Block("figure", f"<figure>{image}<figcaption>{escape(text, quote=False)}</figcaption></figure>", text)


def _byline(text):
    """'Công LuậnCông Luận13/01/2024' → ('13/01/2024', 'Công Luận'): a short line ending in a full date."""
    match = re.match(
        rf"^(.{{0,60}}?)[\s,|·-]*({_FULL_DATE})([\s|,-]+\d{{1,2}}[:h]\d{{2}}(\s*\(?(GMT|UTC)\s*[+-]\d{{1,2}}(:\d{{2}})?\)?)?)?$",
        text,
    )
    if not match:
        return None
    name = _NOT_A_NAME.sub("", match.group(1)).strip(" ,|·-")
    half = len(name) // 2
    if half and name[:half] == name[half:]:  # the outlet's logo text and its name, run together
        name = name[:half]
    return match.group(2), name


# What precedes a date in a byline without being the outlet: a weekday, "Updated:".
_NOT_A_NAME = re.compile(
    r"(?i:\b(?:thứ (?:hai|ba|tư|năm|sáu|bảy)|chủ nhật|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|понедельник|вторник|среда|четверг|пятница|суббота|воскресенье|cập nhật|ngày đăng|đăng ngày|updated|published"
    r"|posted|обновлено|опубликовано)\b:?)"
)


def _is_author(text):
    words = text.split()
    return 1 < len(words) <= 4 and all(w[:1].isupper() for w in words) and not re.search(r"[.!?,:;\d]", text)


def _looks_like_headline(text):
    # A headline is short and has no closing full stop; a first line ending in "." is the lead.
    return len(text) <= 200 and len(text.split()) <= 30 and not text.rstrip().endswith((".", "…", ":", ";"))
