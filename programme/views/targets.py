"""Pages of the programme's targets topic."""

urlpatterns: list = []
