"""API of the programme's tasks topic: viewsets registered on programme.api.urls.router."""
