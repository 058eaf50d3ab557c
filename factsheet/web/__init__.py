"""The web edition: where its files lie, and its pages' templates."""
