"""Run against a restored database and files (``DATABASE_URL``, ``MEDIA_ROOT``): download every issued
letter as a member of its review, through the service itself, and print one JSON line per file:
its status code and whether it is the file issued (its SHA-256). Used by
``tests/config/test_backup_restore.py``; rerun by hand after a real restore with

    DJANGO_SETTINGS_MODULE=config.settings.test TWO_FACTOR_REQUIRED=false \\
        DATABASE_URL=... MEDIA_ROOT=... .venv/bin/python tests/config/restore_check.py
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")


def main() -> None:
    import django

    django.setup()
    from django.test import Client
    from django.urls import reverse

    from reports.models import LetterVersion
    from reviews.setup.models import Membership

    for version in LetterVersion.objects.select_related("letter").order_by("pk"):
        review_id = version.letter.review_id
        member = Membership.objects.filter(review_id=review_id).select_related("user").first()
        assert member is not None
        client = Client()
        client.force_login(member.user)
        for fmt, expected in (("pdf", version.pdf_sha256), ("docx", version.docx_sha256)):
            url = reverse(
                "reports:version-download",
                kwargs={"pk": review_id, "number": version.number, "fmt": fmt},
            )
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else b""
            print(
                json.dumps(
                    {
                        "file": getattr(version, fmt).name,
                        "status": response.status_code,
                        "as_issued": hashlib.sha256(body).hexdigest() == expected,
                    }
                )
            )


if __name__ == "__main__":
    main()
