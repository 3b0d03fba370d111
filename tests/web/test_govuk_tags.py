"""GOV.UK form components rendered from Django fields."""

from __future__ import annotations

from django import forms
from django.template import Context, Template

from openepa.kernel.forms import GovukDateField


class ExampleForm(forms.Form):
    ksbs = forms.MultipleChoiceField(
        label="KSBs", choices=[("K1", "K1"), ("K2", "K2")], widget=forms.CheckboxSelectMultiple
    )
    kind = forms.ChoiceField(
        label="Kind", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect
    )
    born = GovukDateField(label="Date of birth")
    password = forms.CharField(label="Password", widget=forms.PasswordInput)


def render(form: forms.Form, field: str) -> str:
    template = Template("{% load govuk %}{% field form." + field + " %}")
    return template.render(Context({"form": form}))


def test_a_multiple_choice_is_checkboxes_so_several_can_be_chosen() -> None:
    html = render(ExampleForm(data={"ksbs": ["K1", "K2"]}), "ksbs")
    assert html.count('type="checkbox"') == 2
    assert html.count("checked") == 2
    assert 'type="radio"' not in html


def test_a_single_choice_is_radios() -> None:
    html = render(ExampleForm(), "kind")
    assert html.count('type="radio"') == 2


def test_a_date_error_is_linked_to_its_boxes_and_keeps_what_was_typed() -> None:
    form = ExampleForm(data={"born_day": "31", "born_month": "2", "born_year": "2001"})
    form.is_valid()
    html = render(form, "born")
    assert "Date of birth must be a real date" in html
    assert 'value="31"' in html
    assert 'aria-describedby=" id_born-error"' in html or "id_born-error" in html
    assert html.count('id="id_born"') == 1


def test_a_password_is_never_written_back_into_the_page() -> None:
    form = ExampleForm(data={"password": "secret-typed"})
    assert "secret-typed" not in render(form, "password")
