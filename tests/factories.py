"""factory_boy factories shared by the whole suite."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from members import idcard
from members.models import HandlingUnit, Member, MemberGroup, Party, Sector, Session, SpecialCommittee, Term


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("Test-pass-2026")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*[Group.objects.get_or_create(name=r)[0] for r in extracted])


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term
        django_get_or_create = ("number",)

    number = 9
    name = factory.LazyAttribute(lambda o: f"第{'零一二三四五六七八九十'[o.number]}届")
    start_year = 2022
    end_year = 2026
    is_current = True


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    term = factory.SubFactory(TermFactory)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.LazyAttribute(lambda o: f"第{o.number}次会议")
    start_date = dt.date(2024, 1, 10)


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"界别{n}")


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Party
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"党派{n}")


class SpecialCommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpecialCommittee
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"专委会{n}")


class MemberGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberGroup
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"委员组{n}")


class HandlingUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HandlingUnit
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"承办单位{n}")


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    name = factory.Faker("name", locale="zh_CN")
    gender = "M"
    birth_date = dt.date(1975, 3, 8)
    id_number = factory.Sequence(lambda n: idcard.make("110105", dt.date(1975, 3, 8), (2 * n + 1) % 1000))
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    employer = "区人民医院"
    title = "主任医师"
    sector = factory.SubFactory(SectorFactory)
    party = factory.SubFactory(PartyFactory)
