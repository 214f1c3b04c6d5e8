"""Candidates: people introduced by a role title whom the gazetteer does not know, kept for an editor.

Every role mention is recorded with its article's date (the role timeline on an official's page). A name
that links to no official becomes (or adds to) a pending candidate, one per cross-script key, so that the
English, Vietnamese and Russian spellings of one person gather on one row. A rejected name is not proposed
again. Confirming or merging makes the candidate's spellings an official's aliases and re-tags the articles
that may name them (archive/officials/retag.py).
"""

from django.db import transaction
from django.utils.text import slugify

from archive.models import CandidateStatus, Official, OfficialAlias, OfficialCandidate, RoleMention
from archive.officials.names import has_diacritics, is_cyrillic, skeleton


def script(name):
    if is_cyrillic(name):
        return "ru"
    return "vi" if has_diacritics(name) else "en"


_PREFERENCE = {"vi": 0, "en": 1, "ru": 2}


def record_mentions(pairs, *, replace=False):
    """Record the mentions of saved articles: pairs of (article, [(Mention, official id or None, note)])."""
    if replace:
        RoleMention.objects.filter(article_id__in=[article.pk for article, _ in pairs]).delete()
    rows, found = [], {}
    for article, mentions in pairs:
        for mention, official_id, note in mentions:
            candidate = None
            if official_id is None:
                candidate = _candidate(mention.name, note, found) if note is not None else None
                if candidate is None:
                    continue
            rows.append(
                RoleMention(
                    article_id=article.pk,
                    official_id=official_id,
                    candidate=candidate,
                    name=mention.name[:200],
                    role=mention.role[:300],
                    language=article.language,
                    published=article.published,
                )
            )
    RoleMention.objects.bulk_create(rows, ignore_conflicts=True)
    for candidate in found.values():
        if candidate is not None and candidate._dirty:
            candidate.save()


def _candidate(name, note, found):
    """The pending candidate for a name (created if new); None when that name was rejected or confirmed."""
    key = skeleton(name)[:200]
    if key not in found:
        candidate, _ = OfficialCandidate.objects.get_or_create(key=key, defaults={"name": name[:200]})
        candidate._dirty = False
        found[key] = candidate if candidate.status == CandidateStatus.PENDING else None
    candidate = found[key]
    if candidate is None:
        return None
    spellings = candidate.spellings.setdefault(script(name), [])
    if name not in spellings:
        spellings.append(name)
        candidate._dirty = True
    if _PREFERENCE[script(name)] < _PREFERENCE[script(candidate.name)]:
        candidate.name, candidate._dirty = name[:200], True
    if note and note not in candidate.note:
        candidate.note, candidate._dirty = f"{candidate.note}\n{note}".strip()[:500], True
    return candidate


def _unique_slug(name):
    base = slugify(name)[:180] or "official"
    slug, n = base, 2
    while Official.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def confirm(candidate, *, official=None):
    """Make a candidate an official (a new one, or `official` when merging into it); returns the official.
    Its spellings become aliases, its mentions the official's; the articles that may name it are re-tagged."""
    from archive.officials import retag

    if official is None:
        official = Official.objects.create(name=candidate.name, slug=_unique_slug(candidate.name))
    for name in candidate.all_spellings():
        OfficialAlias.objects.get_or_create(official=official, name=name, defaults={"language": script(name)})
    candidate.mentions.update(official=official)
    candidate.status, candidate.official = CandidateStatus.CONFIRMED, official
    candidate.save(update_fields=["status", "official", "updated"])
    retag.retag(retag.articles_naming([official]))
    return official


def reject(candidates):
    """Rejected names are not proposed again; their mentions go (they belong to no one)."""
    ids = list(candidates.values_list("pk", flat=True))
    RoleMention.objects.filter(candidate__in=ids, official__isnull=True).delete()
    return OfficialCandidate.objects.filter(pk__in=ids).update(status=CandidateStatus.REJECTED)
