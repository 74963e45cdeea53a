"""Demo data of the programme's targets topic (called by programme.demo_seed)."""


def seed(*, actor, stdout) -> None:
    pass
