"""Forms of the submissions pages. The rules are checked by the services; these check input."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms

from openepa.gateway.forms import RevisionForm
from openepa.rules.model import Method
from openepa.submissions.models import InterviewQuestion


class UploadForm(forms.Form):
    """One file for a method: what it is (report or annex; which element) and the file."""

    kind = forms.ChoiceField(
        label="What are you uploading?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select what you are uploading",
            "invalid_choice": "Select what you are uploading from the list",
        },
    )
    element = forms.ChoiceField(
        label="Which element of the showcase is this evidence for?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the element of the showcase this evidence is for",
            "invalid_choice": "Select an element of the showcase from the list",
        },
    )
    file = forms.FileField(
        label="Upload the file",
        error_messages={"required": "Select the file to upload"},
    )

    def __init__(
        self, *args: Any, method: Method, kinds: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = kinds
        if len(kinds) == 1:
            self.fields["kind"].widget = forms.HiddenInput()
            self.fields["kind"].initial = kinds[0][0]
        if method.elements:
            cast(forms.ChoiceField, self.fields["element"]).choices = [
                (element.id, element.name) for element in method.elements
            ]
        else:
            del self.fields["element"]


def _criteria(text: str) -> list[str]:
    return [part for part in re.split(r"[\s,;]+", text) if part]


class QuestionForm(forms.Form):
    """A question of a bank: its wording, the criteria it draws out and where it comes from."""

    bank = forms.ChoiceField(
        label="Specification and method",
        error_messages={
            "required": "Select the specification and method the question is for",
            "invalid_choice": "Select a specification and method from the list",
        },
    )
    text = forms.CharField(
        label="Question",
        max_length=2000,
        widget=forms.Textarea,
        error_messages={
            "required": "Enter the question",
            "max_length": "The question must be 2,000 characters or fewer",
        },
    )
    criteria = forms.CharField(
        label="Criteria it draws out (optional)",
        required=False,
        max_length=500,
        error_messages={"max_length": "The criteria must be 500 characters or fewer"},
    )
    source = forms.CharField(
        label="Where the question comes from (optional)",
        required=False,
        max_length=1000,
        error_messages={"max_length": "The source must be 1,000 characters or fewer"},
    )

    def __init__(
        self, *args: Any, banks: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if banks is None:
            del self.fields["bank"]
        else:
            cast(forms.ChoiceField, self.fields["bank"]).choices = [
                ("", "Choose a specification and method"),
                *banks,
            ]

    def clean_criteria(self) -> list[str]:
        return _criteria(self.cleaned_data.get("criteria") or "")


class QuestionEditForm(QuestionForm, RevisionForm):
    """The edit of a question, carrying the revision the page showed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, banks=None, **kwargs)


class ChooseQuestionsForm(RevisionForm):
    """The interview's questions, chosen from the bank's active questions."""

    questions = forms.TypedMultipleChoiceField(
        label="Questions to ask",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "A question you chose has been retired or is not in this bank: "
            "choose again from the list",
        },
    )

    def __init__(self, *args: Any, questions: list[InterviewQuestion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["questions"]).choices = [
            (q.pk, f"{q.number}. {q.text}") for q in questions
        ]


class NotesForm(RevisionForm):
    """The assessor's notes on each chosen question."""

    def __init__(self, *args: Any, interview: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for item in interview:
            name = f"note_{item['question']}"
            self.fields[name] = forms.CharField(
                label=f"Notes on question {item['number']}: {item['text']}",
                required=False,
                max_length=10000,
                widget=forms.Textarea,
                initial=item.get("notes", ""),
                error_messages={
                    "max_length": f"The notes on question {item['number']} must be 10,000 "
                    "characters or fewer"
                },
            )

    def notes(self) -> dict[int, str]:
        """The notes by question id."""
        return {
            int(name.removeprefix("note_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("note_")
        }
