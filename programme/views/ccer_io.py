"""Excel import of the CCER project library (bureau admin): the template, and the upload that
is checked whole and saved whole, or not at all with the error table (sheet, row, column,
reason)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from programme.forms.ccer import ImportForm
from programme.services.ccer_import import (
    SHEET_PROJECTS,
    SHEET_REDUCTIONS,
    library_import,
    template,
)
from zhongwei_carbon import uploads, web
from zhongwei_carbon.excel import UploadRejected, xlsx_file_response
from zhongwei_carbon.roles import Perm

MANAGE = Perm.MANAGE_CCER_LIBRARY


@web.require(MANAGE)
@require_GET
def ccer_import_template(request):
    return xlsx_file_response(template(), ascii_name="ccer-library-template.xlsx",
                              filename="CCER项目库导入模板.xlsx")


@web.require(MANAGE)
@require_http_methods(["GET", "POST"])
def ccer_import(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "breadcrumbs": web.crumbs(
        (_("CCER project library"), "programme:ccer_list"), (_("Excel import"), None))}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            problem = uploads.size_problem(upload.size)
            if problem:
                raise UploadRejected(problem)
            result = library_import(actor=request.user, data=upload.read(),
                                    filename=upload.name)
        except UploadRejected as exc:
            form.add_error("file", str(exc))
        else:
            context["result"] = result
            if result.applied:
                messages.success(request, _("The import was saved."))
                counts = result.counts
                context["saved"] = {**counts[SHEET_PROJECTS],
                                    "years": counts[SHEET_REDUCTIONS]["updated"]}
    return render(request, "programme/ccer/import.html", context)
