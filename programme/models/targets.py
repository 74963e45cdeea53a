"""Models of the programme's targets topic."""
