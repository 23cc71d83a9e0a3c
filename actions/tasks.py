"""E-mail from casework. No personnummer or names in any e-mail: counts and links only."""

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from actions.models import DigestDelivery
from actions.selectors import SECTIONS, todo_for
from kaa.models import Membership, Role

logger = logging.getLogger(__name__)


def _url(path: str) -> str:
    return settings.KAA_BASE_URL.rstrip("/") + path


@shared_task(name="actions.tasks.send_daily_digests")
def send_daily_digests(today_iso: str | None = None) -> int:
    """Every morning: one e-mail per coordinator with what is due in their caseload."""
    memberships = Membership.objects.filter(role=Role.COORDINATOR, user__is_active=True).exclude(
        user__email=""
    )
    sent = 0
    for membership_id in memberships.values_list("pk", flat=True):
        sent += send_digest(membership_id, today_iso)
    logger.info("sent %s digests", sent)
    return sent


def send_digest(membership_id: int, today_iso: str | None = None) -> int:
    try:
        membership = Membership.objects.select_related("user", "municipality").get(pk=membership_id)
    except Membership.DoesNotExist:
        return 0
    today = dt.date.fromisoformat(today_iso) if today_iso else timezone.localdate()
    sections = todo_for(
        user=membership.user, municipality_id=membership.municipality_id, on=today, scope="mine"
    )
    counts = [(SECTIONS[key], len(items)) for key, items in sections.items() if items]
    if not counts:
        return 0
    lines = [
        _("Att göra i %(municipality)s %(date)s:")
        % {"municipality": membership.municipality.name, "date": today.isoformat()},
        "",
        *[f"- {label}: {count}" for label, count in counts],
        "",
        _("Öppna listan: %(url)s") % {"url": _url(reverse("actions:todo"))},
    ]
    # Claim the day's digest first, in its own committed transaction: a redelivered or
    # concurrent run finds the row (the unique constraint) and sends nothing.
    try:
        with transaction.atomic():
            claim = DigestDelivery.objects.create(
                user_id=membership.user_id, municipality_id=membership.municipality_id, day=today
            )
    except IntegrityError:
        logger.info("digest already sent membership=%s day=%s", membership_id, today)
        return 0
    try:
        send_mail(
            subject=_("KAA: %(n)s att göra i dag") % {"n": sum(count for _label, count in counts)},
            message="\n".join(lines),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[membership.user.email],
        )
    except Exception:
        # The mail server did not take it: free the claim so that a retry may send it.
        claim.delete()
        raise
    DigestDelivery.objects.filter(pk=claim.pk).update(sent_at=timezone.now())
    return 1


@shared_task(name="actions.tasks.notify_assignment")
def notify_assignment(youth_id: int, user_id: int) -> bool:
    """Tell the new assignee (only them) that a youth was assigned; a link, no name."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).exclude(email="").first()
    if user is None:
        return False
    send_mail(
        subject=_("KAA: en ungdom har tilldelats dig"),
        message=_("Du är ny ansvarig samordnare för en ungdom: %(url)s")
        % {"url": _url(reverse("youths:detail", args=[youth_id]))},
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )
    return True
