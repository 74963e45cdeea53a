"""Pages of the programme's ccer topic."""

urlpatterns: list = []
