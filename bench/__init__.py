"""Benchmarks (``python -m bench`` / ``make bench``)."""


def in_scratch_database(measure) -> int:
    """Run ``measure()`` in a fresh test database (created, then dropped), DEBUG off so that no
    query log grows; the database the developer works in is never touched."""
    from django.conf import settings
    from django.db import connection

    settings.DEBUG = False
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        measure()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0
