from django.db import migrations, models


def grant_publish_to_editors(apps, schema_editor):
    """Whoever could change articles could publish them before this permission existed: they keep that right.
    The permission row is made here, because Django creates permissions only after all migrations ran."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    User = apps.get_model("auth", "User")
    content_type, _ = ContentType.objects.get_or_create(app_label="archive", model="article")
    publish, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="publish_article",
        defaults={"name": "Can publish and unpublish articles"},
    )
    change = Permission.objects.filter(content_type=content_type, codename="change_article").first()
    if change is None:
        return
    for group in Group.objects.filter(permissions=change):
        group.permissions.add(publish)
    for user in User.objects.filter(user_permissions=change):
        user.user_permissions.add(publish)


def keep_newest_pending_per_address(apps, schema_editor):
    Subscription = apps.get_model("archive", "Subscription")
    seen = set()
    for pk, email in (
        Subscription.objects.filter(confirmed__isnull=True).order_by("-created", "-pk").values_list("pk", "email")
    ):
        if email in seen:
            Subscription.objects.filter(pk=pk).delete()
        seen.add(email)


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0004_index_changes"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="article",
            options={
                "ordering": ["-published", "-id"],
                "permissions": [("publish_article", "Can publish and unpublish articles")],
            },
        ),
        migrations.RunPython(grant_publish_to_editors, migrations.RunPython.noop),
        migrations.CreateModel(
            name="RateCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=120, unique=True)),
                ("count", models.PositiveIntegerField(default=0)),
                ("expires", models.DateTimeField(db_index=True)),
            ],
        ),
        migrations.RunPython(keep_newest_pending_per_address, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="subscription",
            constraint=models.UniqueConstraint(
                condition=models.Q(("confirmed__isnull", True)),
                fields=("email",),
                name="subscription_one_pending_per_address",
            ),
        ),
    ]
