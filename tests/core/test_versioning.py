"""The one way to save a row two people can edit: the second of two saves from the same version is
refused, nothing of the first person's is lost, and the second person gets their own text back at the
current version with the one message."""

from __future__ import annotations

import pytest
from django import forms
from django.http import QueryDict

from core.versioning import (
    MESSAGE,
    StaleEdit,
    VersionedFormMixin,
    rebind_conflict,
    save_versioned,
    update_versioned,
)
from reviews.fieldwork.models import Theme

pytestmark = pytest.mark.django_db


class ThemeForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Theme
        fields = ["name"]


def _post(name: str, version: int) -> QueryDict:
    data = QueryDict(mutable=True)
    data.update({"name": name, "version": str(version)})
    return data


def test_the_second_of_two_saves_from_the_same_version_is_refused_and_the_first_is_kept() -> None:
    theme = Theme.objects.create(name="A theme for this test")
    assert update_versioned(Theme, pk=theme.pk, version=1, values={"name": "Mine"}) == 2
    with pytest.raises(StaleEdit) as refused:
        update_versioned(Theme, pk=theme.pk, version=1, values={"name": "Theirs"})
    assert refused.value.message == MESSAGE
    theme.refresh_from_db()
    assert (theme.name, theme.version) == ("Mine", 2)


def test_two_people_saving_the_same_form_version_only_the_first_is_saved() -> None:
    theme = Theme.objects.create(name="A theme for this test")
    first = ThemeForm(_post("First person's name", 1), instance=Theme.objects.get(pk=theme.pk))
    second = ThemeForm(_post("Second person's name", 1), instance=Theme.objects.get(pk=theme.pk))
    assert first.is_valid() and second.is_valid()
    save_versioned(first)
    with pytest.raises(StaleEdit):
        save_versioned(second)
    theme.refresh_from_db()
    assert (theme.name, theme.version) == ("First person's name", 2)


def test_a_queryset_limits_which_rows_may_be_saved() -> None:
    theme = Theme.objects.create(name="A theme for this test", is_active=False)
    with pytest.raises(StaleEdit):
        update_versioned(
            Theme.objects.filter(is_active=True), pk=theme.pk, version=1, values={"name": "X"}
        )
    theme.refresh_from_db()
    assert (theme.name, theme.version) == ("A theme for this test", 1)


def test_the_form_carries_the_version_it_was_shown_at() -> None:
    theme = Theme.objects.create(name="A theme for this test", version=4)
    assert ThemeForm(instance=theme)["version"].value() == 4
    assert "version" not in ThemeForm().fields  # a new row has no version to check
    assert ThemeForm(instance=theme, version=7)["version"].value() == 7


def test_the_rebound_form_shows_the_persons_text_the_current_version_and_the_message() -> None:
    theme = Theme.objects.create(name="A theme for this test")
    update_versioned(Theme, pk=theme.pk, version=1, values={"name": "Someone else's"})
    current = Theme.objects.get(pk=theme.pk)

    form = rebind_conflict(ThemeForm, _post("My own words", 1), current)

    assert form["name"].value() == "My own words"
    assert form["version"].value() == "2"
    assert form.non_field_errors() == [MESSAGE]
    assert current.name == "Someone else's"  # the row shown beside the form is not changed
    # Sending the rebound page again is a deliberate choice, and it is saved.
    again = ThemeForm(form.data, instance=Theme.objects.get(pk=theme.pk))
    assert again.is_valid()
    save_versioned(again)
    current.refresh_from_db()
    assert (current.name, current.version) == ("My own words", 3)


def test_a_prefixed_form_is_rebound_under_its_prefix() -> None:
    theme = Theme.objects.create(name="A theme for this test", version=5)
    data = QueryDict(mutable=True)
    data.update({"t-name": "Mine", "t-version": "1"})
    form = rebind_conflict(ThemeForm, data, theme, prefix="t")
    assert form["version"].value() == "5" and form["name"].value() == "Mine"
    assert data["t-version"] == "1"  # the person's POST itself is left alone
