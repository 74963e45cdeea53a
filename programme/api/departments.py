"""API of the programme's departments topic: viewsets registered on ``programme.api.urls.router``."""
