"""``manage.py seed_demo``: the demo data of ``registry/demo.py`` (idempotent).

Running it again changes nothing and writes no new event: every row is found by its natural
key (USCC, facility name, year, username) and passed through the services, which skip
unchanged data. Ends with the table of demo logins (``make demo`` shows it before serving).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from importlib import import_module

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

from accounts import services as account_services
from accounts.models import Membership, User
from registry import demo
from registry.choices import ListStatus
from registry.models import (
    Area,
    Department,
    EmissionRecord,
    Enterprise,
    Facility,
    KeyEmitterList,
    Sector,
)
from registry.services import departments as department_services
from registry.services import enterprises as registry_services
from registry.services import lists
from verifiers import services as verifier_services
from verifiers.models import Agency, AgencyQualification, VerifierStaff


class Command(BaseCommand):
    help = "Load the demo data (areas, ~40 enterprises, agencies, one user per role); idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-lists",
            action="store_true",
            help="Do not draft or publish key-emitter lists.",
        )

    def handle(self, *args, **options):
        # Demo users get portal notifications, but no e-mail is sent while seeding.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            self._seed(options)
        self._print_summary()

    def _seed(self, options):
        with transaction.atomic():
            admin = self._user(demo.USERS[0], actor=None)
            # the bureau administrator acts for the seed: its role comes first
            self._membership(demo.USERS[0], admin, actor=admin, enterprises={}, agencies={})
            enterprises = self._enterprises(actor=admin)
            agencies = self._agencies(actor=admin)
            self._departments(actor=admin)
            users = [admin] + [self._user(u, actor=admin) for u in demo.USERS[1:]]
            for spec, user in zip(demo.USERS, users, strict=True):
                self._membership(spec, user, actor=admin, enterprises=enterprises, agencies=agencies)
            self._agency_accounts(agencies, actor=admin)
            # Publish the past lists, then apply closures, then draft next year's list, so the
            # closed enterprise shows as "removed (closed)" on the draft.
            if not options["no_lists"]:
                self._published_lists(actor=admin)
            self._final_statuses(enterprises, actor=admin)
            if not options["no_lists"]:
                self._draft_list(actor=admin)
            self._seed_other_apps(actor=admin)
        # this morning's deadline reminders, as the beat would send them (idempotent)
        from zhongwei_carbon.reminders.service import send_reminders

        send_reminders(today=timezone.localdate())

    def _seed_other_apps(self, *, actor) -> None:
        """Apps above the registry add their own demo data through a ``demo_seed`` module
        (the registry must not import them, DESIGN.md §4.11)."""
        for config in apps.get_app_configs():
            if config.name == "registry" or not module_has_submodule(config.module, "demo_seed"):
                continue
            import_module(f"{config.name}.demo_seed").seed(actor=actor, stdout=self.stdout)

    # --- enterprises, facilities, records ----------------------------------------------

    def _enterprises(self, *, actor) -> dict[str, Enterprise]:
        areas = {a.code: a for a in Area.objects.all()}
        sectors = {s.code: s for s in Sector.objects.all()}
        result = {}
        for spec in demo.enterprises():
            data = {
                "uscc": spec.uscc,
                "name": spec.name,
                "area": areas[spec.area],
                "sector": sectors[spec.sector],
                "address": spec.address,
                "legal_representative": spec.legal_representative,
                "contact_person": spec.legal_representative,
                "contact_phone": f"0955-70{spec.uscc[-5:-1]}",
            }
            # The status is left alone here: closures happen after the lists (see handle).
            enterprise = Enterprise.objects.filter(uscc=spec.uscc).first()
            if enterprise is None:
                enterprise = registry_services.enterprise_create(actor=actor, data=data)
            else:
                enterprise = registry_services.enterprise_update(
                    actor=actor, enterprise=enterprise, data=data
                )
            self._facilities(enterprise, spec, actor=actor)
            self._records(enterprise, spec, actor=actor)
            result[spec.key] = enterprise
        return result

    def _facilities(self, enterprise, spec, *, actor) -> None:
        for index, (kind, name, capacity, fuel) in enumerate(spec.facilities):
            data = {
                "name": name,
                "facility_type": kind,
                "capacity_mw": Decimal(capacity) if capacity else None,
                "main_fuel": fuel,
                "commissioned_on": date(2008 + 2 * index + len(spec.name) % 5, 6, 30),
            }
            facility = Facility.objects.filter(enterprise=enterprise, name=name).first()
            if facility is None:
                registry_services.facility_create(actor=actor, enterprise=enterprise, data=data)
            else:
                registry_services.facility_update(actor=actor, facility=facility, data=data)

    def _records(self, enterprise, spec, *, actor) -> None:
        for year, (emissions, energy) in sorted(spec.figures.items()):
            source = "verified" if year <= 2024 else "self_reported"
            try:
                registry_services.emission_record_upsert(
                    actor=actor,
                    enterprise=enterprise,
                    year=year,
                    emissions_tco2e=emissions,
                    energy_tce=energy,
                    source=source,
                    note="演示数据",
                )
            except ValidationError:
                # A higher-ranked figure (e.g. verified since) is kept as it is.
                pass

    def _final_statuses(self, enterprises, *, actor) -> None:
        for spec in demo.enterprises():
            registry_services.enterprise_update(
                actor=actor, enterprise=enterprises[spec.key], data={"status": spec.status}
            )

    # --- agencies ------------------------------------------------------------------------

    def _agencies(self, *, actor) -> dict[str, Agency]:
        result = {}
        for spec in demo.AGENCIES:
            data = {"name": spec.name, "address": spec.address, "contact_person": spec.contact_person}
            agency = Agency.objects.filter(uscc=spec.uscc).first()
            if agency is None:
                agency = verifier_services.agency_create(actor=actor, uscc=spec.uscc, **data)
            else:
                agency = verifier_services.agency_update(actor=actor, agency=agency, **data)
            for kind, number, issued_by, valid_from, valid_until in spec.qualifications:
                fields = {
                    "kind": kind,
                    "issued_by": issued_by,
                    "valid_from": date.fromisoformat(valid_from),
                    "valid_until": date.fromisoformat(valid_until),
                    "sectors": list(Sector.objects.filter(code__in=spec.sectors))
                    if kind == "verification" else [],
                }
                qualification = AgencyQualification.objects.filter(
                    agency=agency, certificate_number=number
                ).first()
                if qualification is None:
                    verifier_services.qualification_create(
                        actor=actor, agency=agency, certificate_number=number, **fields
                    )
                else:
                    verifier_services.qualification_update(
                        actor=actor, qualification=qualification, **fields
                    )
            for name, number, valid_until in spec.staff:
                fields = {
                    "qualification_number": number,
                    "qualification_valid_until": date.fromisoformat(valid_until),
                }
                staff = VerifierStaff.objects.filter(agency=agency, name=name).first()
                if staff is None:
                    verifier_services.staff_create(actor=actor, agency=agency, name=name, **fields)
                else:
                    verifier_services.staff_update(actor=actor, staff=staff, **fields)
            result[spec.key] = agency
        return result

    def _agency_accounts(self, agencies, *, actor) -> None:
        """Link each agency login to its verifier record (after the membership exists)."""
        for spec in demo.USERS:
            if not spec.agency:
                continue
            staff = VerifierStaff.objects.get(agency=agencies[spec.agency], name=spec.full_name)
            if staff.user_id is None:
                user = User.objects.get(username=spec.username)
                verifier_services.staff_update(actor=actor, staff=staff, user=user)

    # --- departments and banks of the reform programme ---------------------------------------

    def _departments(self, *, actor) -> None:
        for order, (code, name, name_en, kind) in enumerate(demo.DEPARTMENTS, start=1):
            data = {"code": code, "name": name, "name_en": name_en, "kind": kind, "sort_order": order}
            department = Department.objects.filter(code=code).first()
            if department is None:
                department_services.department_create(actor=actor, data=data)
            else:
                department_services.department_update(actor=actor, department=department, data=data)
        for code, dataset in demo.DEPARTMENT_GRANTS:
            department = Department.objects.get(code=code)
            if not department.grants.filter(dataset=dataset, revoked_at__isnull=True).exists():
                department_services.grant_give(actor=actor, department=department, dataset=dataset)

    # --- users ------------------------------------------------------------------------------

    def _user(self, spec: demo.DemoUser, *, actor) -> User:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = account_services.user_create(
                actor=actor,
                username=spec.username,
                full_name=spec.full_name,
                email=f"{spec.username}@demo.zhongwei.invalid",
                password=demo.PASSWORD,
            )
        elif not user.check_password(demo.PASSWORD) or not user.is_active:
            # Demo logins always work after a seed, even if someone changed them.
            user.set_password(demo.PASSWORD)
            user.is_active = True
            user.save(update_fields=["password", "is_active"])
        if user.is_superuser != spec.superuser or user.is_staff != spec.superuser:
            # an older demo made ``admin`` a superuser: only ``root`` is one now
            user.is_superuser = user.is_staff = spec.superuser
            user.full_clean()
            user.save(update_fields=["is_superuser", "is_staff"])
        return user

    def _membership(self, spec, user, *, actor, enterprises, agencies) -> None:
        if not spec.role:
            return
        scope = {
            "area": Area.objects.get(code=spec.area) if spec.area else None,
            "enterprise": enterprises[spec.enterprise] if spec.enterprise else None,
            "agency": agencies[spec.agency] if spec.agency else None,
            "department": Department.objects.get(code=spec.department) if spec.department else None,
        }
        exists = Membership.objects.filter(user=user, role=spec.role, is_active=True, **scope).exists()
        if not exists:
            account_services.membership_add(
                actor=actor, user=user, role=spec.role, is_signatory=spec.is_signatory, **scope
            )

    # --- key-emitter lists ------------------------------------------------------------------

    def _published_lists(self, *, actor) -> None:
        for year, document_number in demo.PUBLISHED_LISTS:
            existing = KeyEmitterList.objects.filter(year=year).first()
            if existing is not None and existing.status == ListStatus.PUBLISHED:
                continue
            key_list = lists.key_list_draft(actor=actor, year=year)
            lists.key_list_publish(actor=actor, key_list=key_list, document_number=document_number)

    def _draft_list(self, *, actor) -> None:
        if not KeyEmitterList.objects.filter(year=demo.DRAFT_LIST_YEAR).exists():
            lists.key_list_draft(actor=actor, year=demo.DRAFT_LIST_YEAR)

    # --- output -------------------------------------------------------------------------------

    def _print_summary(self) -> None:
        write = self.stdout.write
        write(
            f"Demo data: {Enterprise.objects.count()} enterprises, "
            f"{Facility.objects.count()} facilities, "
            f"{EmissionRecord.objects.count()} annual records, "
            f"{Agency.objects.count()} agencies, {KeyEmitterList.objects.count()} key-emitter lists."
        )
        write("")
        write(f"Demo logins (password for all: {demo.PASSWORD})")
        header = f"  {'user':<10} {'role':<16} scope"
        write(header)
        write("  " + "-" * (len(header) + 20))
        for spec in demo.USERS:
            membership = (
                Membership.objects.filter(user__username=spec.username, role=spec.role)
                .select_related("area", "enterprise", "agency", "department")
                .first()
            )
            scope = membership.scope_label if membership else "-"
            if spec.is_signatory:
                scope += " (signatory)"
            if spec.superuser:
                scope = "Django /admin/ only (superuser, no portal role)"
            write(f"  {spec.username:<10} {spec.role or '-':<18} {scope}")
        write("")
