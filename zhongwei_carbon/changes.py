"""Setting a service's changes on a record (the part every app's services repeat)."""

from __future__ import annotations


def apply(obj, data: dict, fields: tuple[str, ...]) -> list[str]:
    """Set ``data`` on ``obj``; return the names of the fields whose stored value changed
    (a foreign key compares by id). A name outside ``fields`` is a programming error."""
    unknown = set(data) - set(fields)
    if unknown:
        raise TypeError(f"cannot change {sorted(unknown)} here")
    changed = []
    for name in fields:
        if name not in data:
            continue
        attname = obj._meta.get_field(name).attname
        before = getattr(obj, attname)
        setattr(obj, name, data[name])
        if getattr(obj, attname) != before:
            changed.append(name)
    return changed
