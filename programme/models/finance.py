"""Models of the programme's finance topic."""
