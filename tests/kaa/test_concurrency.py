"""The core's check-then-writes under real concurrent transactions on PostgreSQL."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError

from kaa import services
from kaa.models import Membership, Role
from tests.concurrency import run_concurrently
from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def admins(municipality) -> int:
    return Membership.objects.filter(municipality=municipality, role=Role.ADMINISTRATOR).count()


@pytest.mark.parametrize("change", ["demote", "remove"])
def test_two_administrators_acting_on_each_other_leave_one(home, change):
    first = make_user("admin1", home, Role.ADMINISTRATOR)
    second = make_user("admin2", home, Role.ADMINISTRATOR)
    pairs = [(first, second), (second, first)]
    for _round in range(3):
        Membership.objects.filter(municipality=home).update(role=Role.ADMINISTRATOR)
        for user in (first, second):
            Membership.objects.get_or_create(
                user=user, municipality=home, defaults={"role": Role.ADMINISTRATOR}
            )

        def act(index):
            actor, target = pairs[index]
            membership = Membership.objects.get(user=target, municipality=home)
            if change == "demote":
                return services.membership_set_role(
                    acting_user=actor, membership=membership, role=Role.COORDINATOR
                )
            return services.membership_remove(acting_user=actor, membership=membership)

        results = run_concurrently(2, act)
        refused = [r for r in results if isinstance(r, (PermissionDenied, ValidationError))]
        assert not [r for r in results if isinstance(r, Exception) and r not in refused]
        assert len(refused) == 1, results
        assert admins(home) == 1


def test_same_username_created_at_once_gives_one_user_and_clean_messages(home, administrator):
    def create(index):
        return services.user_create(
            acting_user=administrator,
            municipality=home,
            username="ny.anvandare",
            first_name="Ny",
            last_name="Användare",
            email=f"ny{index}@example.invalid",
            role=Role.COORDINATOR,
        )

    results = run_concurrently(4, create)
    errors = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(e, ValidationError) for e in errors), errors
    assert len(errors) == 3
    assert "finns redan" in errors[0].message_dict["username"][0]
    assert get_user_model().objects.filter(username="ny.anvandare").count() == 1


def test_same_member_added_at_once_gives_one_membership(home, administrator, other_municipality):
    newcomer = make_user("flyttad", other_municipality, Role.COORDINATOR)

    def add(index):
        return services.membership_add(
            acting_user=administrator, municipality=home, user=newcomer, role=Role.COORDINATOR
        )

    results = run_concurrently(4, add)
    errors = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(e, ValidationError) for e in errors), errors
    assert len(errors) == 3
    assert Membership.objects.filter(user=newcomer, municipality=home).count() == 1


def test_usernames_differing_only_in_case_created_at_once_give_one_user(home, administrator):
    names = ["Nils.Holm", "nils.holm", "NILS.HOLM"]

    def create(index):
        return services.user_create(
            acting_user=administrator,
            municipality=home,
            username=names[index],
            first_name="Nils",
            last_name="Holm",
            email=f"nils{index}@example.invalid",
            role=Role.COORDINATOR,
        )

    results = run_concurrently(3, create)
    errors = [r for r in results if isinstance(r, Exception)]
    assert all(isinstance(e, ValidationError) for e in errors), errors
    assert len(errors) == 2
    assert get_user_model().objects.filter(username__iexact="nils.holm").count() == 1
