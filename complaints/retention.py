"""What the complaint channel keeps about the public, and for how long (services, DESIGN.md
§4.2): the throttle of filing and tracking and the spent human checks live no longer than
their window; the filers' identities are re-encrypted with the newest key.

Throttling: each filing or tracking attempt is one ``accounts.FormSubmission`` row holding
the form, a keyed hash of the client's address (never the address) and the time; answered
human checks are ``SpentChallenge`` rows (a nonce and a time, no address). Nothing else about
the request is stored (no cache entry, no log line of ours)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts import throttle
from complaints import challenge, crypto
from complaints.models import FilerIdentity, SpentChallenge

# the forms whose submissions ``accounts.throttle`` counts per address
FILE_FORM, TRACK_FORM = "complaint", "complaint_track"
THROTTLED_FORMS = (FILE_FORM, TRACK_FORM)
ROTATE_BATCH = 500


@transaction.atomic
def throttles_purge(*, now=None) -> dict[str, int]:
    """Delete the filing and tracking submissions older than the throttle window and the
    spent human checks no token can reach any more; how many of each. Idempotent."""
    now = now or timezone.now()
    submissions = throttle.purge_expired(forms=THROTTLED_FORMS, now=now)
    spent = SpentChallenge.objects.filter(
        spent_at__lt=now - timedelta(seconds=challenge.SPENT_KEPT)
    ).delete()[0]
    return {"submissions": submissions, "challenges": spent}


@transaction.atomic
def identities_rotate_keys(*, batch_size: int = ROTATE_BATCH) -> dict[str, int]:
    """Re-encrypt every stored identity with the first key of COMPLAINTS_ENCRYPTION_KEY, in
    batches, all in one transaction (every identity or none); rows already under the first key
    are left as they are, so a second run changes nothing. A token no configured key reads
    stops the run (ImproperlyConfigured) with nothing written."""
    rotator = crypto.Rotator()
    rotated = current = 0
    last_pk = 0
    while True:
        batch = list(
            FilerIdentity.objects.select_for_update(no_key=True).filter(pk__gt=last_pk)
            .order_by("pk")[:batch_size]
        )
        if not batch:
            break
        changed = []
        for identity in batch:
            name = rotator.rotate(identity.name_encrypted)
            contact = rotator.rotate(identity.contact_encrypted)
            if (name, contact) == (identity.name_encrypted, identity.contact_encrypted):
                current += 1
                continue
            identity.name_encrypted, identity.contact_encrypted = name, contact
            changed.append(identity)
        FilerIdentity.objects.bulk_update(changed, ["name_encrypted", "contact_encrypted"])
        rotated += len(changed)
        last_pk = batch[-1].pk
    return {"rotated": rotated, "current": current}
