from django.conf import settings
from django.utils import translation


class LanguageMiddleware:
    """Chinese unless the user picked another language with the switch (cookie).

    Unlike Django's LocaleMiddleware the browser's Accept-Language is ignored: the portal
    is a Chinese government service and must open in Chinese on any office PC.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, settings.LANGUAGE_CODE)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
