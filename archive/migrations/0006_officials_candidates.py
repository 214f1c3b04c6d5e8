"""Candidates and role mentions; officials the seeds name that the gazetteer lacked; derived aliases for all."""

import datetime

import django.db.models.deletion
from django.db import migrations, models

from archive.gazetteer import OFFICIALS
from archive.officials.names import derived_aliases
from archive.text import fold_key


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def add_officials_and_derived_aliases(apps, schema_editor):
    Official = apps.get_model("archive", "Official")
    OfficialAlias = apps.get_model("archive", "OfficialAlias")
    Role = apps.get_model("archive", "Role")
    for entry in OFFICIALS:
        official, created = Official.objects.get_or_create(slug=entry["slug"], defaults={"name": entry["name"]})
        if created:
            for title, start, end in entry.get("roles", []):
                Role.objects.create(official=official, title=title, start=_date(start), end=_date(end))
        extra = [(name, "vi") for name in entry.get("aliases", [])] + [(name, "ru") for name in entry.get("ru", [])]
        for name, language in extra:
            OfficialAlias.objects.get_or_create(
                official=official, name=name, defaults={"language": language, "folded": fold_key(name)}
            )
    # The historical model has no custom save(): the derived spellings are added here for every official.
    for official in Official.objects.all():
        for name, language in derived_aliases(official.name):
            OfficialAlias.objects.get_or_create(
                official=official, name=name, defaults={"language": language, "folded": fold_key(name)}
            )


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0005_security_permissions_and_limits"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="auto_tags",
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
        migrations.CreateModel(
            name="OfficialCandidate",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(help_text="The name's cross-script key.", max_length=200, unique=True)),
                (
                    "name",
                    models.CharField(help_text="Best spelling seen: Vietnamese with diacritics first.", max_length=200),
                ),
                ("spellings", models.JSONField(blank=True, default=dict, help_text="Spellings seen, by script.")),
                (
                    "status",
                    models.CharField(
                        choices=[("pending", "Pending"), ("confirmed", "Confirmed"), ("rejected", "Rejected")],
                        default="pending",
                        max_length=10,
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=500)),
                ("created", models.DateTimeField(auto_now_add=True)),
                ("updated", models.DateTimeField(auto_now=True)),
                (
                    "official",
                    models.ForeignKey(
                        blank=True,
                        help_text="The official it was confirmed as or merged into.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="candidates",
                        to="archive.official",
                    ),
                ),
            ],
            options={
                "ordering": ["name"],
            },
        ),
        migrations.CreateModel(
            name="RoleMention",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=200)),
                ("role", models.CharField(max_length=300)),
                (
                    "language",
                    models.CharField(
                        choices=[("en", "English"), ("ru", "Русский"), ("vi", "Tiếng Việt")], max_length=2
                    ),
                ),
                ("published", models.DateField()),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="role_mentions", to="archive.article"
                    ),
                ),
                (
                    "candidate",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="mentions",
                        to="archive.officialcandidate",
                    ),
                ),
                (
                    "official",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="role_mentions",
                        to="archive.official",
                    ),
                ),
            ],
            options={
                "ordering": ["published", "id"],
            },
        ),
        migrations.AddIndex(
            model_name="officialcandidate",
            index=models.Index(fields=["status"], name="candidate_status_idx"),
        ),
        migrations.AddConstraint(
            model_name="rolemention",
            constraint=models.UniqueConstraint(
                fields=("article", "name", "role"), name="role_mention_once_per_article"
            ),
        ),
        migrations.RunPython(add_officials_and_derived_aliases, migrations.RunPython.noop),
    ]
