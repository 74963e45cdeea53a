"""Account applications (self-registration of enterprise users) and their decision.

An enterprise listed in the registry asks for an account with its USCC; a bureau
administrator approves (the account is created through the accounts services with the
password the applicant chose) or refuses with a reason. A decided application is final.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import services as account_services
from registry.choices import RegistrationStatus
from registry.models import Enterprise, RegistrationRequest
from zhongwei_carbon import events, uscc
from zhongwei_carbon.roles import Role


def reference_number(application: RegistrationRequest) -> str:
    """The number an applicant quotes when asking about the application."""
    year = timezone.localtime(application.submitted_at).year
    return f"ZW-ZH-{year}-{application.pk:06d}"


def username_taken(username: str) -> bool:
    """A user name is taken by an existing account or by a pending application."""
    User = get_user_model()
    return (
        User.objects.filter(username__iexact=username).exists()
        or RegistrationRequest.objects.filter(
            username__iexact=username, status=RegistrationStatus.PENDING
        ).exists()
    )


@transaction.atomic
def registration_submit(
    *,
    uscc_code: str,
    enterprise_name: str,
    applicant_name: str,
    phone: str,
    email: str,
    username: str,
    password: str,
    position: str = "",
    wants_signatory: bool = False,
) -> RegistrationRequest:
    """File an application (anonymous: the applicant has no account yet)."""
    code = uscc.normalize(uscc_code)
    username = username.strip()
    errors: dict[str, list[str]] = {}
    reason = uscc.problem(code)
    enterprise = None
    if reason:
        errors["uscc"] = [reason]
    else:
        enterprise = Enterprise.objects.filter(uscc=code).first()
        if enterprise is None:
            errors["uscc"] = [
                _(
                    "No enterprise with this unified social credit code is in the registry. "
                    "Please contact the ecology and environment office of your county or park."
                )
            ]
    if username and username_taken(username):
        errors["username"] = [_("This user name is already taken. Please choose another one.")]
    User = get_user_model()
    try:
        validate_password(password, user=User(username=username, email=email, full_name=applicant_name))
    except ValidationError as exc:
        errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)

    application = RegistrationRequest(
        uscc=code,
        enterprise_name=enterprise_name.strip(),
        enterprise=enterprise,
        applicant_name=applicant_name.strip(),
        position=position.strip(),
        phone=phone.strip(),
        email=email.strip(),
        username=username,
        password_hash=make_password(password),
        wants_signatory=wants_signatory,
    )
    application.full_clean()
    application.save()
    events.record(
        actor=None,
        verb="registration.submitted",
        target=application,
        message=_("Account application filed by %(name)s for %(enterprise)s")
        % {"name": application.applicant_name, "enterprise": enterprise.name},
        data={"username": username, "enterprise": enterprise.pk, "wants_signatory": wants_signatory},
    )
    events.publish("registration.submitted", application_id=application.pk)
    return application


def _lock_pending(application: RegistrationRequest) -> RegistrationRequest:
    locked = RegistrationRequest.objects.select_for_update(no_key=True).get(pk=application.pk)
    if locked.status != RegistrationStatus.PENDING:
        raise ValidationError(
            _("This application was already decided (%(status)s); it cannot be decided again.")
            % {"status": locked.get_status_display()}
        )
    return locked


@transaction.atomic
def registration_approve(
    *, actor, application: RegistrationRequest, grant_signatory: bool = False, note: str = ""
):
    """Create the account (with the applicant's password) and its enterprise-user
    membership; ``grant_signatory`` only counts when the applicant asked for it."""
    application = _lock_pending(application)
    if application.enterprise_id is None:
        raise ValidationError(_("The application is not linked to an enterprise of the registry."))
    User = get_user_model()
    if User.objects.filter(username__iexact=application.username).exists():
        raise ValidationError(
            _("The user name %(username)s has been taken since the application was filed. "
              "Refuse the application and ask the applicant to apply again.")
            % {"username": application.username}
        )
    signatory = bool(grant_signatory and application.wants_signatory)
    user = account_services.user_create(
        actor=actor,
        username=application.username,
        full_name=application.applicant_name,
        phone=application.phone,
        email=application.email,
        password_hash=application.password_hash,
        membership={
            "role": Role.ENTERPRISE_USER,
            "enterprise": application.enterprise,
            "is_signatory": signatory,
        },
    )
    application.status = RegistrationStatus.APPROVED
    application.decided_at = timezone.now()
    application.decided_by = actor
    application.decision_note = note.strip()
    application.created_user = user
    application.full_clean()
    application.save()
    events.record(
        actor=actor,
        verb="registration.approved",
        target=application,
        message=_("Application approved; account %(username)s created") % {"username": user.username},
        data={"user": user.pk, "signatory": signatory},
    )
    events.publish("registration.decided", application_id=application.pk)
    return user


@transaction.atomic
def registration_refuse(*, actor, application: RegistrationRequest, reason: str) -> RegistrationRequest:
    """Refuse with a reason (required: the applicant is told why)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for refusing the application.")]})
    application = _lock_pending(application)
    application.status = RegistrationStatus.REFUSED
    application.decided_at = timezone.now()
    application.decided_by = actor
    application.decision_note = reason
    application.full_clean()
    application.save()
    events.record(
        actor=actor,
        verb="registration.refused",
        target=application,
        message=_("Application refused: %(reason)s") % {"reason": reason},
        data={"reason": reason},
    )
    events.publish("registration.decided", application_id=application.pk)
    return application
