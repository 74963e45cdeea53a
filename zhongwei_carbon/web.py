"""Helpers every HTML view uses: access checks, scoped lookups, pagination, history, and the
two shapes of a step that calls a service (a form page, a button)."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect

from zhongwei_carbon import display, roles, scoping

PAGE_SIZE = 25


def require(action: str):
    """View decorator: anonymous → login page; logged in without the role → 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not roles.has_perm(request.user, action):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_action = action
        return wrapped

    return decorator


def get_scoped_or_404(qs, user, action: str, **lookup):
    """One row within the user's scope, or 404 (never reveal that it exists)."""
    try:
        return scoping.for_user(qs, user, action).get(**lookup)
    except qs.model.DoesNotExist:
        raise Http404 from None


def paginate(request, qs, per_page: int = PAGE_SIZE, param: str = "page"):
    """The page of ``qs`` that ``?page=`` (or ``param``, for a second list on a page) asks
    for; the template's ``includes/pagination.html`` takes ``page_param`` likewise."""
    return Paginator(qs, per_page).get_page(request.GET.get(param))


def history_rows(obj, limit: int = 50, exclude: tuple[str, ...] = ()) -> list[dict]:
    """The record's change history in words (``display.history_rows``: the one renderer)."""
    return display.history_rows(obj, limit=limit, exclude=exclude)


def apply_errors(form, exc, aliases: dict | None = None) -> None:
    """Put a service's ``ValidationError`` on ``form``: a field's errors on that field (or the
    field ``aliases`` maps it to), anything else as a non-field error."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            field = (aliases or {}).get(field, field)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def form_step(request, target, *, form, act, page, success: str):
    """A form page whose valid POST calls ``act(cleaned_data)`` (a service): done, the
    ``success`` message and back to ``target`` (a model with a page, a URL or a view name);
    refused, the service's ``ValidationError`` on the form and ``page(form)`` again. A GET or
    an invalid form is ``page(form)``."""
    if request.method == "POST" and form.is_valid():
        try:
            act(form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect(target)
    return page(form)


def post_step(request, target, act, success: str):
    """A button that posts no form: ``act()`` (a service); its ``ValidationError`` becomes an
    error message, else ``success``; back to ``target`` either way."""
    try:
        act()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect(target)


def send_file(field, filename: str):
    """Stream a stored file as an attachment (the caller has found its owner within the
    user's scope); a missing file is a 404, never a server error. Files are never served
    from /media/."""
    import os

    from django.http import FileResponse, Http404

    from zhongwei_carbon.uploads import document_type

    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    # a document is served as what its signature says it is (PDF/PNG/JPEG), whatever name it
    # was stored under: the type and the download's extension follow the bytes
    kind = document_type(handle.read(16))
    handle.seek(0)
    if kind is None:
        return FileResponse(handle, as_attachment=True, filename=filename)
    ext, content_type = kind
    filename = os.path.splitext(filename)[0] + ext
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)


def crumbs(*items) -> list[tuple[str, str | None]]:
    """Breadcrumbs that templates/base.html shows after 首页: ``(label, url or view name)``
    pairs, the last one being the page itself (``None`` for its url)."""
    from django.urls import reverse

    out = []
    for label, target in items:
        if target and not target.startswith(("/", "?")):
            target = reverse(target)
        out.append((label, target))
    return out


def whole_number(value) -> int | None:
    """A whole number typed in a URL or a form (``?year=2025``, ``?line=12``): ASCII digits
    only, at most 18 of them (a bigint), else None. ``str.isdigit`` alone lets ``²`` through
    to ``int()``, a server error."""
    value = "" if value is None else str(value)
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None


def enterprise_param(request) -> int | None:
    """``?enterprise=<pk>``: a list opened from an enterprise's page shows only its rows."""
    return whole_number(request.GET.get("enterprise"))


def filtered_enterprise(request, action: str):
    """The enterprise a list is filtered to (shown above the list with a way back to all),
    when the user may see it; ``None`` otherwise (the scoped list is then simply empty)."""
    from django.apps import apps

    pk = enterprise_param(request)
    if pk is None:
        return None
    enterprise = apps.get_model("registry", "Enterprise")
    return scoping.for_user(enterprise.objects.all(), request.user, action).filter(pk=pk).first()
