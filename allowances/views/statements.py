"""Registry statement pages (issue 5 §3): the list with the import form, the template, the
reconciliation report, its Excel export and the stored file. Reading needs VIEW_STATEMENT
(bureau); importing needs POST_LEDGER (bureau admin). Thin: forms check, services act."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from allowances.models import RegistryStatement
from allowances.selectors import statements as sel
from allowances.services import statements as svc
from zhongwei_carbon import events, roles, uploads, web
from zhongwei_carbon.excel import Column, xlsx_file_response, xlsx_response
from zhongwei_carbon.forms import BootstrapMixin
from zhongwei_carbon.roles import Perm

TEMPLATES = "allowances/statements/"


class ImportForm(BootstrapMixin, forms.Form):
    as_of = forms.DateField(
        label=gettext_lazy("Statement date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    file = forms.FileField(
        help_text=uploads.help_with_limit(),
        label=gettext_lazy("Statement file (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=300, required=False)


class LineFilterForm(BootstrapMixin, forms.Form):
    show = forms.ChoiceField(label=gettext_lazy("Show"), choices=sel.SHOW_CHOICES, required=False)
    q = forms.CharField(label=gettext_lazy("Name or credit code"), required=False, max_length=100)


@web.require(Perm.VIEW_STATEMENT)
@require_http_methods(["GET", "POST"])
def statement_list(request):
    can_import = roles.has_perm(request.user, Perm.POST_LEDGER)
    if request.method == "POST" and not can_import:
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None) if can_import else None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            problem = uploads.size_problem(upload.size)
            if problem:
                raise ValidationError({"file": problem})
            statement = svc.statement_import(
                actor=request.user,
                as_of=form.cleaned_data["as_of"],
                upload_name=upload.name,
                data=upload.read(),
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            web.apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Statement imported: %(lines)d lines, %(diff)d differences.")
                % {"lines": statement.line_count, "diff": statement.difference_count},
            )
            return redirect("allowances:statement_detail", pk=statement.pk)
    return render(
        request,
        TEMPLATES + "list.html",
        {
            "form": form,
            "page_obj": web.paginate(request, sel.statements_for(request.user)),
            "can_import": can_import,
        },
    )


@web.require(Perm.POST_LEDGER)
@require_GET
def statement_template(request):
    return xlsx_file_response(svc.template_workbook(),
                              ascii_name="registry-statement-template.xlsx",
                              filename="登记簿持有量对账单模板.xlsx")


def _statement(request, pk) -> RegistryStatement:
    return web.get_scoped_or_404(
        RegistryStatement.objects.select_related("uploaded_by"),
        request.user,
        Perm.VIEW_STATEMENT,
        pk=pk,
    )


@web.require(Perm.VIEW_STATEMENT)
@require_GET
def statement_detail(request, pk):
    statement = _statement(request, pk)
    filters = LineFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    report = sel.reconciliation(
        statement, show=data.get("show") or sel.SHOW_DIFFERENCES, q=data.get("q", "")
    )
    page_obj = web.paginate(request, report.lines, per_page=50)
    for line in page_obj:
        line.status_label = sel.status_label(line.status)
    return render(
        request,
        TEMPLATES + "detail.html",
        {
            "statement": statement,
            "report": report,
            "filters": filters,
            "page_obj": page_obj,
            "can_post": roles.has_perm(request.user, Perm.POST_LEDGER),
            "events": events.for_object(statement),
        },
    )


def line_columns() -> list[Column]:
    return [
        Column(_("Unified social credit code"), lambda ln: ln.uscc, 22),
        Column(_("Enterprise"), lambda ln: ln.enterprise.name if ln.enterprise else "", 32),
        Column(_("Unit type"), lambda ln: ln.get_unit_type_display(), 14),
        Column(_("Vintage"), lambda ln: ln.vintage, 8),
        Column(_("CCER project"), lambda ln: ln.project.code if ln.project else "", 18),
        Column(_("Statement (t)"), lambda ln: ln.statement_quantity, 14),
        Column(_("Portal (t)"), lambda ln: ln.portal_quantity, 14),
        Column(_("Difference (t)"), lambda ln: ln.difference, 14),
        Column(_("Status"), lambda ln: sel.status_label(ln.status), 18),
    ]


@web.require(Perm.VIEW_STATEMENT)
@require_GET
def statement_export(request, pk):
    statement = _statement(request, pk)
    return xlsx_response(
        filename=_("registry-statement-%(date)s") % {"date": statement.as_of.isoformat()},
        sheet_title=_("Reconciliation"),
        columns=line_columns(),
        rows=sel.lines_of(statement, show=sel.SHOW_ALL),
    )


@web.require(Perm.VIEW_STATEMENT)
@require_GET
def statement_download(request, pk):
    statement = _statement(request, pk)
    return web.send_file(statement.file, statement.file_name)
