"""Excel import of enterprises, facilities and emission records (bureau admin).

GET import/ shows the upload form; POST checks the file and shows either every problem
(nothing saved) or a preview of what would be created/updated. The checked file waits in
storage under a one-time token kept in the session; POST import/confirm/ applies it.
"""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from registry.services.import_template import template_workbook
from registry.services.imports import enterprise_import
from zhongwei_carbon import uploads
from zhongwei_carbon.excel import UploadRejected, xlsx_file_response
from zhongwei_carbon.roles import Perm
from zhongwei_carbon.web import require

SESSION_KEY = "registry_import"


class ImportForm(forms.Form):
    file = forms.FileField(
        help_text=uploads.help_with_limit(),
        label=gettext_lazy("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx", "class": "form-control"}),
    )


class ConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)


@require(Perm.IMPORT_ENTERPRISES)
@require_GET
def import_template(request):
    return xlsx_file_response(template_workbook(), ascii_name="registry-import-template.xlsx",
                              filename="企业设施排放导入模板.xlsx")


def _discard(request) -> None:
    pending = request.session.pop(SESSION_KEY, None)
    if pending and default_storage.exists(pending["path"]):
        default_storage.delete(pending["path"])


@require(Perm.IMPORT_ENTERPRISES)
@require_http_methods(["GET", "POST"])
def import_upload(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            problem = uploads.size_problem(upload.size)
            if problem:
                raise UploadRejected(problem)
            data = upload.read()
            result = enterprise_import(
                actor=request.user, data=data, filename=upload.name, apply=False
            )
        except UploadRejected as exc:
            form.add_error("file", str(exc))
        else:
            context["result"] = result
            if result.ok:
                _discard(request)
                token = uuid.uuid4().hex
                path = default_storage.save(f"imports/{token}.xlsx", ContentFile(data))
                request.session[SESSION_KEY] = {
                    "token": token,
                    "path": path,
                    "filename": upload.name,
                }
                context["confirm_form"] = ConfirmForm(initial={"token": token})
                context["filename"] = upload.name
                return render(request, "registry/import/preview.html", context)
    return render(request, "registry/import/upload.html", context)


@require(Perm.IMPORT_ENTERPRISES)
@require_POST
def import_confirm(request):
    form = ConfirmForm(request.POST)
    pending = request.session.get(SESSION_KEY)
    if (
        not form.is_valid()
        or not pending
        or form.cleaned_data["token"] != pending["token"]
        or not default_storage.exists(pending["path"])
    ):
        messages.error(request, _("This import has expired or was already applied. Upload again."))
        return redirect("registry:import")
    with default_storage.open(pending["path"], "rb") as fh:
        data = fh.read()
    try:
        result = enterprise_import(actor=request.user, data=data, filename=pending["filename"])
    except UploadRejected as exc:
        _discard(request)
        messages.error(request, str(exc))
        return redirect("registry:import")
    _discard(request)
    context = {"form": ImportForm(), "result": result, "filename": pending["filename"]}
    if not result.applied:
        return render(request, "registry/import/upload.html", context)
    messages.success(request, _("The import was saved."))
    return render(request, "registry/import/done.html", context)
