"""Posting through an irreversible step's confirmation (zhongwei_carbon/confirm.py): the first
post is validated and answers with the confirmation step (nothing done yet); the second posts
the same entries with ``step=confirm`` (and the held file's token) and does it."""


def is_confirmation(response) -> bool:
    return response.status_code == 200 and "c" in (response.context or {}) and "token" in response.context


def post_and_confirm(client, url, data):
    """Both steps; returns the first answer when it is not a confirmation (an error page)."""
    first = client.post(url, data)
    if not is_confirmation(first):
        return first
    plain = {k: v for k, v in data.items() if not hasattr(v, "read")}
    return client.post(url, {**plain, "step": "confirm", "staged": first.context["token"]})
