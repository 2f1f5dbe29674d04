from __future__ import annotations

from typing import Any, Protocol, cast

from django import forms

from audits.models import (
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
from audits.services.personal_details import personal_details_in
from core.forms import GovukFormMixin
from core.versioning import VersionedFormMixin

MAX_UPLOAD_BYTES = 2 * 1024 * 1024


class CaseListForm(GovukFormMixin, forms.Form):
    upload = forms.FileField(
        label="Upload a CSV file",
        required=False,
        help_text="A spreadsheet saved as CSV, at most 2 MB.",
    )
    text = forms.CharField(
        label="Or paste the case list",
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
        help_text="The first line names the columns: case reference, case type, date, team, outcome.",
    )

    def clean_upload(self) -> Any:
        upload = self.cleaned_data.get("upload")
        if upload and upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file must be smaller than 2 MB")
        if upload and not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError("The selected file must be a CSV")
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        upload, text = data.get("upload"), (data.get("text") or "").strip()
        if upload:
            try:
                data["text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error("upload", "The file must be a CSV saved as UTF-8")
        elif not text and not self.errors:
            self.add_error("text", "Upload a CSV file or paste the case list")
        return data


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


class ReferenceRuleForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = AuditPlan
        fields = ["reference_pattern", "reference_rule"]
        labels = {"reference_pattern": "Reference pattern (a regular expression)"}

    def clean_reference_pattern(self) -> str:
        pattern = self.cleaned_data["reference_pattern"].strip()
        try:
            matcher = compile_reference_pattern(pattern)
        except ReferencePatternError as error:
            raise forms.ValidationError(str(error)) from error
        if matcher.fullmatch("A B") or matcher.fullmatch("Jane Smith"):
            raise forms.ValidationError(
                "The pattern must not allow spaces: references must never hold a name"
            )
        return pattern


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
        label="Seed (optional)",
        min_value=1,
        max_value=10**12,
        required=False,
        help_text="Leave empty for a new random seed. Enter a past draw's seed to repeat it.",
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
