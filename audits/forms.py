from __future__ import annotations

from typing import Any, Protocol, cast

from django import forms

from audits.models import (
    DEFAULT_REFERENCE_PATTERN,
    DEFAULT_REFERENCE_RULE,
    Answer,
    AuditPlan,
    AuditTool,
    CaseAudit,
    CaseType,
    Criterion,
    ReferencePatternError,
    SampleDraw,
    compile_reference_pattern,
)
from audits.services.case_list import NOT_ASSIGNED, SpreadsheetError, xlsx_to_csv
from audits.services.case_list import SORTS as CASE_SORTS
from audits.services.case_list import STATES as CASE_STATES
from audits.services.personal_details import personal_details_in
from audits.services.search import Kind as SearchKind
from audits.services.search import Status as SearchStatus
from core.forms import GovukFormMixin
from core.versioning import VersionedFormMixin
from reviews.schedule.models import Session
from reviews.setup.models import Review

MAX_UPLOAD_BYTES = 2 * 1024 * 1024


class CaseListForm(GovukFormMixin, forms.Form):
    upload = forms.FileField(
        label="Upload a CSV or Excel file",
        required=False,
        help_text="A spreadsheet saved as CSV or as an Excel workbook (.xlsx), at most 2 MB.",
    )
    text = forms.CharField(
        label="Or paste the case list",
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
        help_text="The first line names the columns: case reference, case type, date, team, outcome.",
    )

    def clean_upload(self) -> Any:
        upload = self.cleaned_data.get("upload")
        if not upload:
            return upload
        name = upload.name.lower()
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file must be smaller than 2 MB")
        if name.endswith((".xlsm", ".xltm", ".xlsb")):
            raise forms.ValidationError(
                "The file holds macros, which are not accepted: save it as an Excel workbook "
                "(.xlsx) without macros, or as CSV"
            )
        if name.endswith(".xls"):
            raise forms.ValidationError(
                "The file is in the old Excel format (.xls): save it as an Excel workbook (.xlsx) "
                "or as CSV"
            )
        if not name.endswith((".csv", ".txt", ".xlsx")):
            raise forms.ValidationError(
                "The selected file must be a CSV or an Excel workbook (.xlsx)"
            )
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        upload, text = data.get("upload"), (data.get("text") or "").strip()
        if upload:
            content = upload.read(MAX_UPLOAD_BYTES + 1)
            if upload.name.lower().endswith(".xlsx"):
                try:
                    data["text"] = xlsx_to_csv(content)
                except SpreadsheetError as error:
                    self.add_error("upload", str(error))
            else:
                try:
                    data["text"] = content.decode("utf-8-sig")
                except UnicodeDecodeError:
                    self.add_error("upload", "The file must be a CSV saved as UTF-8")
        elif not text and not self.errors:
            self.add_error("text", "Upload a CSV or Excel file, or paste the case list")
        return data


class CaseFilterForm(GovukFormMixin, forms.Form):
    """The case list's filters (a GET form: nothing changes)."""

    case_type = forms.ChoiceField(label="Type", required=False)
    team = forms.ChoiceField(label="Team", required=False)
    auditor = forms.ChoiceField(label="Auditor", required=False)
    state = forms.ChoiceField(label="State", required=False)
    sort = forms.ChoiceField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, teams: list[str], auditors: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        options: dict[str, list[tuple[str, str]]] = {
            "case_type": list(CaseType.choices),
            "team": [(t, t) for t in teams],
            "auditor": [(NOT_ASSIGNED, "Not assigned")]
            + [(str(u.pk), u.full_name or u.email) for u in auditors],
            "state": list(CASE_STATES.items()),
        }
        for name, choices in options.items():
            cast(forms.ChoiceField, self.fields[name]).choices = [("", "All"), *choices]
        cast(forms.ChoiceField, self.fields["sort"]).choices = [
            (f"{d}{key}", key) for key in CASE_SORTS for d in ("", "-")
        ]


class ToolChoiceForm(GovukFormMixin, forms.Form):
    tool = forms.ModelChoiceField(
        label="Audit tool",
        queryset=AuditTool.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose an audit tool"},
    )

    def __init__(self, *args: Any, tools: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["tool"]).queryset = tools


# The case reference rules most councils' systems need, in words; a regular expression of one's own
# is the advanced choice ("custom").
REFERENCE_PRESETS: dict[str, tuple[str, str, str]] = {
    # key: (the choice in words, the pattern, the rule as people are told it)
    "letters_digits": (
        "Letters, digits, - and / (at most 30 characters), like NM/2026-0042",
        DEFAULT_REFERENCE_PATTERN,
        DEFAULT_REFERENCE_RULE,
    ),
    "digits": (
        "Digits only (at most 20), like 1002345",
        r"^[0-9]{1,20}$",
        "digits only, at most 20",
    ),
    "letters_then_digits": (
        "Up to 6 letters then digits, like NM1002345",
        r"^[A-Za-z]{1,6}[0-9]{1,14}$",
        "up to 6 letters then digits, like NM1002345",
    ),
    "letters_dash_digits": (
        "Up to 6 letters, a dash, then digits, like CR-10234",
        r"^[A-Za-z]{1,6}-[0-9]{1,14}$",
        "up to 6 letters, a dash, then digits, like CR-10234",
    ),
}
CUSTOM_RULE = "custom"


class ReferenceRuleForm(GovukFormMixin, forms.ModelForm):
    preset = forms.ChoiceField(
        label="What case references look like",
        widget=forms.RadioSelect,
        choices=[(key, words) for key, (words, _p, _r) in REFERENCE_PRESETS.items()]
        + [(CUSTOM_RULE, "Another rule: give it as a regular expression (advanced)")],
        required=False,  # a form of before (a pattern and its words only) is "Another rule"
    )

    class Meta:
        model = AuditPlan
        fields = ["reference_pattern", "reference_rule"]
        labels = {
            "reference_pattern": "Your own rule, as a regular expression",
            "reference_rule": "Your own rule in words",
        }
        help_texts = {
            "reference_pattern": "Used only with “Another rule”. Every reference must match it in "
            "full, for example ^[A-Z]{2}[0-9]{6}$ (two capital letters, then six digits).",
            "reference_rule": "Shown to people when a reference does not follow the rule, for "
            "example “two capital letters, then six digits”.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("reference_pattern", "reference_rule"):
            self.fields[name].required = False
        pattern = self.instance.reference_pattern if self.instance else ""
        self.fields["preset"].initial = next(
            (key for key, (_w, p, _r) in REFERENCE_PRESETS.items() if p == pattern),
            CUSTOM_RULE if pattern else "letters_digits",
        )

    @property
    def custom_chosen(self) -> bool:
        return self["preset"].value() == CUSTOM_RULE

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        preset = data.get("preset") or ""
        if not preset and "preset" not in self.errors:
            if (data.get("reference_pattern") or "").strip():
                preset = CUSTOM_RULE
            else:
                self.add_error("preset", "Choose what case references look like")
        if preset in REFERENCE_PRESETS:
            _words, data["reference_pattern"], data["reference_rule"] = REFERENCE_PRESETS[preset]
            self.instance.reference_pattern = data["reference_pattern"]
            self.instance.reference_rule = data["reference_rule"]
            return data
        if preset != CUSTOM_RULE:
            return data
        pattern = (data.get("reference_pattern") or "").strip()
        data["reference_pattern"] = pattern
        if not pattern:
            self.add_error("reference_pattern", "Enter your own rule as a regular expression")
        else:
            try:
                matcher = compile_reference_pattern(pattern)
            except ReferencePatternError as error:
                self.add_error("reference_pattern", str(error))
            else:
                if matcher.fullmatch("A B") or matcher.fullmatch("Jane Smith"):
                    self.add_error(
                        "reference_pattern",
                        "The pattern must not allow spaces: references must never hold a name",
                    )
        if not (data.get("reference_rule") or "").strip():
            self.add_error(
                "reference_rule", "Say your own rule in words, for the people who import cases"
            )
        return data


class SampleDrawForm(GovukFormMixin, forms.Form):
    method = forms.ChoiceField(
        label="How to draw",
        choices=SampleDraw.Method.choices,
        widget=forms.RadioSelect,
        initial=SampleDraw.Method.RANDOM,
        error_messages={"required": "Choose how to draw the sample"},
    )
    size = forms.IntegerField(
        label="Number of cases (at random)", min_value=0, max_value=500, required=False
    )
    reserves = forms.IntegerField(
        label="Reserve cases", min_value=0, max_value=100, required=False, initial=0
    )
    seed = forms.IntegerField(
        label="Draw number (optional)",
        min_value=1,
        max_value=10**12,
        required=False,
        help_text="Every draw has a number, kept with it: the same number on the same case list "
        "draws the same cases, so anyone can check a draw. Leave empty for a new number; enter a "
        "past draw's number to repeat it.",
        error_messages={
            "invalid": "Enter the draw number as a whole number, like 914377",
            "min_value": "Enter a draw number of 1 or more",
            "max_value": "Enter a draw number of at most 12 digits",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for case_type in CaseType:
            self.fields[f"per_{case_type.value}"] = forms.IntegerField(
                label=f"{case_type.label} (stratified)", min_value=0, max_value=200, required=False
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("method") == SampleDraw.Method.RANDOM and not data.get("size"):
            self.add_error("size", "Enter how many cases to draw")
        if data.get("method") == SampleDraw.Method.STRATIFIED and not any(
            data.get(f"per_{t.value}") for t in CaseType
        ):
            self.add_error("per_contact", "Enter how many cases of at least one type to draw")
        return data

    @property
    def per_type(self) -> dict[str, int]:
        return {t.value: self.cleaned_data.get(f"per_{t.value}") or 0 for t in CaseType}


class _WarnsOfPersonalDetails(Protocol):
    """A form with a ``personal_warning`` flag (the forms below)."""

    cleaned_data: dict[str, Any]
    personal_warning: bool

    def add_error(self, field: str | None, error: str) -> None: ...


def _personal_check(form: _WarnsOfPersonalDetails, field: str, confirm: str) -> None:
    text = form.cleaned_data.get(field) or ""
    found = personal_details_in(text)
    if found and not form.cleaned_data.get(confirm):
        form.add_error(
            field,
            "This looks like it may hold "
            + " and ".join(found)
            + ". Remove personal details, or tick the box to confirm the text is fine",
        )
        form.personal_warning = True


class CriterionAnswerForm(GovukFormMixin, VersionedFormMixin, forms.Form):
    version_required = True
    answer = forms.ChoiceField(required=False, widget=forms.RadioSelect)
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    confirm = forms.BooleanField(required=False)

    personal_warning = False

    def __init__(self, *args: Any, answers: list[Answer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["answer"]).choices = [
            (a.value, a.label) for a in answers
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        _personal_check(self, "comment", "confirm")
        return data


class AuditDetailsForm(GovukFormMixin, VersionedFormMixin, forms.Form):
    version_required = True
    decision_agreement = forms.ChoiceField(
        label="Does the team agree with the decision taken on this case?",
        choices=CaseAudit.Agreement.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    decision_reason = forms.CharField(
        label="Why", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    overall_grade = forms.ChoiceField(
        label="Overall grade", required=False, widget=forms.RadioSelect
    )
    status = forms.ChoiceField(
        label="Status of this audit",
        choices=[
            (CaseAudit.Status.IN_PROGRESS, "In progress"),
            (CaseAudit.Status.COMPLETE, "Complete"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the audit is complete"},
    )
    confirm = forms.BooleanField(required=False)

    personal_warning = False

    def __init__(self, *args: Any, grades: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["overall_grade"]).choices = [(g, g) for g in grades]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        _personal_check(self, "decision_reason", "confirm")
        return data


class AlertForm(GovukFormMixin, forms.Form):
    concern = forms.CharField(
        label="What is the concern?",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What you saw in the case file and why the child may be at risk. Use the case reference, never a name.",
        error_messages={"required": "Describe the concern"},
    )
    also_tell = forms.MultipleChoiceField(
        label="Also tell",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The host lead contact and the lead reviewer are always told.",
    )

    confirm = forms.BooleanField(
        label="I have checked: the concern names no one and holds no personal details",
        required=False,
    )

    personal_warning = False

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {str(p.pk): p for p in people}
        cast(forms.MultipleChoiceField, self.fields["also_tell"]).choices = [
            (pk, f"{p.full_name} ({p.job_title})" if p.job_title else p.full_name)
            for pk, p in self.people.items()
        ]
        if not self.people:
            del self.fields["also_tell"]
        if not (self.is_bound and personal_details_in(self.data.get("concern", ""))):
            self.fields["confirm"].widget = forms.HiddenInput()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        _personal_check(self, "concern", "confirm")
        data["also_tell"] = [self.people[pk] for pk in data.get("also_tell") or []]
        return data


class CommentaryForm(GovukFormMixin, VersionedFormMixin, forms.Form):
    version_required = True
    text = forms.CharField(
        label="Team commentary", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    confirm = forms.BooleanField(required=False)

    personal_warning = False

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        _personal_check(self, "text", "confirm")
        return data


class ToolForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = AuditTool
        fields = ["name", "description", "answer_scale", "grade_levels"]
        widgets = {
            "answer_scale": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 3}),
            "grade_levels": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {"name": {"required": "Enter a name for the tool"}}


class CriterionForm(GovukFormMixin, forms.ModelForm):
    case_types = forms.MultipleChoiceField(
        label="Case types it applies to",
        choices=CaseType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick none for every case type.",
    )

    class Meta:
        model = Criterion
        fields = ["number", "title", "question", "guidance", "case_types"]
        widgets = {
            "question": forms.Textarea(attrs={"rows": 3}),
            "guidance": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {
            "number": {"required": "Enter the criterion's number"},
            "title": {"required": "Enter a short title"},
            "question": {"required": "Enter the question auditors answer"},
        }

    def clean_number(self) -> int:
        number = self.cleaned_data["number"]
        clash = self.instance.tool.criteria.filter(number=number).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(f"Criterion {number} already exists in this tool")
        return number


class SearchForm(GovukFormMixin, forms.Form):
    """The search within a review (a GET form: nothing changes). Filters narrow the words' results."""

    q = forms.CharField(label="Words to search for", required=False, max_length=200)
    kloe = forms.TypedChoiceField(label="Key line of enquiry", required=False, coerce=int)
    session = forms.TypedChoiceField(label="Session", required=False, coerce=int)
    author = forms.TypedChoiceField(label="Written by", required=False, coerce=int)
    kind = forms.ChoiceField(label="Kind", required=False)
    status = forms.ChoiceField(label="Status", required=False)

    def __init__(self, *args: Any, review: Review, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: dict[str, list[tuple[Any, str]]] = {
            "kloe": [(k.pk, f"{k.number} {k.heading}".strip()) for k in review.numbered_kloes()],
            "session": [
                (s.pk, f"{s.day.date:%a %-d %b} {s.start_time:%H:%M} {s.title}")
                for s in Session.objects.filter(review=review)
                .select_related("day")
                .order_by("day__date", "start_time", "pk")
            ],
            "author": [
                (m.user_id, m.user.full_name or m.user.email)
                for m in review.memberships.filter(
                    role__in=["lead_reviewer", "reviewer"]
                ).select_related("user")
            ],
            "kind": list(SearchKind.choices),
            "status": list(SearchStatus.choices),
        }
        for name, options in choices.items():
            cast(forms.ChoiceField, self.fields[name]).choices = [("", "All"), *options]
