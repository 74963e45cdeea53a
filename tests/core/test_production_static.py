"""The production build (issue 10 §1): collectstatic with the production storage (whitenoise's
compressed manifest) succeeds into a fresh folder, and a page rendered with DEBUG off links
the hashed files it wrote. Before the vendored Bootstrap lost its sourceMappingURL comments,
collectstatic stopped at the missing .map files and every production page was a 500."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

PRODUCTION_STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


def test_collectstatic_then_a_page_with_debug_off(tmp_path, client_as, bureau_admin):
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=PRODUCTION_STORAGES, DEBUG=False):
        call_command("collectstatic", "--noinput", "--verbosity", "0")
        assert (tmp_path / "staticfiles.json").exists()
        hashed = list((tmp_path / "vendor").glob("bootstrap-5.3.8.min.*.css"))
        assert hashed, "the manifest storage wrote no hashed stylesheet"
        response = client_as(bureau_admin).get(reverse("registry:enterprise_list"))
        assert response.status_code == 200
        html = response.content.decode()
        assert f"/static/vendor/{hashed[0].name}" in html
        for script in ("js/compliance-chart.js", "js/surrender-form.js"):
            assert list((tmp_path / "js").glob(script.split("/")[1].replace(".js", ".*.js")))
