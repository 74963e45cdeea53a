"""Attendees of a training session from an Excel file (bureau admin): the template to fill
in, and the upload whose problems are listed as (sheet, row, column, reason) with nothing
saved (``programme.services.training_import``)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from programme.forms.training import AttendeeImportForm
from programme.services.training_import import attendees_import, headers
from zhongwei_carbon import uploads, web
from zhongwei_carbon.excel import Column, UploadRejected, xlsx_response
from zhongwei_carbon.roles import Perm


@web.require(Perm.MANAGE_TRAINING)
def training_import_template(request):
    columns = [Column(h, lambda r, i=i: r[i], 24) for i, h in enumerate(headers())]
    sample = [("91640500MA76XXXX0A", "", "张三", "能源管理员"), ("", "中宁县", "李四", "科员")]
    return xlsx_response(filename=_("training attendees template"), sheet_title=_("Attendees"),
                         columns=columns, rows=sample)


@web.require(Perm.MANAGE_TRAINING)
@require_http_methods(["GET", "POST"])
def training_import(request, pk):
    from programme.views.training import LIST, session_or_404

    session = session_or_404(request, pk)
    form = AttendeeImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            problem = uploads.size_problem(upload.size)
            if problem:
                raise UploadRejected(problem)
            result = attendees_import(actor=request.user, session=session, data=upload.read())
        except UploadRejected as exc:
            form.add_error("file", str(exc))
        else:
            if result.ok:
                messages.success(request, _("%(count)s attendee(s) imported.")
                                 % {"count": result.added})
                return redirect("programme:training_detail", pk=session.pk)
    detail = reverse("programme:training_detail", kwargs={"pk": session.pk})
    return render(request, "programme/training/import.html", {
        "form": form, "result": result, "session": session,
        "breadcrumbs": web.crumbs(LIST, (session.title, detail), (_("Import attendees"), None)),
    }, status=400 if result is not None and not result.ok else 200)


urlpatterns = [
    path("training/import-template/", training_import_template, name="training_import_template"),
    path("training/<int:pk>/attendees/import/", training_import, name="training_import"),
]
