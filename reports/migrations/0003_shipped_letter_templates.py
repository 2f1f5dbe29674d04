"""The shipped letter templates (a frozen copy of reports/shipped_templates.py as it was), and every
letter already started: its own copy of the shipped template matching its old style, so no letter
changes. ``manage.py load_letter_templates`` brings the shipped templates up to date later."""

from django.db import migrations

TEMPLATES = [{'key': 'peer-challenge',
  'name': 'Peer challenge letter with case file audit annex',
  'description': 'The full letter of a peer challenge, in the order of the model letter: context, '
                 'process, summary, areas for further consideration, detailed findings by key line '
                 "of enquiry with the case file audit, next steps, and the audit's table as Annex "
                 '1.',
  'default_for_kinds': ['peer_challenge', 'diagnostic', 'follow_up', 'other'],
  'settings': {'numbering': 'decimal',
               'title': '{review name} in {host}: {month and year}',
               'salutation': 'Dear {first name}',
               'enquiries_to': 'lead_reviewer',
               'signatory': 'director',
               'continuation': 'Continued/...'},
  'sections': [{'key': 'opening', 'heading': '', 'content': 'generated', 'block': 'opening'},
               {'key': 'context', 'heading': 'Context', 'content': 'generated', 'block': 'request'},
               {'key': 'context-kloes', 'heading': '', 'content': 'generated', 'block': 'kloes'},
               {'key': 'context-self-assessment',
                'heading': '',
                'content': 'generated',
                'block': 'self-assessment-rated'},
               {'key': 'context-not-an-inspection',
                'heading': '',
                'content': 'free',
                'block': '',
                'text': 'It is important to stress that this was not an inspection. A team of '
                        'peers used their experience to reflect on the evidence you presented '
                        'through documentation, conversation and direct observation of practice. '
                        'We hope the conclusions, captured in our feedback presentation to you, '
                        'will assist you in your continued improvement.'},
               {'key': 'process', 'heading': 'Process', 'content': 'generated', 'block': 'team'},
               {'key': 'process-activities',
                'heading': '',
                'content': 'generated',
                'block': 'activities'},
               {'key': 'process-summary',
                'heading': '',
                'content': 'free',
                'block': '',
                'text': 'This letter provides a summary of our findings, which we discussed in '
                        'detail at the feedback session with senior colleagues in {host}.'},
               {'key': 'summary',
                'heading': 'Summary of findings',
                'content': 'generated',
                'block': 'strengths-summary'},
               {'key': 'summary-self-assessment',
                'heading': '',
                'content': 'generated',
                'block': 'self-assessment-view'},
               {'key': 'areas-summary',
                'heading': 'Areas for further consideration: summary',
                'content': 'generated',
                'block': 'areas-summary'},
               {'key': 'detailed',
                'heading': 'Detailed findings',
                'content': 'generated',
                'block': 'detailed-findings'},
               {'key': 'case-audit',
                'heading': 'Case file audit',
                'content': 'generated',
                'block': 'case-audit',
                'subsection': True},
               {'key': 'next-steps',
                'heading': 'Next steps',
                'content': 'generated',
                'block': 'next-steps'},
               {'key': 'annex',
                'heading': 'Annex 1: case file audit',
                'content': 'generated',
                'block': 'annex',
                'detail': True}]},
 {'key': 'health-check',
  'name': 'Short health check letter',
  'description': 'A short letter for a front door health check: key headlines with strengths and '
                 'areas apart, the focus areas, strengths and areas under each, the cases reviewed '
                 'and the limits of a short review.',
  'default_for_kinds': ['fdhc'],
  'settings': {'numbering': 'decimal',
               'title': '{review name} in {host}: {month and year}',
               'salutation': 'Dear {first name}',
               'enquiries_to': 'lead_reviewer',
               'signatory': 'director',
               'continuation': 'Continued/...'},
  'sections': [{'key': 'opening', 'heading': '', 'content': 'generated', 'block': 'opening'},
               {'key': 'context',
                'heading': 'What you asked us to do',
                'content': 'generated',
                'block': 'request'},
               {'key': 'context-team', 'heading': '', 'content': 'generated', 'block': 'team'},
               {'key': 'headlines',
                'heading': 'Key headlines',
                'content': 'generated',
                'block': 'key-headlines'},
               {'key': 'focus-areas',
                'heading': 'The areas we focused on',
                'content': 'generated',
                'block': 'kloes'},
               {'key': 'strengths',
                'heading': 'Strengths',
                'content': 'generated',
                'block': 'strengths-by-kloe'},
               {'key': 'areas',
                'heading': 'Areas for consideration',
                'content': 'generated',
                'block': 'areas-by-kloe'},
               {'key': 'cases',
                'heading': 'The cases we reviewed',
                'content': 'generated',
                'block': 'cases-reviewed'},
               {'key': 'limits', 'heading': '', 'content': 'generated', 'block': 'limits'},
               {'key': 'next-steps',
                'heading': 'Next steps',
                'content': 'generated',
                'block': 'next-steps'}]},
 {'key': 'plain',
  'name': "Plain letter: the lead reviewer's own headed sections",
  'description': 'No generated text: the letterhead, the date, the addressee, the salutation, '
                 'headed sections the lead reviewer writes, and the sign-off.',
  'default_for_kinds': [],
  'settings': {'numbering': 'none',
               'title': '{review name} in {host}',
               'salutation': 'Dear {first name}',
               'enquiries_to': 'lead_reviewer',
               'signatory': 'lead_reviewer',
               'continuation': ''},
  'sections': [{'key': 'introduction',
                'heading': 'Introduction',
                'content': 'own',
                'block': '',
                'show': 'always',
                'numbered': False},
               {'key': 'what-we-found',
                'heading': 'What we found',
                'content': 'own',
                'block': '',
                'show': 'always',
                'numbered': False},
               {'key': 'what-we-recommend',
                'heading': 'What we recommend',
                'content': 'own',
                'block': '',
                'show': 'always',
                'numbered': False},
               {'key': 'next-steps',
                'heading': 'Next steps',
                'content': 'own',
                'block': '',
                'show': 'always',
                'numbered': False}]}]

STYLE_TO_KEY = {"health_check": "health-check", "peer_challenge": "peer-challenge"}
COPIED_SETTINGS = [
    "numbering", "title", "title_capitals", "salutation", "show_your_reference",
    "show_our_reference", "enquiries_to", "enquiries_name", "show_enquiries_email",
    "enquiries_phone", "show_date", "sign_off", "signatory", "signatory_name", "signatory_title",
    "show_signatory_organisation", "signature", "first_page_footer", "continuation",
]
COPIED_SECTION = [
    "position", "key", "heading", "numbered", "subsection", "content", "block", "detail", "text",
    "show", "hidden",
]


def install(apps, schema_editor):
    LetterTemplate = apps.get_model("reports", "LetterTemplate")
    TemplateSection = apps.get_model("reports", "TemplateSection")
    Letter = apps.get_model("reports", "Letter")
    LetterVersion = apps.get_model("reports", "LetterVersion")
    shipped = {}
    for spec in TEMPLATES:
        template, _ = LetterTemplate.objects.update_or_create(
            key=spec["key"],
            is_shipped=True,
            defaults={
                "name": spec["name"],
                "description": spec["description"],
                "default_for_kinds": spec["default_for_kinds"],
                **spec["settings"],
            },
        )
        TemplateSection.objects.filter(template=template).delete()
        TemplateSection.objects.bulk_create(
            [
                TemplateSection(template=template, position=position, **section)
                for position, section in enumerate(spec["sections"], start=1)
            ]
        )
        shipped[spec["key"]] = template
    for letter in Letter.objects.filter(template__isnull=True):
        source = shipped[STYLE_TO_KEY.get(letter.style, "peer-challenge")]
        copy = LetterTemplate.objects.create(
            name=source.name,
            description=source.description,
            copied_from=source,
            **{name: getattr(source, name) for name in COPIED_SETTINGS},
        )
        TemplateSection.objects.bulk_create(
            [
                TemplateSection(template=copy, **{f: getattr(s, f) for f in COPIED_SECTION})
                for s in TemplateSection.objects.filter(template=source).order_by("position")
            ]
        )
        letter.template = copy
        letter.source = source
        letter.save(update_fields=["template", "source"])
    names = {"health_check": "Short health check letter",
             "peer_challenge": "Peer challenge letter with case file audit annex"}
    for old, name in names.items():
        LetterVersion.objects.filter(template_name=old).update(template_name=name)


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_letter_templates")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
