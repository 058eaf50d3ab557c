"""The printed page: the brand, what a page shows, its figures as they read in each language, the layout and the PDF."""
