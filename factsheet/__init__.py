"""The fact sheet pipeline: data -> tidy tables -> chart -> HTML -> PDF."""

__version__ = "0.1.0"
