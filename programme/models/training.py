"""Models of the programme's training topic."""
