"""DRF's browsable API under the site's Content-Security-Policy (settings.py): its templates
carry style= attributes and pygments' <style> block, so its pages, and only they, allow
inline styles. Its scripts are static files already (script-src stays 'self')."""

from csp.constants import UNSAFE_INLINE
from rest_framework import renderers

BROWSABLE_API_POLICY = {"style-src": [UNSAFE_INLINE]}


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:  # read by django-csp's middleware, as csp_update sets it
            response._csp_update = BROWSABLE_API_POLICY
        return super().render(data, accepted_media_type, renderer_context)
