"""Who hears about the registry's steps (issue 15): account applications wait for a bureau
administrator; a drafted key-emitter list waits for publication; a published list tells the
enterprises that enter or leave it and the officials of their areas. Subscribers of the
services' domain events, keyed so that a repeated event notifies once."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from registry.choices import ListChange
from registry.models import KeyEmitterList, RegistrationRequest
from zhongwei_carbon.events import subscribe
from zhongwei_carbon.models import Topic
from zhongwei_carbon.notifications import members, notify, notify_batch, resolve
from zhongwei_carbon.reminders import enterprise_users
from zhongwei_carbon.reminders.people import area_officials
from zhongwei_carbon.roles import Role


def _admins():
    return members(roles=[Role.BUREAU_ADMIN])


@subscribe("registration.submitted")
def registration_submitted(*, application_id, **_kwargs):
    application = RegistrationRequest.objects.select_related("enterprise").get(pk=application_id)
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            recipients=_admins(), key=f"registration:{application.pk}:submitted",
            subject=_("Account application of %(name)s for %(enterprise)s to decide") % {
                "name": application.applicant_name, "enterprise": application.enterprise.name},
            body=_("Check the applicant against the enterprise and approve or refuse."),
            link=reverse("registry:registration_detail", args=[application.pk]),
            topic=Topic.OTHER, todo=True, obj=application,
        )


@subscribe("registration.decided")
def registration_decided(*, application_id, **_kwargs):
    application = RegistrationRequest.objects.select_related("created_user").get(pk=application_id)
    resolve(application)
    if application.created_user is not None:
        with translation.override(settings.LANGUAGE_CODE):
            notify(
                recipients=[application.created_user],
                key=f"registration:{application.pk}:welcome",
                subject=_("Your account for %(enterprise)s is open") % {
                    "enterprise": application.enterprise_name},
                body=_("Monthly ledgers, the annual report and the surrender are done here; "
                       "deadlines are reminded in this inbox."),
                link=reverse("home"), topic=Topic.OTHER,
            )


@subscribe("key_list.drafted")
def key_list_drafted(*, key_list_id, actor_id=None, **_kwargs):
    key_list = KeyEmitterList.objects.get(pk=key_list_id)
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            recipients=_admins(), key=f"key-list:{key_list.pk}:draft",
            subject=_("Key-emitter list %(year)s drafted: check it and publish it") % {
                "year": key_list.year},
            link=reverse("registry:list_detail", args=[key_list.year]),
            topic=Topic.OTHER, todo=True, obj=key_list,
        )


@subscribe("key_list.published")
def key_list_published(*, key_list_id, **_kwargs):
    key_list = KeyEmitterList.objects.get(pk=key_list_id)
    resolve(key_list)
    entries = list(key_list.entries.filter(change__in=[ListChange.ADDED, ListChange.REMOVED])
                   .values_list("enterprise_id", "enterprise_name", "change", "area_id"))
    users = enterprise_users([e for e, _n, _c, _a in entries])
    by_area = defaultdict(list)
    link = reverse("registry:list_detail", args=[key_list.year])
    params = {"year": key_list.year, "number": key_list.document_number}
    officials = area_officials(area_id for _e, _n, _c, area_id in entries)
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        for enterprise_id, name, change, area_id in entries:
            by_area[area_id].append(name)
            subject = (_("%(enterprise)s is on the key-emitter list %(year)s (%(number)s)")
                       if change == ListChange.ADDED else
                       _("%(enterprise)s has left the key-emitter list %(year)s (%(number)s)"))
            messages.append(dict(recipients=users.get(enterprise_id, ()),
                                 key=f"key-list:{key_list.pk}:{enterprise_id}",
                                 subject=subject % {**params, "enterprise": name}, link=link,
                                 topic=Topic.OTHER))
        for area_id, names in by_area.items():
            messages.append(dict(
                recipients=officials.get(area_id, ()), key=f"key-list:{key_list.pk}:area",
                subject=_("Key-emitter list %(year)s published (%(number)s)") % params,
                body=_("Entering or leaving in your area: %(names)s") % {
                    "names": "、".join(names)},
                link=link, topic=Topic.OTHER))
    notify_batch(messages)  # a few queries, however many enterprises enter or leave
