"""Pages of the programme's training topic."""

urlpatterns: list = []
