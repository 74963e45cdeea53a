"""Models of the programme's ccer topic."""
