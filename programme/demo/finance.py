"""Demo data of the programme's finance topic (called by programme.demo_seed)."""


def seed(*, actor, stdout) -> None:
    pass
