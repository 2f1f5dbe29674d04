"""Two-factor sign-in: a TOTP authenticator app, with one-time recovery codes."""

from __future__ import annotations

import base64
import io
from binascii import unhexlify
from typing import TYPE_CHECKING

import qrcode
import qrcode.image.svg
from django.core import signing
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

if TYPE_CHECKING:
    from accounts.models import User

RECOVERY_CODES = 10
_SALT = "accounts.twofactor.setup"


def has_confirmed_device(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def new_setup_token() -> tuple[str, str]:
    """A fresh secret, and a signed token carrying it through the set-up form (no state on GET)."""
    key = default_key()
    return key, signing.dumps(key, salt=_SALT)


def key_from_setup_token(token: str) -> str | None:
    try:
        return signing.loads(token, salt=_SALT, max_age=60 * 30)
    except signing.BadSignature:
        return None


def secret_for_people(key_hex: str) -> str:
    """The secret as an authenticator app takes it when typed (base32, in groups of four)."""
    b32 = base64.b32encode(unhexlify(key_hex)).decode().rstrip("=")
    return " ".join(b32[i : i + 4] for i in range(0, len(b32), 4))


def provisioning_uri(user: User, key_hex: str) -> str:
    device = TOTPDevice(user=user, key=key_hex, name="Authenticator app")
    return device.config_url


def qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    stream = io.BytesIO()
    image.save(stream)
    svg = stream.getvalue().decode()
    return svg[svg.index("<svg") :]


def code_matches_key(key_hex: str, code: str) -> bool:
    totp = TOTP(unhexlify(key_hex), step=30, digits=6)
    return any(totp.token() == _as_int(code) for totp.drift in (-1, 0, 1))


def _as_int(code: str) -> int | None:
    code = code.replace(" ", "")
    return int(code) if code.isascii() and code.isdigit() else None


@transaction.atomic
def confirm_device(user: User, key_hex: str) -> list[str]:
    """Replace the person's devices with this authenticator and fresh recovery codes; return the codes."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    TOTPDevice.objects.create(user=user, key=key_hex, name="Authenticator app", confirmed=True)
    static = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    return codes


def reset_devices(user: User) -> None:
    """Remove the second factor: the person sets up a new one at their next sign-in."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
    user.end_all_sessions()
    from accounts.signals import second_factor_reset

    second_factor_reset.send(sender=type(user), user=user)
