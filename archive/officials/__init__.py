"""Officials the archive finds by itself: names across scripts, recognition by role titles, candidates, re-tagging."""
