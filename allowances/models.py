# Models arrive with their issue (DESIGN.md §3).
