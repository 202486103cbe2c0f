"""`survey-app report …`: tallies, closures and report files."""
