"""API of the programme's ccer topic: viewsets registered on programme.api.urls.router."""
