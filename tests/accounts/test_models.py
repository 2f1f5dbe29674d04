import pytest
from django.db import IntegrityError

from accounts.models import User


def test_email_is_stored_lower_case_and_unique_in_any_case(db) -> None:
    User.objects.create_user("Jo.Bloggs@Example.org", "a long test password", full_name="Jo Bloggs")
    assert User.objects.get().email == "jo.bloggs@example.org"
    with pytest.raises(IntegrityError):
        User.objects.create(email="JO.BLOGGS@example.org", full_name="Jo Again")


def test_organisation_letterhead_address_lines(world) -> None:
    assert world.host_org.address_lines == ["Town Hall", "High Street", "Testshire", "TS1 1AA"]
