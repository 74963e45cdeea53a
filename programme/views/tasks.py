"""Pages of the programme's tasks topic."""

urlpatterns: list = []
