from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def two_factor_is_required(app_configs, **kwargs):  # type: ignore[no-untyped-def]
    if not settings.TWO_FACTOR_REQUIRED:
        return [
            Error(
                "TWO_FACTOR_REQUIRED is off: people can reach review data with a password alone.",
                hint="Set TWO_FACTOR_REQUIRED=true (the default). Turn it off only for local development.",
                id="accounts.E001",
            )
        ]
    return []
