"""Adding a child: validation, the possible-matches step, and creation."""

from __future__ import annotations

import functools

import pytest
from django.urls import reverse

from openics.core.models import AuditEvent, Involvement, InvolvementKind, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for(client_for):  # type: ignore[no-untyped-def]
    """Every request over HTTPS, as in production."""

    def sign_in(user):  # type: ignore[no-untyped-def]
        client = client_for(user)
        client.get = functools.partial(client.get, secure=True)
        client.post = functools.partial(client.post, secure=True)
        return client

    return sign_in


URL = reverse("person-add")


def details(**extra: str) -> dict[str, str]:
    data = {
        "person-first_name": "Bella",
        "person-last_name": "Newman",
        "person-date_of_birth_day": "12",
        "person-date_of_birth_month": "3",
        "person-date_of_birth_year": "2018",
        "person-sex": "F",
        "person-ethnicity": "WBRI",
        "person-religion": "unknown",
    }
    data.update(extra)
    return data


def test_new_child_with_no_match_is_created_and_allocated_to_the_creator(world, client_for):
    client = client_for(world.sam_sw)
    response = client.post(
        URL, details(**{"address-line1": "2 High St", "address-town": "Northtown", "address-postcode": "ss11aa"})
    )
    child = Person.objects.get(last_name="Newman")
    assert response.status_code == 302
    assert response["Location"] == reverse("child-overview", args=[child.pk])
    assert child.addresses.get().postcode == "SS1 1AA"
    allocation = Involvement.objects.get(child=child, kind=InvolvementKind.ALLOCATED)
    assert (allocation.team, allocation.worker) == (world.north, world.sam_sw)
    assert AuditEvent.objects.filter(action="create", child_id=child.pk, user_id=world.sam_sw.pk).exists()
    assert client.get(response["Location"]).status_code == 200


def test_same_name_and_birthday_shows_possible_matches_first(world, client_for):
    client = client_for(world.sam_sw)
    response = client.post(
        URL,
        details(
            **{
                "person-first_name": "Amy",
                "person-last_name": "Example",
                "person-date_of_birth_day": "4",
                "person-date_of_birth_month": "5",
                "person-date_of_birth_year": "2016",
            }
        ),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Possible matches" in page
    assert reverse("child-overview", args=[world.amy.pk]) in page
    assert Person.objects.filter(last_name="Example").count() == 1
    # "None of these" carries the details forward and creates the record.
    assert 'name="confirmed" value="yes"' in page
    confirmed = client.post(
        URL, {**details(**{"person-first_name": "Amy", "person-last_name": "Example"}), "confirmed": "yes"}
    )
    assert confirmed.status_code == 302
    assert Person.objects.filter(last_name="Example").count() == 2


def test_match_by_identifier_even_with_another_name(world, client_for):
    client = client_for(world.sam_sw)
    response = client.post(URL, details(**{"person-la_child_id": "NC000001"}))
    assert "Possible matches" in response.content.decode()


def test_match_the_user_cannot_see_is_only_hinted_at(world, client_for):
    # Olu works in another team: he may not see Amy, so he learns nothing
    # about her but is told to check before creating a duplicate.
    response = client_for(world.olu_other).post(
        URL,
        details(
            **{
                "person-first_name": "Amy",
                "person-last_name": "Example",
                "person-date_of_birth_day": "4",
                "person-date_of_birth_month": "5",
                "person-date_of_birth_year": "2016",
            }
        ),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="hidden-matches"' in page
    assert "NC000001" not in page
    assert reverse("child-overview", args=[world.amy.pk]) not in page


def test_restricted_record_is_never_revealed(world, client_for):
    world.amy.restriction = "adoption"
    world.amy.save()
    response = client_for(world.olu_other).post(
        URL,
        details(
            **{
                "person-first_name": "Amy",
                "person-last_name": "Example",
                "person-date_of_birth_day": "4",
                "person-date_of_birth_month": "5",
                "person-date_of_birth_year": "2016",
            }
        ),
    )
    # Straight through to creation, as if nothing matched.
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("person-upn", "A801200005001", "the check letter does not match"),
        ("person-upn", "12345", "Enter a UPN of 13 characters"),
        ("person-nhs_number", "943 476 5911", "the check digit does not match"),
        ("person-nhs_number", "12345", "Enter an NHS number of 10 digits"),
        ("person-date_of_birth_month", "13", "Date of birth must be a real date"),
        ("person-last_name", "", "Enter the last name"),
    ],
)
def test_bad_details_get_a_clear_message(world, client_for, field, value, message):
    response = client_for(world.sam_sw).post(URL, details(**{field: value}))
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert not Person.objects.filter(last_name="Newman").exists()


def test_bad_postcode_gets_a_clear_message(world, client_for):
    response = client_for(world.sam_sw).post(
        URL, details(**{"address-line1": "2 High St", "address-town": "Northtown", "address-postcode": "XYZ"})
    )
    assert response.status_code == 400
    assert "Enter a real postcode, like SS1 1AA" in response.content.decode()


def test_upn_reason_only_when_upn_unknown(world, client_for):
    response = client_for(world.sam_sw).post(
        URL, details(**{"person-upn": t_valid_upn(), "person-upn_unknown_reason": "UN1"})
    )
    assert response.status_code == 400
    assert "Leave the reason blank when the UPN is known" in response.content.decode()


def test_a_child_needs_a_birth_date_or_expected_one(world, client_for):
    data = details()
    for part in ("day", "month", "year"):
        data.pop(f"person-date_of_birth_{part}")
    response = client_for(world.sam_sw).post(URL, data)
    assert response.status_code == 400
    assert "expected date of birth for an unborn child" in response.content.decode()
    data.update(
        {
            "person-expected_date_of_birth_day": "1",
            "person-expected_date_of_birth_month": "1",
            "person-expected_date_of_birth_year": "2099",
        }
    )
    assert client_for(world.sam_sw).post(URL, data).status_code == 302
    assert Person.objects.get(last_name="Newman").is_unborn


def test_school_staff_cannot_open_records(world, client_for):
    assert client_for(world.dee_dsl).get(URL).status_code == 404


def t_valid_upn() -> str:
    from openics.core.validators import upn_check_letter

    body = "801200001001"
    return upn_check_letter(body) + body


def test_valid_upn_is_accepted(world, client_for):
    response = client_for(world.sam_sw).post(URL, details(**{"person-upn": t_valid_upn().lower()}))
    assert response.status_code == 302
    assert Person.objects.get(last_name="Newman").upn == t_valid_upn()


def test_misspelt_surname_with_the_same_birthday_still_matches(world, client_for):
    # Trigram similarity on PostgreSQL, the same first letters on SQLite.
    data = details(
        **{
            "person-first_name": "Amie",
            "person-last_name": "Exampel",
            "person-date_of_birth_day": "4",
            "person-date_of_birth_month": "5",
            "person-date_of_birth_year": "2016",
        }
    )
    response = client_for(world.sam_sw).post(URL, data)
    assert reverse("child-overview", args=[world.amy.pk]) in response.content.decode()


def test_a_different_child_is_not_offered_as_a_match(world, client_for):
    data = details(**{"person-first_name": "Zed", "person-last_name": "Quigley"})
    response = client_for(world.sam_sw).post(URL, data)
    assert response.status_code == 302
