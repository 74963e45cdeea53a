"""Who may act on an enterprise's records: one role-and-scope check for the reporting services
(reports, verification, ledgers)."""

from __future__ import annotations

from zhongwei_carbon import roles


def holds_role_for(actor, allowed_roles, *, enterprise, agency_id=None) -> bool:
    """Does ``actor`` hold one of ``allowed_roles`` within ``enterprise``'s scope (city, its
    area, the enterprise itself, or the agency ``agency_id`` assigned to the record)?"""
    if getattr(actor, "is_system", False):
        return True
    for m in roles.memberships(actor):
        if m.role not in allowed_roles:
            continue
        kind = roles.ROLE_SCOPE[m.role]
        if kind == roles.ScopeKind.CITY:
            return True
        if kind == roles.ScopeKind.AREA and m.area_id == enterprise.area_id:
            return True
        if kind == roles.ScopeKind.ENTERPRISE and m.enterprise_id == enterprise.pk:
            return True
        if kind == roles.ScopeKind.AGENCY and agency_id and m.agency_id == agency_id:
            return True
    return False
