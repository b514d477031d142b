"""festival: publish and query music-festival lineups."""
