"""API of the programme's finance topic: viewsets registered on programme.api.urls.router."""
