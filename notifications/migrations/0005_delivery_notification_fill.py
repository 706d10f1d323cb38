"""Every existing delivery (all of them deadline reminders') is tied to the notice it delivered: the
reminder's notification of the same recipient. A delivery whose notice is gone gets one back (read, so
that nobody is told twice), so that no delivery record is lost."""

from django.db import migrations


def fill(apps, schema_editor):
    Delivery = apps.get_model("notifications", "Delivery")
    Notification = apps.get_model("notifications", "Notification")
    notices = {
        (n["reminder_id"], n["recipient_id"]): n["pk"]
        for n in Notification.objects.filter(reminder__isnull=False).values("pk", "reminder_id", "recipient_id")
    }
    batch = []
    for delivery in Delivery.objects.filter(notification__isnull=True).select_related("reminder").iterator(
        chunk_size=1000
    ):
        reminder = delivery.reminder
        notice_id = notices.get((reminder.pk, delivery.recipient_id))
        if notice_id is None:
            notice = Notification.objects.create(
                recipient_id=delivery.recipient_id,
                reminder=reminder,
                title=reminder.title,
                url=reminder.url,
                read_at=reminder.created_at,
            )
            notice_id = notices[(reminder.pk, delivery.recipient_id)] = notice.pk
        delivery.notification_id = notice_id
        delivery.created_at = reminder.created_at
        batch.append(delivery)
        if len(batch) >= 1000:
            Delivery.objects.bulk_update(batch, ["notification", "created_at"])
            batch = []
    if batch:
        Delivery.objects.bulk_update(batch, ["notification", "created_at"])


class Migration(migrations.Migration):
    dependencies = [("notifications", "0004_delivery_channels_and_preferences")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
