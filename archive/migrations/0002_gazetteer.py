"""Load the seed gazetteer (archive/gazetteer.py): officials with aliases and roles, topics."""

import datetime

from django.db import migrations

from archive.gazetteer import OFFICIALS, TOPICS
from archive.text import fold, fold_key


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def load(apps, schema_editor):
    Official = apps.get_model("archive", "Official")
    OfficialAlias = apps.get_model("archive", "OfficialAlias")
    Role = apps.get_model("archive", "Role")
    Topic = apps.get_model("archive", "Topic")

    for entry in OFFICIALS:
        official, _ = Official.objects.update_or_create(slug=entry["slug"], defaults={"name": entry["name"]})
        aliases = [(entry["name"], "vi"), (fold(entry["name"]), "en")]
        aliases += [(name, "vi") for name in entry.get("aliases", [])]
        aliases += [(name, "ru") for name in entry.get("ru", [])]
        for name, language in aliases:
            # The historical model has no custom save(), so the folded key is set here.
            OfficialAlias.objects.get_or_create(
                official=official, name=name, defaults={"language": language, "folded": fold_key(name)}
            )
        for title, start, end in entry.get("roles", []):
            Role.objects.get_or_create(official=official, title=title, start=_date(start), defaults={"end": _date(end)})

    for entry in TOPICS:
        defaults = {f"name_{lang}": name for lang, name in entry["names"].items()}
        defaults.update({f"keywords_{lang}": "\n".join(words) for lang, words in entry["keywords"].items()})
        Topic.objects.update_or_create(slug=entry["slug"], defaults=defaults)


class Migration(migrations.Migration):
    dependencies = [("archive", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
