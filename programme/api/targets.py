"""API of the programme's targets topic: viewsets registered on programme.api.urls.router."""
