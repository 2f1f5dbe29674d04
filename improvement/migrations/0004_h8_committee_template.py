"""The shipped committee report template (a frozen copy of reports/shipped_templates.py's
COMMITTEE_TEMPLATES as it was): the improvement journey report of seed 003."""

from django.db import migrations

TEMPLATES = [{'key': 'committee-report',
  'name': 'Committee report: the improvement journey',
  'description': "A report to a council committee on the authority's improvement journey, in the "
                 'order of the model report: summary with the improvement priorities, background '
                 'with each external review in date order, the audit activity and what it found, '
                 'consultation (the improvement board), options, analysis, risks and implications, '
                 'recommendation, contact details and abbreviations.',
  'default_for_kinds': [],
  'settings': {'document': 'committee_report',
               'numbering': 'none',
               'title': '{host}: improvement journey progress',
               'salutation': '',
               'signatory': 'named',
               'continuation': ''},
  'sections': [{'key': 'summary',
                'heading': 'Summary',
                'content': 'generated',
                'block': 'journey-summary'},
               {'key': 'background',
                'heading': 'Background',
                'content': 'generated',
                'block': 'journey-background'},
               {'key': 'audits',
                'heading': 'Audit activity',
                'content': 'generated',
                'block': 'journey-audits',
                'subsection': True},
               {'key': 'consultation',
                'heading': 'Consultation',
                'content': 'generated',
                'block': 'journey-board'},
               {'key': 'options',
                'heading': 'Options',
                'content': 'free',
                'block': '',
                'text': 'This report is for discussion and comment; there are no options put '
                        'forward for consideration. The support of the Committee is sought in the '
                        "ongoing improvement journey for children's social care in {host}."},
               {'key': 'analysis',
                'heading': 'Analysis',
                'content': 'generated',
                'block': 'journey-analysis'},
               {'key': 'risks',
                'heading': 'Risks and Implications',
                'content': 'generated',
                'block': 'journey-risks'},
               {'key': 'recommendation',
                'heading': 'Recommendation',
                'content': 'free',
                'block': '',
                'text': 'The Committee is asked to note the progress in improvement over the '
                        "period of this report and to continue to support children's social care "
                        'in {host} on its improving trajectory.\n'
                        '\n'
                        'Reason: in order to be updated on the development and progress of the '
                        "improvement journey for children's social care in {host}."},
               {'key': 'contact',
                'heading': 'Contact Details',
                'content': 'generated',
                'block': 'journey-contact',
                'numbered': False},
               {'key': 'abbreviations',
                'heading': 'Abbreviations',
                'content': 'generated',
                'block': 'journey-abbreviations',
                'numbered': False}]}]


def install(apps, schema_editor):
    letter_template = apps.get_model("reports", "LetterTemplate")
    template_section = apps.get_model("reports", "TemplateSection")
    for spec in TEMPLATES:
        template, _ = letter_template.objects.update_or_create(
            key=spec["key"],
            is_shipped=True,
            defaults={
                "name": spec["name"],
                "description": spec["description"],
                "default_for_kinds": spec["default_for_kinds"],
                **spec["settings"],
            },
        )
        template_section.objects.filter(template=template).delete()
        template_section.objects.bulk_create(
            [
                template_section(template=template, position=position, **section)
                for position, section in enumerate(spec["sections"], start=1)
            ]
        )


def remove(apps, schema_editor):
    template = apps.get_model("reports", "LetterTemplate")
    template.objects.filter(is_shipped=True, key="committee-report").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("improvement", "0003_h8_journey"),
        ("reports", "0010_h8_template_document"),
    ]

    operations = [migrations.RunPython(install, remove)]
