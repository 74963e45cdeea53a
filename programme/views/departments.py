"""Pages of the programme's departments topic."""

urlpatterns: list = []
