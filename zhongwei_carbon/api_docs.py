"""The API documentation pages (Swagger UI and Redoc, served offline from
drf-spectacular-sidecar) under the site's Content-Security-Policy (settings.py; DRF's
browsable API: zhongwei_carbon/api_renderers.py).

Swagger UI: the "split" view serves its start-up script from a URL of its own (``?script``)
instead of an inline ``<script>``, and our template links a stylesheet instead of an inline
``<style>``, so the page runs under the site's policy unchanged.

Redoc: its bundle writes its styles as ``<style>`` elements at run time (styled-components)
and runs its search index in a worker created from a ``blob:`` URL, so this one page, which
shows nothing but the schema, allows inline styles and blob workers. Scripts stay
``'self'`` only there too; our template loads no web font (the stock one does, from a CDN).
"""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

REDOC_POLICY = {"style-src": [UNSAFE_INLINE], "worker-src": [SELF, "blob:"]}


class SwaggerView(SpectacularSwaggerSplitView):
    template_name = "api_docs/swagger_ui.html"


class RedocView(SpectacularRedocView):
    template_name = "api_docs/redoc.html"


swagger = SwaggerView.as_view(url_name="api-schema")
redoc = csp_update(REDOC_POLICY)(RedocView.as_view(url_name="api-schema"))

