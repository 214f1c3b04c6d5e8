from django.core.management.base import BaseCommand

from archive.alerts.sending import send_due


class Command(BaseCommand):
    help = (
        "Send the e-mail alerts that are due: only new articles, each at most once per subscription. "
        "Safe to run twice or after a crash; run it from cron (every few minutes for immediate alerts)."
    )

    def handle(self, *args, **options):
        report = send_due()
        self.stdout.write(
            f"{report.messages} message(s) sent with {report.articles} article(s); "
            f"{report.checked} subscription(s) checked, {report.failed} failed, "
            f"{report.purged} unconfirmed removed."
        )
        if report.failed:
            # Cron and monitoring see the failure; what failed stays pending for the next run.
            raise SystemExit(1)
