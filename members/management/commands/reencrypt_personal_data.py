from django.core.management.base import BaseCommand

from members.services import personal_data_reencrypt


class Command(BaseCommand):
    help = (
        "Re-encrypt members' ID and phone numbers under the first FIELD_ENCRYPTION_KEYS key and recompute "
        "the ID lookup hashes with FIELD_HASH_KEY (after changing either key)."
    )

    def handle(self, *args, **options):
        count = personal_data_reencrypt()
        self.stdout.write(self.style.SUCCESS(f"已用当前密钥重新加密 {count} 位委员的身份证号码和手机号码。"))
