"""API building blocks: every viewset reads through ``scoping.for_user`` (DESIGN.md §4.1); the
OpenAPI generator that documents every answer an operation can give (``AutoSchema``)."""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import exceptions, permissions, serializers

from zhongwei_carbon import roles, scoping, web

# ``@action(detail=True, methods=["get"], **PLAIN_ARRAY)``: an action of one record that answers a
# plain array of its children (versions, findings...): not paginated, and the collection's
# filters (?status=...) do not apply to the record it is called on.
PLAIN_ARRAY = {"pagination_class": None, "filter_backends": []}


class ChoiceLabelField(serializers.CharField):
    """The label of a choice field's value in the request's language, read-only: what
    ``source="get_status_display"`` gives, without its cost per row (Django hashes every
    lazy label of the field's choices on each call, DRF inspects the method's signature):
    40 % of a 50-report page (issue 11). ``source`` is the field itself."""

    def __init__(self, choices, **kwargs):
        self.labels = dict(choices)
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return str(self.labels.get(value, value))


# A year in the query string (``?cycle=2025``), as documented and as read by ``year_param``
# (``web.whole_number``: ASCII digits, at most 18 of them; more is a 400).
YEAR_QUERY = {"type": "integer", "minimum": 0, "maximum": 10**18 - 1}


def year_param(request, name: str) -> int | None:
    """The year a query parameter holds; None when absent or blank; anything but ASCII digits
    (``-1``, ``2025.5``, ``²``) is a 400 naming the parameter."""
    value = request.query_params.get(name, "")
    if not value:
        return None
    if (year := web.whole_number(value)) is None:
        raise exceptions.ValidationError({name: [_("Enter a year.")]})
    return year


class ActionPermission(permissions.BasePermission):
    """Grants a request when the user's role allows the viewset's action for that method.

    A viewset declares ``view_action`` (GET, HEAD, OPTIONS) and optionally ``change_action``
    (other methods). Rows outside the user's scope are filtered by ``ScopedQuerysetMixin``
    and so answer 404. A method the URL does not take (PUT on a read-only collection, GET on
    a POST-only action) is 405 with ``Allow`` for every logged-in user, not a 403: the
    methods of a URL are public (the OpenAPI document lists them).
    """

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        if request.method not in view.allowed_methods:
            return True  # DRF answers 405 Method Not Allowed
        if request.method in permissions.SAFE_METHODS:
            action = view.view_action
        else:
            action = getattr(view, "change_action", None)
            if action is None:
                return False
        return roles.has_perm(request.user, action)


class ScopedQuerysetMixin:
    view_action: str
    change_action: str | None = None
    permission_classes = [ActionPermission]

    def get_queryset(self):
        qs = super().get_queryset()
        method_safe = self.request.method in permissions.SAFE_METHODS
        action = self.view_action if method_safe else (self.change_action or self.view_action)
        return scoping.for_user(qs, self.request.user, action)


class PageByIdsMixin:
    """A list paginated over its rows' ids, the page's rows read whole after (issue 11): a
    list sorted across a join (reports by year and enterprise name) makes PostgreSQL join
    every row in scope, with every column the serializer's ``select_related`` brings, before
    ``LIMIT``; joining the narrow ids is a fraction of it (2,000 reports: 2 against 7 ms;
    the list at 5,000 enterprises: 25 against 34 ms). One query more, whatever the size."""

    def paginate_queryset(self, queryset):
        ids = super().paginate_queryset(queryset.values_list("pk", flat=True))
        if ids is None:
            return None
        by_pk = queryset.order_by().in_bulk(ids)
        return [by_pk[pk] for pk in ids if pk in by_pk]


# --- the OpenAPI document ---------------------------------------------------------------------

ERROR_DETAIL = {
    "type": "object",
    "description": "A refusal with one message.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR = {
    "type": "object",
    "description": (
        "The request was refused as it was sent, nothing was changed: each field named "
        "with its messages (a list; nested for lists and objects), `non_field_errors` for the "
        "request as a whole, `detail` for a body that cannot be read."
    ),
    "additionalProperties": {},
}
# status: (response component, description, body schema component)
ERROR_RESPONSES = {
    "400": ("BadRequest", "Invalid input (nothing was changed).", "ValidationError"),
    "401": ("Unauthorized", "No credentials or invalid ones (token or session).", "ErrorDetail"),
    "403": ("Forbidden", "The role may not do this (or a service refused it).", "ErrorDetail"),
    "404": ("NotFound", "No such record in the user's scope (or no such page).", "ErrorDetail"),
}
ERROR_SCHEMAS = {"ErrorDetail": ERROR_DETAIL, "ValidationError": VALIDATION_ERROR}
WWW_AUTHENTICATE = {
    "WWW-Authenticate": {
        "description": "The authentication scheme to use: `Token`.",
        "required": True,
        "schema": {"type": "string"},
    }
}


class AutoSchema(openapi.AutoSchema):
    """The project's OpenAPI generator (``DEFAULT_SCHEMA_CLASS``): drf-spectacular's, plus

    - every operation documents its error answers by reference to shared components:
      401, 403 and 404 everywhere (every endpoint needs a login, roles refuse with 403, a row
      out of scope or a bad page number is 404), 400 on every write (the services refuse a
      step the record's state does not allow) and where a filter is validated; the 401 names
      its ``WWW-Authenticate`` header;
    - an optional query parameter may be sent empty (``?status=``): django-filter and the
      views read it as "no filter" (``allowEmptyValue``);
    - a read-only field backed by a model field that may be blank (``contact_email``) may
      be the empty string even when it has a format (DRF drops ``allow_blank`` on read-only
      fields, so drf-spectacular would promise a valid e-mail)."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        queries = [p for p in operation.get("parameters", []) if p["in"] == "query"]
        for parameter in queries:
            if not parameter.get("required"):
                parameter["allowEmptyValue"] = True
        refusable = self.method != "GET" or any(p["name"] != "page" for p in queries)
        for status, (name, description, body) in ERROR_RESPONSES.items():
            if status == "400" and not refusable:
                continue
            response = self._error_response(name, description, body, status)
            operation["responses"].setdefault(status, response)
        return operation

    def _error_response(self, name, description, body, status) -> dict:
        schema = ResolvedComponent(
            name=body, type=ResolvedComponent.SCHEMA, schema=ERROR_SCHEMAS[body], object=body
        )
        self.registry.register_on_missing(schema)
        response = {
            "description": description,
            "content": {"application/json": {"schema": schema.ref}},
        }
        if status == "401":
            response["headers"] = WWW_AUTHENTICATE
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.RESPONSE, schema=response, object=name
        )
        self.registry.register_on_missing(component)
        return component.ref

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if (
            schema
            and field.read_only
            and schema.get("type") == "string"
            and ({"format", "pattern", "minLength"} & set(schema))
            and _model_field_may_be_blank(field)
        ):
            outer = {"readOnly", "writeOnly", "nullable", "deprecated", "description", "title"}
            inner = {k: schema.pop(k) for k in list(schema) if k not in outer}
            schema["oneOf"] = [inner, {"type": "string", "maxLength": 0}]
        return schema


def _model_field_may_be_blank(field) -> bool:
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or len(field.source_attrs) != 1:
        return False
    try:
        return bool(model._meta.get_field(field.source_attrs[0]).blank)
    except FieldDoesNotExist:
        return False
