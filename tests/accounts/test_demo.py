import pytest
from django.urls import reverse

from accounts.models import AccountSecurity
from demo.members import DEFAULT_PASSWORD, seed_registry

pytestmark = pytest.mark.django_db


def test_demo_has_a_security_admin_who_is_not_flagged(client):
    seed_registry(member_count=3)
    assert not AccountSecurity.objects.filter(must_change_password=True).exists()
    assert client.post(reverse("login"), {"username": "security", "password": DEFAULT_PASSWORD}).status_code == 302
    assert client.get(reverse("accounts:users")).status_code == 200
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("accounts:password_change")).status_code == 200
    client.logout()
    client.post(reverse("login"), {"username": "admin", "password": DEFAULT_PASSWORD})
    assert client.get(reverse("admin:index")).status_code == 200
