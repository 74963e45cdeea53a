"""Models of the programme's tasks topic."""
