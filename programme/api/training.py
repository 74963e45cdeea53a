"""API of the programme's training topic: viewsets registered on programme.api.urls.router."""
