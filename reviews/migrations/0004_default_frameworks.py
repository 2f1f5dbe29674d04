"""Install the three frameworks of key lines of enquiry that ship with the product.

The data is a frozen copy of ``reviews.default_frameworks`` as it was when this migration was written:
a migration must not import today's data modules (they change; this migration must not).
"""

from django.db import migrations

# Each framework: name, description, and KLOEs as (group, heading, prompts).
DEFAULT_FRAMEWORKS = [
    {
        "name": "Regional front door self-assessment",
        "description": (
            "Seven headings of the regional front door self-assessment, each with its prompts. "
            "Used for peer challenges of the front door."
        ),
        "kloes": [
            (
                "",
                "Thresholds and policies",
                "Use of early help; consistent application of processes and procedures.",
            ),
            (
                "",
                "Effectiveness of partnerships",
                "Levels of engagement, their application of thresholds, information sharing, "
                "partnership culture.",
            ),
            (
                "",
                "Keeping every child at the centre",
                "A culture that places the welfare of children at the centre.",
            ),
            (
                "",
                "Quality of practice",
                "Quality of referrals, timeliness, managing risk, use of systems to screen, clarity "
                "of the role of the MASH, where and how decision making takes place, NFAs.",
            ),
            (
                "",
                "Resources (workforce)",
                "Nature, balance, capacity, capability, support, culture. Training: training and "
                "development activity, its availability, relevance and impact. Supervision. Social "
                "work methodology.",
            ),
            (
                "",
                "Good leadership and decision making",
                "Management of workflow; application of thresholds; monitoring.",
            ),
            (
                "",
                "Outcomes",
                "What difference is being made and how is performance changing? What systems are "
                "used to gather and monitor performance, and how is performance information used to "
                "inform improvement?",
            ),
        ],
    },
    {
        "name": "Strategy and practice key lines of enquiry",
        "description": (
            "Two groups of key lines of enquiry: strategy, partnerships and service design; and "
            "quality of practice, systems and processes."
        ),
        "kloes": [
            ("Strategy, partnerships and service design", h, "")
            for h in (
                "Strategic leadership, management and governance",
                "Service design and delivery model, including the practice model",
                "Improvement plans",
                "Performance framework and management",
                "Resource planning and management",
            )
        ]
        + [
            ("Quality of practice, systems and processes", h, "")
            for h in (
                "Practice model and plans for its implementation and embedding",
                "Appropriateness of the case management system and alignment with the practice model",
                "Thresholds and criteria for the provision of services at different levels of need",
                "Management oversight and supervision",
                "Operational pathways and processes",
                "Information sharing",
                "Process for securing consent",
            )
        ],
    },
    {
        "name": "Front door health check",
        "description": "The five focus areas of a front door health check.",
        "kloes": [
            ("", "Effectiveness of thresholds, consent, step up and step down", ""),
            ("", "Effectiveness of decision making and management oversight", ""),
            ("", "The quality of assessments", ""),
            ("", "Strength of partnership contribution", ""),
            ("", "Effectiveness of quality assurance (through audit analysis)", ""),
        ],
    },
]


def install_default_frameworks(framework_model, kloe_model):
    """Create the defaults that are missing (found by name). Returns how many were created."""
    created = 0
    for data in DEFAULT_FRAMEWORKS:
        framework, was_created = framework_model.objects.get_or_create(
            name=data["name"],
            is_default=True,
            review=None,
            defaults={"description": data["description"]},
        )
        if not was_created:
            continue
        created += 1
        kloe_model.objects.bulk_create(
            kloe_model(
                framework=framework, position=i, group=group, heading=heading, prompts=prompts
            )
            for i, (group, heading, prompts) in enumerate(data["kloes"], start=1)
        )
    return created


def install(apps, schema_editor):
    install_default_frameworks(apps.get_model("reviews", "Framework"), apps.get_model("reviews", "Kloe"))


def remove(apps, schema_editor):
    apps.get_model("reviews", "Framework").objects.filter(is_default=True).delete()


class Migration(migrations.Migration):
    dependencies = [("reviews", "0003_coordinator_setup")]

    operations = [migrations.RunPython(install, remove)]
