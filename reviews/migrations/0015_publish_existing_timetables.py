"""Timetables made before "Publish the timetable" existed were sent as they were saved: they count as
published, so their sessions stay in people's calendars and later changes are collected and sent."""

from django.db import migrations


def publish_existing(apps, schema_editor):
    Review = apps.get_model("reviews", "Review")
    TimetablePublication = apps.get_model("reviews", "TimetablePublication")
    with_sessions = Review.objects.filter(sessions__isnull=False, timetable_publication__isnull=True)
    TimetablePublication.objects.bulk_create(
        [TimetablePublication(review_id=pk) for pk in with_sessions.values_list("pk", flat=True).distinct()]
    )


class Migration(migrations.Migration):
    dependencies = [("reviews", "0014_h7_internal_audits")]

    operations = [migrations.RunPython(publish_existing, migrations.RunPython.noop)]
