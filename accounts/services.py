"""State changes of users and memberships (DESIGN.md §4.2): each in a transaction, each
validated with ``full_clean`` and recorded as a business event on the user."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Membership, User
from zhongwei_carbon import display, events
from zhongwei_carbon.roles import ROLE_SCOPE, Role, ScopeKind

USER_FIELDS = ("full_name", "phone", "email")
SCOPE_FIELDS = {
    ScopeKind.AREA: "area",
    ScopeKind.ENTERPRISE: "enterprise",
    ScopeKind.AGENCY: "agency",
    ScopeKind.DEPARTMENT: "department",
}


def scope_errors(
    *, role: str, area=None, enterprise=None, agency=None, department=None, is_signatory=False
) -> dict:
    """Field errors when the scope objects do not fit ``role`` (empty dict when they do).

    The database constraint ``membership_scope_matches_role`` backs this rule; this gives
    the user a message naming the field instead of a constraint name.
    """
    errors: dict[str, str] = {}
    if role not in ROLE_SCOPE:
        return {"role": _("Choose a role.")}
    kind = ROLE_SCOPE[role]
    given = {"area": area, "enterprise": enterprise, "agency": agency, "department": department}
    needed = SCOPE_FIELDS.get(kind)
    for field, value in given.items():
        if field == needed and value is None:
            errors[field] = {
                "area": _("A county / park official needs the area he or she works for."),
                "enterprise": _("An enterprise user needs the enterprise he or she works for."),
                "agency": _("Agency staff need the agency they work for."),
                "department": _("A department liaison needs the department or bank he or she works for."),
            }[field]
        elif field != needed and value is not None:
            errors[field] = _("The role “%(role)s” has no %(field)s: leave this field empty.") % {
                "role": Role(role).label,
                "field": Membership._meta.get_field(field).verbose_name,
            }
    if is_signatory and role != Role.ENTERPRISE_USER:
        errors["is_signatory"] = _("Only an enterprise user can be the signatory.")
    return errors


def _membership_label(m: Membership) -> str:
    return f"{Role(m.role).label} · {m.scope_label}"


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    full_name: str = "",
    phone: str = "",
    email: str = "",
    password: str | None = None,
    password_hash: str | None = None,
    membership: dict | None = None,
) -> User:
    """Create an active user, with an initial password (checked by Django's validators) or
    an already hashed one (an approved account application), and optionally a first
    membership (``{"role": ..., "area"/"enterprise"/"agency"/"department": ...,
    "is_signatory": ...}``)."""
    user = User(username=username.strip(), full_name=full_name, phone=phone, email=email)
    if password is not None:
        try:
            validate_password(password, user=user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from None
        user.set_password(password)
    elif password_hash:
        user.password = password_hash
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    events.record(
        actor=actor,
        verb="user.created",
        target=user,
        message=_("User account %(username)s created") % {"username": user.username},
        data={"username": user.username},
    )
    if membership:
        membership_add(actor=actor, user=user, **membership)
    return user


@transaction.atomic
def user_update(*, actor, user: User, **changes) -> User:
    """Change a user's name and contact data (``full_name``, ``phone``, ``email``)."""
    unknown = set(changes) - set(USER_FIELDS)
    if unknown:
        raise TypeError(f"user_update cannot change {sorted(unknown)}")
    user = User.objects.select_for_update(no_key=True).get(pk=user.pk)
    before = {f: getattr(user, f) for f in changes}
    for field, value in changes.items():
        setattr(user, field, value)
    changed = {f: [before[f], v] for f, v in changes.items() if before[f] != v}
    if not changed:
        return user
    user.full_clean()
    user.save()
    events.record(
        actor=actor,
        verb="user.updated",
        target=user,
        message=_("User data changed: %(fields)s") % {"fields": display.field_labels(User, changed)},
        data=changed,
    )
    return user


def deactivation_blocker(actor, user: User) -> str | None:
    """Why ``actor`` may not deactivate ``user``: an administrator never deactivates his
    own account (he would lock himself out)."""
    if actor is not None and actor.pk == user.pk:
        return _("You cannot deactivate your own account.")
    return None


@transaction.atomic
def user_set_active(*, actor, user: User, is_active: bool) -> User:
    """Activate or deactivate a user. A deactivated user can no longer log in; an
    administrator cannot deactivate his own account (he would lock himself out)."""
    user = User.objects.select_for_update(no_key=True).get(pk=user.pk)
    blocker = None if is_active else deactivation_blocker(actor, user)
    if blocker:
        raise ValidationError(blocker)
    if user.is_active == is_active:
        raise ValidationError(
            _("This account is already active.") if is_active else _("This account is already deactivated.")
        )
    user.is_active = is_active
    user.full_clean()
    user.save(update_fields=["is_active"])
    events.record(
        actor=actor,
        verb="user.activated" if is_active else "user.deactivated",
        target=user,
        message=(_("Account activated") if is_active else _("Account deactivated")),
        data={"is_active": is_active},
    )
    return user


@transaction.atomic
def membership_add(
    *,
    actor,
    user: User,
    role: str,
    area=None,
    enterprise=None,
    agency=None,
    department=None,
    is_signatory: bool = False,
) -> Membership:
    """Give ``user`` a role within its scope. An identical deactivated membership is
    reactivated rather than duplicated."""
    errors = scope_errors(
        role=role,
        area=area,
        enterprise=enterprise,
        agency=agency,
        department=department,
        is_signatory=is_signatory,
    )
    if errors:
        raise ValidationError(errors)
    existing = (
        Membership.objects.select_for_update(no_key=True)
        .filter(
            user=user, role=role, area=area, enterprise=enterprise, agency=agency,
            department=department,
        )
        .first()
    )
    if existing is not None and existing.is_active:
        raise ValidationError(_("This user already holds this role with this scope."))
    if existing is not None:
        membership = existing
        membership.is_active = True
        membership.is_signatory = is_signatory
        verb, message = "membership.reactivated", _("Role reactivated: %(m)s")
    else:
        membership = Membership(
            user=user,
            role=role,
            area=area,
            enterprise=enterprise,
            agency=agency,
            department=department,
            is_signatory=is_signatory,
        )
        verb, message = "membership.added", _("Role added: %(m)s")
    membership.full_clean()
    membership.save()
    events.record(
        actor=actor,
        verb=verb,
        target=user,
        message=message % {"m": _membership_label(membership)},
        data={
            "membership": membership.pk,
            "role": role,
            "area": area.pk if area else None,
            "enterprise": enterprise.pk if enterprise else None,
            "agency": agency.pk if agency else None,
            "department": department.pk if department else None,
            "is_signatory": is_signatory,
        },
    )
    return membership


@transaction.atomic
def membership_set_active(*, actor, membership: Membership, is_active: bool) -> Membership:
    """Deactivate (or reactivate) one membership. An administrator cannot take away his own
    last active administrator role."""
    membership = Membership.objects.select_for_update(no_key=True).get(pk=membership.pk)
    if membership.is_active == is_active:
        raise ValidationError(
            _("This role is already active.") if is_active else _("This role is already deactivated.")
        )
    if (
        not is_active
        and actor is not None
        and actor.pk == membership.user_id
        and membership.role == Role.BUREAU_ADMIN
        and not Membership.objects.filter(user_id=actor.pk, role=Role.BUREAU_ADMIN, is_active=True)
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise ValidationError(_("You cannot remove your own last administrator role."))
    membership.is_active = is_active
    membership.full_clean()
    membership.save(update_fields=["is_active"])
    label = _membership_label(membership)
    events.record(
        actor=actor,
        verb="membership.activated" if is_active else "membership.deactivated",
        target=membership.user,
        message=(_("Role reactivated: %(m)s") if is_active else _("Role removed: %(m)s"))
        % {"m": label},
        data={"membership": membership.pk, "is_active": is_active},
    )
    return membership


# --- passwords and login lockouts -------------------------------------------------------------


@transaction.atomic
def password_set(*, actor, user: User, password: str, reset: bool = False) -> User:
    """Give ``user`` a new password: changed by the user (logged in, old password checked by
    the form) or reset through the e-mailed link (``reset=True``). A reset proves the user
    owns the account's e-mail address, so it also lifts a lockout of the user name."""
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    # on the caller's instance: the view keeps the session valid from its new hash
    user.set_password(password)
    user.save(update_fields=["password"])
    if reset:
        AccessAttempt.objects.filter(username=user.username).delete()
    events.record(
        actor=actor,
        verb="user.password_reset" if reset else "user.password_changed",
        target=user,
        message=_("Password reset through the e-mailed link")
        if reset
        else _("Password changed by the user"),
    )
    return user


LOCKOUT_KINDS = ("username", "ip_address")


@transaction.atomic
def lockout_release(*, actor, kind: str, key: str) -> int:
    """Lift the login lockout of a user name (``kind="username"``) or a network address
    (``kind="ip_address"``) before its cool-down ends: django-axes' failure records for it
    are deleted (the ones they share with the other kind no longer count there either).
    Recorded on the account when the user name belongs to one; returns the failures that
    were cleared."""
    if kind not in LOCKOUT_KINDS:
        raise ValidationError(_("Unknown kind of lockout."))
    # FOR UPDATE (not NO KEY): the rows are deleted, which needs the strong lock anyway
    attempts = list(AccessAttempt.objects.select_for_update().filter(**{kind: key}))
    if not attempts:
        raise ValidationError(_("Nothing to unlock: no failed log-ins are recorded for it."))
    failures = sum(a.failures_since_start for a in attempts)
    user = User.objects.filter(username=key).first() if kind == "username" else None
    AccessAttempt.objects.filter(pk__in=[a.pk for a in attempts]).delete()
    label = _("user name") if kind == "username" else _("network address")
    events.record(
        actor=actor,
        verb="login.unlocked",
        # an address or an unknown user name has no record of its own: the event is kept
        # on the (now deleted) failure record and listed on the lockout page
        target=user or attempts[0],
        message=_("Login lockout lifted for %(kind)s %(key)s (%(failures)d failed log-ins)")
        % {"kind": label, "key": key, "failures": failures},
        data={"kind": kind, "key": key, "failures": failures},
    )
    return failures


# --- notification e-mail settings (issue 15) ---


def mail_preferences(user) -> dict[str, str]:
    """{topic: mode} of every topic for ``user``: the stored choice, else immediate."""
    from accounts.models import MailPreference
    from zhongwei_carbon.models import MailMode, Topic

    stored = dict(MailPreference.objects.filter(user=user).values_list("topic", "mode"))
    return {topic: stored.get(topic, MailMode.IMMEDIATE) for topic in Topic.values}


def mail_preferences_set(*, user, modes: dict[str, str]) -> None:
    """Store the user's own e-mail mode per topic (``modes``: topic → mode; topics left out
    keep theirs). Notices already created keep the mode they were created with."""
    from accounts.models import MailPreference
    from zhongwei_carbon.models import MailMode, Topic

    bad = {t: m for t, m in modes.items() if t not in Topic.values or m not in MailMode.values}
    if bad:
        raise ValidationError(_("Unknown topic or e-mail mode: %(items)s")
                              % {"items": ", ".join(sorted(bad))})
    with transaction.atomic():
        MailPreference.objects.bulk_create(
            [MailPreference(user=user, topic=t, mode=m) for t, m in modes.items()],
            update_conflicts=True, unique_fields=["user", "topic"], update_fields=["mode"],
        )
