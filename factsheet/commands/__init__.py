"""The commands `make` runs: build, preview, new edition, translation, approving page images."""
