"""Store every email address in its one normal form (NFKC, then casefolded: accounts.models.normalise_email).

Addresses saved before differ only in Unicode spelling or case, if at all. A row whose normal form is
already another row's address is left as it is (both people keep signing in as before, and an
administrator decides which account is real): the migration prints how many were left.
"""

import unicodedata

from django.db import migrations


def _normal(email):
    return unicodedata.normalize("NFKC", str(email or "")).strip().casefold()


def normalise_emails(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    seen = {}
    rows = list(User.objects.order_by("pk").values_list("pk", "email"))
    for pk, email in rows:
        seen.setdefault(_normal(email), []).append((pk, email))
    left = 0
    for normal, people in seen.items():
        changed = [(pk, email) for pk, email in people if email != normal]
        if not changed:
            continue
        if len(people) > 1:
            left += len(changed)
            continue
        pk, _email = people[0]
        User.objects.filter(pk=pk).update(email=normal)
    if left:
        print(f"\n  accounts: {left} email address(es) left as they were: another account has their normal form.")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_user_session_epoch")]

    operations = [migrations.RunPython(normalise_emails, migrations.RunPython.noop, elidable=False)]
