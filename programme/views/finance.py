"""Pages of the programme's finance topic."""

urlpatterns: list = []
