"""Helpers every HTML view uses: access checks, scoped lookups, pagination, history."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404

from zhongwei_carbon import roles, scoping

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


def paginate(request, qs, per_page: int = PAGE_SIZE):
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def _shown(field, value):
    """A choice field's value as its label (「已通知」, not "notified")."""
    choices = dict(field.flatchoices) if getattr(field, "choices", None) else None
    if choices and value in choices:
        return choices[value]
    return value


def history_rows(obj, limit: int = 50, exclude: tuple[str, ...] = ()) -> list[dict]:
    """django-simple-history records of ``obj`` with field-level before/after; fields in
    ``exclude`` are left out (a record changing only those shows no field)."""
    records = list(obj.history.select_related("history_user").order_by("-history_date")[: limit + 1])
    rows = []
    for i, record in enumerate(records[:limit]):
        older = records[i + 1] if i + 1 < len(records) else None
        changes = []
        if older is not None:
            delta = record.diff_against(older, excluded_fields=list(exclude))
            for change in delta.changes:
                field = obj._meta.get_field(change.field)
                changes.append(
                    {
                        "field": field.verbose_name,
                        "old": _shown(field, change.old),
                        "new": _shown(field, change.new),
                    }
                )
        rows.append({"record": record, "changes": changes})
    return rows


def apply_errors(form, exc, aliases: dict | None = None) -> None:
    """Put a service's ``ValidationError`` on ``form``: a field's errors on that field (or the
    field ``aliases`` maps it to), anything else as a non-field error."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            field = (aliases or {}).get(field, field)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def send_file(field, filename: str):
    """Stream a stored file as an attachment (the caller has found its owner within the
    user's scope); a missing file is a 404, never a server error. Files are never served
    from /media/."""
    from django.http import FileResponse, Http404

    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=filename)
